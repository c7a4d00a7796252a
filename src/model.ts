/**
 * The resource model and the report contract (see docs/rules.md). Every source (ARM template,
 * Bicep, live ARM) ends in `Resource[]`; every rule reads only these types, so a rule is written
 * once and works for all modes. Names here are stable: reports and baselines depend on them.
 */

/** Outcome of one rule on one resource. Order for "worse than": pass = info < unknown < warn < fail. */
export type Status = 'pass' | 'fail' | 'warn' | 'info' | 'unknown' | 'suppressed';

export const STATUSES: readonly Status[] = ['pass', 'fail', 'warn', 'info', 'unknown', 'suppressed'];

/** What a resource is to a workspace. */
export type Role =
  | 'workspace'
  | 'defaultStorage'
  | 'keyVault'
  | 'containerRegistry'
  | 'applicationInsights'
  | 'compute'
  | 'datastore'
  | 'cosmosDb'
  | 'microsoftManaged'
  | 'unlinked';

export const ROLES: readonly Role[] = [
  'workspace',
  'defaultStorage',
  'keyVault',
  'containerRegistry',
  'applicationInsights',
  'compute',
  'datastore',
  'cosmosDb',
  'microsoftManaged',
  'unlinked',
];

/**
 * A value that cannot be known before deployment (an unresolved expression, `reference()` to a
 * resource outside the template, a 403 on a GET). It propagates: anything computed from it is
 * unknown too. Rules turn it into status `unknown` with `reason` as the explanation.
 */
export class UnknownValue {
  readonly unknown = true as const;
  constructor(
    /** Why it is unknown, in the user's words: the expression text or the failed request. */
    readonly reason: string,
    /**
     * Templates: the text a string will be at deployment, its unknown parts written as symbols
     * (sources/arm/expression/symbols.ts), when it is built only from values given at deployment
     * (a parameter with no value, an azd placeholder) by functions that always give the same
     * result for the same input. Two unknowns with the same symbol are the same string, so names
     * and ids built alike still match; it is never shown and never decides a verdict.
     */
    readonly symbol?: string,
  ) {}
  toJSON(): string {
    return `<unknown: ${this.reason}>`;
  }
}

export function isUnknown(value: unknown): value is UnknownValue {
  return value instanceof UnknownValue;
}

/** A JSON value in which any part may be unknown. */
export type Value = string | number | boolean | null | UnknownValue | Value[] | { [key: string]: Value };
export type ObjectValue = { [key: string]: Value };

/** Where a value was written: the place the user must edit. `line` is 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

/**
 * One Azure resource, normalized. `body` is the resource as ARM sees it (`sku`, `kind`, `zones`,
 * `location`, `properties`, `tags`, …) with expressions already evaluated; unevaluable parts are
 * `UnknownValue`s.
 */
export interface Resource {
  /** Full type as written, e.g. `Microsoft.Storage/storageAccounts`, `Microsoft.Sql/servers/databases`. */
  type: string;
  /** Full name as ARM writes it for children: `parent/child`. Evaluated when it resolves, else the symbolic name or the name expression text. */
  name: string;
  /** Resource id: the live id, or in templates the id built from the (placeholder) subscription and resource group. */
  id: string;
  /**
   * Templates, when its name is given only at deployment: the id with those parts as symbols
   * (`UnknownValue.symbol`), which a pointer built from the same values has as its symbol.
   */
  symbolicId?: string;
  /** The resource body with evaluated values. */
  body: ObjectValue;
  /** `true` when deployed; an `UnknownValue` when its `condition` could not be evaluated (its findings become unknown). */
  deployed: true | UnknownValue;
  /** `template` for templates/Bicep, `live` for resources read from ARM. */
  origin: 'template' | 'live';
  /** Declaration line of the resource (templates), used when a property has no location of its own. */
  source?: SourceLocation;
  /**
   * Where each property path was set (`sku.name`, `properties.enablePurgeProtection`), pointing at
   * the parameter default or parameters-file value when the value came from there. Dot paths;
   * array items as `[0]` (`properties.locations[1].isZoneRedundant`).
   */
  locations?: Record<string, SourceLocation>;
  /**
   * Templates: where the value at `path` was set, with the same meaning as `locations` (the
   * parameter or variable behind it, else the nearest part of the path written in the template);
   * `''` is the declaration. Worked out on demand, so lines are found only for the findings that
   * need them. Set on resources of the types rules look at.
   */
  locate?(path: string): SourceLocation;
  /**
   * The unit it was scanned in: the top-level template file (templates) or the resource group id
   * (live). A data resource no workspace points at is the datastore of the unit's only workspace.
   */
  unit?: string;
  /** Live mode: the resource group it was read from, to recognise Microsoft-managed groups (`azureml-rg-…`). */
  resourceGroup?: string;
  /**
   * Why its properties cannot be known: a 403/404 on its GET (live), or it is outside the scanned
   * templates (a stand-in). Every rule that applies to it reports `unknown` with this reason.
   */
  readError?: string;
  /**
   * Templates mode: the template resource whose property names this resource, which the templates
   * do not declare (a stand-in, or the resource read from Azure). Its findings are annotated there.
   */
  dependencyOf?: { resource: Resource; path: string };
}

