import { describe, expect, test } from '@jest/globals';
import { isUnknown, silentLogger, UnknownValue, type Resource } from '../../src/model.js';
import {
  DEPLOYMENT_SCHEMA,
  PARAMETERS_SCHEMA,
  SUBSCRIPTION_SCHEMA,
  lines,
  only,
  scanTree,
} from './scan-helper.js';

const SUB = '00000000-0000-0000-0000-000000000000';

const storageTemplate = lines(
  '{', // 1
  `  "$schema": "${DEPLOYMENT_SCHEMA}",`, // 2
  '  "contentVersion": "1.0.0.0",', // 3
  '  "parameters": {', // 4
  '    "storageSku": {', // 5
  '      "type": "string",', // 6
  '      "defaultValue": "Standard_LRS",', // 7
  '      "allowedValues": ["Standard_LRS", "Standard_ZRS", "Standard_GRS"]', // 8
  '    },', // 9
  '    "name": { "type": "string", "defaultValue": "mlstore01" }', // 10
  '  },', // 11
  '  "variables": { "kind": "StorageV2" },', // 12
  '  "resources": [', // 13
  '    {', // 14
  '      "type": "Microsoft.Storage/storageAccounts",', // 15
  '      "apiVersion": "2022-09-01",', // 16
  '      "name": "[parameters(\'name\')]",', // 17
  '      "location": "[resourceGroup().location]",', // 18
  '      "sku": { "name": "[parameters(\'storageSku\')]" },', // 19
  '      "kind": "[variables(\'kind\')]",', // 20
  '      "properties": { "minimumTlsVersion": "TLS1_2" }', // 21
  '    }', // 22
  '  ]', // 23
  '}', // 24
);

