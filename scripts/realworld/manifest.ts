/**
 * The real-world set manifest (`__tests__/realworld/sets/*.yaml`): for each set, where its files
 * come from (repository, commit, paths), which entry templates and parameters are scanned, and the
 * verdicts expected, worked out by reading the templates. The repositories' code never enters this
 * repository: `npm run realworld:cache` copies it from local git snapshots into a cache folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SETS_DIR = path.join(REPO_ROOT, '__tests__/realworld/sets');

/** Statuses a rule can be expected to give, plus `none`: no finding at all. */
export type ExpectedStatus = 'pass' | 'fail' | 'warn' | 'info' | 'unknown' | 'none';
const STATUSES: readonly ExpectedStatus[] = ['pass', 'fail', 'warn', 'info', 'unknown', 'none'];

/**
 * The root causes of issue 10, by number: 1 nullable, 2 expression parameter entries, 3 outside
 * dependencies, 4 placeholders, 5 property names, 6 duplicate declarations, 7 live datastores,
 * 8 Bicep. Anything else is `other: …`.
 */
export const ROOT_CAUSES: Record<number, string> = {
  1: 'null and nullable parameters',
  2: 'deployment parameter entry written as one expression',
  3: 'dependencies outside the scanned templates',
  4: 'placeholders taken as facts',
  5: 'property names the platform uses',
  6: 'one resource declared twice',
  7: 'live cross-resource-group datastores',
  8: 'real Bicep',
};
export type Cause = number | `other: ${string}`;

export interface RuleExpectation {
  /** Accepted statuses (`pass|unknown` in the manifest accepts either). */
  statuses: ExpectedStatus[];
  why: string;
  /** The root cause most likely behind a mismatch on this verdict, when reading the template says. */
  cause?: Cause;
  /** A regular expression the finding's message must match (the status alone does not tell). */
  says?: string;
}

export type Role =
  | 'defaultStorage'
  | 'keyVault'
  | 'containerRegistry'
  | 'applicationInsights'
  | 'cosmosDb'
  | 'compute'
  | 'datastore'
  | 'hub';
const ROLES: readonly Role[] = [
  'defaultStorage',
  'keyVault',
  'containerRegistry',
  'applicationInsights',
  'cosmosDb',
  'compute',
  'datastore',
  'hub',
];

export interface DependencyExpectation {
  role: Role;
  /** Resource name (last segment of the id, `ws/compute` for computes), case-insensitive. */
  target: string;
  /** A regular expression instead of `target`, when the name derives from a placeholder. */
  targetPattern?: string;
  /** `inside`: declared in the scanned templates; `outside`: an id passed in. */
  where: 'inside' | 'outside';
  rules: Record<string, RuleExpectation>;
  /** The root cause most likely behind a missing link. */
  cause?: Cause;
}

export interface WorkspaceExpectation {
  name: string;
  namePattern?: string;
  kind: string;
  rules: Record<string, RuleExpectation>;
  dependencies: DependencyExpectation[];
  cause?: Cause;
}

export interface EntrySpec {
  /** Path of the entry template (ARM JSON or Bicep) inside the repository. */
  template: string;
  /**
   * Parameters for the entry: a file of the repository (a `.bicepparam` is scanned with the entry;
   * a JSON file is copied to the conventional name), or values written by the cache script as the
   * conventional `<entry>.parameters.json` beside the entry (what the scan reads).
   */
  parameters?: { file: string } | { values: Record<string, unknown> };
}

export interface SetSpec {
  id: string;
  repo: string;
  commit: string;
  why: string;
  covers: string[];
  /** Files or folders (ending in `/`) copied from the repository at the commit. */
  files: string[];
  entries: EntrySpec[];
  /** `bicep`: the entries are Bicep files, compiled with the Bicep CLI. */
  needs: string[];
  /**
   * File errors Azure (or the Bicep CLI) itself would raise: regular expressions on
   * `file:line message`; normally none.
   */
  fileErrors: string[];
  workspaces: WorkspaceExpectation[];
  /** The manifest file it was read from, for messages. */
  source: string;
}

class ManifestError extends Error {}

function fail(source: string, message: string): never {
  throw new ManifestError(`${source}: ${message}`);
}

function asCause(source: string, value: unknown): Cause | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && ROOT_CAUSES[value]) return value;
  if (typeof value === 'string' && value.startsWith('other: ')) return value as Cause;
  fail(source, `cause must be 1-8 or "other: …", got ${JSON.stringify(value)}`);
}

/**
 * `[status, why]`, `[status, why, cause]` or `[status, why, { cause, says }]`; status may list
 * alternatives (`pass|unknown`); `says` is a regular expression the message must match.
 */
