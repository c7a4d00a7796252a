/**
 * A resource declared twice with the same id (created by one module, updated by a later one) is
 * one resource in Azure: ARM deploys the declarations in dependency order and each PUT sets the
 * properties it writes
 * (https://learn.microsoft.com/azure/azure-resource-manager/templates/resource-dependency:
 * "Resource Manager evaluates the dependencies between resources, and deploys them in their
 * dependent order."), so the later declaration wins property by property. One resource, one
 * finding per rule, located where the winning value is written.
 */
import { describe, expect, test } from '@jest/globals';
import { evaluateResources } from '../../src/engine.js';
import { DEPLOYMENT_SCHEMA, innerDeployment, only, scanTree } from './scan-helper.js';

const json = (value: unknown): string => JSON.stringify(value, null, 2);

function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`'${needle}' is not in the template`);
  return index + 1;
}

const WS = 'Microsoft.MachineLearningServices/workspaces';

function workspaceModule(
  name: string,
  properties: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const workspace = { type: WS, apiVersion: '2024-04-01', name: 'ws1', location: 'westeurope', properties };
  return innerDeployment(name, undefined, { resources: [workspace] }, extra);
}

const created = {
  storageAccount: "[resourceId('Microsoft.Storage/storageAccounts', 'st1')]",
  keyVault: "[resourceId('Microsoft.KeyVault/vaults', 'kv1')]",
  description: 'created',
};
const updated = {
  containerRegistry: "[resourceId('Microsoft.ContainerRegistry/registries', 'acr1')]",
  description: 'updated with its registry',
};

describe('a resource declared twice', () => {
  test('a workspace created by one module and updated by a later one is one workspace with one finding per rule', async () => {
    const template = json({
      $schema: DEPLOYMENT_SCHEMA,
      resources: [
        workspaceModule('create', created),
        workspaceModule('update', updated, {
          dependsOn: ["[resourceId('Microsoft.Resources/deployments', 'create')]"],
        }),
      ],
    });
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    // Before: two workspaces with the same id, each judged.
    const workspace = only(resources, WS);
    expect(workspace.body.properties).toMatchObject({
      storageAccount: expect.stringContaining('/storageAccounts/st1'),
      keyVault: expect.stringContaining('/vaults/kv1'),
      containerRegistry: expect.stringContaining('/registries/acr1'),
      description: 'updated with its registry',
    });
    const findings = evaluateResources(resources).filter((f) => f.resource.type === WS);
    const ruleIds = findings.map((f) => f.ruleId);
    expect(ruleIds).toEqual([...new Set(ruleIds)]);
    const registry = findings.find((f) => f.ruleId === 'HA.Workspace.RegistryLinked');
    expect(registry?.status).toBe('pass');
    // Located where the winning value is written: the update's containerRegistry line.
    expect(registry?.location).toEqual({ file: 'main.json', line: lineOf(template, '"containerRegistry"') });
    // A value only the first declaration writes is located there.
    expect(workspace.locate?.('properties.storageAccount')).toEqual({
      file: 'main.json',
      line: lineOf(template, '"storageAccount"'),
    });
  });

  test('deployment order follows dependsOn, not the order the declarations are written in', async () => {
    const template = json({
      $schema: DEPLOYMENT_SCHEMA,
      resources: [
        // Written first, deployed last: it depends on 'create'.
        workspaceModule('update', updated, { dependsOn: ['create'] }),
        workspaceModule('create', created),
      ],
    });
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    const workspace = only(resources, WS);
    expect((workspace.body.properties as Record<string, unknown>).description).toBe(
      'updated with its registry',
    );
    expect(workspace.locate?.('properties.description')).toEqual({
      file: 'main.json',
      line: lineOf(template, '"description": "updated with its registry"'),
    });
  });

  test('two templates that each declare the same id are two deployments: not merged', async () => {
    const single = (description: string) =>
      json({
        $schema: DEPLOYMENT_SCHEMA,
        resources: [{ type: WS, apiVersion: '2024-04-01', name: 'ws1', properties: { description } }],
      });
    const { resources } = await scanTree({ 'dev.json': single('dev'), 'prod.json': single('prod') });
    expect(resources.filter((r) => r.type === WS).map((r) => r.unit)).toEqual(['dev.json', 'prod.json']);
  });
});
