/**
 * The evaluator's side of the limits (src/sources/arm/limits.ts), alone: value sizes are measured
 * once and shared parts counted each time they appear, oversized values and expressions are
 * `TemplateLimitError`s (not unknowns), work is charged to the budget in use.
 */
import { describe, expect, test } from '@jest/globals';
import { UnknownValue, type Value } from '../../src/model.js';
import { evaluateTemplateString } from '../../src/sources/arm/expression/index.js';
import { findUnknown } from '../../src/sources/arm/expression/values.js';
import { LIMITS, TemplateLimitError, WorkBudget, sizeOf, withBudget } from '../../src/sources/arm/limits.js';
import { testScope } from './scope.js';

describe('sizes', () => {
  test('a part shared n times counts n times, and is measured once', () => {
    const part = { a: 'xxxx', b: [1, true, null] };
    // About the length of the JSON text (numbers are counted at a fixed width).
    expect(sizeOf(part)).toBeGreaterThanOrEqual(JSON.stringify(part).length);
    expect(sizeOf(part)).toBeLessThan(2 * JSON.stringify(part).length);
    let value: Value = part;
    for (let i = 0; i < 40; i++) value = [value, value];
    // 2^40 copies of the part: far beyond any limit, measured in 40 steps.
    expect(sizeOf(value)).toBeGreaterThan(2 ** 40 * JSON.stringify(part).length);
  });

  test('whether a value holds an unknown is known without walking it once it was measured', () => {
    let value: Value = [new UnknownValue('deep')];
    for (let i = 0; i < 60; i++) value = [value, value];
    sizeOf(value);
    expect(findUnknown(value)?.reason).toBe('deep');
    let clean: Value = ['x'];
    for (let i = 0; i < 60; i++) clean = [clean, clean];
    sizeOf(clean);
    expect(findUnknown(clean)).toBeUndefined();
  });
});

describe('limits in the evaluator', () => {
  const scope = testScope({ variables: { big: 'x'.repeat(5_000_000) } });

  test('a value over the size limit is a TemplateLimitError naming the limit, not an unknown', () => {
    expect(() =>
      evaluateTemplateString(
        "[concat(variables('big'), variables('big'), variables('big'), variables('big'))]",
        scope,
      ),
    ).toThrow(TemplateLimitError);
    expect(() => evaluateTemplateString("[replace(variables('big'), 'x', 'xxxx')]", scope)).toThrow(
      /over the limit of 16,777,216 for one value/,
    );
    expect(() => evaluateTemplateString("[format('{0,20000000}', 'x')]", scope)).toThrow(TemplateLimitError);
    // Within the limit, the same functions work.
    expect(evaluateTemplateString("[length(concat(variables('big'), variables('big')))]", scope)).toBe(
      10_000_000,
    );
  });

  test("an expression longer than ARM's 24,576 characters is rejected before it is parsed", () => {
    const long = `[concat('${'x'.repeat(LIMITS.expressionLength)}')]`;
    expect(() => evaluateTemplateString(long, scope)).toThrow(/over ARM's limit of 24,576 characters/);
    expect(evaluateTemplateString(`[length('${'x'.repeat(24_000)}')]`, scope)).toBe(24_000);
  });

  test('concat of long arrays works (no spread of the items onto the call stack)', () => {
    const items = Array.from({ length: 150_000 }, (_, i) => i);
    expect(
      evaluateTemplateString(
        "[length(concat(variables('a'), variables('a')))]",
        testScope({ variables: { a: items } }),
      ),
    ).toBe(300_000);
  });

  test('work is charged to the budget in use, and stops the evaluation once it is spent', () => {
    const budget = new WorkBudget(1_000);
    withBudget(budget, () => evaluateTemplateString("[concat('a', 'b')]", scope));
    expect(budget.used).toBeGreaterThan(0);
    expect(budget.used).toBeLessThan(20);
    const loop = '[length(range(0, 5000))]';
    expect(() => withBudget(budget, () => evaluateTemplateString(loop, scope))).toThrow(
      /takes more than 1,000 steps, the limit per scanned template/,
    );
    // Without a budget (the evaluator on its own), nothing is charged.
    expect(evaluateTemplateString(loop, scope)).toBe(5000);
  });
});
