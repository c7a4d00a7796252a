/**
 * Names known only at deployment (a required parameter with no parameters file, an azd
 * placeholder): names built from the same unknown value are the same name, so a workspace's
 * pointer built from it still finds the resource the template declares with it. Values that
 * decide a verdict stay unknown.
 */
import { describe, expect, test } from '@jest/globals';
import { silentLogger, type Finding, type Report } from '../../src/model.js';
import { scanTemplates } from '../../src/scan.js';
import { DEPLOYMENT_SCHEMA, writeTree } from './scan-helper.js';

async function scan(template: object, extra: Record<string, string> = {}): Promise<Report> {
  const dir = writeTree({ 'main.json': JSON.stringify(template, null, 2), ...extra });
  return scanTemplates({
    paths: ['.'],
    cwd: dir,
    failOn: 'never',
    unknownAs: 'unknown',
    logger: silentLogger,
    now: new Date('2026-01-01T00:00:00Z'),
  });
}

const storage = (name: string, sku = 'Standard_LRS') => ({
  type: 'Microsoft.Storage/storageAccounts',
  apiVersion: '2023-01-01',
  name,
  location: 'eastus2',
  sku: { name: sku },
  kind: 'StorageV2',
});

const workspace = (name: string, properties: Record<string, string>) => ({
  type: 'Microsoft.MachineLearningServices/workspaces',
  apiVersion: '2024-04-01',
  name,
  location: 'eastus2',
  properties,
});

function template(parameters: Record<string, object>, resources: object[], variables = {}): object {
  return { $schema: DEPLOYMENT_SCHEMA, contentVersion: '1.0.0.0', parameters, variables, resources };
}

const findings = (report: Report, ruleId: string): Finding[] =>
  report.findings.filter((f) => f.ruleId === ruleId);

/** No finding shows an unknown's internals: neither `<unknown: …>` nor the symbol's private marks. */
function expectReadable(report: Report): void {
  const text = JSON.stringify(report);
  expect(text).not.toContain('<unknown');
  expect(text).not.toMatch(/[\uE000-\uE0FF]/);
}

