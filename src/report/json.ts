import { isUnknown, type Finding, type Report } from '../model.js';
import { jsonForLogs } from './escape.js';

/** The JSON report, field for field in the order of the contract in docs/rules.md. */
export function renderJson(report: Report): string {
  const ordered = {
    tool: { name: report.tool.name, version: report.tool.version },
    mode: report.mode,
    verdict: report.verdict,
    summary: {
      pass: report.summary.pass,
      fail: report.summary.fail,
      warn: report.summary.warn,
      info: report.summary.info,
      unknown: report.summary.unknown,
      suppressed: report.summary.suppressed,
      regressions: report.summary.regressions,
    },
    findings: report.findings.map(orderFinding),
    errors: report.errors.map((error) => ({
      file: error.file,
      ...(error.line !== undefined ? { line: error.line } : {}),
      message: error.message,
    })),
    ...(report.context ? { context: report.context } : {}),
    ...(report.notes && report.notes.length > 0 ? { notes: report.notes } : {}),
  };
  return `${jsonForLogs(JSON.stringify(ordered, (_key, value: unknown) => (isUnknown(value) ? value.reason : value), 2))}\n`;
}

function orderFinding(finding: Finding): Record<string, unknown> {
  return {
    ruleId: finding.ruleId,
    status: finding.status,
    message: finding.message,
    resource: {
      type: finding.resource.type,
      name: finding.resource.name,
      id: finding.resource.id,
      role: finding.resource.role,
    },
    ...(finding.workspace !== undefined ? { workspace: finding.workspace } : {}),
    evidence: { path: finding.evidence.path, value: finding.evidence.value ?? null },
    ...(finding.location ? { location: { file: finding.location.file, line: finding.location.line } } : {}),
    regression: finding.regression,
    ...(finding.suppression ? { suppression: finding.suppression } : {}),
  };
}