describe('plain ARM templates', () => {
  test('evaluates parameters, variables and the deployment context, and maps values to the line to edit', async () => {
    const { resources, errors, templates } = await scanTree({ 'azuredeploy.json': storageTemplate });
    expect(errors).toEqual([]);
    expect(templates).toBe(1);
    const storage = only(resources, 'Microsoft.Storage/storageAccounts');
    expect(storage.name).toBe('mlstore01');
    expect(storage.id).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/mlstore01`,
    );
    expect(storage.body.sku).toEqual({ name: 'Standard_LRS' });
    expect(storage.body.kind).toBe('StorageV2');
    // The resource group's location is a placeholder until the user sets it: unknown, naming the setting.
    expect(storage.body.location).toBeInstanceOf(UnknownValue);
    expect((storage.body.location as UnknownValue).reason).toMatch(/--location/);
    expect(storage.deployed).toBe(true);
    expect(storage.origin).toBe('template');
    expect(storage.unit).toBe('azuredeploy.json');
    expect(storage.locate?.('')).toEqual({ file: 'azuredeploy.json', line: 17 });
    // sku.name comes from the parameter default (line 7), kind from the variable (line 12).
    expect(storage.locate?.('sku.name')).toEqual({ file: 'azuredeploy.json', line: 7 });
    expect(storage.locate?.('kind')).toEqual({ file: 'azuredeploy.json', line: 12 });
    expect(storage.locate?.('properties.minimumTlsVersion')).toEqual({
      file: 'azuredeploy.json',
      line: 21,
    });
  });

  test('a conventional parameters file wins over the default and is where the location points', async () => {
    const parameters = lines(
      '{',
      `  "$schema": "${PARAMETERS_SCHEMA}",`,
      '  "parameters": {',
      '    "storageSku": {',
      '      "value": "Standard_ZRS"',
      '    }',
      '  }',
      '}',
    );
    const { resources, errors } = await scanTree({
      'azuredeploy.json': storageTemplate,
      'azuredeploy.parameters.json': parameters,
    });
    expect(errors).toEqual([]);
    const storage = only(resources, 'Microsoft.Storage/storageAccounts');
    expect(storage.body.sku).toEqual({ name: 'Standard_ZRS' });
    expect(storage.locate?.('sku.name')).toEqual({ file: 'azuredeploy.parameters.json', line: 5 });
  });

  test('an explicit parameters file applies to the one scanned template; environment files are not paired', async () => {
    const prod = JSON.stringify({
      $schema: PARAMETERS_SCHEMA,
      parameters: { storageSku: { value: 'Standard_GRS' } },
    });
    const withoutExplicit = await scanTree({
      'main.json': storageTemplate,
      'main.parameters.prod.json': prod,
    });
    expect(only(withoutExplicit.resources, 'Microsoft.Storage/storageAccounts').body.sku).toEqual({
      name: 'Standard_LRS',
    });
    const explicit = await scanTree(
      { 'main.json': storageTemplate, 'main.parameters.prod.json': prod },
      { parametersFile: 'main.parameters.prod.json' },
    );
    const storage = only(explicit.resources, 'Microsoft.Storage/storageAccounts');
    expect(storage.body.sku).toEqual({ name: 'Standard_GRS' });
    expect(storage.locate?.('sku.name')?.file).toBe('main.parameters.prod.json');
  });

  test('a value outside allowedValues is an error at the line of the value, naming the allowed values', async () => {
    const parameters = lines(
      '{',
      `  "$schema": "${PARAMETERS_SCHEMA}",`,
      '  "parameters": {',
      '    "storageSku": { "value": "Premium_LRS" }',
      '  }',
      '}',
    );
    const { errors } = await scanTree({
      'azuredeploy.json': storageTemplate,
      'azuredeploy.parameters.json': parameters,
    });
    expect(errors).toHaveLength(1);
    expect(errors[0].file).toBe('azuredeploy.parameters.json');
    expect(errors[0].line).toBe(4);
    expect(errors[0].message).toContain('"Standard_ZRS"');
    expect(errors[0].message).toContain('Premium_LRS');
    expect(errors[0].message).toContain('azuredeploy.json:8');
  });

  test('the deployment context is configurable', async () => {
    const { resources } = await scanTree(
      { 'azuredeploy.json': storageTemplate },
      {
        deployment: {
          subscriptionId: 'sub-1',
          resourceGroupName: 'prod-rg',
          resourceGroupLocation: 'swedencentral',
        },
      },
    );
    const storage = only(resources, 'Microsoft.Storage/storageAccounts');
    expect(storage.id).toBe(
      '/subscriptions/sub-1/resourceGroups/prod-rg/providers/Microsoft.Storage/storageAccounts/mlstore01',
    );
    expect(storage.body.location).toBe('swedencentral');
  });

  test('secure parameters never enter the model', async () => {
    const template = JSON.stringify({
      $schema: DEPLOYMENT_SCHEMA,
      parameters: {
        adminPassword: { type: 'securestring', defaultValue: 'Sup3r-S3cret!' },
        settings: { type: 'secureObject', defaultValue: { token: 'tok-123456' } },
        sasToken: { type: 'securestring', defaultValue: '' },
      },
      resources: [
        {
          type: 'Microsoft.Sql/servers',
          apiVersion: '2022-05-01-preview',
          name: "[concat('sql', parameters('sasToken'))]",
          properties: {
            administratorLoginPassword: "[parameters('adminPassword')]",
            other: "[parameters('settings').token]",
          },
        },
      ],
    });
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    const server = only(resources, 'Microsoft.Sql/servers');
    expect(server.name).toBe('sql');
    const text = JSON.stringify(server);
    expect(text).not.toContain('Sup3r-S3cret!');
    expect(text).not.toContain('tok-123456');
    const password = (server.body.properties as Record<string, unknown>).administratorLoginPassword;
    expect(isUnknown(password)).toBe(true);
  });

  test('child resources get the full type and name, nested or written at top level', async () => {
    const template = JSON.stringify(
      {
        $schema: DEPLOYMENT_SCHEMA,
        resources: [
          {
            type: 'Microsoft.Sql/servers',
            apiVersion: '2022-05-01-preview',
            name: 'sqlsrv',
            resources: [
              {
                type: 'databases',
                apiVersion: '2022-05-01-preview',
                name: 'db1',
                properties: { zoneRedundant: true },
              },
            ],
          },
          {
            type: 'Microsoft.Sql/servers/databases',
            apiVersion: '2022-05-01-preview',
            name: 'sqlsrv/db2',
            properties: { zoneRedundant: false },
          },
        ],
      },
      null,
      2,
    );
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    const databases = resources.filter((r) => r.type === 'Microsoft.Sql/servers/databases');
    expect(databases.map((r) => r.name)).toEqual(['sqlsrv/db1', 'sqlsrv/db2']);
    expect(databases[0].id).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/sqlsrv/databases/db1`,
    );
    expect((databases[0].body.properties as Record<string, unknown>).zoneRedundant).toBe(true);
  });

  test('a file that is not JSON is one error with its line and the other files are still evaluated', async () => {
    const { resources, errors, templates } = await scanTree({
      'a.json': `{\n  "$schema": "${DEPLOYMENT_SCHEMA}",\n  "resources": [ oops ]\n}`,
      'b.json': storageTemplate,
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'a.json', line: 3 });
    expect(templates).toBe(2);
    expect(resources.map((r) => r.name)).toEqual(['mlstore01']);
  });

  test('comments, trailing commas and raw control characters in strings are read as ARM reads them', async () => {
    const template = [
      '{',
      `  "$schema": "${DEPLOYMENT_SCHEMA}", // schema`,
      '  "resources": [',
      '    {',
      '      "type": "Microsoft.KeyVault/vaults",',
      '      "name": "kv1",',
      '      "properties": { "note": "a\tb\nc", "enablePurgeProtection": true, },',
      '    },',
      '  ],',
      '}',
    ].join('\n');
    const { resources, errors } = await scanTree({ 'kv.json': template });
    expect(errors).toEqual([]);
    const vault = only(resources, 'Microsoft.KeyVault/vaults');
    expect(vault.body.properties).toEqual({ note: 'a\tb\nc', enablePurgeProtection: true });
    // The raw newline inside "note" starts line 8, where enablePurgeProtection is written.
    expect(vault.locate?.('properties.enablePurgeProtection')).toEqual({ file: 'kv.json', line: 8 });
  });
});

