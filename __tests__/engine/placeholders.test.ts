/**
 * Placeholders are not facts (issue 10, point 4): the deployment context is a placeholder unless
 * the user sets it; a verdict that depends on a placeholder value is `unknown` and names the
 * setting that would decide it, and no message states a placeholder region or id as real.
 */
import { describe, expect, test } from '@jest/globals';
import {
  displayId,
  mergeDeploymentSettings,
  placeholderScopeOf,
  validateDeploymentSettings,
  type DeploymentSettings,
} from '../../src/deployment-settings.js';
import { evaluateResources } from '../../src/engine.js';
import { ConfigurationError } from '../../src/errors.js';
import type { Finding } from '../../src/model.js';
import { deploymentContextFor } from '../../src/sources/arm/deployment-context.js';
import { DEPLOYMENT_SCHEMA, scanTree } from '../arm-template/scan-helper.js';

const template = (resources: unknown[]) =>
  JSON.stringify({
    $schema: DEPLOYMENT_SCHEMA,
    contentVersion: '1.0.0.0',
    parameters: { location: { type: 'string', defaultValue: '[resourceGroup().location]' } },
    resources,
  });

const cluster = {
  type: 'Microsoft.ContainerService/managedClusters',
  apiVersion: '2024-09-01',
  name: 'aks',
  location: "[parameters('location')]",
  sku: { name: 'Base', tier: 'Standard' },
  properties: { agentPoolProfiles: [{ name: 'system', type: 'VirtualMachineScaleSets', count: 3 }] },
};

const registry = (replicaLocation: string) => [
  {
    type: 'Microsoft.ContainerRegistry/registries',
    apiVersion: '2023-07-01',
    name: 'crml',
    location: "[parameters('location')]",
    sku: { name: 'Premium' },
  },
  {
    type: 'Microsoft.ContainerRegistry/registries/replications',
    apiVersion: '2023-07-01',
    name: 'crml/replica',
    location: replicaLocation,
    dependsOn: ['crml'],
  },
];

async function findingsOf(resources: unknown[], deployment: DeploymentSettings = {}): Promise<Finding[]> {
  const { resources: scanned, errors } = await scanTree(
    { 'main.json': template(resources) },
    { deployment: deploymentContextFor(deployment) },
  );
  expect(errors).toEqual([]);
  return evaluateResources(scanned, undefined, { deployment });
}

const find = (findings: Finding[], ruleId: string) => findings.find((finding) => finding.ruleId === ruleId);

