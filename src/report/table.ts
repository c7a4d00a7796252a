import type { Finding, Report, Status } from '../model.js';
import { logLine } from './escape.js';
import { countsLine, groupByWorkspace, locationText } from './order.js';

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

/**
 * The terminal report: verdict first, then findings per workspace, what needs attention first.
 * Every string from the repository goes through `logLine`: its control characters (ANSI escapes
 * included) are shown, not obeyed, so a name can neither recolour a row nor rewrite the line, and
 * in a workflow log it cannot read as a workflow command.
 */
export function renderTable(report: Report, options: { color: boolean; width?: number }): string {
  const paint = (style: keyof typeof COLORS, text: string) =>
    options.color ? `${COLORS[style]}${text}${RESET}` : text;
  const lines: string[] = [];
  const verdict = report.verdict === 'pass' ? paint('pass', '✓ PASS') : paint('fail', '✗ FAIL');
  lines.push(`${paint('bold', 'aml-ha-gate')} ${verdict}  ${countsLine(report)}`);
  if (report.notes?.[0]) lines.push(paint('dim', logLine(report.notes[0])));

  const statusWidth = 10;
  for (const [workspace, findings] of groupByWorkspace(report.findings)) {
    lines.push(
      '',
      paint('bold', workspace === 'not tied to a workspace' ? workspace : `workspace ${logLine(workspace)}`),
    );
    const ruleWidth = Math.max(...findings.map((f) => logLine(f.ruleId).length));
    const resourceWidth = Math.min(48, Math.max(...findings.map((f) => resourceText(f).length)));
    for (const finding of findings) {
      const status = `${finding.status.toUpperCase()}${finding.regression ? '*' : ''}`.padEnd(statusWidth);
      lines.push(
        `  ${paint(finding.status, status)}${logLine(finding.ruleId).padEnd(ruleWidth)}  ${resourceText(finding).padEnd(resourceWidth)}  ${logLine(finding.message)}`,
      );
      if (finding.status !== 'pass' && finding.status !== 'info') {
        lines.push(`  ${' '.repeat(statusWidth)}${paint('dim', `at ${logLine(locationText(finding))}`)}`);
      }
      if (finding.suppression) {
        lines.push(
          `  ${' '.repeat(statusWidth)}${paint('dim', `suppressed: ${logLine(finding.suppression.reason)}`)}`,
        );
      }
    }
  }
  if (report.errors.length > 0) {
    lines.push('', paint('bold', 'files that could not be evaluated'));
    for (const error of report.errors) {
      lines.push(
        `  ${paint('fail', 'ERROR')}     ${logLine(error.file)}${error.line ? `:${error.line}` : ''}: ${logLine(error.message)}`,
      );
    }
  }
  if (report.summary.regressions > 0) lines.push('', paint('dim', '* new or worse than in the baseline'));
  for (const note of report.notes?.slice(1) ?? []) lines.push('', `note: ${logLine(note)}`);
  return `${lines.join('\n')}\n`;
}

function resourceText(finding: Finding): string {
  return logLine(`${finding.resource.name} (${finding.resource.role})`);
}