describe('conditions and copy loops', () => {
  const base = (resources: unknown[], extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ $schema: DEPLOYMENT_SCHEMA, ...extra, resources }, null, 2);

  test('condition false drops the resource, an unknown condition marks it deployed-unknown', async () => {
    const template = base(
      [
        { condition: false, type: 'Microsoft.Storage/storageAccounts', name: 'never' },
        {
          condition: "[equals(parameters('mode'), 'new')]",
          type: 'Microsoft.Storage/storageAccounts',
          name: 'maybe',
        },
        {
          condition: "[equals(parameters('kind'), 'a')]",
          type: 'Microsoft.Storage/storageAccounts',
          name: 'yes',
        },
      ],
      { parameters: { mode: { type: 'string' }, kind: { type: 'string', defaultValue: 'a' } } },
    );
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    expect(resources.map((r) => r.name)).toEqual(['maybe', 'yes']);
    expect(isUnknown(resources[0].deployed)).toBe(true);
    expect(resources[1].deployed).toBe(true);
  });

  test('resource copy loops make one resource per iteration with copyIndex', async () => {
    const template = base(
      [
        {
          type: 'Microsoft.Storage/storageAccounts',
          name: "[concat('st', copyIndex(1))]",
          copy: { name: 'stores', count: "[parameters('n')]" },
          sku: { name: "[if(equals(copyIndex(), 0), 'Standard_ZRS', 'Standard_LRS')]" },
        },
      ],
      { parameters: { n: { type: 'int', defaultValue: 3 } } },
    );
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    expect(resources.map((r) => r.name)).toEqual(['st1', 'st2', 'st3']);
    expect(resources.map((r) => (r.body.sku as Record<string, unknown>).name)).toEqual([
      'Standard_ZRS',
      'Standard_LRS',
      'Standard_LRS',
    ]);
  });

  test('a copy count above 800 is an error naming the loop and its line', async () => {
    const template = lines(
      '{',
      `  "$schema": "${DEPLOYMENT_SCHEMA}",`,
      '  "resources": [',
      '    {',
      '      "type": "Microsoft.Storage/storageAccounts",',
      '      "name": "[concat(\'st\', copyIndex())]",',
      '      "copy": {',
      '        "name": "many",',
      '        "count": 801',
      '      }',
      '    },',
      '    { "type": "Microsoft.KeyVault/vaults", "name": "still-here" }',
      '  ]',
      '}',
    );
    const { resources, errors } = await scanTree({ 'main.json': template });
    // The bad loop is one error; the template's other resource is still evaluated.
    expect(resources.map((r) => r.name)).toEqual(['still-here']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'main.json', line: 9 });
    expect(errors[0].message).toMatch(/'many'.*801.*800/);
  });

  test('property copy loops and variable copy loops build arrays', async () => {
    const template = base(
      [
        {
          type: 'Microsoft.DocumentDB/databaseAccounts',
          name: 'cosmos',
          properties: {
            copy: [
              {
                name: 'locations',
                count: "[length(parameters('regions'))]",
                input: {
                  locationName: "[parameters('regions')[copyIndex('locations')]]",
                  failoverPriority: "[copyIndex('locations')]",
                  isZoneRedundant: true,
                },
              },
            ],
            tags: "[variables('names')]",
          },
        },
      ],
      {
        parameters: { regions: { type: 'array', defaultValue: ['westeurope', 'northeurope'] } },
        variables: { copy: [{ name: 'names', count: 2, input: "[concat('n', copyIndex('names'))]" }] },
      },
    );
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    const cosmos = only(resources, 'Microsoft.DocumentDB/databaseAccounts');
    expect(cosmos.body.properties).toEqual({
      locations: [
        { locationName: 'westeurope', failoverPriority: 0, isZoneRedundant: true },
        { locationName: 'northeurope', failoverPriority: 1, isZoneRedundant: true },
      ],
      tags: ['n0', 'n1'],
    });
    expect(cosmos.locate?.('properties.locations[1].isZoneRedundant')?.file).toBe('main.json');
  });

  test('lines are worked out on demand: copy input, a value set whole by an expression, the nearest written parent', async () => {
    const template = lines(
      '{',
      `  "$schema": "${DEPLOYMENT_SCHEMA}",`,
      '  "parameters": {',
      '    "network": { "type": "object", "defaultValue": { "rules": [ { "action": "Allow" } ] } }',
      '  },',
      '  "resources": [',
      '    {',
      '      "type": "Microsoft.DocumentDB/databaseAccounts",',
      '      "name": "cosmos",',
      '      "properties": {',
      '        "copy": [',
      '          {',
      '            "name": "locations",',
      '            "count": 2,',
      '            "input": {',
      '              "isZoneRedundant": false',
      '            }',
      '          }',
      '        ],',
      '        "networkAcls": "[parameters(\'network\')]"',
      '      }',
      '    },',
      '    { "type": "Microsoft.Network/virtualNetworks", "name": "vnet" }',
      '  ]',
      '}',
    );
    const { resources, errors } = await scanTree(
      { 'main.json': template },
      { locatable: (type) => type.toLowerCase() === 'microsoft.documentdb/databaseaccounts' },
    );
    expect(errors).toEqual([]);
    const cosmos = only(resources, 'Microsoft.DocumentDB/databaseAccounts');
    const at = (path: string): number | undefined => cosmos.locate?.(path).line;
    expect(at('')).toBe(9); // the declaration: its name
    expect(at('properties.locations[1].isZoneRedundant')).toBe(16); // the loop's input
    expect(at('properties.locations[1]')).toBe(15);
    expect(at('properties.locations')).toBe(12); // the loop
    expect(at('properties.networkAcls.rules[0].action')).toBe(4); // set whole by the parameter default
    expect(at('properties.enableAutomaticFailover')).toBe(10); // not written: its parent object
    expect(at('sku.name')).toBe(9); // nothing of it written: the declaration
    // A type no rule reads is emitted without a way to locate (its template is not kept for it).
    expect(only(resources, 'Microsoft.Network/virtualNetworks').locate).toBeUndefined();
  });

  test('variables that form a cycle are an error naming them', async () => {
    const template = base([{ type: 'Microsoft.Storage/storageAccounts', name: "[variables('a')]" }], {
      variables: { a: "[variables('b')]", b: "[concat(variables('a'), 'x')]" },
    });
    const { errors } = await scanTree({ 'main.json': template });
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/cycle: a → b → a/);
  });
});