describe('the location is a placeholder until set', () => {
  test('whether a region has zones is unknown while the location is a placeholder, and says which setting decides', async () => {
    const zones = find(await findingsOf([cluster]), 'HA.AKS.AvailabilityZones');
    expect(zones?.status).toBe('unknown');
    expect(zones?.message).toContain('--location');
    expect(zones?.message).toContain('deployment.location');
    expect(zones?.message).not.toMatch(/westeurope/i);
  });

  test('once set, the region decides: zones exist in westeurope (fail), not in westus (pass)', async () => {
    expect(
      find(await findingsOf([cluster], { location: 'westeurope' }), 'HA.AKS.AvailabilityZones')?.status,
    ).toBe('fail');
    expect(
      find(await findingsOf([cluster], { location: 'westus' }), 'HA.AKS.AvailabilityZones')?.status,
    ).toBe('pass');
  });

  test('node pools with zones pass whatever the region', async () => {
    const zonal = {
      ...cluster,
      properties: {
        agentPoolProfiles: [
          { name: 'system', type: 'VirtualMachineScaleSets', availabilityZones: ['1', '2', '3'] },
        ],
      },
    };
    expect(find(await findingsOf([zonal]), 'HA.AKS.AvailabilityZones')?.status).toBe('pass');
  });

  test('a replica in a named region: is it another region than the placeholder? unknown until the location is set', async () => {
    const unset = find(await findingsOf(registry('northeurope')), 'HA.Registry.GeoReplication');
    expect(unset?.status).toBe('unknown');
    expect(unset?.message).toContain('--location');
    const set = find(
      await findingsOf(registry('northeurope'), { location: 'westeurope' }),
      'HA.Registry.GeoReplication',
    );
    expect(set?.status).toBe('pass');
    const same = find(
      await findingsOf(registry('northeurope'), { location: 'northeurope' }),
      'HA.Registry.GeoReplication',
    );
    expect(same?.status).toBe('warn');
  });

  test('a replica in the deployment location is in the same region, whatever it is', async () => {
    const finding = find(
      await findingsOf(registry("[parameters('location')]")),
      'HA.Registry.GeoReplication',
    );
    expect(finding?.status).toBe('warn');
  });

  test("a nested deployment to another resource group: that group's location is not the one set", async () => {
    const nested = (resourceGroup: string) => ({
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: 'clusterDeployment',
      resourceGroup,
      properties: {
        mode: 'Incremental',
        expressionEvaluationOptions: { scope: 'inner' },
        template: {
          $schema: DEPLOYMENT_SCHEMA,
          contentVersion: '1.0.0.0',
          resources: [{ ...cluster, location: '[resourceGroup().location]' }],
        },
      },
    });
    const other = find(
      await findingsOf([nested('rg-aks')], { location: 'westeurope' }),
      'HA.AKS.AvailabilityZones',
    );
    expect(other?.status).toBe('unknown');
    expect(other?.message).toContain('resource group rg-aks');
    const same = find(
      await findingsOf([nested('[resourceGroup().name]')], {
        location: 'westeurope',
        resourceGroup: 'rg-ml',
      }),
      'HA.AKS.AvailabilityZones',
    );
    expect(same?.status).toBe('fail');
  });

  test('no message states the placeholder region or subscription as real', async () => {
    const findings = await findingsOf([
      cluster,
      ...registry('northeurope'),
      {
        type: 'Microsoft.MachineLearningServices/workspaces',
        apiVersion: '2024-10-01',
        name: 'mlw',
        location: "[parameters('location')]",
        properties: { containerRegistry: "[resourceId('Microsoft.ContainerRegistry/registries', 'crml')]" },
      },
    ]);
    expect(findings.length).toBeGreaterThan(4);
    const text = findings.map((finding) => finding.message).join('\n');
    expect(text).not.toMatch(/westeurope/i);
    expect(text).not.toContain('00000000-0000-0000-0000-000000000000');
  });
});

describe('deployment settings', () => {
  test('invalid values name where they came from and what to write', () => {
    expect(() => validateDeploymentSettings({ subscriptionId: 'prod' }, (name) => `input '${name}'`)).toThrow(
      ConfigurationError,
    );
    expect(() => validateDeploymentSettings({ location: 'west-europe!' }, () => '--location')).toThrow(
      /--location 'west-europe!': expected an Azure region/,
    );
    expect(validateDeploymentSettings({ location: ' westeurope ', resourceGroup: '' }, () => 'x')).toEqual({
      location: 'westeurope',
    });
  });

  test('flags win over the config file, setting by setting', () => {
    expect(
      mergeDeploymentSettings(
        { location: 'swedencentral' },
        { location: 'westeurope', resourceGroup: 'rg-ml' },
      ),
    ).toEqual({ location: 'swedencentral', resourceGroup: 'rg-ml' });
  });

  test('ids built from placeholders are recognised and shown as such', () => {
    const placeholderId =
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st';
    expect(placeholderScopeOf(placeholderId, {})).toEqual(['subscriptionId', 'resourceGroup']);
    expect(displayId(placeholderId, {})).toBe(
      '/subscriptions/<subscription>/resourceGroups/<resource group>/providers/Microsoft.Storage/storageAccounts/st',
    );
    const sub = '11111111-2222-3333-4444-555555555555';
    const withSub = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st`;
    // The subscription was set, the resource group was not: 'rg' is still the placeholder.
    expect(placeholderScopeOf(withSub, { subscriptionId: sub })).toEqual(['resourceGroup']);
    // A resource group really named rg, once the user set theirs.
    expect(placeholderScopeOf(withSub, { subscriptionId: sub, resourceGroup: 'rg-ml' })).toEqual([]);
    expect(placeholderScopeOf(withSub.replace('/rg/', '/rg-data/'), {})).toEqual([]);
  });
});