function asRule(source: string, rule: string, value: unknown): RuleExpectation {
  if (
    !Array.isArray(value) ||
    value.length < 2 ||
    typeof value[0] !== 'string' ||
    typeof value[1] !== 'string'
  )
    fail(source, `${rule}: expected [status, why] or [status, why, cause]`);
  const statuses = value[0].split('|').map((s) => s.trim()) as ExpectedStatus[];
  for (const status of statuses) {
    if (!STATUSES.includes(status)) fail(source, `${rule}: unknown status ${status}`);
  }
  const expectation: RuleExpectation = { statuses, why: value[1] };
  const extra: unknown = value[2];
  const options =
    typeof extra === 'object' && extra !== null
      ? (extra as { cause?: unknown; says?: unknown })
      : { cause: extra };
  const cause = asCause(source, options.cause);
  if (cause !== undefined) expectation.cause = cause;
  if (options.says !== undefined) {
    if (typeof options.says !== 'string') fail(source, `${rule}: says must be a regular expression`);
    expectation.says = options.says;
  }
  return expectation;
}

function asRules(source: string, value: unknown): Record<string, RuleExpectation> {
  const rules: Record<string, RuleExpectation> = {};
  for (const [rule, expected] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    if (!/^HA\.[A-Za-z]+\.[A-Za-z]+$/.test(rule)) fail(source, `not a rule id: ${rule}`);
    rules[rule] = asRule(source, rule, expected);
  }
  return rules;
}

function asStrings(source: string, field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    fail(source, `${field} must be a list of strings`);
  return value as string[];
}

function requireString(source: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') fail(source, `${field} is required`);
  return value;
}

/** Reads and checks one set file. */
export function parseSet(text: string, source: string): SetSpec {
  const raw = parse(text) as Record<string, unknown>;
  const id = requireString(source, 'id', raw.id);
  const commit = requireString(source, 'commit', raw.commit);
  if (!/^[0-9a-f]{40}$/.test(commit)) fail(source, 'commit must be a full 40-hex commit');
  const entries = (raw.entries as Record<string, unknown>[] | undefined) ?? [];
  if (entries.length === 0) fail(source, 'entries: at least one entry template');
  const workspaces = ((raw.workspaces as Record<string, unknown>[] | undefined) ?? []).map((ws) => {
    const dependencies = ((ws.dependencies as Record<string, unknown>[] | undefined) ?? []).map((dep) => {
      const role = dep.role as Role;
      if (!ROLES.includes(role)) fail(source, `dependency role ${String(dep.role)}`);
      if (dep.where !== 'inside' && dep.where !== 'outside')
        fail(source, 'dependency where: inside | outside');
      const expectation: DependencyExpectation = {
        role,
        target: requireString(source, 'dependency target', dep.target),
        where: dep.where,
        rules: asRules(source, dep.rules),
      };
      if (typeof dep.targetPattern === 'string') expectation.targetPattern = dep.targetPattern;
      const cause = asCause(source, dep.cause);
      if (cause !== undefined) expectation.cause = cause;
      return expectation;
    });
    const expectation: WorkspaceExpectation = {
      name: requireString(source, 'workspace name', ws.name),
      kind: typeof ws.kind === 'string' ? ws.kind : 'Default',
      rules: asRules(source, ws.rules),
      dependencies,
    };
    if (typeof ws.namePattern === 'string') expectation.namePattern = ws.namePattern;
    const cause = asCause(source, ws.cause);
    if (cause !== undefined) expectation.cause = cause;
    return expectation;
  });
  return {
    id,
    repo: requireString(source, 'repo', raw.repo),
    commit,
    why: requireString(source, 'why', raw.why),
    covers: asStrings(source, 'covers', raw.covers),
    files: asStrings(source, 'files', raw.files),
    entries: entries.map((entry) => {
      const spec: EntrySpec = { template: requireString(source, 'entry template', entry.template) };
      const parameters = entry.parameters as Record<string, unknown> | undefined;
      if (parameters && typeof parameters.file === 'string') spec.parameters = { file: parameters.file };
      else if (parameters && typeof parameters.values === 'object' && parameters.values !== null)
        spec.parameters = { values: parameters.values as Record<string, unknown> };
      else if (parameters) fail(source, 'entry parameters: { file } or { values }');
      return spec;
    }),
    needs: asStrings(source, 'needs', raw.needs),
    fileErrors: asStrings(source, 'fileErrors', raw.fileErrors),
    workspaces,
    source,
  };
}

/** Every set of the manifest, in file-name order; ids are unique. */
export function loadSets(dir: string = SETS_DIR): SetSpec[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort();
  const sets = files.map((name) =>
    parseSet(readFileSync(path.join(dir, name), 'utf8'), path.relative(REPO_ROOT, path.join(dir, name))),
  );
  const seen = new Set<string>();
  for (const set of sets) {
    if (seen.has(set.id)) fail(set.source, `duplicate set id ${set.id}`);
    seen.add(set.id);
  }
  return sets;
}

/** `x.json` / `x.bicep` → `x.parameters.json`: where the scan looks for an entry's parameters. */
export function conventionalParameters(template: string): string {
  return template.replace(/\.(json|bicep)$/i, '') + '.parameters.json';
}

/** The cache folder: `AML_HA_GATE_REALWORLD`, else `.cache/realworld` in the repository. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.AML_HA_GATE_REALWORLD;
  return configured && configured !== ''
    ? path.resolve(configured)
    : path.join(REPO_ROOT, '.cache/realworld');
}