describe('nested and linked deployments', () => {
  test('inner-scope nested deployments take parameters from the outer template', async () => {
    const template = JSON.stringify(
      {
        $schema: DEPLOYMENT_SCHEMA,
        parameters: { sku: { type: 'string', defaultValue: 'Premium' } },
        variables: { registryName: 'acr1' },
        resources: [
          {
            type: 'Microsoft.Resources/deployments',
            apiVersion: '2022-09-01',
            name: 'inner',
            resourceGroup: 'other-rg',
            properties: {
              mode: 'Incremental',
              expressionEvaluationOptions: { scope: 'inner' },
              parameters: {
                acrSku: { value: "[parameters('sku')]" },
                name: { value: "[variables('registryName')]" },
              },
              template: {
                $schema: DEPLOYMENT_SCHEMA,
                parameters: { acrSku: { type: 'string' }, name: { type: 'string' } },
                variables: { registryName: 'shadowed' },
                resources: [
                  {
                    type: 'Microsoft.ContainerRegistry/registries',
                    name: "[parameters('name')]",
                    sku: { name: "[parameters('acrSku')]" },
                    location: '[resourceGroup().name]',
                  },
                ],
              },
            },
          },
        ],
      },
      null,
      2,
    );
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    const registry = only(resources, 'Microsoft.ContainerRegistry/registries');
    expect(registry.name).toBe('acr1');
    expect(registry.body.sku).toEqual({ name: 'Premium' });
    expect(registry.id).toBe(
      `/subscriptions/${SUB}/resourceGroups/other-rg/providers/Microsoft.ContainerRegistry/registries/acr1`,
    );
    // The SKU is set by the outer parameter's default: that is the line to edit.
    const line = template.split('\n').findIndex((l) => l.includes('"defaultValue": "Premium"')) + 1;
    expect(registry.locate?.('sku.name')).toEqual({ file: 'main.json', line });
  });

  test('outer-scope nested deployments see the outer variables', async () => {
    const template = JSON.stringify({
      $schema: DEPLOYMENT_SCHEMA,
      variables: { vaultName: 'kv-outer' },
      resources: [
        {
          type: 'Microsoft.Resources/deployments',
          name: 'outer',
          properties: {
            mode: 'Incremental',
            template: {
              $schema: DEPLOYMENT_SCHEMA,
              resources: [{ type: 'Microsoft.KeyVault/vaults', name: "[variables('vaultName')]" }],
            },
          },
        },
      ],
    });
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    expect(only(resources, 'Microsoft.KeyVault/vaults').name).toBe('kv-outer');
  });

  test('linked templates beside the template are expanded once, with their own file as source', async () => {
    const main = JSON.stringify(
      {
        $schema: DEPLOYMENT_SCHEMA,
        parameters: {
          _artifactsLocation: { type: 'string', defaultValue: '[deployment().properties.templateLink.uri]' },
          _artifactsLocationSasToken: { type: 'securestring', defaultValue: '' },
        },
        resources: [
          {
            type: 'Microsoft.Resources/deployments',
            name: 'storage',
            properties: {
              mode: 'Incremental',
              templateLink: {
                uri: "[uri(parameters('_artifactsLocation'), concat('nested/storage.json', parameters('_artifactsLocationSasToken')))]",
              },
              parameters: { sku: { value: 'Standard_GZRS' } },
            },
          },
        ],
      },
      null,
      2,
    );
    const nested = lines(
      '{',
      `  "$schema": "${DEPLOYMENT_SCHEMA}",`,
      '  "parameters": { "sku": { "type": "string" } },',
      '  "resources": [',
      '    {',
      '      "type": "Microsoft.Storage/storageAccounts",',
      '      "name": "linkedstore",',
      '      "sku": { "name": "[parameters(\'sku\')]" }',
      '    }',
      '  ]',
      '}',
    );
    const { resources, errors, templates } = await scanTree({
      'azuredeploy.json': main,
      'nested/storage.json': nested,
    });
    expect(errors).toEqual([]);
    expect(templates).toBe(1);
    const storage = only(resources, 'Microsoft.Storage/storageAccounts');
    expect(storage.body.sku).toEqual({ name: 'Standard_GZRS' });
    expect(storage.locate?.('')).toEqual({ file: 'nested/storage.json', line: 7 });
    expect(storage.unit).toBe('azuredeploy.json');
    const passedLine = main.split('\n').findIndex((l) => l.includes('Standard_GZRS')) + 1;
    expect(storage.locate?.('sku.name')).toEqual({ file: 'azuredeploy.json', line: passedLine });
  });

  test('subscription-scope templates build subscription and resource group ids', async () => {
    const template = JSON.stringify({
      $schema: SUBSCRIPTION_SCHEMA,
      resources: [
        { type: 'Microsoft.Resources/resourceGroups', name: 'ml-rg', location: 'westeurope' },
        {
          type: 'Microsoft.Resources/deployments',
          name: 'inRg',
          resourceGroup: 'ml-rg',
          properties: {
            mode: 'Incremental',
            expressionEvaluationOptions: { scope: 'inner' },
            template: {
              $schema: DEPLOYMENT_SCHEMA,
              resources: [{ type: 'Microsoft.KeyVault/vaults', name: 'kv' }],
            },
          },
        },
      ],
    });
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    expect(only(resources, 'Microsoft.Resources/resourceGroups').id).toBe(
      `/subscriptions/${SUB}/resourceGroups/ml-rg`,
    );
    expect(only(resources, 'Microsoft.KeyVault/vaults').id).toBe(
      `/subscriptions/${SUB}/resourceGroups/ml-rg/providers/Microsoft.KeyVault/vaults/kv`,
    );
  });
});

