/**
 * One-click fixes: which failing values get a suggested change, on which line, with what text.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Finding, Role } from '../../src/model.js';
import { silentLogger } from '../../src/model.js';
import { literalFixFor, LITERAL_FIXES } from '../../src/rules/fixes.js';
import { RULES } from '../../src/rules/index.js';
import { addedLines, buildSuggestions, replaceLiteral } from '../../src/report/suggestions.js';
import { scanTemplates } from '../../src/scan.js';
import { finding } from '../gate/fixtures.js';

const repoRoot = resolve(import.meta.dirname, '../..');

/** Every line of each file counts as changed (a pull request that adds the files). */
function allChanged(files: Record<string, string>) {
  return new Map(
    Object.entries(files).map(([path, text]) => [
      path,
      new Map(text.split('\n').map((line, index) => [index + 1, line] as [number, string])),
    ]),
  );
}

function storageFinding(file: string, line: number, value: unknown, extra: Partial<Finding> = {}): Finding {
  return finding('HA.Storage.Redundancy', 'fail', 'stdata', {
    location: { file, line },
    evidence: { path: 'sku.name', value },
    ...extra,
  });
}

describe('the fix table', () => {
  test('names rules and paths that exist, and only literal replacements', () => {
    const ids = new Set(RULES.map((rule) => rule.id));
    for (const fix of LITERAL_FIXES) {
      expect(ids.has(fix.ruleId)).toBe(true);
      expect(typeof fix.from).toBe(typeof fix.to);
      expect(fix.from).not.toEqual(fix.to);
    }
  });

  test('picks the fix by value (any case) and by role', () => {
    expect(literalFixFor('HA.Storage.Redundancy', 'sku.name', 'standard_lrs', 'datastore')?.to).toBe(
      'Standard_ZRS',
    );
    expect(literalFixFor('HA.Storage.Redundancy', 'sku.name', 'Standard_GRS', 'datastore')?.to).toBe(
      'Standard_GZRS',
    );
    // Azure ML cannot fail over its default storage: the geo copy is no help there.
    expect(literalFixFor('HA.Storage.Redundancy', 'sku.name', 'Standard_GRS', 'defaultStorage')?.to).toBe(
      'Standard_ZRS',
    );
    expect(
      literalFixFor('HA.KeyVault.Recoverability', 'properties.enablePurgeProtection', false, 'keyVault')?.to,
    ).toBe(true);
    expect(
      literalFixFor('HA.KeyVault.Recoverability', 'properties.enablePurgeProtection', 'false', 'keyVault'),
    ).toBeUndefined();
    expect(
      literalFixFor('HA.Storage.Redundancy', 'sku.name', 'Premium_LRS', 'datastore' as Role),
    ).toBeUndefined();
  });
});

describe('replacing the literal on a line', () => {
  test.each([
    [
      'JSON string, rest of the line kept',
      '      "defaultValue": "Standard_LRS",',
      'Standard_LRS',
      'Standard_ZRS',
      'json',
      '      "defaultValue": "Standard_ZRS",',
    ],
    [
      'JSON boolean',
      '  "enablePurgeProtection": { "type": "bool", "defaultValue": false },',
      false,
      true,
      'json',
      '  "enablePurgeProtection": { "type": "bool", "defaultValue": true },',
    ],
    [
      'Bicep param',
      "param storageSku string = 'Standard_LRS' // cheap",
      'Standard_LRS',
      'Standard_ZRS',
      'bicep',
      "param storageSku string = 'Standard_ZRS' // cheap",
    ],
    [
      'Bicep one-line object',
      "  sku: { name: 'Standard_LRS' }",
      'Standard_LRS',
      'Standard_ZRS',
      'bicep',
      "  sku: { name: 'Standard_ZRS' }",
    ],
    [
      'Bicep boolean',
      '    enablePurgeProtection: false',
      false,
      true,
      'bicep',
      '    enablePurgeProtection: true',
    ],
    [
      'the value in another case',
      '"name": "standard_lrs"',
      'Standard_LRS',
      'Standard_ZRS',
      'json',
      '"name": "Standard_ZRS"',
    ],
  ])('%s', (_what, line, from, to, syntax, expected) => {
    expect(
      replaceLiteral(
        line as string,
        from as string | boolean,
        to as string | boolean,
        syntax as 'json' | 'bicep',
      ),
    ).toBe(expected);
  });

  test.each([
    [
      'twice on the line (allowedValues)',
      '"allowedValues": ["Standard_LRS", "Standard_ZRS", "Standard_LRS"]',
      'Standard_LRS',
    ],
    ['only inside a longer string', '"description": "Standard_LRS_OLD"', 'Standard_LRS'],
    ['a string that reads false', '"description": "false alarm"', false],
    ['a word containing false', '"isfalse": falsey', false],
    ['an expression, not a literal', `"name": "[parameters('sku')]"`, 'Standard_LRS'],
  ])('none when %s', (_what, line, from) => {
    const to = typeof from === 'boolean' ? true : 'Standard_ZRS';
    expect(replaceLiteral(line as string, from as string | boolean, to, 'json')).toBeUndefined();
  });
});

