import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { isUnknown, type Value } from '../../src/model.js';
import {
  builtInFunctionNames,
  evaluateTemplateString,
  ExpressionError,
  parseExpression,
  uniqueString,
} from '../../src/sources/arm/expression/index.js';
import { testScope } from './scope.js';

const scope = testScope({
  parameters: { name: 'abc', list: [1, 2, 3], obj: { a: { b: 'c' }, Zones: ['1', '2'] }, n: 5 },
  variables: { v: 'x' },
  copyIndex: 1,
});

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Random expressions built from the real function names, literals and accessors. */
const expressionArbitrary: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 8 }).map(quote),
    fc.integer({ min: -5, max: 40 }).map(String),
    fc.constantFrom(
      "parameters('name')",
      "parameters('list')",
      "parameters('obj')",
      "variables('v')",
      'utcNow()',
      "lambdaVariables('x')",
    ),
    fc
      .tuple(
        fc.constantFrom(...builtInFunctionNames(), 'listKeys', 'true', 'false', 'null', 'nope'),
        fc.array(tie('expr'), { maxLength: 4 }),
      )
      .map(([name, args]) => `${name}(${args.join(', ')})`),
    fc
      .tuple(tie('expr'), fc.constantFrom('a', 'b', 'zones', 'id', 'name', 'location'))
      .map(([e, p]) => `${e}.${p}`),
    fc.tuple(tie('expr'), tie('expr')).map(([e, i]) => `${e}[${i}]`),
    fc.tuple(fc.constantFrom('x', 'y'), tie('expr')).map(([n, body]) => `lambda('${n}', ${body})`),
  ),
})).expr;

function deepHasUndefined(value: Value | undefined): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(deepHasUndefined);
  if (value !== null && typeof value === 'object' && !isUnknown(value))
    return Object.values(value).some(deepHasUndefined);
  return false;
}

describe('property-based', () => {
  test('parseExpression never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        const result = parseExpression(text);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) {
          expect(result.offset).toBeGreaterThanOrEqual(0);
          expect(result.offset).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('parseExpression never throws on bracketed near-expressions', () => {
    const piece = fc.constantFrom(
      '(',
      ')',
      '[',
      ']',
      "'",
      "''",
      ',',
      '.',
      ' ',
      'concat',
      'if',
      '1',
      '-',
      'a',
      'true',
      'x.y',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = `[${pieces.join('')}]`;
        expect(() => parseExpression(text)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  test('evaluateTemplateString only ever throws ExpressionError and never returns undefined', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          expressionArbitrary.map((e) => `[${e}]`),
          fc.string({ maxLength: 30 }),
        ),
        (text) => {
          try {
            const value = evaluateTemplateString(text, scope);
            expect(deepHasUndefined(value)).toBe(false);
          } catch (error) {
            if (!(error instanceof ExpressionError)) throw error;
            expect(error.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('a quoted string literal evaluates to itself', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        expect(evaluateTemplateString(`[${quote(s)}]`, scope)).toBe(s);
      }),
    );
  });

  test('a literal string without the expression brackets is returned unchanged', () => {
    fc.assert(
      fc.property(
        fc
          .string({ maxLength: 40 })
          .filter((s) => !(s.startsWith('[') && s.endsWith(']')) && !s.startsWith('[[')),
        (s) => {
          expect(evaluateTemplateString(s, scope)).toBe(s);
        },
      ),
    );
  });

  test('uniqueString is always 13 base-32 characters', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { minLength: 1, maxLength: 4 }),
        (parts) => {
          expect(uniqueString(...parts)).toMatch(/^[a-z2-7]{13}$/);
        },
      ),
    );
  });

  test('integer arithmetic agrees with JavaScript on safe integers', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (a, b) => {
        expect(evaluateTemplateString(`[add(${a}, ${b})]`, scope)).toBe(a + b);
        if (b !== 0) expect(evaluateTemplateString(`[div(${a}, ${b})]`, scope)).toBe(Math.trunc(a / b) + 0);
      }),
    );
  });
});
