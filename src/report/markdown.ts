import type { Finding, Report, Role } from '../model.js';
import type { RuleDefinition } from '../rules/types.js';
import { escapeCodeSpan, escapeMarkdownCell } from './escape.js';
import { displayName, type DisplayName, workspaceName } from './names.js';
import { byAttention, countsLine, groupByWorkspace, headlineParts, needsAttention, plural } from './order.js';

export interface MarkdownOptions {
  title?: string;
  /** Hard cap on the length (GitHub: 65,536 for a comment); whole rows are dropped with a visible note. */
  maxLength?: number;
  links?: {
    runUrl?: string;
    checkRunUrl?: string;
    /**
     * `https://github.com/OWNER/REPO/blob/HEAD_SHA` (the server URL of the run, so GitHub Enterprise
     * Server works): the "where" column then links each finding to its line at the PR head.
     */
    blob?: string;
  };
  /** Hidden marker put first (the sticky comment finds itself by it). */
  marker?: string;
  /** The findings were compared with a base commit or a baseline: the headline counts regressions. */
  compared?: boolean;
}

const ICONS: Record<Finding['status'], string> = {
  fail: '❌&nbsp;fail',
  warn: '⚠️&nbsp;warn',
  unknown: '❔&nbsp;unknown',
  pass: '✅&nbsp;pass',
  info: 'ℹ️&nbsp;info',
  suppressed: '🔇&nbsp;suppressed',
};

/** What a role is, in the reader's words. */
const ROLE_WORDS: Record<Role, string> = {
  workspace: 'workspace',
  defaultStorage: 'default storage',
  keyVault: 'key vault',
  containerRegistry: 'container registry',
  applicationInsights: 'Application Insights',
  compute: 'compute',
  datastore: 'datastore',
  cosmosDb: 'Cosmos DB',
  microsoftManaged: 'Microsoft-managed',
  unlinked: 'not tied to a workspace',
};

/**
 * The PR comment / job summary body, laid out to fit GitHub's comment width (about 960 px): the
 * headline first ("2 HA regressions; 4 existing failures"), then the regressions (each listed
 * once, here only), then what else needs attention per workspace, with suppressions and passes
 * folded away, grouped under their workspace too. Three columns: the finding cell leads with the
 * resource and its role and has the rule link under the message; "where" is a short link to the
 * line.
 */