describe('languageVersion 2.0', () => {
  test('symbolic resources, existing resources and reference() by symbolic name', async () => {
    const template = lines(
      '{',
      `  "$schema": "${DEPLOYMENT_SCHEMA}",`,
      '  "languageVersion": "2.0",',
      '  "definitions": { "skuType": { "type": "string" } },',
      '  "functions": [ { "namespace": "ns", "members": { "suffix": { "parameters": [ { "name": "v", "type": "string" } ], "output": { "type": "string", "value": "[concat(parameters(\'v\'), \'-x\')]" } } } } ],',
      '  "resources": {',
      '    "old": {',
      '      "existing": true,',
      '      "type": "Microsoft.KeyVault/vaults",',
      '      "apiVersion": "2022-07-01",',
      '      "name": "kv-existing"',
      '    },',
      '    "store": {',
      '      "type": "Microsoft.Storage/storageAccounts",',
      '      "apiVersion": "2022-09-01",',
      '      "name": "[ns.suffix(\'st\')]",',
      '      "sku": { "name": "Standard_ZRS" },',
      '      "properties": { "accessTier": "Hot" }',
      '    },',
      '    "ws": {',
      '      "type": "Microsoft.MachineLearningServices/workspaces",',
      '      "apiVersion": "2023-04-01",',
      '      "name": "ws",',
      '      "properties": { "storageAccount": "[resourceId(\'Microsoft.Storage/storageAccounts\', \'st-x\')]", "tier": "[reference(\'store\').accessTier]" }',
      '    }',
      '  }',
      '}',
    );
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    expect(resources.map((r: Resource) => r.name)).toEqual(['st-x', 'ws']);
    const store = only(resources, 'Microsoft.Storage/storageAccounts');
    expect(store.locate?.('')).toEqual({ file: 'main.json', line: 13 });
    const workspace = only(resources, 'Microsoft.MachineLearningServices/workspaces');
    expect(workspace.body.properties).toEqual({ storageAccount: store.id, tier: 'Hot' });
  });
});

