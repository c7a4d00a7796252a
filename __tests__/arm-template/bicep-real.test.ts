/**
 * The Bicep path with the real Bicep CLI (installed from NuGet by scripts/install-bicep.sh, which
 * `.ci/run` runs): modules and `.bicepparam` files, the compiler's own diagnostics on their file
 * and line, registry modules that cannot be restored, the environment the compiler sees, ARM's
 * guid()/uniqueString() as Bicep evaluates them, and the quickstart corpus's `main.bicep` files
 * against the compiled JSON committed beside them. Skips, saying what is missing, without the
 * Bicep CLI (a machine without the .NET SDK) or without ../shared.
 */
import { beforeAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { evaluateResources } from '../../src/engine.js';
import { silentLogger } from '../../src/model.js';
import { hasRules } from '../../src/rules/index.js';
import { armGuid, uniqueString } from '../../src/sources/arm/expression/index.js';
import { compileBicepFiles } from '../../src/sources/bicep.js';
import { discoverTemplates } from '../../src/sources/discover.js';
import { loadTemplates, type LoadOptions } from '../../src/sources/templates.js';
import { comparePair, findBicepPairs, type PairComparison } from '../helpers/bicep-pairs.js';
import { realBicep, repoRoot } from '../helpers/real-bicep.js';
import { lines, only, tempDir, writeTree } from './scan-helper.js';

// Each compile starts a .NET program (~1–3 s); the tests run side by side, the machine may be busy.
jest.setTimeout(300_000);

const bicep = realBicep();
const command = typeof bicep === 'string' ? '' : bicep.command;
if (typeof bicep === 'string') console.log(`real-Bicep tests skipped: ${bicep}`);
const withBicep = typeof bicep === 'string' ? describe.skip : describe;

const corpus = path.resolve(repoRoot, '../shared/corpus/quickstart-templates');
const haveCorpus = existsSync(corpus);
if (typeof bicep !== 'string' && !haveCorpus) {
  console.log(
    `Bicep ↔ JSON corpus test skipped: ${corpus} not found (the shared corpus is not beside the repo)`,
  );
}
const withCorpus = typeof bicep !== 'string' && haveCorpus ? describe : describe.skip;

/** Discovers and loads a folder's files with the real CLI. */
async function load(
  dir: string,
  options: Partial<LoadOptions> = {},
): Promise<Awaited<ReturnType<typeof loadTemplates>>> {
  const files = await discoverTemplates(['.'], dir);
  return loadTemplates(files, {
    cwd: dir,
    logger: silentLogger,
    locatable: hasRules,
    ...options,
    bicep: { command, timeoutMs: 120_000, ...options.bicep },
  });
}

const RG_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg';

const mainBicep = lines(
  "@description('SKU of the storage account')", // 1
  "param storageSku string = 'Standard_LRS'", // 2
  'param location string = resourceGroup().location', // 3
  '', // 4
  "resource store 'Microsoft.Storage/storageAccounts@2023-01-01' = {", // 5
  "  name: 'st${uniqueString(resourceGroup().id)}'", // 6
  '  location: location', // 7
  '  sku: {', // 8
  '    name: storageSku', // 9
  '  }', // 10
  "  kind: 'StorageV2'", // 11
  '}', // 12
  '', // 13
  "module vault 'modules/vault.bicep' = {", // 14
  "  name: 'vaultDeploy'", // 15
  '  params: {', // 16
  '    purgeProtection: true', // 17
  '    location: location', // 18
  '  }', // 19
  '}', // 20
  '',
);

const vaultBicep = lines(
  'param purgeProtection bool', // 1
  'param location string', // 2
  '', // 3
  "resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {", // 4
  "  name: 'kv${uniqueString(resourceGroup().id)}'", // 5
  '  location: location', // 6
  '  properties: {', // 7
  '    tenantId: subscription().tenantId', // 8
  '    sku: {', // 9
  "      family: 'A'", // 10
  "      name: 'standard'", // 11
  '    }', // 12
  '    enablePurgeProtection: purgeProtection', // 13
  '    enableSoftDelete: true', // 14
  '  }', // 15
  '}', // 16
  '',
);

withBicep('real Bicep', () => {
  beforeAll(() => {
    if (typeof bicep !== 'string')
      console.log(`real-Bicep tests run with ${bicep.version} (${bicep.command})`);
  });

  test.concurrent(
    'a project with a module and a .bicepparam: values from the .bicepparam, lines in the .bicep files',
    async () => {
      const dir = writeTree({
        'main.bicep': mainBicep,
        'modules/vault.bicep': vaultBicep,
        'main.bicepparam': lines("using './main.bicep'", '', "param storageSku = 'Standard_ZRS'", ''),
      });
      const { resources, errors, templates } = await load(dir);
      expect(errors).toEqual([]);
      expect(templates).toBe(1);

      const store = only(resources, 'Microsoft.Storage/storageAccounts');
      expect(store.name).toBe(`st${uniqueString(RG_ID)}`);
      expect(store.body.sku).toEqual({ name: 'Standard_ZRS' });
      expect(store.locate?.('')).toEqual({ file: 'main.bicep', line: 5 });
      expect(store.locate?.('sku.name')).toEqual({ file: 'main.bicepparam', line: 3 });

      const vault = only(resources, 'Microsoft.KeyVault/vaults');
      expect(vault.name).toBe(`kv${uniqueString(RG_ID)}`);
      expect((vault.body.properties as Record<string, unknown>).enablePurgeProtection).toBe(true);
      expect(vault.locate?.('')).toEqual({ file: 'modules/vault.bicep', line: 4 });
      expect(vault.locate?.('properties.enablePurgeProtection')).toEqual({ file: 'main.bicep', line: 14 });

      // The rules see the compiled resources: the storage redundancy finding points at the .bicepparam.
      const redundancy = evaluateResources(resources).find(
        (f) => f.ruleId === 'HA.Storage.Redundancy' && f.resource.name === store.name,
      );
      expect(redundancy).toMatchObject({ status: 'pass', location: { file: 'main.bicepparam', line: 3 } });
    },
  );

  test.concurrent(
    "an error in a module is shown in the module's file and line, from Bicep's own diagnostic",
    async () => {
      const dir = writeTree({
        'main.bicep': lines(
          '// uses a broken module', // 1
          "module broken 'modules/broken.bicep' = {", // 2
          "  name: 'broken'", // 3
          '}', // 4
          '',
        ),
        'modules/broken.bicep': lines(
          "resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {", // 1
          "  name: 'kv'", // 2
          '  location: nope', // 3
          '}', // 4
          '',
        ),
        'ok/main.bicep': mainBicep,
        'ok/modules/vault.bicep': vaultBicep,
      });
      const { resources, errors } = await load(dir);
      expect(errors).toEqual([
        {
          file: 'modules/broken.bicep',
          line: 3,
          message: expect.stringMatching(
            /^Bicep compile error BCP057: The name "nope" does not exist in the current context\. \(used by main\.bicep\) \[https:\/\/aka\.ms\/bicep\/core-diagnostics#BCP057\]$/,
          ),
        },
      ]);
      // The other file is still evaluated.
      expect(resources.map((r) => r.type).sort()).toEqual([
        'Microsoft.KeyVault/vaults',
        'Microsoft.Resources/deployments',
        'Microsoft.Storage/storageAccounts',
      ]);
    },
  );

  test.concurrent(
    'registry modules that cannot be restored are reported on their lines with what to do',
    async () => {
      const dir = writeTree({
        'main.bicep': lines(
          'param location string = resourceGroup().location', // 1
          '', // 2
          "module ws 'br/public:avm/res/machine-learning-services/workspace:0.10.0' = {", // 3
          "  name: 'ws'", // 4
          '  params: {', // 5
          "    name: 'ws1'", // 6
          '    location: location', // 7
          '  }', // 8
          '}', // 9
          '', // 10
          "module st 'br:contoso.azurecr.io/bicep/modules/storage:v1' = {", // 11
          "  name: 'st'", // 12
          '}', // 13
          '',
        ),
        'prod.bicepparam': lines(
          '// the AVM storage account module with our values', // 1
          "using 'br/public:avm/res/storage/storage-account:0.9.0'", // 2
          '', // 3
          "param name = 'st1'", // 4
          '',
        ),
        'ok/main.bicep': mainBicep,
        'ok/modules/vault.bicep': vaultBicep,
      });
      // No module cache (a fresh HOME), and every registry refused at once: a proxy on a closed
      // loopback port, so nothing leaves the machine.
      const { resources, errors } = await load(dir, {
        bicep: {
          env: { ...process.env, HOME: tempDir('bicep-home-'), HTTPS_PROXY: 'http://127.0.0.1:9' },
        },
      });
      const fix =
        'so this file was not scanned: the Bicep CLI downloads registry modules when it compiles: run the scan where the registry is reachable, restore the modules beforehand (bicep restore), or scan the compiled ARM JSON (bicep build) instead; for a private registry, allow the compiler the Azure sign-in of the job with bicep-registry-sign-in: true (CLI: --bicep-registry-sign-in) where the templates are trusted';
      expect(errors).toEqual([
        {
          file: 'main.bicep',
          line: 3,
          message: `module br:mcr.microsoft.com/bicep/avm/res/machine-learning-services/workspace:0.10.0 cannot be restored (Connection refused (127.0.0.1:9)), ${fix}`,
        },
        {
          file: 'main.bicep',
          line: 11,
          message: `module br:contoso.azurecr.io/bicep/modules/storage:v1 cannot be restored (Connection refused (127.0.0.1:9)), ${fix}`,
        },
        {
          file: 'prod.bicepparam',
          line: 2,
          message: `module br:mcr.microsoft.com/bicep/avm/res/storage/storage-account:0.9.0 cannot be restored (Connection refused (127.0.0.1:9)), ${fix}`,
        },
      ]);
      expect(resources.map((r) => r.type)).toContain('Microsoft.Storage/storageAccounts');
    },
  );

  test.concurrent(
    'the compiler does not see the job’s variables: readEnvironmentVariable() cannot read a token',
    async () => {
      const secret = 'token-value-that-must-not-be-posted';
      const dir = writeTree({
        'main.bicep': mainBicep,
        'modules/vault.bicep': vaultBicep,
        'main.bicepparam': lines(
          "using './main.bicep'", // 1
          '', // 2
          '// a pull request that tries to post the runner’s token as the SKU', // 3
          "param storageSku = readEnvironmentVariable('ACTIONS_RUNTIME_TOKEN')", // 4
          '',
        ),
      });
      const result = await load(dir, { bicep: { env: { ...process.env, ACTIONS_RUNTIME_TOKEN: secret } } });
      expect(result.errors).toEqual([
        {
          file: 'main.bicepparam',
          line: 4,
          message: expect.stringMatching(
            /^Bicep compile error BCP427: Environment variable "ACTIONS_RUNTIME_TOKEN" does not exist .*the scan runs the Bicep CLI without the job's environment variables/,
          ),
        },
      ]);
      expect(JSON.stringify(result)).not.toContain(secret);
    },
  );

  test.concurrent(
    'guid() and uniqueString() give the values Bicep computes (ARM’s own expression library)',
    async () => {
      // A .bicepparam is evaluated by the Bicep CLI with ARM's expression library, so compiling one
      // with many calls gives Azure's values to compare with ours. Inputs: every length 0–40 (all
      // hash tail lengths), long strings, several arguments, non-ASCII text, quotes and escapes.
      const random = mulberry32(20261129);
      const alphabet = "abcXYZ019-_/.' \\$\n\tüé€😀中{}";
      const text = (length: number): string =>
        Array.from({ length }, () => [...alphabet][Math.floor(random() * [...alphabet].length)]).join('');
      const calls: string[][] = [];
      for (let length = 0; length <= 40; length++) calls.push([text(length)]);
      for (let i = 0; i < 20; i++) calls.push([text(100 + Math.floor(random() * 400))]);
      for (let i = 0; i < 30; i++)
        calls.push(Array.from({ length: 2 + (i % 4) }, () => text(Math.floor(random() * 30))));
      calls.push([RG_ID, 'Storage Blob Data Contributor', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe']);

      const quote = (value: string): string =>
        `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$/g, '\\$').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}'`;
      const names = calls.flatMap((_, i) => [`g${i}`, `u${i}`]);
      const dir = writeTree({
        'values.bicep': names.map((name) => `param ${name} string`).join('\n'),
        'values.bicepparam': [
          "using './values.bicep'",
          ...calls.flatMap((args, i) => [
            `param g${i} = guid(${args.map(quote).join(', ')})`,
            `param u${i} = uniqueString(${args.map(quote).join(', ')})`,
          ]),
        ].join('\n'),
      });
      const files = await discoverTemplates(['.'], dir);
      const { units, errors } = await compileBicepFiles(
        files.filter((f) => f.kind === 'bicep'),
        files.filter((f) => f.kind === 'bicepparam'),
        { cwd: dir, logger: silentLogger, command, timeoutMs: 120_000 },
      );
      expect(errors).toEqual([]);
      const parameters = units[0].parameters!;
      const bicepValues = calls.map((_, i) => [
        parameters.get(`g${i}`)?.value,
        parameters.get(`u${i}`)?.value,
      ]);
      const ours = calls.map((args) => [armGuid(...args), uniqueString(...args)]);
      expect(bicepValues).toEqual(ours);
      expect(calls.length).toBeGreaterThan(90);
    },
  );
});

withCorpus('real Bicep on the quickstart corpus', () => {
  // The Azure ML pairs: main.bicep compiled now against the azuredeploy.json committed beside it.
  // One of them cannot compile from the corpus copy: its module loads scripts/main.py, which the
  // corpus does not include; Bicep's own diagnostic names the module file and line.
  test.concurrent(
    'the Azure ML main.bicep files give the same findings as their committed JSON',
    async () => {
      const pairs = findBicepPairs(corpus).filter((p) =>
        p.folder.includes('microsoft.machinelearningservices/'),
      );
      expect(pairs.length).toBeGreaterThanOrEqual(12);
      const results: PairComparison[] = [];
      for (let i = 0; i < pairs.length; i += 2) {
        results.push(...(await Promise.all(pairs.slice(i, i + 2).map((pair) => comparePair(pair, command)))));
      }
      const missingScript =
        'quickstarts/microsoft.machinelearningservices/machine-learning-job-create-sweep-job';
      const summary = results.map((r) => ({
        folder: r.pair.folder,
        equal: r.equal,
        onlyBicep: r.onlyBicep,
        onlyJson: r.onlyJson,
        errors: r.bicepErrors.map((e) => `${e.file}:${e.line}`),
      }));
      expect(summary).toEqual(
        results.map((r) =>
          r.pair.folder === missingScript
            ? {
                folder: r.pair.folder,
                equal: false,
                onlyBicep: [],
                onlyJson: [],
                errors: ['modules/codeversion.bicep:58'],
              }
            : { folder: r.pair.folder, equal: true, onlyBicep: [], onlyJson: [], errors: [] },
        ),
      );
      expect(results.find((r) => r.pair.folder === missingScript)?.bicepErrors[0].message).toMatch(
        /^Bicep compile error BCP091: An error occurred reading file\. .*scripts\/main\.py'\. \(used by main\.bicep\) \[https:\/\/aka\.ms\/bicep\/core-diagnostics#BCP091\]$/,
      );
      // Not a comparison of nothing: the workspaces' findings are there on both sides.
      expect(results.filter((r) => r.findings > 0).length).toBeGreaterThanOrEqual(7);
    },
  );
});

/** A small seeded generator, so the inputs are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
