/** expand/merge.ts alone: how declarations of one resource become one resource. */
import { describe, expect, test } from '@jest/globals';
import { UnknownValue, type ObjectValue, type Resource } from '../../src/model.js';
import { mergeRedeclared, type Declarations } from '../../src/sources/arm/expand/merge.js';

function declared(id: string, body: ObjectValue, file: string, known = true): Resource & { known: boolean } {
  return {
    type: 'Microsoft.MachineLearningServices/workspaces',
    name: id.split('/').pop()!,
    id,
    body,
    deployed: true,
    origin: 'template',
    known,
    locate: (path) => ({ file, line: path.length }),
  };
}

const inOrder = (list: Resource[]): Declarations => ({
  known: (r) => (r as Resource & { known: boolean }).known,
  template: (r) => r,
  before: (a, b) => list.indexOf(a) - list.indexOf(b),
});

const merged = {};

describe('mergeRedeclared', () => {
  test('later writes win per property; null does not erase; arrays are replaced; the first keeps its place', () => {
    const first = declared(
      '/x/ws',
      { properties: { a: 1, b: [1, 2], c: 'kept', nested: { x: 1 } } },
      'first',
    );
    const other = declared('/x/other', {}, 'other');
    const second = declared(
      '/X/WS',
      { properties: { A: 2, b: [3], c: null, nested: { y: 2 } }, sku: new UnknownValue('u') },
      'second',
    );
    const list = [first, other, second];
    const merged = mergeRedeclared(list, inOrder(list));
    expect(merged).toHaveLength(2);
    expect(merged[1]).toBe(other);
    expect(merged[0].body).toEqual({
      properties: { A: 2, b: [3], c: 'kept', nested: { x: 1, y: 2 } },
      sku: new UnknownValue('u'),
    });
    expect(merged[0].locate?.('properties.c')).toEqual({ file: 'first', line: 12 });
    expect(merged[0].locate?.('properties.a')).toEqual({ file: 'second', line: 12 });
    expect(merged[0].locate?.('properties.missing')).toEqual({ file: 'second', line: 18 });
    // The inputs are not changed.
    expect(first.body).toEqual({ properties: { a: 1, b: [1, 2], c: 'kept', nested: { x: 1 } } });
  });

  test('ids that are stand-ins, or declared twice by one template, are left alone', () => {
    const a = declared('/x/[name]', { p: 1 }, 'a', false);
    const b = declared('/x/[name]', { p: 2 }, 'b', false);
    expect(mergeRedeclared([a, b], inOrder([a, b]))).toEqual([a, b]);
    const c = declared('/x/ws', { p: 1 }, 'c');
    const d = declared('/x/ws', { p: 2 }, 'd');
    expect(mergeRedeclared([c, d], { ...inOrder([c, d]), template: () => merged })).toEqual([c, d]);
  });
});