describe('more ARM semantics', () => {
  test('reference() to a nested deployment reads its outputs; runtime properties stay unknown', async () => {
    const template = JSON.stringify({
      $schema: DEPLOYMENT_SCHEMA,
      resources: [
        {
          type: 'Microsoft.KeyVault/vaults',
          name: 'kv',
          properties: {
            // Declared before the deployment whose output it reads.
            vaultUri: "[reference('names').outputs.vault.value]",
            endpoint: "[reference('st').primaryEndpoints.blob]",
          },
        },
        {
          type: 'Microsoft.Resources/deployments',
          name: 'names',
          properties: {
            mode: 'Incremental',
            expressionEvaluationOptions: { scope: 'inner' },
            template: {
              $schema: DEPLOYMENT_SCHEMA,
              resources: [],
              outputs: { vault: { type: 'string', value: "[concat('kv-', 'from-output')]" } },
            },
          },
        },
        {
          type: 'Microsoft.Storage/storageAccounts',
          name: 'st',
          properties: {},
        },
      ],
    });
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    const vault = only(resources, 'Microsoft.KeyVault/vaults');
    expect((vault.body.properties as Record<string, unknown>).vaultUri).toBe('kv-from-output');
    const endpoint = (vault.body.properties as Record<string, unknown>).endpoint;
    expect(isUnknown(endpoint)).toBe(true);
    expect((endpoint as { reason: string }).reason).toContain('primaryEndpoints');
  });

  test('nullable parameters without a value are null, others without a value are unknown', async () => {
    const template = JSON.stringify({
      $schema: DEPLOYMENT_SCHEMA,
      languageVersion: '2.0',
      parameters: { zones: { type: 'array', nullable: true }, sku: { type: 'string' } },
      resources: {
        st: {
          type: 'Microsoft.Storage/storageAccounts',
          name: 'st',
          zones: "[parameters('zones')]",
          sku: { name: "[parameters('sku')]" },
        },
      },
    });
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    const storage = only(resources, 'Microsoft.Storage/storageAccounts');
    expect(storage.body.zones).toBeNull();
    const sku = (storage.body.sku as Record<string, unknown>).name;
    expect(isUnknown(sku)).toBe(true);
    expect((sku as { reason: string }).reason).toMatch(/parameter 'sku' has no value/);
  });

  test('a linked template published on GitHub resolves to the copy beside the template', async () => {
    const main = JSON.stringify({
      $schema: DEPLOYMENT_SCHEMA,
      parameters: { _artifactsLocation: { type: 'string' } },
      resources: [
        {
          type: 'Microsoft.Resources/deployments',
          name: 'linked',
          properties: {
            mode: 'Incremental',
            templateLink: { uri: "[uri(parameters('_artifactsLocation'), 'nested/kv.json')]" },
          },
        },
      ],
    });
    const parameters = JSON.stringify({
      $schema: PARAMETERS_SCHEMA,
      parameters: {
        _artifactsLocation: { value: 'https://raw.githubusercontent.com/org/repo/main/infra/' },
      },
    });
    const nested = JSON.stringify({
      $schema: DEPLOYMENT_SCHEMA,
      resources: [{ type: 'Microsoft.KeyVault/vaults', name: 'kv-linked' }],
    });
    const { resources, errors, templates } = await scanTree({
      'infra/azuredeploy.json': main,
      'infra/azuredeploy.parameters.json': parameters,
      'infra/nested/kv.json': nested,
    });
    expect(errors).toEqual([]);
    expect(templates).toBe(1);
    const vault = only(resources, 'Microsoft.KeyVault/vaults');
    expect(vault.locate?.('')?.file).toBe('infra/nested/kv.json');
    expect(vault.unit).toBe('infra/azuredeploy.json');
  });

  test('a parameters file without its template is ignored quietly', async () => {
    const { resources, errors, templates } = await scanTree({
      'orphan.parameters.json': JSON.stringify({
        $schema: PARAMETERS_SCHEMA,
        parameters: { a: { value: 1 } },
      }),
    });
    expect({ resources, errors, templates }).toEqual({ resources: [], errors: [], templates: 0 });
  });
});

