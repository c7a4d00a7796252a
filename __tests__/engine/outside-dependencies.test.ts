/**
 * Dependencies a template names but no scanned template declares (issue 10, point 3): every rule
 * that would judge them says `unknown`, with the id and what to do, on the line that names them.
 */
import { describe, expect, test } from '@jest/globals';
import { evaluateResources } from '../../src/engine.js';
import type { Finding } from '../../src/model.js';
import { DEPLOYMENT_SCHEMA, lines, scanTree } from '../arm-template/scan-helper.js';

const SUB = '11111111-2222-3333-4444-555555555555';
const real = (group: string, type: string, name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${group}/providers/${type}/${name}`;
const OUTSIDE = 'not in the scanned templates: scan the template that creates it, or run workspace mode';

/** A workspace that receives its dependencies as ids (the AVM pattern); line numbers are stated. */
const workspaceTemplate = lines(
  '{', // 1
  `  "$schema": "${DEPLOYMENT_SCHEMA}",`, // 2
  '  "contentVersion": "1.0.0.0",', // 3
  '  "parameters": { "keyVaultName": { "type": "string", "defaultValue": "kv-shared" } },', // 4
  '  "resources": [', // 5
  '    {', // 6
  '      "type": "Microsoft.MachineLearningServices/workspaces",', // 7
  '      "apiVersion": "2024-10-01",', // 8
  '      "name": "mlw",', // 9
  '      "location": "westeurope",', // 10
  '      "properties": {', // 11
  `        "storageAccount": "${real('rg-data', 'Microsoft.Storage/storageAccounts', 'stshared')}",`, // 12
  "        \"keyVault\": \"[resourceId('rg-sec', 'Microsoft.KeyVault/vaults', parameters('keyVaultName'))]\",", // 13
  `        "applicationInsights": "${real('rg-mon', 'Microsoft.Insights/components', 'appi')}",`, // 14
  `        "containerRegistry": "${real('rg-acr', 'Microsoft.ContainerRegistry/registries', 'crshared')}",`, // 15
  '        "encryption": {', // 16
  '          "status": "Enabled",', // 17
  `          "keyVaultProperties": { "keyVaultArmId": "${real('rg-sec', 'Microsoft.KeyVault/vaults', 'kv-cmk')}", "keyIdentifier": "https://kv-cmk.vault.azure.net/keys/k" },`, // 18
  `          "cosmosDbResourceId": "${real('rg-data', 'Microsoft.DocumentDB/databaseAccounts', 'cosmos')}"`, // 19
  '        }', // 20
  '      }', // 21
  '    }', // 22
  '  ]', // 23
  '}', // 24
);

async function findingsOf(files: Record<string, string>): Promise<Finding[]> {
  const { resources, errors } = await scanTree(files);
  expect(errors).toEqual([]);
  return evaluateResources(resources);
}

const on = (findings: Finding[], name: string) =>
  findings.filter((finding) => finding.resource.name === name);

describe('dependencies outside the scanned templates', () => {
  test('each dependency named by id gets unknown from every rule that would judge it, with its id, role and line', async () => {
    const findings = await findingsOf({ 'main.json': workspaceTemplate });
    const expected: [string, string, string, number, string[]][] = [
      [
        'stshared',
        'Microsoft.Storage/storageAccounts',
        'defaultStorage',
        12,
        ['HA.Storage.Redundancy', 'HA.Storage.DefaultStorageGeoFailover'],
      ],
      // Its name comes from the parameter default on line 4: the line to edit.
      [
        'kv-shared',
        'Microsoft.KeyVault/vaults',
        'keyVault',
        4,
        ['HA.KeyVault.Availability', 'HA.KeyVault.Recoverability'],
      ],
      ['appi', 'Microsoft.Insights/components', 'applicationInsights', 14, ['HA.AppInsights.Retention']],
      [
        'crshared',
        'Microsoft.ContainerRegistry/registries',
        'containerRegistry',
        15,
        ['HA.Registry.GeoReplication', 'HA.Registry.ZoneRedundancy'],
      ],
      [
        'kv-cmk',
        'Microsoft.KeyVault/vaults',
        'keyVault',
        18,
        ['HA.KeyVault.Availability', 'HA.KeyVault.Recoverability'],
      ],
      [
        'cosmos',
        'Microsoft.DocumentDB/databaseAccounts',
        'cosmosDb',
        19,
        ['HA.Cosmos.MultiRegion', 'HA.Cosmos.ZoneRedundancy'],
      ],
    ];
    for (const [name, type, role, line, rules] of expected) {
      const mine = on(findings, name);
      expect({ name, rules: mine.map((f) => f.ruleId).sort() }).toEqual({ name, rules: [...rules].sort() });
      for (const finding of mine) {
        expect(finding).toMatchObject({
          status: 'unknown',
          resource: { type, name, role },
          workspace: 'mlw',
          location: { file: 'main.json', line },
        });
        expect(finding.message).toContain(OUTSIDE);
      }
    }
    // A real id is shown as is; an id built from the placeholder subscription says so.
    expect(on(findings, 'stshared')[0]!.message).toContain(
      real('rg-data', 'Microsoft.Storage/storageAccounts', 'stshared'),
    );
    expect(on(findings, 'kv-shared')[0]!.message).toContain(
      '/subscriptions/<subscription>/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/kv-shared',
    );
    expect(findings.map((f) => f.message).join('\n')).not.toContain('00000000-0000-0000-0000-000000000000');
  });

  test('what another scanned template declares is judged for real, not stood in for', async () => {
    const storage = JSON.stringify({
      $schema: DEPLOYMENT_SCHEMA,
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: 'Microsoft.Storage/storageAccounts',
          apiVersion: '2023-05-01',
          name: 'stshared',
          location: 'westeurope',
          sku: { name: 'Standard_LRS' },
          kind: 'StorageV2',
        },
      ],
    });
    const findings = await findingsOf({ 'main.json': workspaceTemplate, 'storage.json': storage });
    const redundancy = on(findings, 'stshared').find((f) => f.ruleId === 'HA.Storage.Redundancy');
    expect(redundancy).toMatchObject({
      status: 'fail',
      resource: { role: 'defaultStorage' },
      workspace: 'mlw',
    });
    expect(on(findings, 'stshared')).toHaveLength(2);
  });

  test('a dependency whose id is only known at deployment is not silent either', async () => {
    const template = JSON.stringify({
      $schema: DEPLOYMENT_SCHEMA,
      contentVersion: '1.0.0.0',
      parameters: { keyVaultId: { type: 'string' } },
      resources: [
        {
          type: 'Microsoft.MachineLearningServices/workspaces',
          apiVersion: '2024-10-01',
          name: 'mlw',
          location: 'westeurope',
          properties: { keyVault: "[parameters('keyVaultId')]" },
        },
      ],
    });
    const findings = await findingsOf({ 'main.json': template });
    const vault = findings.filter((f) => f.resource.type === 'Microsoft.KeyVault/vaults');
    expect(vault.map((f) => `${f.ruleId}:${f.status}`).sort()).toEqual([
      'HA.KeyVault.Availability:unknown',
      'HA.KeyVault.Recoverability:unknown',
    ]);
    expect(vault[0]!.message).toContain("parameter 'keyVaultId' has no value");
    expect(vault[0]!.resource.role).toBe('keyVault');
  });

  test('a project whose hub is outside: its registry is unknown, not a warning', async () => {
    const hubId = real('rg-hub', 'Microsoft.MachineLearningServices/workspaces', 'hub-shared');
    const project = JSON.stringify({
      $schema: DEPLOYMENT_SCHEMA,
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: 'Microsoft.MachineLearningServices/workspaces',
          apiVersion: '2024-10-01',
          name: 'proj',
          kind: 'Project',
          location: 'westeurope',
          properties: { hubResourceId: hubId },
        },
      ],
    });
    const findings = await findingsOf({ 'project.json': project });
    const registry = findings.find(
      (f) => f.ruleId === 'HA.Workspace.RegistryLinked' && f.resource.name === 'proj',
    );
    expect(registry?.status).toBe('unknown');
    expect(registry?.message).toContain(hubId);
    expect(registry?.message).toContain(OUTSIDE);
    // No stand-in workspace repeats it: the hub is not a workspace this scan deploys.
    expect(on(findings, 'hub-shared')).toEqual([]);
  });

  test('a project whose hub another scanned template declares: judged through that hub', async () => {
    const hubId = real('rg-hub', 'Microsoft.MachineLearningServices/workspaces', 'hub-shared');
    const template = (resource: object) =>
      JSON.stringify({ $schema: DEPLOYMENT_SCHEMA, contentVersion: '1.0.0.0', resources: [resource] });
    const findings = await findingsOf({
      'project.json': template({
        type: 'Microsoft.MachineLearningServices/workspaces',
        apiVersion: '2024-10-01',
        name: 'proj',
        kind: 'Project',
        location: 'westeurope',
        properties: { hubResourceId: hubId },
      }),
      'hub.json': template({
        type: 'Microsoft.MachineLearningServices/workspaces',
        apiVersion: '2024-10-01',
        name: 'hub-shared',
        kind: 'Hub',
        location: 'westeurope',
        properties: { containerRegistry: real('rg-hub', 'Microsoft.ContainerRegistry/registries', 'crhub') },
      }),
    });
    expect(
      findings.find((f) => f.ruleId === 'HA.Workspace.RegistryLinked' && f.resource.name === 'proj')?.status,
    ).toBe('pass');
    // The hub is found; only the hub's own registry (not scanned here) is outside.
    const outside = findings.filter((f) => f.message.includes('not in the scanned templates'));
    expect(new Set(outside.map((f) => f.resource.type))).toEqual(
      new Set(['Microsoft.ContainerRegistry/registries']),
    );
  });
});