describe('a resource named from a parameter with no value', () => {
  test('is the default storage its workspace points at with resourceId()', async () => {
    const report = await scan(
      template({ stName: { type: 'string' } }, [
        storage("[parameters('stName')]"),
        workspace('ws', {
          storageAccount: "[resourceId('Microsoft.Storage/storageAccounts', parameters('stName'))]",
        }),
      ]),
    );
    const redundancy = findings(report, 'HA.Storage.Redundancy');
    expect(redundancy).toHaveLength(1);
    expect(redundancy[0]?.resource.role).toBe('defaultStorage');
    expect(redundancy[0]?.workspace).toBe('ws');
    expect(redundancy[0]?.status).toBe('fail');
    expect(redundancy[0]?.resource.name).toBe("[parameters('stName')]");
    expect(report.findings.some((f) => f.message.includes('not known before deployment'))).toBe(false);
    expectReadable(report);
  });

  test('a Bicep-style format() of uniqueString() with a missing parameter links, and reads readably', async () => {
    const name = "[format('st{0}', uniqueString(resourceGroup().id, parameters('env')))]";
    const report = await scan(
      template({ env: { type: 'string' } }, [
        storage(name, 'Standard_ZRS'),
        workspace("[format('mlw-{0}', parameters('env'))]", {
          storageAccount: `[resourceId('Microsoft.Storage/storageAccounts', format('st{0}', uniqueString(resourceGroup().id, parameters('env'))))]`,
        }),
      ]),
    );
    const redundancy = findings(report, 'HA.Storage.Redundancy');
    expect(redundancy).toHaveLength(1);
    expect(redundancy[0]?.resource.role).toBe('defaultStorage');
    expect(redundancy[0]?.resource.name).toMatch(/^st\[uniqueString\(.*parameters\('env'\)\)\]$/);
    expect(redundancy[0]?.workspace).toBe("mlw-[parameters('env')]");
    expectReadable(report);
  });

  test('key vault, registry and Application Insights named from the same parameter link too', async () => {
    const report = await scan(
      template(
        { base: { type: 'string' } },
        [
          storage("[concat('st', variables('token'))]"),
          {
            type: 'Microsoft.KeyVault/vaults',
            apiVersion: '2023-07-01',
            name: "[format('kv-{0}', variables('token'))]",
            location: 'eastus2',
            properties: { tenantId: '[subscription().tenantId]', sku: { family: 'A', name: 'standard' } },
          },
          {
            type: 'Microsoft.ContainerRegistry/registries',
            apiVersion: '2023-07-01',
            name: "[concat('cr', variables('token'))]",
            location: 'eastus2',
            sku: { name: 'Basic' },
          },
          {
            type: 'Microsoft.Insights/components',
            apiVersion: '2020-02-02',
            name: "[format('appi-{0}', parameters('base'))]",
            location: 'eastus2',
            kind: 'web',
            properties: { Application_Type: 'web' },
          },
          workspace('ws', {
            storageAccount:
              "[resourceId('Microsoft.Storage/storageAccounts', concat('st', variables('token')))]",
            keyVault: "[resourceId('Microsoft.KeyVault/vaults', format('kv-{0}', variables('token')))]",
            containerRegistry:
              "[resourceId('Microsoft.ContainerRegistry/registries', concat('cr', variables('token')))]",
            applicationInsights:
              "[resourceId('Microsoft.Insights/components', concat('appi-', parameters('base')))]",
          }),
        ],
        { token: "[toLower(parameters('base'))]" },
      ),
    );
    const roles = new Map(report.findings.map((f) => [f.resource.type.toLowerCase(), f.resource.role]));
    expect(roles.get('microsoft.storage/storageaccounts')).toBe('defaultStorage');
    expect(roles.get('microsoft.keyvault/vaults')).toBe('keyVault');
    expect(roles.get('microsoft.containerregistry/registries')).toBe('containerRegistry');
    expect(roles.get('microsoft.insights/components')).toBe('applicationInsights');
    expect(report.findings.some((f) => f.message.includes('not known before deployment'))).toBe(false);
    expect(findings(report, 'HA.Registry.GeoReplication')[0]?.status).toBe('fail');
    expectReadable(report);
  });

  test('a child resource of a workspace named from a parameter serves that workspace', async () => {
    const report = await scan(
      template({ wsName: { type: 'string' }, stName: { type: 'string' } }, [
        storage("[parameters('stName')]"),
        {
          ...workspace("[parameters('wsName')]", {
            storageAccount: "[resourceId('Microsoft.Storage/storageAccounts', parameters('stName'))]",
          }),
          resources: [
            {
              type: 'computes',
              apiVersion: '2024-04-01',
              name: 'cpu',
              location: 'eastus2',
              dependsOn: ["[parameters('wsName')]"],
              properties: {
                computeType: 'AmlCompute',
                properties: {
                  vmSize: 'Standard_DS3_v2',
                  scaleSettings: { minNodeCount: 0, maxNodeCount: 2 },
                },
              },
            },
          ],
        },
        {
          type: 'Microsoft.MachineLearningServices/workspaces/computes',
          apiVersion: '2024-04-01',
          name: "[format('{0}/{1}', parameters('wsName'), 'gpu')]",
          location: 'eastus2',
          properties: {
            computeType: 'AmlCompute',
            properties: { vmSize: 'Standard_NC6', scaleSettings: { minNodeCount: 0, maxNodeCount: 2 } },
          },
        },
      ]),
    );
    const computes = report.findings.filter((f) => f.resource.role === 'compute');
    expect(new Set(computes.map((f) => f.resource.name))).toEqual(
      new Set(["[parameters('wsName')]/cpu", "[parameters('wsName')]/gpu"]),
    );
    expect(new Set(computes.map((f) => f.workspace))).toEqual(new Set(["[parameters('wsName')]"]));
    expect(findings(report, 'HA.Storage.Redundancy')[0]?.resource.role).toBe('defaultStorage');
    expectReadable(report);
  });

  test('two different missing parameters never link', async () => {
    const report = await scan(
      template({ stName: { type: 'string' }, otherName: { type: 'string' } }, [
        storage("[parameters('stName')]"),
        workspace('ws', {
          storageAccount: "[resourceId('Microsoft.Storage/storageAccounts', parameters('otherName'))]",
        }),
        workspace('ws2', {}),
      ]),
    );
    const declared = report.findings.filter((f) => f.resource.name === "[parameters('stName')]");
    expect(declared.length).toBeGreaterThan(0);
    expect(declared.every((f) => f.resource.role === 'unlinked')).toBe(true);
    const unknownStorage = findings(report, 'HA.Storage.Redundancy').filter((f) => f.workspace === 'ws');
    expect(unknownStorage.map((f) => f.status)).toEqual(['unknown']);
  });

  test('a value computed from a parameter is not the parameter (length, substring of another, a property)', async () => {
    const report = await scan(
      template({ stName: { type: 'string' }, names: { type: 'object' } }, [
        storage("[parameters('stName')]"),
        storage("[parameters('names').storage]"),
        workspace('ws', {
          storageAccount:
            "[resourceId('Microsoft.Storage/storageAccounts', string(length(parameters('stName'))))]",
        }),
        workspace('ws2', {
          storageAccount: "[resourceId('Microsoft.Storage/storageAccounts', parameters('names').storage)]",
        }),
      ]),
    );
    const byName = (name: string) =>
      report.findings.find((f) => f.resource.name === name && f.ruleId === 'HA.Storage.Redundancy');
    expect(byName("[parameters('stName')]")?.resource.role).not.toBe('defaultStorage');
    expect(byName("[parameters('names').storage]")?.resource.role).toBe('defaultStorage');
    expect(byName("[parameters('names').storage]")?.workspace).toBe('ws2');
  });

  test('a nested deployment links the name passed through, not its own parameter of the same name', async () => {
    const inner = (passed: boolean) => ({
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: passed ? 'passed' : 'own',
      properties: {
        mode: 'Incremental',
        expressionEvaluationOptions: { scope: 'inner' },
        parameters: passed ? { stName: { value: "[parameters('stName')]" } } : {},
        template: template({ stName: { type: 'string' } }, [
          storage("[parameters('stName')]", passed ? 'Standard_GRS' : 'Standard_LRS'),
        ]),
      },
    });
    const report = await scan(
      template({ stName: { type: 'string' } }, [
        inner(true),
        inner(false),
        workspace('ws', {
          storageAccount: "[resourceId('Microsoft.Storage/storageAccounts', parameters('stName'))]",
        }),
      ]),
    );
    const redundancy = findings(report, 'HA.Storage.Redundancy').filter(
      (f) => f.resource.role === 'defaultStorage',
    );
    expect(redundancy).toHaveLength(1);
    expect(redundancy[0]?.evidence.value).toBe('Standard_GRS');
  });

  test('a location or SKU from a missing parameter stays unknown', async () => {
    const report = await scan(
      template({ stName: { type: 'string' }, sku: { type: 'string' } }, [
        storage("[parameters('stName')]", "[parameters('sku')]"),
        workspace('ws', {
          storageAccount: "[resourceId('Microsoft.Storage/storageAccounts', parameters('stName'))]",
        }),
      ]),
    );
    const redundancy = findings(report, 'HA.Storage.Redundancy');
    expect(redundancy).toHaveLength(1);
    expect(redundancy[0]?.resource.role).toBe('defaultStorage');
    expect(redundancy[0]?.status).toBe('unknown');
    expect(redundancy[0]?.message).toContain("parameter 'sku' has no value");
    expectReadable(report);
  });
});
