/**
 * Parameter binding as ARM does it: types through `$ref` to `definitions`, `nullable`, defaults,
 * `allowedValues`, and the values a deployment (a Bicep module) passes to the template it runs.
 * Each test quotes the documentation it follows.
 */
import { describe, expect, test } from '@jest/globals';
import { evaluateResources } from '../../src/engine.js';
import { isUnknown } from '../../src/model.js';
import { DEPLOYMENT_SCHEMA, innerDeployment, only, scanTree } from './scan-helper.js';

/** The line of the first line of `text` that contains `needle` (1-based). */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`'${needle}' is not in the template`);
  return index + 1;
}

const json = (value: unknown): string => JSON.stringify(value, null, 2);

const storageModule = {
  languageVersion: '2.0',
  parameters: {
    skuName: {
      type: 'string',
      defaultValue: 'Standard_ZRS',
      allowedValues: ['Standard_LRS', 'Standard_ZRS', 'Standard_GZRS'],
    },
  },
  resources: {
    st: {
      type: 'Microsoft.Storage/storageAccounts',
      apiVersion: '2023-01-01',
      name: 'stmodule',
      sku: { name: "[parameters('skuName')]" },
      kind: 'StorageV2',
    },
  },
};

describe('nullable parameters and $ref types', () => {
  // https://learn.microsoft.com/azure/azure-resource-manager/templates/definitions#nullable-constraint
  // "The nullable constraint indicates that the value may be `null` or omitted."
  // https://learn.microsoft.com/azure/azure-resource-manager/templates/definitions#use-definition
  // "To reference a type definition, use "$ref": "#/definitions/<definition-name>"."
  test('a nullable parameter (directly, through $ref, through a $ref chain) left out is null, and allowedValues do not apply to null', async () => {
    const template = json({
      $schema: DEPLOYMENT_SCHEMA,
      languageVersion: '2.0',
      definitions: {
        skuType: {
          type: 'string',
          allowedValues: ['Standard_LRS', 'Standard_ZRS'],
          nullable: true,
        },
        configType: {
          type: 'object',
          properties: { sku: { $ref: '#/definitions/skuType' }, tier: { type: 'string' } },
        },
        optionalConfig: { $ref: '#/definitions/configType', nullable: true },
      },
      parameters: {
        zone: { type: 'string', nullable: true, allowedValues: ['1', '2', '3'] },
        sku: { $ref: '#/definitions/skuType' },
        config: { $ref: '#/definitions/optionalConfig' },
      },
      resources: {
        st: {
          type: 'Microsoft.Storage/storageAccounts',
          apiVersion: '2023-01-01',
          name: 'st1',
          sku: { name: "[coalesce(parameters('sku'), 'Standard_ZRS')]" },
          properties: {
            zone: "[parameters('zone')]",
            configured: "[not(equals(parameters('config'), null()))]",
          },
        },
      },
    });
    const { resources, errors } = await scanTree({ 'main.json': template });
    // Before: "parameter 'zone' is null, which is not one of its allowed values".
    expect(errors).toEqual([]);
    const storage = only(resources, 'Microsoft.Storage/storageAccounts');
    // Before: the $ref-nullable parameter was "has no value" (unknown), so the SKU was unknown.
    expect(storage.body.sku).toEqual({ name: 'Standard_ZRS' });
    expect(storage.body.properties).toEqual({ zone: null, configured: false });
  });

  // https://learn.microsoft.com/azure/azure-resource-manager/templates/definitions#allowed-values
  // "The deployment fails during validation if a value is passed in for the type definition that
  // isn't one of the allowed values."
  test('allowedValues declared on a definition, and on a property of an object definition, are checked', async () => {
    const template = json({
      $schema: DEPLOYMENT_SCHEMA,
      languageVersion: '2.0',
      definitions: {
        skuType: { type: 'string', allowedValues: ['Standard_LRS', 'Standard_ZRS'] },
        configType: {
          type: 'object',
          properties: { sku: { $ref: '#/definitions/skuType' } },
          additionalProperties: { type: 'string', allowedValues: ['Hot', 'Cool'] },
        },
        listType: {
          type: 'array',
          prefixItems: [{ $ref: '#/definitions/skuType' }],
          items: { type: 'int', allowedValues: [1, 2] },
        },
      },
      parameters: {
        sku: { $ref: '#/definitions/skuType', defaultValue: 'Premium_LRS' },
        config: { $ref: '#/definitions/configType', defaultValue: { sku: 'Standard_ZRS', tier: 'Archive' } },
        list: { $ref: '#/definitions/listType', defaultValue: ['Standard_LRS', 1, 3] },
      },
      resources: {},
    });
    const { errors } = await scanTree({ 'main.json': template });
    const messages = errors.map((e) => e.message);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/parameter 'sku' is "Premium_LRS", which is not one of its allowed values/);
    expect(messages[1]).toMatch(
      /parameter 'config' \(tier\) is "Archive", which is not one of its allowed values \("Hot", "Cool"/,
    );
    expect(messages[2]).toMatch(
      /parameter 'list' \(\[2\]\) is 3, which is not one of its allowed values \(1, 2/,
    );
    // Each error is at the line of the value that is wrong (the default), in the template.
    expect(errors[0]).toMatchObject({
      file: 'main.json',
      line: lineOf(template, '"defaultValue": "Premium_LRS"'),
    });
  });
});

describe('what a deployment passes to the template it runs', () => {
  // https://github.com/Azure/bicep/pull/11532 (Bicep maintainers, on why `.bicepparam` files may
  // assign `null`): "the ARM engine will interpret a `null` value as equivalent to no value having
  // been supplied for the parameter", and
  // https://learn.microsoft.com/azure/azure-resource-manager/templates/parameters#default-value
  // "The default value is used when a value isn't provided during deployment."
  test('a module given null for a parameter with a default gets the default (AVM: optional parameters passed through)', async () => {
    const template = json({
      $schema: DEPLOYMENT_SCHEMA,
      languageVersion: '2.0',
      parameters: {
        storageSku: { type: 'string', nullable: true },
        deployCompute: { type: 'bool', nullable: true },
      },
      resources: {
        storage: innerDeployment(
          'storage',
          { skuName: { value: "[parameters('storageSku')]" } },
          storageModule,
        ),
        workspace: innerDeployment(
          'workspace',
          { deployCompute: { value: "[parameters('deployCompute')]" } },
          {
            languageVersion: '2.0',
            parameters: { deployCompute: { type: 'bool', defaultValue: true } },
            resources: {
              ws: {
                type: 'Microsoft.MachineLearningServices/workspaces',
                apiVersion: '2024-04-01',
                name: 'ws1',
              },
              cluster: {
                condition: "[equals(parameters('deployCompute'), true())]",
                type: 'Microsoft.MachineLearningServices/workspaces/computes',
                apiVersion: '2024-04-01',
                name: 'ws1/cpu',
                properties: { computeType: 'AmlCompute' },
              },
            },
          },
        ),
      },
    });
    const { resources, errors } = await scanTree({ 'main.json': template });
    // Before: "parameter 'skuName' is null, which is not one of its allowed values".
    expect(errors).toEqual([]);
    const storage = only(resources, 'Microsoft.Storage/storageAccounts');
    expect(storage.body.sku).toEqual({ name: 'Standard_ZRS' });
    // The default's line is where the SKU is set.
    expect(storage.locate?.('sku.name')).toEqual({
      file: 'main.json',
      line: lineOf(template, '"defaultValue": "Standard_ZRS"'),
    });
    // Before: the compute was dropped because deployCompute arrived as null.
    expect(only(resources, 'Microsoft.MachineLearningServices/workspaces/computes').name).toBe('ws1/cpu');
    const verdict = evaluateResources(resources).find((f) => f.ruleId === 'HA.Storage.Redundancy');
    expect(verdict?.status).toBe('pass');
  });

  test('a null passed for a nullable parameter without a default stays null; a required one becomes unknown, not an error', async () => {
    const template = json({
      $schema: DEPLOYMENT_SCHEMA,
      resources: [
        innerDeployment(
          'inner',
          { zone: { value: null }, sku: { value: null } },
          {
            parameters: {
              zone: { type: 'string', nullable: true, allowedValues: ['1', '2'] },
              sku: { type: 'string', allowedValues: ['Standard_ZRS'] },
            },
            resources: [
              {
                type: 'Microsoft.Storage/storageAccounts',
                name: 'st',
                sku: { name: "[parameters('sku')]" },
                properties: { zone: "[parameters('zone')]" },
              },
            ],
          },
        ),
      ],
    });
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    const storage = only(resources, 'Microsoft.Storage/storageAccounts');
    expect((storage.body.properties as Record<string, unknown>).zone).toBeNull();
    const sku = (storage.body.sku as Record<string, unknown>).name;
    expect(isUnknown(sku)).toBe(true);
    expect((sku as { reason: string }).reason).toMatch(/parameter 'sku' has no value/);
  });

  // Bicep compiles a module argument that may be left out to one expression for the whole entry,
  // `"x": "[if(c, createObject('value', v), null())]"`: ARM evaluates the `parameters` of a
  // deployment like any other property (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions:
  // "You can use expressions to extend the JSON values available in the template"), and a null
  // entry is no value supplied (https://github.com/Azure/bicep/pull/11532, quoted above).
  test('a parameter entry written as one expression is evaluated; null means not supplied', async () => {
    const inner = {
      parameters: {
        registryId: { type: 'string', nullable: true },
        insightsId: { type: 'string', defaultValue: 'none' },
        sku: { type: 'string', defaultValue: 'Basic' },
      },
      resources: [
        {
          type: 'Microsoft.MachineLearningServices/workspaces',
          apiVersion: '2024-04-01',
          name: 'hub',
          kind: 'Hub',
          sku: { name: "[parameters('sku')]" },
          properties: {
            containerRegistry: "[parameters('registryId')]",
            applicationInsights: "[parameters('insightsId')]",
          },
        },
      ],
    };
    const template = json({
      $schema: DEPLOYMENT_SCHEMA,
      parameters: { withRegistry: { type: 'bool', defaultValue: true } },
      resources: [
        innerDeployment(
          'hub',
          {
            registryId:
              "[if(parameters('withRegistry'), createObject('value', resourceId('Microsoft.ContainerRegistry/registries', 'acr1')), null())]",
            insightsId: "[if(not(parameters('withRegistry')), createObject('value', 'x'), null())]",
          },
          inner,
        ),
        innerDeployment('hub2', "[createObject('sku', createObject('value', 'Premium'))]", {
          ...inner,
          resources: [{ ...inner.resources[0], name: 'hub2' }],
        }),
      ],
    });
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    const [hub, hub2] = resources.filter((r) => r.type === 'Microsoft.MachineLearningServices/workspaces');
    // Before: the entry was dropped, so the hub had no registry.
    expect(hub.body.properties).toEqual({
      containerRegistry:
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr1',
      applicationInsights: 'none',
    });
    expect(hub.locate?.('properties.containerRegistry')).toEqual({
      file: 'main.json',
      line: lineOf(template, '"registryId": "[if('),
    });
    // The whole `parameters` object as one expression.
    expect(hub2.body.sku).toEqual({ name: 'Premium' });
    expect((hub2.body.properties as Record<string, unknown>).containerRegistry).toBeNull();
  });

  test('a parameters object that cannot be evaluated makes the values it would pass unknown, not their defaults', async () => {
    const template = json({
      $schema: DEPLOYMENT_SCHEMA,
      parameters: { settings: { type: 'object' } },
      resources: [innerDeployment('inner', "[parameters('settings')]", storageModule)],
    });
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    const sku = (only(resources, 'Microsoft.Storage/storageAccounts').body.sku as Record<string, unknown>)
      .name;
    expect(isUnknown(sku)).toBe(true);
    expect((sku as { reason: string }).reason).toMatch(/settings/);
  });
});

describe('a parameters file', () => {
  test('null in a parameters file is no value: the default applies', async () => {
    const { resources, errors } = await scanTree({
      'main.json': json({ $schema: DEPLOYMENT_SCHEMA, ...storageModule }),
      'main.parameters.json': json({ parameters: { skuName: { value: null } } }),
    });
    expect(errors).toEqual([]);
    expect(only(resources, 'Microsoft.Storage/storageAccounts').body.sku).toEqual({ name: 'Standard_ZRS' });
  });
});
