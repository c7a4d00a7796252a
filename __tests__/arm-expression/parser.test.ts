import { describe, expect, test } from '@jest/globals';
import { isExpression, parseExpression } from '../../src/sources/arm/expression/index.js';

describe('isExpression', () => {
  test.each([
    ['[concat()]', true],
    ["[parameters('x')]", true],
    ['[[not an expression]', false],
    ['plain', false],
    ['[', false],
    ['[]', true],
    ['[abc', false],
    ['abc]', false],
  ])('%s → %s', (text, expected) => {
    expect(isExpression(text)).toBe(expected);
  });
});

describe('parseExpression', () => {
  test('parses nested calls, property and index access with offsets', () => {
    const result = parseExpression("[reference(parameters('a')).outputs['b'].value[0]]");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const ast = result.ast;
    expect(ast.kind).toBe('index');
    if (ast.kind !== 'index') return;
    expect(ast.index).toMatchObject({ kind: 'number', value: 0 });
    expect(ast.target).toMatchObject({ kind: 'property', name: 'value' });
    expect(ast.start).toBe(1);
    expect(ast.end).toBe(49);
  });

  test("unescapes '' inside string literals", () => {
    const result = parseExpression("[concat('it''s', '''')]");
    expect(result).toMatchObject({
      ok: true,
      ast: { kind: 'call', name: 'concat', args: [{ value: "it's" }, { value: "'" }] },
    });
  });

  test('parses negative integers and whitespace between tokens', () => {
    const result = parseExpression('[ add ( -3 ,\n 4 ) ]');
    expect(result).toMatchObject({ ok: true, ast: { kind: 'call', args: [{ value: -3 }, { value: 4 }] } });
  });

  test('parses the namespace form of user-defined functions', () => {
    expect(parseExpression("[contoso.uniqueName('x')]")).toMatchObject({
      ok: true,
      ast: { kind: 'call', namespace: 'contoso', name: 'uniqueName' },
    });
  });

  test('accepts a bare expression without brackets', () => {
    expect(parseExpression('resourceGroup().name')).toMatchObject({
      ok: true,
      ast: { kind: 'property', name: 'name' },
    });
  });

  test.each([
    ["[concat('a'", "does not end with ']'"],
    ["[concat('a']", 'missing its closing'],
    ["[concat('a)]", 'unterminated string'],
    ['[true]', 'write true()'],
    ["[concat('a') 'b']", 'after the end'],
    ['[1.5]', 'integer literals only'],
    ["[concat('a',)]", "unexpected ')'"],
    ['[ ]', 'empty'],
    ['[foo.]', "'foo' is not a function call"],
    ["[x()['a'}]", "expected ']'"],
  ])('reports a syntax error for %s', (text, message) => {
    const result = parseExpression(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(message);
    expect(result.offset).toBeGreaterThanOrEqual(0);
    expect(result.offset).toBeLessThanOrEqual(text.length);
  });

  test('the error offset points at the bad token', () => {
    const result = parseExpression("[concat('a' 'b')]");
    expect(result).toMatchObject({ ok: false, offset: 12 });
  });

  test('refuses absurd nesting instead of overflowing the stack', () => {
    const deep = `[${'not('.repeat(5000)}true()${')'.repeat(5000)}]`;
    const result = parseExpression(deep);
    expect(result.ok).toBe(false);
  });
});
