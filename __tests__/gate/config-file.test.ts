import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, parseConfigFile } from '../../src/config-file.js';
import { ConfigurationError } from '../../src/errors.js';

function errorOf(text: string): ConfigurationError {
  try {
    parseConfigFile(text, '.github/aml-ha-gate.yml');
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('config file', () => {
  test('reads overrides and suppressions', () => {
    const config = parseConfigFile(
      [
        'rules:',
        '  HA.AKS.UptimeSLA: off',
        '  HA.Storage.Redundancy: warn',
        'suppressions:',
        '  - rule: HA.Storage.*',
        '    resource: "scratch*"',
        '    workspace: mlws-dev',
        '    reason: Scratch data, rebuilt nightly',
        '    expires: 2027-03-31',
      ].join('\n'),
      'cfg.yml',
    );
    expect(config.rules).toEqual({ 'HA.AKS.UptimeSLA': 'off', 'HA.Storage.Redundancy': 'warn' });
    expect(config.suppressions).toEqual([
      {
        rule: 'HA.Storage.*',
        resource: 'scratch*',
        workspace: 'mlws-dev',
        reason: 'Scratch data, rebuilt nightly',
        expires: '2027-03-31',
        line: 5,
      },
    ]);
  });

  test('deployment: where the templates deploy; a bad value names the file, the line and what to write', () => {
    const config = parseConfigFile(
      [
        'deployment:',
        '  subscriptionId: 11111111-2222-3333-4444-555555555555',
        '  resourceGroup: rg-ml-prod',
        '  location: swedencentral',
      ].join('\n'),
      'cfg.yml',
    );
    expect(config.deployment).toEqual({
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      resourceGroup: 'rg-ml-prod',
      location: 'swedencentral',
    });
    const bad = errorOf(['deployment:', '  location: westeurope', '  subscriptionId: prod'].join('\n'));
    expect(bad.line).toBe(3);
    expect(bad.message).toContain("deployment.subscriptionId 'prod': expected a subscription id");
    expect(errorOf('deployment:\n  region: westeurope').message).toContain(
      "unknown key 'region' under deployment: use subscriptionId, resourceGroup, location",
    );
  });

  test('an empty file is an empty config', () => {
    expect(parseConfigFile('', 'cfg.yml')).toEqual({ file: 'cfg.yml', rules: {}, suppressions: [] });
  });

  test.each([
    ['suppressions:\n  - rule: HA.Storage.Redundancy\n    resource: st\n', 2, /needs 'reason:'/],
    ['rules:\n  HA.AKS.UptimeSLA: sometimes\n', 2, /invalid override 'sometimes'.*off, fail, warn, info/],
    ['rules:\n  Storage.Redundancy: off\n', 2, /rule ids start with HA\./],
    [
      'suppressions:\n  - rule: HA.X\n    reason: r\n    expires: next week\n',
      2,
      /invalid expires 'next week'.*YYYY-MM-DD/,
    ],
    ['\nsuppresions:\n  - rule: HA.X\n', 2, /unknown key 'suppresions'/],
    ['suppressions:\n  - rule: HA.X\n    reason: r\n    resorce: st\n', 4, /unknown key 'resorce'/],
    ['rules: [\n', 2, /not valid YAML/],
  ])('%j is rejected at line %d', (text, line, message) => {
    const error = errorOf(text);
    expect(error.message).toMatch(message);
    expect(error.file).toBe('.github/aml-ha-gate.yml');
    expect(error.line).toBe(line);
  });

  test('a missing optional file is empty; a missing required one is an error naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    await expect(loadConfigFile(join(dir, 'none.yml'), { required: false })).resolves.toMatchObject({
      rules: {},
      suppressions: [],
    });
    await expect(loadConfigFile(join(dir, 'none.yml'), { required: true })).rejects.toThrow(
      ConfigurationError,
    );
    writeFileSync(join(dir, 'ok.yml'), 'rules:\n  HA.AKS.UptimeSLA: info\n');
    await expect(loadConfigFile(join(dir, 'ok.yml'), { required: true })).resolves.toMatchObject({
      rules: { 'HA.AKS.UptimeSLA': 'info' },
    });
  });
});
