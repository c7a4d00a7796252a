import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { createScanner } from 'jsonc-parser';
import { ConfigurationError } from '../../src/errors.js';
import { parseJsonDocument } from '../../src/sources/arm/jsonc.js';
import { LineIndex } from '../../src/sources/arm/lines.js';

describe('LineIndex', () => {
  test('maps offsets to 1-based lines across LF, CRLF and CR line ends', () => {
    const text = 'a\nbc\r\nd\re';
    const index = new LineIndex(text);
    expect(index.lineAt(0)).toBe(1);
    expect(index.lineAt(1)).toBe(1);
    expect(index.lineAt(2)).toBe(2);
    expect(index.lineAt(text.indexOf('d'))).toBe(3);
    expect(index.lineAt(text.indexOf('e'))).toBe(4);
    expect(index.columnAt(text.indexOf('c'))).toBe(2);
    expect(index.lineCount).toBe(4);
  });

  test('agrees with counting newlines for every offset of a larger text', () => {
    const text = Array.from({ length: 300 }, (_, i) => 'x'.repeat(i % 7)).join('\n');
    const index = new LineIndex(text);
    for (let offset = 0; offset < text.length; offset += 13) {
      expect(index.lineAt(offset)).toBe(text.slice(0, offset).split('\n').length);
    }
  });
});

