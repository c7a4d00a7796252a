import type { Finding, Report, Status } from '../model.js';
import { logLine } from './escape.js';
import { displayName } from './names.js';
import { countsLine, groupByWorkspace, locationText, plural } from './order.js';

const COLORS: Record<Status | 'bold' | 'dim', string> = {
  fail: '\u001b[31m',
  warn: '\u001b[33m',
  unknown: '\u001b[35m',
  pass: '\u001b[32m',
  info: '\u001b[36m',
  suppressed: '\u001b[90m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
};
const RESET = '\u001b[0m';

/** Listing order of the statuses, for "13 pass, 8 info not shown". */
const STATUS_ORDER: Status[] = ['fail', 'warn', 'unknown', 'suppressed', 'pass', 'info'];

export interface TableOptions {
  color: boolean;
  /** Columns of the terminal: lines are wrapped to fit (on a TTY). Absent: one line per finding. */
  width?: number;
  /** Statuses to list; findings of the others are counted per workspace. Absent: all. */
  show?: ReadonlySet<Status>;
}

const INDENT = 2;
const STATUS_WIDTH = 10;
/** Narrowest message column worth keeping beside the rule and resource columns. */
const MIN_MESSAGE_WIDTH = 60;
const MAX_RESOURCE_WIDTH = 40;

/**
 * The terminal report: verdict first, then findings per workspace (under its readable name), what
 * needs attention first. `show` lists only some statuses and counts the rest, so a scan of a
 * thousand templates reads as its failures; `width` wraps every line to the terminal. Every string
 * from the repository goes through `logLine`: its control characters (ANSI escapes included) are
 * shown, not obeyed, so a name can neither recolour a row nor rewrite the line, and in a workflow
 * log it cannot read as a workflow command.
 */
export function renderTable(report: Report, options: TableOptions): string {
  const paint = (style: keyof typeof COLORS, text: string) =>
    options.color && text !== '' ? `${COLORS[style]}${text}${RESET}` : text;
  const width = options.width !== undefined && options.width >= 40 ? options.width : undefined;
  const shown = (finding: Finding) => !options.show || options.show.has(finding.status);
  const lines: string[] = [];
  const verdict = report.verdict === 'pass' ? '✓ PASS' : '✗ FAIL';
  const first = `aml-ha-gate ${verdict}  `;
  lines.push(
    ...fit(`${first}${countsLine(report)}`, width, 0).map((line, index) =>
      index === 0
        ? `${paint('bold', 'aml-ha-gate')} ${paint(report.verdict, verdict)}  ${line.slice(first.length)}`
        : line,
    ),
  );
  if (report.notes?.[0])
    lines.push(...fit(logLine(report.notes[0]), width, 0).map((line) => paint('dim', line)));

  let quietGroups = 0;
  const quietCounts = new Map<Status, number>();
  for (const group of groupByWorkspace(report.findings)) {
    const listed = group.findings.filter(shown);
    const hidden = hiddenCounts(group.findings.filter((f) => !shown(f)));
    if (listed.length === 0) {
      quietGroups++;
      for (const [status, count] of hidden) quietCounts.set(status, (quietCounts.get(status) ?? 0) + count);
      continue;
    }
    const title = group.workspace ? `workspace ${logLine(group.workspace.text)}` : 'not tied to a workspace';
    const note =
      group.workspace && !group.workspace.evaluated ? `  (${logLine(group.workspace.note ?? '')})` : '';
    lines.push(
      '',
      ...fit(`${title}${note}`, width, 0).map((line, index) =>
        index === 0 && line.startsWith(title)
          ? `${paint('bold', title)}${paint('dim', line.slice(title.length))}`
          : paint('dim', line),
      ),
    );
    const ruleWidth = Math.max(...listed.map((f) => logLine(f.ruleId).length));
    const resourceWidth = Math.min(
      MAX_RESOURCE_WIDTH,
      Math.max(...listed.map((f) => resourceText(f).length)),
    );
    const messageColumn = INDENT + STATUS_WIDTH + ruleWidth + 2 + resourceWidth + 2;
    const columns = !width || width - messageColumn >= MIN_MESSAGE_WIDTH;
    const under = ' '.repeat(INDENT + STATUS_WIDTH);
    for (const finding of listed) {
      const status = paint(
        finding.status,
        `${finding.status.toUpperCase()}${finding.regression ? '*' : ''}`.padEnd(STATUS_WIDTH),
      );
      const rule = logLine(finding.ruleId).padEnd(ruleWidth);
      const resource = resourceText(finding);
      const message = logLine(finding.message);
      if (!width) {
        lines.push(`${' '.repeat(INDENT)}${status}${rule}  ${resource.padEnd(resourceWidth)}  ${message}`);
      } else if (columns && resource.length <= resourceWidth) {
        const wrapped = wrap(message, width - messageColumn);
        lines.push(
          `${' '.repeat(INDENT)}${status}${rule}  ${resource.padEnd(resourceWidth)}  ${wrapped[0] ?? ''}`,
        );
        for (const more of wrapped.slice(1)) lines.push(`${' '.repeat(messageColumn)}${more}`);
      } else {
        const first = `${logLine(finding.ruleId)}  ${resource}`;
        const wrapped = wrap(first, width - INDENT - STATUS_WIDTH);
        lines.push(`${' '.repeat(INDENT)}${status}${wrapped[0] ?? ''}`);
        for (const more of wrapped.slice(1)) lines.push(`${under}${more}`);
        for (const part of wrap(message, width - INDENT - STATUS_WIDTH)) lines.push(`${under}${part}`);
      }
      if (finding.status !== 'pass' && finding.status !== 'info') {
        const at = `at ${logLine(locationText(finding))}`;
        lines.push(`${under}${paint('dim', width ? keepTail(at, width - INDENT - STATUS_WIDTH) : at)}`);
      }
      if (finding.suppression) {
        for (const part of fit(
          `suppressed: ${logLine(finding.suppression.reason)}`,
          width,
          INDENT + STATUS_WIDTH,
        ))
          lines.push(`${under}${paint('dim', part)}`);
      }
    }
    if (hidden.size > 0)
      lines.push(`${' '.repeat(INDENT)}${paint('dim', `+ ${countsText(hidden)} not shown`)}`);
  }
  if (quietGroups > 0) {
    const what = `${plural(quietGroups, 'more group')} of findings (${countsText(quietCounts)}) not shown: nothing of ${[
      ...options.show!,
    ].join(', ')} in them. --show all lists everything.`;
    lines.push('', ...fit(what, width, 0).map((line) => paint('dim', line)));
  }
  if (report.errors.length > 0) {
    lines.push('', paint('bold', 'files that could not be evaluated'));
    for (const error of report.errors) {
      const text = `${logLine(error.file)}${error.line ? `:${error.line}` : ''}: ${logLine(error.message)}`;
      const parts = fit(text, width, INDENT + STATUS_WIDTH);
      lines.push(`${' '.repeat(INDENT)}${paint('fail', 'ERROR'.padEnd(STATUS_WIDTH))}${parts[0]}`);
      for (const more of parts.slice(1)) lines.push(`${' '.repeat(INDENT + STATUS_WIDTH)}${more}`);
    }
  }
  if (report.summary.regressions > 0) lines.push('', paint('dim', '* new or worse than in the baseline'));
  for (const note of report.notes?.slice(1) ?? []) lines.push('', ...fit(`note: ${logLine(note)}`, width, 0));
  return `${lines.join('\n')}\n`;
}

