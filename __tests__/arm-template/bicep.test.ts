/**
 * Bicep through a fake `bicep` executable: there is no Bicep CLI on the test machine, so each test
 * writes a small node script named `bicep` into a temporary folder put first on PATH. The real
 * spawn, timeout and error paths of src/sources/bicep.ts run against it.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { silentLogger } from '../../src/model.js';
import { compileBicepFiles, parseBicepDiagnostic, scanBicepSource } from '../../src/sources/bicep.js';
import { discoverTemplates } from '../../src/sources/discover.js';
import { loadTemplates } from '../../src/sources/templates.js';
import { DEPLOYMENT_SCHEMA, only, tempDir, writeTree } from './scan-helper.js';

const isWindows = process.platform === 'win32';
const d = isWindows ? describe.skip : describe;
if (isWindows) console.log('bicep tests use a POSIX shebang script as the fake CLI; skipped on Windows');

const mainBicep = [
  '// Storage and key vault for the workspace', // 1
  "param storageSku string = 'Standard_LRS'", // 2
  "resource store 'Microsoft.Storage/storageAccounts@2022-09-01' = {", // 3
  "  name: 'mlstore'", // 4
  '  location: resourceGroup().location', // 5
  '  sku: {', // 6
  '    name: storageSku', // 7
  '  }', // 8
  "  kind: 'StorageV2'", // 9
  '}', // 10
  '', // 11
  "resource vault 'Microsoft.KeyVault/vaults@2022-07-01' = {", // 12
  "  name: 'mlvault'", // 13
  '}', // 14
].join('\n');

const compiled = JSON.stringify({
  $schema: DEPLOYMENT_SCHEMA,
  contentVersion: '1.0.0.0',
  metadata: { _generator: { name: 'bicep' } },
  parameters: { storageSku: { type: 'string', defaultValue: 'Standard_LRS' } },
  resources: [
    {
      type: 'Microsoft.Storage/storageAccounts',
      apiVersion: '2022-09-01',
      name: 'mlstore',
      location: '[resourceGroup().location]',
      sku: { name: "[parameters('storageSku')]" },
      kind: 'StorageV2',
    },
    { type: 'Microsoft.KeyVault/vaults', apiVersion: '2022-07-01', name: 'mlvault' },
  ],
});

/** Writes a fake `bicep` that behaves as `script` says and returns the PATH to use. */
function fakeBicep(script: string): string {
  const bin = tempDir('fake-bicep-');
  const file = path.join(bin, 'bicep');
  writeFileSync(file, `#!/usr/bin/env node\n${script}\n`);
  chmodSync(file, 0o755);
  return `${bin}${path.delimiter}${path.dirname(process.execPath)}`;
}

