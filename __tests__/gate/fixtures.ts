import type { Finding, Status } from '../../src/model.js';

export function finding(ruleId: string, status: Status, name: string, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId,
    status,
    message: `${ruleId} on ${name}`,
    resource: { type: 'Microsoft.Storage/storageAccounts', name, id: `/x/${name}`, role: 'defaultStorage' },
    workspace: 'mlws',
    evidence: { path: 'sku.name', value: 'Standard_LRS' },
    location: { file: 'infra/main.json', line: 12 },
    regression: false,
    ...extra,
  };
}