describe('parseJsonDocument', () => {
  test('accepts comments and trailing commas as ARM does', () => {
    const doc = parseJsonDocument(
      '{\n  // comment\n  "a": [1, 2,],\n  /* block */ "b": "x",\n}\n',
      't.json',
      '/t.json',
    );
    expect(doc.root).toEqual({ a: [1, 2], b: 'x' });
    expect(doc.lineOf(['b'])).toBe(4);
    expect(doc.lineOf(['a', 1])).toBe(3);
  });

  test('accepts raw control characters inside strings and keeps them in the value and lines exact', () => {
    const text = '{\n  "script": "line1\nline2\tend",\n  "after": 1\n}';
    const doc = parseJsonDocument(text, 't.json', '/t.json');
    expect(doc.root).toEqual({ script: 'line1\nline2\tend', after: 1 });
    expect(doc.lineOf(['after'])).toBe(4);
  });

  test('lines of strict JSON are worked out on demand, down to the nearest part of the path that exists', () => {
    const text = [
      '{',
      '  "resources": [',
      '    {',
      '      "name": "st",',
      '      "sku": {',
      '        "name": "Standard_LRS"',
      '      }',
      '    }',
      '  ]',
      '}',
    ].join('\r\n');
    const doc = parseJsonDocument(`\ufeff${text}`, 't.json', '/t.json');
    expect(doc.root).toEqual({ resources: [{ name: 'st', sku: { name: 'Standard_LRS' } }] });
    expect(doc.lineOf(['resources', 0, 'sku', 'name'])).toBe(6);
    expect(doc.lineOf(['resources', 0, 'SKU', 'Name'])).toBe(6);
    expect(doc.lineOf(['resources', 0, 'properties', 'x'])).toBe(3);
    expect(doc.lineOf(['resources', 5])).toBe(2);
    expect(doc.lineOf([])).toBe(1);
  });

  test('lines are the same whether the file is strict JSON or needs the lenient parser', () => {
    const strict = [
      '{',
      '  "a": { "x": [1, {"y": 2}], "b": "[[x]" },',
      '  "list": [',
      '    [1, 2],',
      '    { "deep": { "k": "v" } },',
      '    "last"',
      '  ],',
      '  "Name": "n"',
      '}',
    ].join('\n');
    const lenient = strict.replace('"Name": "n"', '"Name": "n", // trailing comma and comment\n');
    const paths: (string | number)[][] = [
      [],
      ['a'],
      ['a', 'x', 1, 'y'],
      ['a', 'b'],
      ['list', 0],
      ['list', 1, 'deep', 'k'],
      ['list', 2],
      ['list', 3],
      ['name'],
      ['missing', 'x'],
    ];
    const a = parseJsonDocument(strict, 's.json', '/s.json');
    const b = parseJsonDocument(lenient, 'l.json', '/l.json');
    expect(b.root).toEqual(a.root);
    for (const path of paths) expect([path, a.lineOf(path)]).toEqual([path, b.lineOf(path)]);
    expect(paths.map((path) => a.lineOf(path))).toEqual([1, 2, 2, 2, 4, 5, 6, 3, 8, 1]);
  });

  test('looking up every resource of a large template in order reads the text about once, not once per resource', () => {
    const resources = Array.from({ length: 800 }, (_, i) => ({
      type: 'Microsoft.Storage/storageAccounts',
      name: `st${i}`,
      sku: { name: 'Standard_LRS' },
      properties: { minimumTlsVersion: 'TLS1_2', networkAcls: { bypass: 'AzureServices', ipRules: [] } },
    }));
    const text = JSON.stringify({ parameters: {}, resources }, null, 2);
    let tokens = 0;
    const scanner = createScanner(text, true);
    while (scanner.scan() !== 17 /* EOF */) tokens++;
    const doc = parseJsonDocument(text, 't.json', '/t.json');
    for (let i = 0; i < resources.length; i++) {
      // As the findings of a resource ask: a value written, one left out, another spelling.
      expect(doc.lineOf(['resources', i, 'sku', 'name'])).toBe(8 + 14 * i);
      expect(doc.lineOf(['resources', i, 'properties', 'zoneRedundant'])).toBe(10 + 14 * i);
      expect(doc.lineOf(['resources', i, 'Properties', 'NetworkAcls', 'bypass'])).toBe(13 + 14 * i);
    }
    // Each token read about once (a path in another spelling reads its part of the resource again).
    expect(doc.scannedTokens).toBeLessThan(4 * tokens);
  });

  test('scans resume within objects too: many keys looked up one after the other, in any case', () => {
    const variables = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`Var${i}`, { v: i }]));
    const text = JSON.stringify({ variables }, null, 2);
    const doc = parseJsonDocument(text, 't.json', '/t.json');
    for (let i = 0; i < 500; i++) {
      expect(doc.lineOf(['variables', `var${i}`, 'v'])).toBe(4 + 3 * i);
      expect(doc.lineOf(['variables', `Var${i}`])).toBe(3 + 3 * i);
    }
    expect(doc.lineOf(['variables', 'notThere'])).toBe(2);
    expect(doc.scannedTokens).toBeLessThan(3 * 500 * 8);
  });

  test('rejects text that is not JSON with the file and the line of the error', () => {
    let error: unknown;
    try {
      parseJsonDocument('{\n  "a": 1,\n  "b": = 2\n}', 'bad.json', '/bad.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).file).toBe('bad.json');
    expect((error as ConfigurationError).line).toBe(3);
  });

  test('for any JSON, the scanner finds every path on the line the syntax tree gives', () => {
    const allPaths = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
      const out = [prefix];
      if (Array.isArray(value)) value.forEach((item, i) => out.push(...allPaths(item, [...prefix, i])));
      else if (value !== null && typeof value === 'object')
        for (const [key, item] of Object.entries(value)) out.push(...allPaths(item, [...prefix, key]));
      return out;
    };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 0, max: 3 }), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const strict = parseJsonDocument(text, 's.json', '/s.json');
        // A trailing comment makes it lenient: parsed into a tree, lines taken from the tree.
        const lenient = parseJsonDocument(`${text}\n// end`, 'l.json', '/l.json');
        const paths = allPaths(JSON.parse(text));
        for (const path of paths) {
          expect(strict.lineOf(path)).toBe(lenient.lineOf(path));
        }
        // Scans resume from what earlier scans passed: any order, and paths that leave what is
        // written (nearest ancestor), give the same lines as a fresh document.
        const resumed = parseJsonDocument(text, 'r.json', '/r.json');
        for (const path of [...paths].reverse()) {
          const beyond = [...path, 'notWritten'];
          expect(resumed.lineOf(beyond)).toBe(lenient.lineOf(beyond));
          expect(resumed.lineOf(path)).toBe(lenient.lineOf(path));
        }
        // In the order written, each path also asked in upper case (found case-insensitively).
        const forward = parseJsonDocument(text, 'f.json', '/f.json');
        for (const path of paths) {
          const upper = path.map((segment) =>
            typeof segment === 'string' ? segment.toUpperCase() : segment,
          );
          expect(forward.lineOf(upper)).toBe(lenient.lineOf(upper));
          expect(forward.lineOf(path)).toBe(lenient.lineOf(path));
        }
      }),
      { numRuns: 200 },
    );
  });
});