export function renderMarkdown(
  report: Report,
  rules: readonly RuleDefinition[],
  options: MarkdownOptions = {},
): string {
  const helpUri = new Map(rules.map((rule) => [rule.id, rule.helpUri]));
  const head: string[] = [];
  if (options.marker) head.push(options.marker);
  const { lead, rest } = headlineParts(report, options.compared);
  const icon = report.verdict === 'pass' ? '✅' : '❌';
  const reason = report.notes?.[0]?.replace(/^(pass|fail):\s*/, '');
  head.push(
    `### ${escapeMarkdownCell(options.title ?? 'AML HA gate')}`,
    '',
    `${icon} **${lead}**${rest}`,
    '',
    `<sub>${reason ? `Gate: ${escapeMarkdownCell(reason)} · ` : ''}${countsLine(report)}</sub>`,
    '',
  );
  // Notes (an expired suppression, a change to the config file) come before the tables: they
  // change how the tables read.
  for (const note of report.notes?.slice(1) ?? []) head.push(`> ${escapeMarkdownCell(note)}`, '');

  const sections: Section[] = [];
  const regressions = report.findings.filter((f) => f.regression && f.status !== 'suppressed');
  if (regressions.length > 0) {
    sections.push({
      heading: `#### 🆕 Regressions: new or worse than the base (${regressions.length})`,
      folded: false,
      tables: [{ rows: regressions.sort(byAttention), showWorkspace: true }],
    });
  }
  for (const group of groupByWorkspace(report.findings.filter((f) => needsAttention(f) && !f.regression))) {
    const counts = countByStatus(group.findings);
    sections.push({
      heading: `#### ${workspaceTitle(group.workspace)}${counts ? ` · ${counts}` : ''}`,
      folded: false,
      tables: [{ rows: group.findings, showWorkspace: false }],
    });
  }
  const folded = (title: string, findings: Finding[]) => {
    if (findings.length === 0) return;
    sections.push({
      heading: `${title} (${findings.length})`,
      folded: true,
      tables: groupByWorkspace(findings).map((group) => ({
        title: `**${workspaceTitle(group.workspace)}**`,
        rows: group.findings,
        showWorkspace: false,
      })),
    });
  };
  folded(
    'Suppressed',
    report.findings.filter((f) => f.status === 'suppressed'),
  );
  folded(
    'Passed and information',
    report.findings.filter((f) => f.status === 'pass' || f.status === 'info'),
  );

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

  const cells: CellContext = { helpUri, blob: options.links?.blob };
  // Each row is rendered once: cutting to `maxLength` renders the report several times.
  const rowTexts = new Map<Table, Map<Finding, string>>();
  const row = (table: Table, finding: Finding): string => {
    let texts = rowTexts.get(table);
    if (!texts) rowTexts.set(table, (texts = new Map()));
    let text = texts.get(finding);
    if (text === undefined) texts.set(finding, (text = renderRow(table, finding, cells)));
    return text;
  };
  const render = (budgetRows: number | undefined): string => {
    let left = budgetRows ?? Number.POSITIVE_INFINITY;
    let hidden = 0;
    const body: string[] = [];
    for (const section of sections) {
      const shown: { table: Table; rows: Finding[] }[] = [];
      for (const table of section.tables) {
        const rows = table.rows.slice(0, Math.max(0, left));
        left -= rows.length;
        hidden += table.rows.length - rows.length;
        if (rows.length > 0) shown.push({ table, rows });
      }
      if (shown.length === 0) continue;
      body.push(...renderSection(section, shown, row));
    }
    if (hidden > 0) {
      body.push(
        `> **${plural(hidden, 'more finding')} not shown** to stay within GitHub's size limit: see the job summary or the report file for all of them.`,
        '',
      );
    }
    return [...head, ...body, ...tail].join('\n') + '\n';
  };

  let text = render(undefined);
  if (options.maxLength !== undefined && text.length > options.maxLength) {
    const total = sections.reduce(
      (sum, section) => sum + section.tables.reduce((rows, table) => rows + table.rows.length, 0),
      0,
    );
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

interface Table {
  /** Bold line above the table (folded sections group their rows by workspace). */
  title?: string;
  rows: Finding[];
  /** Name the workspace under the resource (the regressions table mixes workspaces). */
  showWorkspace: boolean;
}

interface Section {
  heading: string;
  folded: boolean;
  tables: Table[];
}

interface CellContext {
  helpUri: Map<string, string>;
  blob?: string;
  /** Per table, the shortest tails of its files' paths (see `shortFileNames`). */
  shortNames?: Map<Table, Map<string, string>>;
}

function workspaceTitle(workspace: DisplayName | undefined): string {
  if (!workspace) return 'Not tied to a workspace';
  const name = `Workspace \`${escapeCodeSpan(workspace.text)}\``;
  return workspace.evaluated
    ? name
    : `${name} (${escapeMarkdownCell(workspace.note ?? 'name not evaluated')})`;
}

function countByStatus(findings: Finding[]): string {
  const parts: string[] = [];
  for (const status of ['fail', 'warn', 'unknown'] as const) {
    const count = findings.filter((f) => f.status === status).length;
    if (count > 0) parts.push(`${count} ${status}`);
  }
  return parts.join(', ');
}

function renderSection(
  section: Section,
  shown: { table: Table; rows: Finding[] }[],
  row: (table: Table, finding: Finding) => string,
): string[] {
  const body: string[] = [];
  for (const { table, rows } of shown) {
    if (table.title) body.push(table.title, '');
    body.push(
      '| status | finding | where |',
      '| --- | --- | --- |',
      ...rows.map((finding) => row(table, finding)),
      '',
    );
  }
  if (section.folded)
    return [`<details><summary>${section.heading}</summary>`, '', ...body, '</details>', ''];
  return [section.heading, '', ...body];
}

/** One table row; the file names are shortened against the whole table, shown or cut. */
function renderRow(table: Table, finding: Finding, cells: CellContext): string {
  cells.shortNames ??= new Map();
  let shortNames = cells.shortNames.get(table);
  if (!shortNames) cells.shortNames.set(table, (shortNames = shortFileNames(table.rows)));
  const uri = cells.helpUri.get(finding.ruleId);
  const rule = uri ? `[${escapeMarkdownCell(finding.ruleId)}](${uri})` : escapeMarkdownCell(finding.ruleId);
  const message = finding.suppression
    ? `${escapeMarkdownCell(finding.message)} — suppressed: ${escapeMarkdownCell(finding.suppression.reason)}`
    : escapeMarkdownCell(finding.message);
  return `| ${ICONS[finding.status]} | ${resourceText(finding, table.showWorkspace)}: ${message}<br><sub>${rule}</sub> | ${whereCell(finding, shortNames, cells.blob)} |`;
}

/**
 * The resource a finding is about, leading its cell: the name in bold, then what it is
 * ("**stmlwsdev** (default storage of mlws-dev)"). A name that did not evaluate reads as its
 * `{parameter}` form and says so.
 */
function resourceText(finding: Finding, showWorkspace: boolean): string {
  const name = displayName(finding.resource.name);
  let about = ROLE_WORDS[finding.resource.role];
  if (showWorkspace && finding.workspace !== undefined && finding.resource.role !== 'workspace')
    about += ` of ${workspaceName(finding)?.text ?? finding.workspace}`;
  if (!name.evaluated) about += `; ${name.note ?? 'name not evaluated'}`;
  return `**${breakable(escapeMarkdownCell(name.text))}** (${escapeMarkdownCell(about)})`;
}

/**
 * "where": the file's shortest distinguishing tail and the line (`azuredeploy.json:11`), linked
 * to that line at the PR head when a blob URL is known; a live finding names its resource group.
 */
function whereCell(finding: Finding, shortNames: Map<string, string>, blob: string | undefined): string {
  const location = finding.location;
  if (!location) {
    const group = /\/resourceGroups\/([^/]+)/i.exec(finding.resource.id)?.[1];
    return group
      ? `${breakable(escapeMarkdownCell(group))}<br><sub>resource group</sub>`
      : breakable(escapeMarkdownCell(finding.resource.id));
  }
  const text = breakable(
    escapeMarkdownCell(`${shortNames.get(location.file) ?? location.file}:${location.line}`),
  );
  if (!blob) return text;
  return `[${text}](${blob}/${encodePath(location.file)}#L${location.line})`;
}

/**
 * For each file of a table, its shortest tail of path segments that no other file of the table
 * shares (`azuredeploy.json`, or `dev/azuredeploy.json` beside `prod/azuredeploy.json`).
 */
export function shortFileNames(findings: Finding[]): Map<string, string> {
  const files = [...new Set(findings.flatMap((f) => (f.location ? [f.location.file] : [])))];
  const segments = new Map(files.map((file) => [file, file.split('/')]));
  const tail = (file: string, count: number) => segments.get(file)!.slice(-count).join('/');
  const short = new Map<string, string>();
  for (const file of files) {
    const total = segments.get(file)!.length;
    let count = 1;
    while (count < total && files.some((other) => other !== file && tail(other, count) === tail(file, count)))
      count++;
    short.set(file, tail(file, count));
  }
  return short;
}

/** A repository path as a URL path: each segment percent-encoded, parentheses too (they end Markdown links). */
export function encodePath(file: string): string {
  return file
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[()'*!]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

/**
 * Break opportunities (`<wbr>`) after `/`, `.`, `-` and `_` in long runs without spaces, so a
 * long file or resource name wraps inside its cell instead of widening the table past the
 * comment's width. Works on escaped text: `<wbr>` is the only HTML it adds.
 */
export function breakable(escaped: string): string {
  return escaped.replace(/\S{30,}/g, (run) => run.replace(/([/._-])(?=[^/._\s-])/g, '$1<wbr>'));
}
