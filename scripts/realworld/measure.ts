/**
 * Scans one cached real-world set with the CLI's own pipeline (`scanTemplates`) and compares the
 * report with the manifest's expectations: workspaces found, verdicts right, false passes, file
 * errors Azure would not raise, unknowns the template decides, dependencies linked. Each mismatch
 * carries the root cause of issue 10 most likely behind it (see `causes.ts`).
 */
import path from 'node:path';
import type { Finding, FileError, Logger, Report } from '../../src/model.js';
import { scanTemplates } from '../../src/scan.js';
import { findBicepCli } from '../../src/sources/bicep.js';
import { cachedState } from './cache.js';
import { causeOf, type Mismatch } from './causes.js';
import type {
  DependencyExpectation,
  ExpectedStatus,
  RuleExpectation,
  SetSpec,
  WorkspaceExpectation,
} from './manifest.js';

export interface Figures {
  workspacesPresent: number;
  workspacesFound: number;
  verdictsChecked: number;
  verdictsRight: number;
  /** A `pass` where the manifest expects fail, warn or unknown. Must be 0. */
  falsePass: number;
  /** File errors the manifest does not list (Azure would not raise them). Must be 0. */
  fileErrors: number;
  /** `unknown` where the manifest expects a status the template decides. Must be 0. */
  unknownsDecided: number;
  dependenciesPresent: number;
  dependenciesLinked: number;
}

export interface SetResult {
  id: string;
  /** `measured`, or why the set was not scanned. */
  state: 'measured' | 'not cached' | 'stale cache' | 'needs Bicep';
  figures: Figures;
  mismatches: Mismatch[];
  /** Findings on resources no workspace was linked to (what they are, for the reader). */
  unlinked: string[];
  errors: FileError[];
}

export function emptyFigures(): Figures {
  return {
    workspacesPresent: 0,
    workspacesFound: 0,
    verdictsChecked: 0,
    verdictsRight: 0,
    falsePass: 0,
    fileErrors: 0,
    unknownsDecided: 0,
    dependenciesPresent: 0,
    dependenciesLinked: 0,
  };
}

export function addFigures(total: Figures, more: Figures): Figures {
  const sum = { ...total };
  for (const key of Object.keys(sum) as (keyof Figures)[]) sum[key] += more[key];
  return sum;
}

/** Statuses the template decides: an `unknown` in their place is a decided unknown. */
const DECIDED: readonly ExpectedStatus[] = ['pass', 'fail', 'warn', 'info', 'none'];

const quietLogger = (warnings: string[]): Logger => ({
  debug: () => undefined,
  info: () => undefined,
  warning: (message) => warnings.push(message),
  error: (message) => warnings.push(message),
});

function lastSegment(value: string): string {
  return value.replace(/\/+$/, '').split('/').pop() ?? value;
}

function nameMatches(actual: string, name: string, pattern?: string): boolean {
  if (pattern) return new RegExp(pattern, 'i').test(actual);
  return actual.toLowerCase() === name.toLowerCase();
}

/** A resource name or id names the target: the whole name, or its last segment (ids, `parent/child`). */
function targetMatches(finding: Finding, dependency: DependencyExpectation): boolean {
  const candidates = [
    finding.resource.name,
    lastSegment(finding.resource.name),
    lastSegment(finding.resource.id),
  ];
  return candidates.some((candidate) => nameMatches(candidate, dependency.target, dependency.targetPattern));
}

