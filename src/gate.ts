import { globMatch, type GateConfigFile, type Suppression } from './config-file.js';
import { ConfigurationError } from './errors.js';
import {
  type FileError,
  type Finding,
  type Report,
  type Status,
  STATUSES,
  statusRank,
  type Summary,
} from './model.js';

export type FailOn = 'regression' | 'fail' | 'warn' | 'never';
export type UnknownAs = 'unknown' | 'warn' | 'fail';

export interface GateOptions {
  mode: Report['mode'];
  failOn: FailOn;
  unknownAs: UnknownAs;
  config?: GateConfigFile;
  /** Findings of the baseline report or of the base branch: what is new or worse is a regression. */
  baseline?: Finding[];
  /**
   * Findings that carry their own "before" (a Terraform plan: the resources as they are now): a
   * covered finding is a regression when worse than there, and, when `baseline` is given, worse
   * than in it too (a saved baseline accepts what it holds).
   */
  ownBaseline?: { findings: Finding[]; covers: (finding: Finding) => boolean };
  /** Notes of the sources for the reader (what a plan deletes or replaces, …). */
  notes?: string[];
  now: Date;
  version: string;
  context?: Report['context'];
}

/**
 * From raw findings to the report and its verdict: per-rule overrides, then suppressions, then
 * regressions against the baseline, then counts and the pass/fail decision (docs/rules.md).
 */
export function applyGate(findings: Finding[], errors: FileError[], options: GateOptions): Report {
  const notes: string[] = [...(options.notes ?? [])];
  const config = options.config;
  let current = config ? applyOverrides(findings, config) : findings;
  if (config && config.suppressions.length > 0)
    current = applySuppressions(current, config, options.now, notes);
  if (options.ownBaseline) {
    const { covers, findings: before } = options.ownBaseline;
    const own = markRegressions(current, before, options.unknownAs);
    const saved = options.baseline
      ? markRegressions(current, options.baseline, options.unknownAs)
      : undefined;
    current = current.map((finding, index) => {
      if (!covers(finding)) return saved ? saved[index]! : finding;
      const regression = own[index]!.regression && (!saved || saved[index]!.regression);
      return regression === finding.regression ? finding : { ...finding, regression };
    });
  } else if (options.baseline) current = markRegressions(current, options.baseline, options.unknownAs);

  const summary = summarize(current);
  const { verdict, reason } = decide(current, errors, options);
  notes.unshift(reason);
  const report: Report = {
    tool: { name: 'aml-ha-gate', version: options.version },
    mode: options.mode,
    verdict,
    summary,
    findings: current,
    errors,
  };
  if (options.context) report.context = options.context;
  report.notes = notes;
  return report;
}

function applyOverrides(findings: Finding[], config: GateConfigFile): Finding[] {
  const result: Finding[] = [];
  for (const finding of findings) {
    const override = config.rules[finding.ruleId];
    if (override === 'off') continue;
    if (override && finding.status !== override && finding.status !== 'pass') {
      result.push({
        ...finding,
        status: override,
        message: `${finding.message} (reported as ${override} by the config file; the rule says ${finding.status})`,
      });
    } else {
      result.push(finding);
    }
  }
  return result;
}

function applySuppressions(
  findings: Finding[],
  config: GateConfigFile,
  now: Date,
  notes: string[],
): Finding[] {
  const today = now.toISOString().slice(0, 10);
  const expiredSeen = new Set<Suppression>();
  return findings.map((finding) => {
    if (finding.status === 'pass' || finding.status === 'suppressed') return finding;
    const match = config.suppressions.find((suppression) => suppressionMatches(suppression, finding));
    if (!match) return finding;
    if (match.expires && match.expires < today) {
      if (!expiredSeen.has(match)) {
        expiredSeen.add(match);
        const where = config.file ? ` (${config.file}${match.line ? `:${match.line}` : ''})` : '';
        notes.push(
          `The suppression of ${match.rule} for ${match.resource} expired on ${match.expires}${where} and no longer applies: renew it with a new date or fix ${finding.resource.name}.`,
        );
      }
      return finding;
    }
    return {
      ...finding,
      status: 'suppressed' as const,
      suppression: {
        reason: match.reason,
        ...(match.expires ? { expires: match.expires } : {}),
        originalStatus: finding.status,
      },
    };
  });
}

function suppressionMatches(suppression: Suppression, finding: Finding): boolean {
  if (!globMatch(suppression.rule, finding.ruleId)) return false;
  if (!globMatch(suppression.resource, finding.resource.name)) return false;
  if (suppression.workspace !== undefined && !globMatch(suppression.workspace, finding.workspace ?? ''))
    return false;
  return true;
}