describe('which line', () => {
  const template = [
    '{',
    '  "parameters": {',
    '    "storageSku": {',
    '      "type": "string",',
    '      "defaultValue": "Standard_LRS"',
    '    }',
    '  },',
    '  "resources": [ { "sku": {',
    '    "name": "Standard_LRS"',
    '  } } ]',
    '}',
  ].join('\n');

  test('a parameter: its defaultValue line, below the parameter’s own line the finding points at', () => {
    const [suggestion] = buildSuggestions([storageFinding('infra/main.json', 3, 'Standard_LRS')], {
      readFile: () => template,
      changedLines: allChanged({ 'infra/main.json': template }),
    });
    expect(suggestion).toMatchObject({
      path: 'infra/main.json',
      line: 5,
      original: '      "defaultValue": "Standard_LRS"',
      replacement: '      "defaultValue": "Standard_ZRS"',
    });
  });

  test('a parameters file: the value line of the parameter', () => {
    const parameters =
      '{\n  "parameters": {\n    "storageSku": {\n      "value": "Standard_LRS"\n    }\n  }\n}\n';
    const [suggestion] = buildSuggestions([storageFinding('infra/main.parameters.json', 3, 'Standard_LRS')], {
      readFile: () => parameters,
      changedLines: allChanged({ 'infra/main.parameters.json': parameters }),
    });
    expect(suggestion).toMatchObject({ line: 4, replacement: '      "value": "Standard_ZRS"' });
  });

  test('Bicep: the `name:` line of a `sku: {` block the finding points at', () => {
    const bicep = [
      "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {",
      '  name: stName',
      '  sku: {',
      "    name: 'Standard_LRS' // TODO",
      '  }',
      "  kind: 'StorageV2'",
      '}',
    ].join('\n');
    const [suggestion] = buildSuggestions([storageFinding('infra/main.bicep', 3, 'Standard_LRS')], {
      readFile: () => bicep,
      changedLines: allChanged({ 'infra/main.bicep': bicep }),
    });
    expect(suggestion).toMatchObject({ line: 4, replacement: "    name: 'Standard_ZRS' // TODO" });
  });

  test('Bicep: a finding on the `resource` line (as compiled Bicep locates it) follows the property path', () => {
    const inline = [
      "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {",
      "  name: 'stdata'",
      "  sku: { name: 'Standard_LRS' }",
      "  kind: 'StorageV2'",
      '}',
    ].join('\n');
    expect(
      buildSuggestions([storageFinding('infra/main.bicep', 1, 'Standard_LRS')], {
        readFile: () => inline,
        changedLines: allChanged({ 'infra/main.bicep': inline }),
      }),
    ).toMatchObject([{ line: 3, replacement: "  sku: { name: 'Standard_ZRS' }" }]);
    const vault = [
      "resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {",
      "  name: 'kv'",
      '  properties: {',
      "    sku: { family: 'A', name: 'standard' }",
      '    enableSoftDelete: true',
      '    enablePurgeProtection: false',
      '  }',
      '}',
    ].join('\n');
    const purge = finding('HA.KeyVault.Recoverability', 'fail', 'kv', {
      location: { file: 'infra/kv.bicep', line: 1 },
      evidence: { path: 'properties.enablePurgeProtection', value: false },
    });
    expect(
      buildSuggestions([purge], {
        readFile: () => vault,
        changedLines: allChanged({ 'infra/kv.bicep': vault }),
      }),
    ).toMatchObject([{ line: 6, replacement: '    enablePurgeProtection: true' }]);
    // A path that is not written out (the value comes from elsewhere): no guess.
    const other = inline.replace("sku: { name: 'Standard_LRS' }", 'sku: skuObject');
    expect(
      buildSuggestions([storageFinding('infra/main.bicep', 1, 'Standard_LRS')], {
        readFile: () => other,
        changedLines: allChanged({ 'infra/main.bicep': other }),
      }),
    ).toEqual([]);
  });

  test('only on a line the pull request added or changed, whose text at the head is the checkout’s', () => {
    const findingOnDefault = storageFinding('infra/main.json', 3, 'Standard_LRS');
    const others = new Map([[9, '    "name": "Standard_LRS"']]);
    expect(
      buildSuggestions([findingOnDefault], {
        readFile: () => template,
        changedLines: new Map([['infra/main.json', others]]),
      }),
    ).toEqual([]);
    const shifted = new Map([[5, '      "defaultValue": "Standard_GRS"']]);
    expect(
      buildSuggestions([findingOnDefault], {
        readFile: () => template,
        changedLines: new Map([['infra/main.json', shifted]]),
      }),
    ).toEqual([]);
  });

  test('passing, unknown and suppressed findings, and values without a fix, get none', () => {
    const inputs = { readFile: () => template, changedLines: allChanged({ 'infra/main.json': template }) };
    for (const status of ['pass', 'unknown', 'info', 'suppressed'] as const)
      expect(
        buildSuggestions([storageFinding('infra/main.json', 9, 'Standard_LRS', { status })], inputs),
      ).toEqual([]);
    expect(buildSuggestions([storageFinding('infra/main.json', 9, 'Standard_XYZ')], inputs)).toEqual([]);
  });

  test('two findings fixed by the same change share one suggestion', () => {
    const text = '{ "sku": { "name": "Standard_GRS" } }';
    const findings = [
      storageFinding('a.json', 1, 'Standard_GRS', { status: 'warn' }),
      {
        ...storageFinding('a.json', 1, 'Standard_GRS', { status: 'warn' }),
        ruleId: 'HA.Storage.DefaultStorageGeoFailover',
      },
    ];
    const suggestions = buildSuggestions(findings, {
      readFile: () => text,
      changedLines: allChanged({ 'a.json': text }),
    });
    expect(suggestions).toHaveLength(1);
    expect(suggestions[0]!.findings.map((f) => f.ruleId).sort()).toEqual([
      'HA.Storage.DefaultStorageGeoFailover',
      'HA.Storage.Redundancy',
    ]);
    expect(suggestions[0]!.replacement).toBe('{ "sku": { "name": "Standard_ZRS" } }');
  });

  test('the example with gaps, as a pull request that adds it: storage, registry and purge protection', async () => {
    const report = await scanTemplates({
      paths: ['examples/workspace-with-gaps'],
      cwd: repoRoot,
      failOn: 'never',
      unknownAs: 'unknown',
      logger: silentLogger,
      now: new Date('2026-01-01'),
    });
    const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
    const files = [...new Set(report.findings.flatMap((f) => (f.location ? [f.location.file] : [])))];
    const suggestions = buildSuggestions(report.findings, {
      readFile: read,
      changedLines: allChanged(Object.fromEntries(files.map((file) => [file, read(file)]))),
    });
    const changes = suggestions.map(
      (s) => `${s.findings[0]!.ruleId}: ${s.original.trim()} → ${s.replacement.trim()}`,
    );
    expect(changes).toEqual(
      expect.arrayContaining([
        'HA.Storage.Redundancy: "storageSku": { "type": "string", "defaultValue": "Standard_LRS" }, → "storageSku": { "type": "string", "defaultValue": "Standard_ZRS" },',
        'HA.Registry.GeoReplication: "registrySku": { "type": "string", "defaultValue": "Standard" }, → "registrySku": { "type": "string", "defaultValue": "Premium" },',
        'HA.KeyVault.Recoverability: "enablePurgeProtection": { "type": "bool", "defaultValue": false }, → "enablePurgeProtection": { "type": "bool", "defaultValue": true },',
      ]),
    );
  });
});

describe('added lines from a diff', () => {
  test('line numbers at the head, for pulls/files patches and git diff -U0 output', () => {
    const patch = [
      '@@ -1,4 +1,5 @@',
      ' {',
      '-  "a": 1,',
      '+  "a": 2,',
      '+  "b": 3,',
      '   "c": 4',
      '\\ No newline at end of file',
      '@@ -10 +11,0 @@',
      '-  gone',
      '@@ -20,0 +20,1 @@',
      '+  "z": 0',
    ].join('\n');
    expect([...addedLines(patch)]).toEqual([
      [2, '  "a": 2,'],
      [3, '  "b": 3,'],
      [20, '  "z": 0'],
    ]);
  });
});