/** A resource after the graph step: its role towards a workspace and the workspace it serves. */
export interface LinkedResource extends Resource {
  role: Role;
  /** Name of the workspace it serves (absent for `unlinked`); a workspace's own is its name. */
  workspace?: string;
  /** All workspaces it serves (shared default storage serves several). */
  workspaces: string[];
}

export interface Evidence {
  /** Property path read, e.g. `sku.name`. */
  path: string;
  /** The value read (unknown values are rendered as their reason). */
  value: unknown;
}

/** What a rule says about one resource, before the engine attaches resource, workspace and location. */
export interface RuleOutcome {
  status: Exclude<Status, 'suppressed'>;
  message: string;
  evidence: Evidence;
}

export interface FindingResource {
  type: string;
  name: string;
  id: string;
  role: Role;
}

export interface Finding {
  ruleId: string;
  status: Status;
  message: string;
  resource: FindingResource;
  workspace?: string;
  evidence: Evidence;
  /** Template findings: file and line to annotate. Absent for live findings. */
  location?: SourceLocation;
  /** New or worse than in the base / baseline. */
  regression: boolean;
  /** Present when `status` is `suppressed`: the suppression that matched and the status it hid. */
  suppression?: { reason: string; expires?: string; originalStatus: Exclude<Status, 'suppressed'> };
}

/** A file that could not be read, parsed, expanded or compiled. */
export interface FileError {
  file: string;
  line?: number;
  message: string;
}

export type Verdict = 'pass' | 'fail';

export interface Summary {
  pass: number;
  fail: number;
  warn: number;
  info: number;
  unknown: number;
  suppressed: number;
  regressions: number;
}

export interface Report {
  tool: { name: 'aml-ha-gate'; version: string };
  mode: 'templates' | 'workspace';
  verdict: Verdict;
  summary: Summary;
  findings: Finding[];
  errors: FileError[];
  /** Pull-request context recorded for `mode: publish` (repository, PR number, head SHA). */
  context?: { repository?: string; pullRequest?: number; headSha?: string; runUrl?: string };
  /** Notes for the reader: expired suppressions, the reason the verdict was reached, … */
  notes?: string[];
}

/** Severity order for "worse than". `suppressed` ranks as its original status where that matters. */
export function statusRank(status: Status): number {
  switch (status) {
    case 'pass':
    case 'info':
    case 'suppressed':
      return 0;
    case 'unknown':
      return 1;
    case 'warn':
      return 2;
    case 'fail':
      return 3;
  }
}

/** Logger passed into logic modules so the same code runs in the action, the CLI and tests. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  /**
   * Starts a collapsible section of the log (the action: `::group::`), ending the open one;
   * optional, so the CLI and tests need not care.
   */
  startGroup?(title: string): void;
  /** Ends the open section, if any. */
  endGroup?(): void;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined,
  error: () => undefined,
};

/**
 * The segments of a property path as `Resource.locations` and rule evidence write it:
 * `properties.locations[1].isZoneRedundant` → `['properties', 'locations', 1, 'isZoneRedundant']`.
 */
export function splitPropertyPath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      segments.push(part);
      continue;
    }
    if (match[1]) segments.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}