/** Stable identity of a finding across runs and modes: rule, resource type and name, workspace. */
export function findingKey(finding: Pick<Finding, 'ruleId' | 'resource' | 'workspace'>): string {
  return [
    finding.ruleId,
    finding.resource.type.toLowerCase(),
    finding.resource.name.toLowerCase(),
    (finding.workspace ?? '').toLowerCase(),
  ].join('|');
}

/** The rank that counts for the gate: `unknown` weighs as warn or fail when `unknownAs` says so. */
export function effectiveRank(status: Status, unknownAs: UnknownAs): number {
  if (status === 'unknown' && unknownAs !== 'unknown') return statusRank(unknownAs);
  return statusRank(status);
}

/** Marks each finding that is new or worse than in `baseline` (suppressed findings never are). */
export function markRegressions(current: Finding[], baseline: Finding[], unknownAs: UnknownAs): Finding[] {
  const before = new Map<string, number>();
  for (const finding of baseline) {
    const status =
      finding.status === 'suppressed' ? (finding.suppression?.originalStatus ?? 'pass') : finding.status;
    const key = findingKey(finding);
    before.set(key, Math.max(before.get(key) ?? 0, effectiveRank(status, unknownAs)));
  }
  return current.map((finding) => {
    const rank = finding.status === 'suppressed' ? 0 : effectiveRank(finding.status, unknownAs);
    const previous = before.get(findingKey(finding));
    const regression = rank > 0 && (previous === undefined || rank > previous);
    return regression === finding.regression ? finding : { ...finding, regression };
  });
}

function summarize(findings: Finding[]): Summary {
  const summary: Summary = { pass: 0, fail: 0, warn: 0, info: 0, unknown: 0, suppressed: 0, regressions: 0 };
  for (const finding of findings) {
    summary[finding.status] += 1;
    if (finding.regression) summary.regressions += 1;
  }
  return summary;
}

function decide(
  findings: Finding[],
  errors: FileError[],
  options: GateOptions,
): { verdict: Report['verdict']; reason: string } {
  const { failOn, unknownAs } = options;
  if (failOn === 'never')
    return { verdict: 'pass', reason: 'pass: fail-on is never, the gate only reports.' };
  const errorPart =
    errors.length > 0 ? `${errors.length} file${errors.length === 1 ? '' : 's'} could not be evaluated` : '';
  const threshold = failOn === 'warn' ? statusRank('warn') : statusRank('fail');
  const counted = findings.filter((finding) => {
    if (finding.status === 'suppressed') return false;
    if (failOn === 'regression' && !finding.regression) return false;
    return effectiveRank(finding.status, unknownAs) >= threshold;
  });
  const parts: string[] = [];
  if (counted.length > 0) {
    const what =
      failOn === 'regression' ? 'regression' : failOn === 'warn' ? 'finding at warn or worse' : 'failure';
    parts.push(
      `${counted.length} ${what}${counted.length === 1 ? '' : 's'}${failOn === 'regression' ? ' of status fail' : ''}`,
    );
  }
  if (errorPart) parts.push(errorPart);
  if (parts.length === 0) {
    const what =
      failOn === 'regression'
        ? 'no failure is new or worse than in the baseline'
        : failOn === 'warn'
          ? 'no failure or warning'
          : 'no failure';
    return { verdict: 'pass', reason: `pass: ${what}.` };
  }
  return { verdict: 'fail', reason: `fail: ${parts.join('; ')}.` };
}

/** Reads a JSON report written earlier (our contract) as a baseline; a bad file is a ConfigurationError. */
export function parseBaselineReport(text: string, fileName: string): Finding[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(
      `baseline is not valid JSON (${(error as Error).message}). Pass a report written by 'aml-ha-gate scan --format json' or the action's report-file.`,
      fileName,
    );
  }
  const findings = (parsed as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(findings)) {
    throw new ConfigurationError(
      "baseline has no 'findings' array: it is not an aml-ha-gate JSON report. Pass a report written by 'aml-ha-gate scan --format json'.",
      fileName,
    );
  }
  return findings.map((finding: unknown, index) => {
    const candidate = finding as Partial<Finding> | null;
    if (
      !candidate ||
      typeof candidate.ruleId !== 'string' ||
      !STATUSES.includes(candidate.status as Status) ||
      typeof candidate.resource?.type !== 'string' ||
      typeof candidate.resource?.name !== 'string'
    ) {
      throw new ConfigurationError(
        `baseline finding #${index + 1} lacks ruleId, a known status or resource type/name: the file is not an aml-ha-gate report.`,
        fileName,
      );
    }
    return candidate as Finding;
  });
}
