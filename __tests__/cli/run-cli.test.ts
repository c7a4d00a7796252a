import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runInProcess } from '../hardening/harness.js';
import type { Report } from '../../src/model.js';

const repoRoot = resolve(import.meta.dirname, '../..');

const run = (args: string[], cwd = repoRoot) => runInProcess(args, cwd);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'aml-ha-gate-cli-'));
}

describe('aml-ha-gate scan on the examples', () => {
  test('the example with gaps fails the default gate with exit code 1 and names its gaps', async () => {
    const { code, stdout } = await run(['scan', 'examples/workspace-with-gaps', '--format', 'json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as Report;
    expect(report.verdict).toBe('fail');
    const failed = report.findings
      .filter((f) => f.status === 'fail')
      .map((f) => `${f.ruleId} ${f.resource.name}`);
    expect(failed).toEqual(
      expect.arrayContaining([
        'HA.Storage.Redundancy stmlwsdev',
        'HA.Registry.GeoReplication crmlwsdev',
        'HA.KeyVault.Recoverability kv-mlws-dev',
        'HA.AKS.AvailabilityZones aks-mlws-dev',
        'HA.Cosmos.MultiRegion cosmos-mlws-dev',
        'HA.PostgreSQL.HighAvailability psql-mlws-dev',
      ]),
    );
    const storage = report.findings.find((f) => f.ruleId === 'HA.Storage.Redundancy');
    expect(storage?.resource.role).toBe('defaultStorage');
    expect(storage?.workspace).toBe('mlws-dev');
    expect(storage?.evidence).toEqual({ path: 'sku.name', value: 'Standard_LRS' });
    // The SKU comes from the parameter's defaultValue: the finding points at that line.
    const lines = readFileSync(join(repoRoot, 'examples/workspace-with-gaps/azuredeploy.json'), 'utf8').split(
      '\n',
    );
    expect(lines[(storage?.location?.line ?? 0) - 1]).toContain('"storageSku"');
  });

  test('the example that follows the article has no failure or warning', async () => {
    const { code, stdout } = await run(['scan', 'examples/ha-workspace', '--format', 'json']);
    const report = JSON.parse(stdout) as Report;
    const bad = report.findings.filter(
      (f) => f.status === 'fail' || f.status === 'warn' || f.status === 'unknown',
    );
    expect(bad.map((f) => `${f.ruleId} ${f.resource.name}: ${f.message}`)).toEqual([]);
    expect(code).toBe(0);
    const roles = new Set(report.findings.map((f) => f.resource.role));
    for (const role of [
      'workspace',
      'defaultStorage',
      'keyVault',
      'containerRegistry',
      'applicationInsights',
      'compute',
    ]) {
      expect(roles).toContain(role);
    }
  });

  test('a baseline of the same run has no regression; fail-on regression passes', async () => {
    const dir = tempDir();
    const baseline = join(dir, 'baseline.json');
    const first = await run([
      'scan',
      'examples',
      '--format',
      'json',
      '--output',
      baseline,
      '--fail-on',
      'never',
    ]);
    expect(first.code).toBe(0);
    const second = await run(['scan', 'examples', '--baseline', baseline, '--format', 'json']);
    const report = JSON.parse(second.stdout) as Report;
    expect(report.summary.regressions).toBe(0);
    expect(second.code).toBe(0);
  });
});

describe('errors are one clear line with the documented exit code', () => {
  test('an unknown flag', async () => {
    const { code, stderr } = await run(['scan', '--frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/frobnicate/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test('a bad --fail-on value names the accepted ones', async () => {
    const { code, stderr } = await run(['scan', 'examples', '--fail-on', 'sometimes']);
    expect(code).toBe(2);
    expect(stderr).toContain("invalid --fail-on 'sometimes': expected one of regression, fail, warn, never");
  });

  test('a missing parameters file', async () => {
    const { code, stderr } = await run([
      'scan',
      'examples/ha-workspace/azuredeploy.json',
      '--parameters',
      'examples/nope.parameters.json',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('examples/nope.parameters.json');
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  test('nothing to scan', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.json'), '{"hello": "world"}');
    const { code, stderr } = await run(['scan', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain('nothing to scan');
  });

  test('an unreadable baseline', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'baseline.json'), '{ not json');
    const { code, stderr } = await run(['scan', 'examples', '--baseline', join(dir, 'baseline.json')]);
    expect(code).toBe(2);
    expect(stderr).toContain('baseline.json');
  });

  test('a malformed template is listed with its file and line, and the other templates are still evaluated', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'infra'));
    writeFileSync(
      join(dir, 'infra/broken.json'),
      '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n  "resources": [\n    { "type": "Microsoft.Storage/storageAccounts", "name": "x" \n',
    );
    writeFileSync(
      join(dir, 'infra/good.json'),
      JSON.stringify({
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        resources: [
          {
            type: 'Microsoft.Storage/storageAccounts',
            apiVersion: '2023-01-01',
            name: 'stgood',
            location: 'westeurope',
            sku: { name: 'Standard_LRS' },
          },
        ],
      }),
    );
    const { code, stdout } = await run(['scan', 'infra', '--format', 'json'], dir);
    const report = JSON.parse(stdout) as Report;
    expect(code).toBe(1);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]?.file).toBe('infra/broken.json');
    expect(report.errors[0]?.line).toBeGreaterThanOrEqual(4);
    expect(report.findings.some((f) => f.resource.name === 'stgood' && f.status === 'fail')).toBe(true);
  });
});

describe('where the templates deploy', () => {
  const zonelessCluster = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [
      {
        type: 'Microsoft.ContainerService/managedClusters',
        apiVersion: '2024-09-01',
        name: 'aks',
        location: '[resourceGroup().location]',
        sku: { name: 'Base', tier: 'Standard' },
        properties: { agentPoolProfiles: [{ name: 'system', type: 'VirtualMachineScaleSets' }] },
      },
    ],
  });
  const zones = async (args: string[], cwd: string) => {
    const { stdout } = await run(['scan', '.', '--format', 'json', '--fail-on', 'never', ...args], cwd);
    return (JSON.parse(stdout) as Report).findings.find((f) => f.ruleId === 'HA.AKS.AvailabilityZones');
  };

  test('the location is unknown until --location or deployment.location sets it; the flag wins', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'aks.json'), zonelessCluster);
    const unset = await zones([], dir);
    expect(unset?.status).toBe('unknown');
    expect(unset?.message).toContain('--location');
    expect((await zones(['--location', 'westeurope'], dir))?.status).toBe('fail');
    mkdirSync(join(dir, '.github'));
    writeFileSync(join(dir, '.github/aml-ha-gate.yml'), 'deployment:\n  location: westus\n');
    expect((await zones([], dir))?.status).toBe('pass');
    expect((await zones(['--location', 'westeurope'], dir))?.status).toBe('fail');
  });

  test('a bad deployment flag is a usage error naming it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'aks.json'), zonelessCluster);
    const { code, stderr } = await run(['scan', '.', '--subscription-id', 'prod'], dir);
    expect(code).toBe(2);
    expect(stderr).toContain("invalid --subscription-id 'prod': expected a subscription id (a GUID)");
  });
});

