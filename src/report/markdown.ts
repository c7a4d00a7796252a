import type { Finding, Report } from '../model.js';
import type { RuleDefinition } from '../rules/types.js';
import { escapeCodeSpan, escapeMarkdownCell } from './escape.js';
import {
  byAttention,
  countsLine,
  groupByWorkspace,
  locationText,
  needsAttention,
  NO_WORKSPACE,
} from './order.js';

export interface MarkdownOptions {
  title?: string;
  /** Hard cap on the length (GitHub: 65,536 for a comment); whole rows are dropped with a visible note. */
  maxLength?: number;
  links?: { runUrl?: string; checkRunUrl?: string };
  /** Hidden marker put first (the sticky comment finds itself by it). */
  marker?: string;
}

const ICONS: Record<Finding['status'], string> = {
  fail: '❌ fail',
  warn: '⚠️ warn',
  unknown: '❔ unknown',
  pass: '✅ pass',
  info: 'ℹ️ info',
  suppressed: '🔇 suppressed',
};

/**
 * The PR comment / job summary body: verdict first, then regressions, then what needs attention
 * per workspace, with passes, info and suppressions folded away.
 */
export function renderMarkdown(
  report: Report,
  rules: readonly RuleDefinition[],
  options: MarkdownOptions = {},
): string {
  const helpUri = new Map(rules.map((rule) => [rule.id, rule.helpUri]));
  const head: string[] = [];
  if (options.marker) head.push(options.marker);
  head.push(
    `### ${escapeMarkdownCell(options.title ?? 'AML HA gate')}`,
    '',
    verdictLine(report),
    '',
    countsLine(report),
    '',
  );
  // Notes (an expired suppression, a change to the config file) come before the tables: they
  // change how the tables read.
  for (const note of report.notes?.slice(1) ?? []) head.push(`> ${escapeMarkdownCell(note)}`, '');

  const sections: Section[] = [];
  const regressions = report.findings.filter((f) => f.regression).sort(byAttention);
  if (regressions.length > 0) {
    sections.push({
      heading: '#### Regressions: new or worse than the base',
      rows: regressions,
      folded: false,
    });
  }
  for (const [workspace, findings] of groupByWorkspace(report.findings.filter(needsAttention))) {
    const name =
      workspace === NO_WORKSPACE ? 'Not tied to a workspace' : `Workspace \`${escapeCodeSpan(workspace)}\``;
    sections.push({ heading: `#### ${name}`, rows: findings, folded: false });
  }
  const suppressed = report.findings.filter((f) => f.status === 'suppressed').sort(byAttention);
  if (suppressed.length > 0)
    sections.push({ heading: `Suppressed (${suppressed.length})`, rows: suppressed, folded: true });
  const quiet = report.findings.filter((f) => f.status === 'pass' || f.status === 'info').sort(byAttention);
  if (quiet.length > 0)
    sections.push({ heading: `Passed and information (${quiet.length})`, rows: quiet, folded: true });

  const tail: string[] = [];
  if (report.errors.length > 0) {
    tail.push('#### Files that could not be evaluated', '');
    for (const error of report.errors) {
      tail.push(
        `- \`${escapeCodeSpan(error.file)}${error.line ? `:${error.line}` : ''}\`: ${escapeMarkdownCell(error.message)}`,
      );
    }
    tail.push('');
  }
  const links: string[] = [];
  if (options.links?.checkRunUrl) links.push(`[check run](${options.links.checkRunUrl})`);
  if (options.links?.runUrl) links.push(`[workflow run](${options.links.runUrl})`);
  tail.push(
    `<sub>aml-ha-gate ${escapeMarkdownCell(report.tool.version)} · rules from [Increase Azure Machine Learning resiliency](https://learn.microsoft.com/azure/machine-learning/how-to-high-availability-machine-learning)${links.length > 0 ? ` · ${links.join(' · ')}` : ''}</sub>`,
  );

  // Each row is rendered once: cutting to `maxLength` renders the report several times.
  const rowTexts = new Map<Finding, string>();
  const row = (finding: Finding): string => {
    let text = rowTexts.get(finding);
    if (text === undefined) rowTexts.set(finding, (text = renderRow(finding, helpUri)));
    return text;
  };
  const render = (budgetRows: number | undefined): string => {
    let left = budgetRows ?? Number.POSITIVE_INFINITY;
    let hidden = 0;
    const body: string[] = [];
    for (const section of sections) {
      const rows = section.rows.slice(0, Math.max(0, left));
      left -= rows.length;
      hidden += section.rows.length - rows.length;
      if (rows.length === 0) continue;
      body.push(...renderSection(section, rows, row));
    }
    if (hidden > 0) {
      body.push(
        `> **${hidden} more finding${hidden === 1 ? '' : 's'} not shown** to stay within GitHub's size limit: see the job summary or the report file for all of them.`,
        '',
      );
    }
    return [...head, ...body, ...tail].join('\n') + '\n';
  };

  let text = render(undefined);
  if (options.maxLength !== undefined && text.length > options.maxLength) {
    const total = sections.reduce((sum, section) => sum + section.rows.length, 0);
    let low = 0;
    let high = total;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (render(mid).length <= options.maxLength) low = mid;
      else high = mid - 1;
    }
    text = render(low);
    if (text.length > options.maxLength) text = `${text.slice(0, options.maxLength - 2)}…\n`;
  }
  return text;
}

interface Section {
  heading: string;
  rows: Finding[];
  folded: boolean;
}

function renderSection(section: Section, rows: Finding[], row: (finding: Finding) => string): string[] {
  const table = [
    '| status | rule | resource | finding | where |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(row),
  ];
  if (section.folded)
    return [`<details><summary>${section.heading}</summary>`, '', ...table, '', '</details>', ''];
  return [section.heading, '', ...table, ''];
}

function renderRow(finding: Finding, helpUri: Map<string, string>): string {
  const uri = helpUri.get(finding.ruleId);
  const rule = uri ? `[${escapeMarkdownCell(finding.ruleId)}](${uri})` : escapeMarkdownCell(finding.ruleId);
  const status = `${ICONS[finding.status]}${finding.regression ? ' 🆕' : ''}`;
  const resource = `${escapeMarkdownCell(finding.resource.name)} (${escapeMarkdownCell(finding.resource.role)})`;
  const message = finding.suppression
    ? `${escapeMarkdownCell(finding.message)} — suppressed: ${escapeMarkdownCell(finding.suppression.reason)}`
    : escapeMarkdownCell(finding.message);
  return `| ${status} | ${rule} | ${resource} | ${message} | ${escapeMarkdownCell(locationText(finding))} |`;
}

function verdictLine(report: Report): string {
  const s = report.summary;
  if (report.verdict === 'pass') {
    const extra = s.fail + s.warn > 0 ? ` (${s.fail} fail and ${s.warn} warn already present, none new)` : '';
    return report.summary.regressions === 0 && s.fail === 0
      ? `✅ **Passes**: no high-availability gap that fails the gate.`
      : `✅ **Passes**: nothing made worse${extra}.`;
  }
  const reason = report.notes?.[0]?.replace(/^fail:\s*/, '') ?? `${s.fail} failures`;
  return `❌ **Fails**: ${escapeMarkdownCell(reason)}`;
}
