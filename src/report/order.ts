import { type Finding, type Report, type Status } from '../model.js';

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

/** Findings grouped by the workspace they concern, workspaces in name order, the unlinked last. */
export function groupByWorkspace(findings: Finding[]): [string, Finding[]][] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = finding.workspace ?? NO_WORKSPACE;
    const list = groups.get(key);
    if (list) list.push(finding);
    else groups.set(key, [finding]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === NO_WORKSPACE ? 1 : b === NO_WORKSPACE ? -1 : a.localeCompare(b)))
    .map(([key, list]) => [key, [...list].sort(byAttention)]);
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