test('--version and --help', async () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  expect((await run(['--version'])).stdout.trim()).toBe(pkg.version);
  const help = await run(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('aml-ha-gate scan [PATH ...]');
  expect(help.stdout).toContain('--fail-on');
});

describe('aml-ha-gate scan: names from the repository on a terminal', () => {
  test('ANSI escapes and line breaks in names are printed, not obeyed; no line reads as a workflow command', async () => {
    const dir = tempDir();
    const forgedName = 'st\u001b[2K\r\u001b[32m  PASS  HA.Storage.Redundancy\u001b[0m';
    const fileName = 'evil\n::error file=README.md,line=1::forged\n##[add-mask]aml-ha-gate.json';
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: 'Microsoft.Storage/storageAccounts',
          apiVersion: '2023-01-01',
          name: forgedName,
          location: 'eastus',
          sku: { name: 'Standard_LRS' },
          kind: 'StorageV2',
        },
      ],
    };
    writeFileSync(join(dir, fileName), JSON.stringify(template, null, 2));
    writeFileSync(
      join(dir, 'broken\u001b[31m.json'),
      '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [',
    );
    const { code, stdout, stderr } = await run(['scan', '.'], dir);
    expect(code).toBe(1);
    for (const text of [stdout, stderr]) {
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
      expect(text.split('\n').filter((line) => /^\s*::/.test(line) || line.includes('##['))).toEqual([]);
    }
    const rows = stdout.split('\n').filter((line) => line.includes('HA.Storage.Redundancy'));
    expect(rows[0]).toMatch(/^\s+FAIL/);
    expect(stdout).toContain('st\\e[2K\\r\\e[32m  PASS');
    expect(stdout).toContain('evil\\n::error file=README.md');
    expect(stdout).toContain('broken\\e[31m.json');
  });
});