d('Bicep', () => {
  let savedPath: string | undefined;
  beforeEach(() => {
    savedPath = process.env.PATH;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  test('compiles through the CLI on PATH and points findings at the resource declaration and param lines', async () => {
    process.env.PATH = fakeBicep(`
const args = process.argv.slice(2);
if (args[0] !== 'build' || args[1] !== '--stdout' || !args[2].endsWith('main.bicep')) { console.error('bad args ' + args.join(' ')); process.exit(3); }
process.stdout.write(${JSON.stringify(compiled)});
`);
    const dir = writeTree({ 'infra/main.bicep': mainBicep });
    const files = await discoverTemplates(['.'], dir);
    const { resources, errors, templates } = await loadTemplates(files, { cwd: dir, logger: silentLogger });
    expect(errors).toEqual([]);
    expect(templates).toBe(1);
    const storage = only(resources, 'Microsoft.Storage/storageAccounts');
    expect(storage.body.sku).toEqual({ name: 'Standard_LRS' });
    expect(storage.locate?.('')).toEqual({ file: 'infra/main.bicep', line: 3 });
    // From the param's default: its declaration is the line to edit.
    expect(storage.locate?.('sku.name')).toEqual({ file: 'infra/main.bicep', line: 2 });
    expect(storage.locate?.('kind')).toEqual({ file: 'infra/main.bicep', line: 3 });
    expect(only(resources, 'Microsoft.KeyVault/vaults').locate?.('')).toEqual({
      file: 'infra/main.bicep',
      line: 12,
    });
  });

  test('a .bicepparam that uses the file supplies the values, located on its param line', async () => {
    process.env.PATH = fakeBicep(`
const args = process.argv.slice(2);
if (args[0] === 'build-params') {
  process.stdout.write(JSON.stringify({ parametersJson: JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', parameters: { storageSku: { value: 'Standard_ZRS' } } }) }));
} else process.stdout.write(${JSON.stringify(compiled)});
`);
    const dir = writeTree({
      'main.bicep': mainBicep,
      'main.bicepparam': "using './main.bicep'\n\nparam storageSku = 'Standard_ZRS'\n",
    });
    const files = await discoverTemplates(['.'], dir);
    const { resources, errors } = await loadTemplates(files, { cwd: dir, logger: silentLogger });
    expect(errors).toEqual([]);
    const storage = only(resources, 'Microsoft.Storage/storageAccounts');
    expect(storage.body.sku).toEqual({ name: 'Standard_ZRS' });
    expect(storage.locate?.('sku.name')).toEqual({ file: 'main.bicepparam', line: 3 });
  });

  test('a .bicepparam whose template is a registry module is compiled on its own and points at its using line', async () => {
    process.env.PATH = fakeBicep(`
const args = process.argv.slice(2);
if (args[0] !== 'build-params' || !args[2].endsWith('prod.bicepparam')) { console.error('unexpected ' + args.join(' ')); process.exit(3); }
process.stdout.write(JSON.stringify({
  parametersJson: JSON.stringify({ parameters: { storageSku: { value: 'Standard_ZRS' } } }),
  templateJson: ${JSON.stringify(compiled)},
}));
`);
    const dir = writeTree({
      'prod.bicepparam':
        "// production\nusing 'br/public:avm/res/storage/storage-account:0.9.0'\n\nparam storageSku = 'Standard_ZRS'\n",
    });
    const files = await discoverTemplates(['.'], dir);
    const { resources, errors, templates } = await loadTemplates(files, { cwd: dir, logger: silentLogger });
    expect(errors).toEqual([]);
    expect(templates).toBe(1);
    const storage = only(resources, 'Microsoft.Storage/storageAccounts');
    expect(storage.body.sku).toEqual({ name: 'Standard_ZRS' });
    expect(storage.locate?.('')).toEqual({ file: 'prod.bicepparam', line: 2 });
    expect(storage.locate?.('sku.name')).toEqual({ file: 'prod.bicepparam', line: 4 });
  });

  test('a compile error is reported for its file with the compiler message and line; others still load', async () => {
    process.env.PATH = fakeBicep(`
const file = process.argv[process.argv.length - 1];
if (file.endsWith('bad.bicep')) {
  console.error(file + '(7,3) : Error BCP018: Expected the "}" character at this location.');
  process.exit(1);
}
process.stdout.write(${JSON.stringify(compiled)});
`);
    const dir = writeTree({ 'bad.bicep': 'resource x', 'main.bicep': mainBicep });
    const files = await discoverTemplates(['.'], dir);
    const { resources, errors } = await loadTemplates(files, { cwd: dir, logger: silentLogger });
    expect(errors).toEqual([
      {
        file: 'bad.bicep',
        line: 7,
        message: 'Bicep compile error BCP018: Expected the "}" character at this location.',
      },
    ]);
    expect(resources.map((r) => r.name)).toEqual(['mlstore', 'mlvault']);
  });

  test('a compile that hangs is stopped at the timeout and reported', async () => {
    process.env.PATH = fakeBicep('setInterval(() => undefined, 1000);');
    const dir = writeTree({ 'main.bicep': mainBicep });
    const files = await discoverTemplates(['.'], dir);
    const { errors } = await loadTemplates(files, {
      cwd: dir,
      logger: silentLogger,
      bicep: { timeoutMs: 300 },
    });
    expect(errors).toHaveLength(1);
    expect(errors[0].file).toBe('main.bicep');
    expect(errors[0].message).toMatch(/did not finish within 0 s|did not finish/);
  });

  test('a missing CLI is one error for all the files', async () => {
    const empty = tempDir('no-bicep-');
    const dir = writeTree({ 'a.bicep': mainBicep, 'b.bicep': mainBicep, 'c.bicep': mainBicep });
    const files = await discoverTemplates(['.'], dir);
    const { units, errors } = await compileBicepFiles(files, [], {
      cwd: dir,
      logger: silentLogger,
      env: { PATH: empty },
    });
    expect(units).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/Bicep CLI not found: 3 Bicep file\(s\) not scanned/);
  });

  test('module files are compiled only through the file that uses them', async () => {
    process.env.PATH = fakeBicep(`
const file = process.argv[process.argv.length - 1];
if (!file.endsWith('main.bicep')) { console.error('compiled a module on its own: ' + file); process.exit(1); }
process.stdout.write(${JSON.stringify(compiled)});
`);
    const dir = writeTree({
      'main.bicep': `${mainBicep}\nmodule kv 'modules/kv.bicep' = {\n  name: 'kvDeploy'\n}\n`,
      'modules/kv.bicep': "resource v 'Microsoft.KeyVault/vaults@2022-07-01' = {\n  name: 'x'\n}\n",
    });
    const files = await discoverTemplates(['.'], dir);
    const { errors, templates } = await loadTemplates(files, { cwd: dir, logger: silentLogger });
    expect(errors).toEqual([]);
    expect(templates).toBe(1);
  });

  test('resources of a module point at the module file and its resource line', async () => {
    const withModule = JSON.stringify({
      $schema: DEPLOYMENT_SCHEMA,
      resources: [
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'kvDeploy',
          properties: {
            mode: 'Incremental',
            expressionEvaluationOptions: { scope: 'inner' },
            parameters: { purge: { value: true } },
            template: {
              $schema: DEPLOYMENT_SCHEMA,
              parameters: { purge: { type: 'bool' } },
              resources: [
                {
                  type: 'Microsoft.KeyVault/vaults',
                  apiVersion: '2022-07-01',
                  name: 'modvault',
                  properties: { enablePurgeProtection: "[parameters('purge')]" },
                },
              ],
            },
          },
        },
      ],
    });
    process.env.PATH = fakeBicep(`process.stdout.write(${JSON.stringify(withModule)});`);
    const dir = writeTree({
      'main.bicep':
        "// modules\n\nmodule kv 'modules/kv.bicep' = {\n  name: 'kvDeploy'\n  params: { purge: true }\n}\n",
      'modules/kv.bicep':
        "param purge bool\n\nresource v 'Microsoft.KeyVault/vaults@2022-07-01' = {\n  name: 'modvault'\n}\n",
    });
    const files = await discoverTemplates(['.'], dir);
    const { resources, errors } = await loadTemplates(files, { cwd: dir, logger: silentLogger });
    expect(errors).toEqual([]);
    const vault = only(resources, 'Microsoft.KeyVault/vaults');
    expect(vault.locate?.('')).toEqual({ file: 'modules/kv.bicep', line: 3 });
    expect((vault.body.properties as Record<string, unknown>).enablePurgeProtection).toBe(true);
    expect(vault.unit).toBe('main.bicep');
    // The value was passed by the module declaration in main.bicep: that is where to change it.
    expect(vault.locate?.('properties.enablePurgeProtection')).toEqual({ file: 'main.bicep', line: 3 });
    expect(only(resources, 'Microsoft.Resources/deployments').locate?.('')).toEqual({
      file: 'main.bicep',
      line: 3,
    });
  });
});

describe('Bicep source scanning', () => {
  test('finds resources, modules, params and using with their lines', () => {
    const source = scanBicepSource(`${mainBicep}\nmodule kv 'modules/kv.bicep' = {\n  name: 'kvDeploy'\n}\n`);
    expect(source.resources.map((r) => [r.symbol, r.type, r.line])).toEqual([
      ['store', 'Microsoft.Storage/storageAccounts', 3],
      ['vault', 'Microsoft.KeyVault/vaults', 12],
    ]);
    expect(source.params.get('storagesku')).toBe(2);
    expect(source.modules.map((m) => [m.symbol, m.path, m.line])).toEqual([['kv', 'modules/kv.bicep', 15]]);
    expect(scanBicepSource("using './main.bicep'\nparam a = 1").using).toBe('./main.bicep');
  });

  test('parses the compiler diagnostic line', () => {
    expect(
      parseBicepDiagnostic('/x/main.bicep(12,5) : Error BCP057: The name "foo" does not exist.'),
    ).toEqual({
      line: 12,
      message: 'BCP057: The name "foo" does not exist.',
    });
  });
});