/** Scans the cached copy of a set and compares with its expectations. */
export async function measureSet(set: SetSpec, root: string, now = new Date()): Promise<SetResult> {
  const result: SetResult = {
    id: set.id,
    state: 'measured',
    figures: emptyFigures(),
    mismatches: [],
    unlinked: [],
    errors: [],
  };
  result.figures.workspacesPresent = set.workspaces.length;
  result.figures.dependenciesPresent = set.workspaces.reduce((n, ws) => n + ws.dependencies.length, 0);
  const state = cachedState(set, root);
  if (state !== 'ok') {
    result.state = state === 'absent' ? 'not cached' : 'stale cache';
    return result;
  }
  if (set.needs.includes('bicep') && !findBicepCli({})) {
    result.state = 'needs Bicep';
    return result;
  }
  const dir = path.join(root, set.id);
  const warnings: string[] = [];
  let report: Report;
  try {
    report = await scanTemplates({
      paths: scanPaths(set),
      cwd: dir,
      failOn: 'never',
      unknownAs: 'unknown',
      logger: quietLogger(warnings),
      now,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    report = {
      tool: { name: 'aml-ha-gate', version: '' },
      mode: 'templates',
      verdict: 'fail',
      summary: { pass: 0, fail: 0, warn: 0, info: 0, unknown: 0, suppressed: 0, regressions: 0 },
      findings: [],
      errors: [{ file: set.entries[0]!.template, message: `scan failed: ${message}` }],
    };
  }
  compare(set, report, result);
  return result;
}

/** What the scan is given: the entry templates, and the `.bicepparam` files that go with them. */
export function scanPaths(set: SetSpec): string[] {
  const paths: string[] = [];
  for (const entry of set.entries) {
    paths.push(entry.template);
    const file = entry.parameters && 'file' in entry.parameters ? entry.parameters.file : undefined;
    if (file?.toLowerCase().endsWith('.bicepparam')) paths.push(file);
  }
  return paths;
}

/** The comparison itself, apart from scanning (tested on hand-made reports). */
export function compare(set: SetSpec, report: Report, result: SetResult): void {
  const figures = result.figures;
  result.errors = report.errors;
  const expectedErrors = set.fileErrors.map((pattern) => new RegExp(pattern, 'i'));
  for (const error of report.errors) {
    // Matched against "file:line message", so an expected error must also be at the right place.
    const shown = `${error.file}${error.line ? `:${error.line}` : ''} ${error.message}`;
    if (expectedErrors.some((pattern) => pattern.test(shown))) continue;
    figures.fileErrors++;
    result.mismatches.push({
      set: set.id,
      subject: `file error ${error.file}${error.line ? `:${error.line}` : ''}`,
      expected: 'no error (Azure would deploy it)',
      actual: error.message,
      cause: causeOf({ kind: 'fileError', set, message: error.message }),
    });
  }
  for (const [index, pattern] of expectedErrors.entries()) {
    const seen = report.errors.some((error) =>
      pattern.test(`${error.file}${error.line ? `:${error.line}` : ''} ${error.message}`),
    );
    if (seen) continue;
    result.mismatches.push({
      set: set.id,
      subject: 'expected file error',
      expected: `an error matching /${set.fileErrors[index]}/`,
      actual:
        report.errors.length > 0
          ? report.errors.map((e) => `${e.file}:${e.line ?? ''} ${e.message}`).join('; ')
          : 'none',
      cause: causeOf({ kind: 'fileError', set, message: set.fileErrors[index]! }),
    });
  }
  const findings = report.findings;
  const workspaceFindings = findings.filter((f) => f.resource.role === 'workspace');
  const matchedWorkspaceNames = new Set<string>();

  for (const workspace of set.workspaces) {
    const own = workspaceFindings.filter((f) =>
      nameMatches(f.resource.name, workspace.name, workspace.namePattern),
    );
    const actualName = own[0]?.resource.name;
    if (actualName) {
      figures.workspacesFound++;
      matchedWorkspaceNames.add(actualName.toLowerCase());
    } else {
      result.mismatches.push({
        set: set.id,
        subject: `workspace ${workspace.name}`,
        expected: 'found',
        actual: 'not in the report',
        cause: workspace.cause ?? causeOf({ kind: 'missingWorkspace', set, report }),
      });
    }
    for (const [ruleId, expectation] of Object.entries(workspace.rules)) {
      const hits = own.filter((f) => f.ruleId === ruleId);
      checkVerdict(set, `${workspace.name} ${ruleId}`, expectation, hits, result, {
        workspace,
        missing: !actualName,
      });
    }
    for (const dependency of workspace.dependencies) {
      checkDependency(set, workspace, actualName, dependency, findings, result);
    }
  }

  const missingCause = set.workspaces.find(
    (ws) =>
      ws.cause !== undefined &&
      !workspaceFindings.some((f) => nameMatches(f.resource.name, ws.name, ws.namePattern)),
  )?.cause;
  for (const finding of workspaceFindings) {
    if (matchedWorkspaceNames.has(finding.resource.name.toLowerCase())) continue;
    matchedWorkspaceNames.add(finding.resource.name.toLowerCase());
    result.mismatches.push({
      set: set.id,
      subject: `workspace ${finding.resource.name}`,
      expected: 'not deployed by this set',
      actual: 'reported as a workspace',
      // Usually an expected workspace under a name that did not resolve: that workspace's reason.
      cause: missingCause ?? causeOf({ kind: 'extraWorkspace', set, finding }),
    });
  }
  const unlinked = new Set<string>();
  for (const finding of findings) {
    if (finding.resource.role === 'unlinked')
      unlinked.add(`${finding.resource.type} ${finding.resource.name}`);
  }
  result.unlinked = [...unlinked].sort();
}

function checkDependency(
  set: SetSpec,
  workspace: WorkspaceExpectation,
  actualName: string | undefined,
  dependency: DependencyExpectation,
  findings: Finding[],
  result: SetResult,
): void {
  const subject = `${workspace.name} → ${dependency.role} ${dependency.target}`;
  let own: Finding[];
  if (dependency.role === 'hub') {
    // A project's hub is judged through the project's own RegistryLinked finding: linked when that
    // finding speaks of the hub (its evidence is the hub id, or its message names the hub).
    const target = dependency.target.toLowerCase();
    own = findings.filter(
      (f) =>
        f.resource.role === 'workspace' &&
        actualName !== undefined &&
        f.resource.name.toLowerCase() === actualName.toLowerCase() &&
        f.ruleId === 'HA.Workspace.RegistryLinked' &&
        (f.evidence.path === 'properties.hubResourceId' ||
          f.message.toLowerCase().includes(target) ||
          String(f.evidence.value).toLowerCase().includes(target)),
    );
  } else {
    const sameRole = findings.filter(
      (f) => f.resource.role === dependency.role && targetMatches(f, dependency),
    );
    const forThisWorkspace = sameRole.filter(
      (f) => actualName !== undefined && f.workspace?.toLowerCase() === actualName.toLowerCase(),
    );
    // A resource that serves several workspaces is reported once, under the first of them.
    own = forThisWorkspace.length > 0 ? forThisWorkspace : sameRole;
  }
  const linked = own.length > 0;
  if (linked) result.figures.dependenciesLinked++;
  else {
    result.mismatches.push({
      set: set.id,
      subject,
      expected: `linked (${dependency.where} the scanned templates)`,
      actual: describeUnlinked(findings, dependency),
      cause:
        dependency.cause ??
        (actualName ? undefined : workspace.cause) ??
        causeOf({ kind: 'unlinkedDependency', set, dependency, findings }),
    });
  }
  for (const [ruleId, expectation] of Object.entries(dependency.rules)) {
    const hits = own.filter((f) => f.ruleId === ruleId);
    checkVerdict(set, `${subject} ${ruleId}`, expectation, hits, result, {
      workspace,
      dependency,
      missing: !actualName,
    });
  }
}

function describeUnlinked(findings: Finding[], dependency: DependencyExpectation): string {
  const elsewhere = findings.filter((f) => targetMatches(f, dependency));
  if (elsewhere.length === 0) return 'no finding names it';
  const roles = [
    ...new Set(elsewhere.map((f) => `${f.resource.role}${f.workspace ? ` of ${f.workspace}` : ''}`)),
  ];
  return `reported with role ${roles.join(', ')}`;
}

function checkVerdict(
  set: SetSpec,
  subject: string,
  expectation: RuleExpectation,
  hits: Finding[],
  result: SetResult,
  context: { workspace: WorkspaceExpectation; dependency?: DependencyExpectation; missing: boolean },
): void {
  // When the workspace itself is missing, its verdicts fail for the workspace's reason.
  const fallback = context.missing ? (context.dependency?.cause ?? context.workspace.cause) : undefined;
  const figures = result.figures;
  figures.verdictsChecked++;
  const accepted = expectation.statuses;
  const expectedText = `${accepted.join('|')} (${expectation.why})`;
  if (hits.length === 0) {
    if (accepted.includes('none')) {
      figures.verdictsRight++;
      return;
    }
    result.mismatches.push({
      set: set.id,
      subject,
      expected: expectedText,
      actual: 'no finding',
      cause: expectation.cause ?? fallback ?? causeOf({ kind: 'missingFinding', set, ...context }),
    });
    return;
  }
  const statuses = [...new Set(hits.map((f) => f.status as ExpectedStatus))];
  const says = expectation.says ? new RegExp(expectation.says, 'i') : undefined;
  const saysRight = !says || hits.every((f) => says.test(f.message));
  const right = statuses.every((status) => accepted.includes(status)) && saysRight;
  if (right) figures.verdictsRight++;
  if (statuses.includes('pass') && !accepted.includes('pass')) {
    if (accepted.some((s) => s === 'fail' || s === 'warn' || s === 'unknown')) figures.falsePass++;
  }
  if (
    statuses.includes('unknown') &&
    !accepted.includes('unknown') &&
    accepted.some((s) => DECIDED.includes(s))
  )
    figures.unknownsDecided++;
  if (!right) {
    const finding =
      hits.find((f) => !accepted.includes(f.status as ExpectedStatus)) ??
      hits.find((f) => says !== undefined && !says.test(f.message)) ??
      hits[0]!;
    result.mismatches.push({
      set: set.id,
      subject,
      expected: says ? `${expectedText}, saying /${expectation.says}/` : expectedText,
      actual: `${finding.status}: ${finding.message}`,
      cause:
        expectation.cause ?? fallback ?? causeOf({ kind: 'wrongStatus', set, finding, accepted, ...context }),
    });
  }
  if (hits.length > 1) {
    result.mismatches.push({
      set: set.id,
      subject,
      expected: 'one finding',
      actual: `${hits.length} findings (${hits.map((f) => f.status).join(', ')})`,
      cause: causeOf({ kind: 'duplicate', set }),
    });
  }
}
