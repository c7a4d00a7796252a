import { describe, expect, test } from '@jest/globals';
import { applyGate, type GateOptions } from '../../src/gate.js';
import type { Finding, Status } from '../../src/model.js';

function finding(name: string, status: Status, id = `/plan/${name}`): Finding {
  return {
    ruleId: 'HA.Storage.Redundancy',
    status,
    message: `${name} is ${status}`,
    resource: { type: 'Microsoft.Storage/storageAccounts', name, id, role: 'defaultStorage' },
    evidence: { path: 'sku.name', value: null },
    regression: false,
  };
}

const base: GateOptions = {
  mode: 'templates',
  failOn: 'regression',
  unknownAs: 'unknown',
  now: new Date('2025-06-02T00:00:00Z'),
  version: 'test',
};
const covers = (f: Finding) => f.resource.id.startsWith('/plan/');

describe('findings judged against their own before (a Terraform plan)', () => {
  test('worse than before, or new and failing, is a regression; the same status is not', () => {
    const report = applyGate(
      [finding('worse', 'fail'), finding('same', 'fail'), finding('new', 'fail'), finding('better', 'pass')],
      [],
      {
        ...base,
        ownBaseline: {
          covers,
          findings: [finding('worse', 'pass'), finding('same', 'fail'), finding('better', 'fail')],
        },
      },
    );
    expect(report.findings.map((f) => [f.resource.name, f.regression])).toEqual([
      ['worse', true],
      ['same', false],
      ['new', true],
      ['better', false],
    ]);
    expect(report.verdict).toBe('fail');
  });

  test('findings it does not cover keep the baseline rule: none without one, the base branch with one', () => {
    const template = finding('template', 'fail', '/template/template');
    const alone = applyGate([template], [], { ...base, ownBaseline: { covers, findings: [] } });
    expect(alone.findings[0]!.regression).toBe(false);
    const withBase = applyGate([template], [], {
      ...base,
      baseline: [],
      ownBaseline: { covers, findings: [] },
    });
    expect(withBase.findings[0]!.regression).toBe(true);
  });

  test('a saved baseline that holds the finding at that status accepts it', () => {
    const report = applyGate([finding('worse', 'fail')], [], {
      ...base,
      baseline: [finding('worse', 'fail')],
      ownBaseline: { covers, findings: [finding('worse', 'pass')] },
    });
    expect(report.findings[0]!.regression).toBe(false);
    expect(report.verdict).toBe('pass');
  });

  test("the sources' notes come after the verdict reason", () => {
    const report = applyGate([], [], {
      ...base,
      notes: ['plan.json: Terraform deletes azurerm_storage_account.old.'],
    });
    expect(report.notes).toEqual([
      'pass: no failure is new or worse than in the baseline.',
      'plan.json: Terraform deletes azurerm_storage_account.old.',
    ]);
  });
});
