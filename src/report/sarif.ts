import { isUnknown, type Finding, type Report } from '../model.js';
import type { RuleDefinition } from '../rules/types.js';
import { findingKey } from '../gate.js';
import { jsonForLogs } from './escape.js';

const LEVEL: Record<Exclude<Finding['status'], 'pass' | 'suppressed'>, 'error' | 'warning' | 'note'> = {
  fail: 'error',
  warn: 'warning',
  info: 'note',
  unknown: 'note',
};

/** SARIF 2.1.0 for code scanning: one result per finding that is not `pass`, with rule metadata. */
export function renderSarif(report: Report, rules: readonly RuleDefinition[]): string {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = report.findings
    .filter((finding) => finding.status !== 'pass')
    .map((finding) => {
      const status =
        finding.status === 'suppressed' ? (finding.suppression?.originalStatus ?? 'info') : finding.status;
      const level = status === 'pass' ? 'none' : LEVEL[status];
      const result: Record<string, unknown> = {
        ruleId: finding.ruleId,
        ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
        level,
        message: { text: `${finding.resource.name}: ${finding.message}` },
        partialFingerprints: { 'amlHaGate/v1': findingKey(finding) },
        properties: {
          status: finding.status,
          role: finding.resource.role,
          ...(finding.workspace ? { workspace: finding.workspace } : {}),
          evidence: {
            path: finding.evidence.path,
            value: isUnknown(finding.evidence.value) ? finding.evidence.value.reason : finding.evidence.value,
          },
          regression: finding.regression,
        },
      };
      if (finding.location) {
        result.locations = [
          {
            physicalLocation: {
              artifactLocation: { uri: finding.location.file.replace(/\\/g, '/'), uriBaseId: '%SRCROOT%' },
              region: { startLine: Math.max(1, finding.location.line) },
            },
          },
        ];
      } else {
        result.locations = [
          { logicalLocations: [{ fullyQualifiedName: finding.resource.id, kind: 'resource' }] },
        ];
      }
      if (finding.suppression) {
        result.suppressions = [{ kind: 'external', justification: finding.suppression.reason }];
      }
      return result;
    });

  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'aml-ha-gate',
            version: report.tool.version,
            informationUri:
              'https://learn.microsoft.com/azure/machine-learning/how-to-high-availability-machine-learning',
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/\./g, ''),
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.help },
              help: {
                text: `${rule.help}\n\nSource: ${rule.source}`,
                markdown: `${rule.help}\n\n*Source:* ${rule.source}`,
              },
              helpUri: rule.helpUri,
              properties: {
                tags: ['reliability', 'azure-machine-learning'],
                ...(rule.psrule ? { psrule: rule.psrule } : {}),
              },
            })),
          },
        },
        results,
      },
    ],
  };
  return `${jsonForLogs(JSON.stringify(sarif, null, 2))}\n`;
}
