import { type Finding, type Report, type Status } from '../model.js';
import { type DisplayName, workspaceName } from './names.js';

/** Order in which statuses are listed: what needs attention first. */
const LISTING_ORDER: Record<Status, number> = {
  fail: 0,
  warn: 1,
  unknown: 2,
  suppressed: 3,
  info: 4,
  pass: 5,
};

export function byAttention(a: Finding, b: Finding): number {
  return (
    Number(b.regression) - Number(a.regression) ||
    LISTING_ORDER[a.status] - LISTING_ORDER[b.status] ||
    a.resource.name.localeCompare(b.resource.name) ||
    a.ruleId.localeCompare(b.ruleId)
  );
}

export const NO_WORKSPACE = 'not tied to a workspace';

/** The findings of one workspace (or of none), as the reports list them. */
export interface WorkspaceGroup {
  /** The workspace's readable name; undefined for the findings tied to no workspace. */
  workspace?: DisplayName;
  findings: Finding[];
}

/**
 * Findings grouped by the workspace they concern, under its readable name (a workspace whose name
 * did not evaluate is grouped under `{parameter}` placeholders, not half an expression), workspaces
 * in name order, the unlinked last; within a group, what needs attention first.
 */
export function groupByWorkspace(findings: Finding[]): WorkspaceGroup[] {
  const groups = new Map<string, WorkspaceGroup>();
  for (const finding of findings) {
    const workspace = workspaceName(finding);
    const key = workspace ? `${workspace.evaluated ? 'e' : 'x'}:${workspace.text}` : '';
    const group = groups.get(key);
    if (group) group.findings.push(finding);
    else groups.set(key, { workspace, findings: [finding] });
  }
  return [...groups.values()]
    .sort((a, b) => (!a.workspace ? 1 : !b.workspace ? -1 : a.workspace.text.localeCompare(b.workspace.text)))
    .map((group) => ({ ...group, findings: [...group.findings].sort(byAttention) }));
}

export function locationText(finding: Finding): string {
  if (finding.location) return `${finding.location.file}:${finding.location.line}`;
  return finding.resource.id;
}

export function countsLine(report: Report): string {
  const s = report.summary;
  const parts = [
    `${s.fail} fail`,
    `${s.warn} warn`,
    `${s.unknown} unknown`,
    `${s.pass} pass`,
    `${s.info} info`,
  ];
  if (s.suppressed > 0) parts.push(`${s.suppressed} suppressed`);
  if (s.regressions > 0) parts.push(`${s.regressions} regression${s.regressions === 1 ? '' : 's'}`);
  if (report.errors.length > 0)
    parts.push(`${report.errors.length} file error${report.errors.length === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

export function needsAttention(finding: Finding): boolean {
  return finding.status === 'fail' || finding.status === 'warn' || finding.status === 'unknown';
}

/** `n thing` / `n things`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/**
 * The one-line verdict in the reader's words: "2 HA regressions; 4 existing failures, 3 warnings",
 * "No HA regressions; 6 existing failures", "6 HA failures, 3 warnings", "No HA gaps found".
 * `compared`: the findings were compared with a base or baseline (so "regression" means something);
 * without it, a report with regressions counts as compared. The lead part is returned apart so the
 * Markdown can make it bold.
 */
export function headlineParts(report: Report, compared?: boolean): { lead: string; rest: string } {
  const live = report.findings.filter((f) => f.status !== 'suppressed');
  const regressions = live.filter((f) => f.regression).length;
  const isCompared = compared ?? regressions > 0;
  const old = isCompared ? live.filter((f) => !f.regression) : live;
  const fails = old.filter((f) => f.status === 'fail').length;
  const warns = old.filter((f) => f.status === 'warn').length;
  const unknowns = old.filter((f) => f.status === 'unknown').length;
  const rest: string[] = [];
  let lead: string;
  if (isCompared) {
    lead = regressions === 0 ? 'No HA regressions' : plural(regressions, 'HA regression');
    if (fails > 0) rest.push(plural(fails, 'existing failure'));
    if (warns > 0) rest.push(plural(warns, fails > 0 ? 'warning' : 'existing warning'));
  } else if (fails > 0) {
    lead = plural(fails, 'HA failure');
    if (warns > 0) rest.push(plural(warns, 'warning'));
  } else if (warns > 0) {
    lead = plural(warns, 'HA warning');
  } else {
    lead = unknowns > 0 || report.errors.length > 0 ? 'No HA failure found' : 'No HA gaps found';
  }
  if (unknowns > 0) rest.push(`${unknowns} unknown`);
  if (report.errors.length > 0) rest.push(`${plural(report.errors.length, 'file')} could not be evaluated`);
  // "No HA regressions; 6 existing failures" (what else there is), "6 HA failures, 3 warnings" (a list).
  const separator = isCompared || !(fails > 0 || warns > 0) ? '; ' : ', ';
  return { lead, rest: rest.length > 0 ? `${separator}${rest.join(', ')}` : '' };
}

/** The headline as plain text (check-run title, log line). */
export function headlineText(report: Report, compared?: boolean): string {
  const { lead, rest } = headlineParts(report, compared);
  return `${lead}${rest}`;
}
