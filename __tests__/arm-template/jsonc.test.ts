import { describe, expect, test } from '@jest/globals';
import { ConfigurationError } from '../../src/errors.js';
import { parseJsonDocument, plainValue } from '../../src/sources/arm/jsonc.js';
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
    expect(plainValue(doc.root, doc.masked)).toEqual({ a: [1, 2], b: 'x' });
  });

  test('accepts raw control characters inside strings and keeps them in the value and lines exact', () => {
    const text = '{\n  "script": "line1\nline2\tend",\n  "after": 1\n}';
    const doc = parseJsonDocument(text, 't.json', '/t.json');
    expect(plainValue(doc.root, doc.masked)).toEqual({ script: 'line1\nline2\tend', after: 1 });
    const after = doc.root.children![1].children![1];
    expect(doc.lines.lineAt(after.offset)).toBe(4);
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
});