describe('linked templates that cannot be followed', () => {
  /** Scans `main.json` alone and keeps the warnings the loader logs. */
  const scanWithWarnings = async (template: string) => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warning: (message: string) => void warnings.push(message) };
    return { ...(await scanTree({ 'main.json': template }, { logger })), warnings };
  };

  test('a link outside the scanned folder is a warning naming the line, not an error', async () => {
    const template = lines(
      '{',
      `  "$schema": "${DEPLOYMENT_SCHEMA}",`,
      '  "resources": [',
      '    {',
      '      "type": "Microsoft.Resources/deployments",',
      '      "name": "remote",',
      '      "properties": {',
      '        "mode": "Incremental",',
      '        "templateLink": { "uri": "https://example.com/templates/storage.json" }',
      '      }',
      '    }',
      '  ]',
      '}',
    );
    const { resources, errors, warnings } = await scanWithWarnings(template);
    expect(errors).toEqual([]);
    expect(resources.map((r) => r.type)).toEqual(['Microsoft.Resources/deployments']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^main\.json:9: linked template https:\/\/example\.com\/templates\/storage\.json is not a file/,
    );
  });

  test('a link in a copy loop warns once; a template spec is named as such', async () => {
    const template = lines(
      '{',
      `  "$schema": "${DEPLOYMENT_SCHEMA}",`,
      '  "resources": [',
      '    {',
      '      "type": "Microsoft.Resources/deployments",',
      '      "name": "[concat(\'remote\', copyIndex())]",',
      '      "copy": { "name": "links", "count": 3 },',
      '      "properties": {',
      '        "mode": "Incremental",',
      '        "templateLink": { "uri": "https://example.com/templates/storage.json" }',
      '      }',
      '    },',
      '    {',
      '      "type": "Microsoft.Resources/deployments",',
      '      "name": "fromSpec",',
      '      "properties": {',
      '        "mode": "Incremental",',
      '        "templateLink": {',
      "          \"id\": \"[resourceId('Microsoft.Resources/templateSpecs/versions', 'disk', '1.0')]\"",
      '        }',
      '      }',
      '    }',
      '  ]',
      '}',
    );
    const { resources, errors, warnings } = await scanWithWarnings(template);
    expect(errors).toEqual([]);
    expect(resources.map((r) => r.name)).toEqual(['remote0', 'remote1', 'remote2', 'fromSpec']);
    expect(warnings).toEqual([
      'main.json:10: linked template https://example.com/templates/storage.json is not a file in the scanned folder; the resources it deploys are not checked',
      "main.json:19: template spec [resourceId('Microsoft.Resources/templateSpecs/versions', 'disk', '1.0')] is not read (it lives in Azure, not in the repository); the resources it deploys are not checked",
    ]);
  });
});