function resourceText(finding: Finding): string {
  return logLine(`${displayName(finding.resource.name).text} (${finding.resource.role})`);
}

function hiddenCounts(findings: Finding[]): Map<Status, number> {
  const counts = new Map<Status, number>();
  for (const finding of findings) counts.set(finding.status, (counts.get(finding.status) ?? 0) + 1);
  return counts;
}

function countsText(counts: Map<Status, number>): string {
  return STATUS_ORDER.filter((status) => counts.has(status))
    .map((status) => `${counts.get(status)} ${status}`)
    .join(', ');
}

/**
 * One logical line as terminal lines: unchanged without a width; else wrapped at spaces to
 * `width - indent` (continuation lines are indented by the caller). Plain text only: colour is
 * added after.
 */
function fit(text: string, width: number | undefined, indent: number): string[] {
  if (!width || [...text].length <= width - indent) return [text];
  return wrap(text, width - indent);
}

/**
 * `at path:line` cut at the front when it is wider than `room` (`at …/infra/main.json:12`): the
 * file name and line are what the reader needs, and a path broken over lines helps nobody.
 */
function keepTail(text: string, room: number): string {
  const chars = [...text];
  if (chars.length <= room) return text;
  return `at …${chars.slice(chars.length - (room - 4)).join('')}`;
}

/**
 * Word wrap to `width` columns: breaks at spaces, and inside a word only when the word alone is
 * longer than a line (a long path), so no line is wider than `width`.
 */
export function wrap(text: string, width: number): string[] {
  const limit = Math.max(10, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let rest = word;
    while ([...rest].length > limit) {
      if (line) {
        lines.push(line);
        line = '';
      }
      const chars = [...rest];
      lines.push(chars.slice(0, limit).join(''));
      rest = chars.slice(limit).join('');
    }
    if (!line) line = rest;
    else if ([...line].length + 1 + [...rest].length <= limit) line = `${line} ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}
