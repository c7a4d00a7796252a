import { describe, expect, test } from '@jest/globals';
import { describeConfigChanges } from '../../src/action/gate-config.js';
import { parseConfigFile } from '../../src/config-file.js';

const config = (text: string) => parseConfigFile(text, '.github/aml-ha-gate.yml');

describe('what a pull request changes in the config file', () => {
  test('suppressions and overrides added, changed and removed are each named', () => {
    const before = config(
      [
        'rules:',
        '  HA.AKS.UptimeSLA: warn',
        'suppressions:',
        '  - { rule: HA.Storage.*, resource: "st*", reason: old }',
      ].join('\n'),
    );
    const after = config(
      [
        'rules:',
        '  HA.AKS.UptimeSLA: off',
        'suppressions:',
        '  - { rule: "HA.*", resource: "*", reason: now }',
      ].join('\n'),
    );
    expect(describeConfigChanges(before, after)).toEqual([
      'adds the suppression of HA.* on * ("now")',
      'removes the suppression of HA.Storage.* on st* ("old")',
      'sets HA.AKS.UptimeSLA to off (was warn)',
    ]);
  });

  test('deployment settings set, changed and removed are named too (they decide what the templates resolve to)', () => {
    const before = config(['deployment:', '  location: westeurope', '  resourceGroup: rg-ml'].join('\n'));
    const after = config(
      ['deployment:', '  location: eastus', '  subscriptionId: 00000000-0000-0000-0000-000000000001'].join(
        '\n',
      ),
    );
    expect(describeConfigChanges(before, after)).toEqual([
      'sets deployment.location to eastus (was westeurope)',
      'removes deployment.resourceGroup (was rg-ml)',
      'sets deployment.subscriptionId to 00000000-0000-0000-0000-000000000001',
    ]);
    expect(describeConfigChanges(before, before)).toEqual([]);
  });
});
