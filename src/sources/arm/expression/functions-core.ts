/**
 * Core ARM functions: parameters, variables, copyIndex, logic and comparison, arithmetic,
 * conversions (bool, int, float, string, json) and constructors (createArray, createObject, array).
 */
import { isUnknown, type ObjectValue, type Value } from '../../../model.js';
import type { Expr } from './ast.js';
import {
  arr,
  bool,
  fail,
  int,
  num,
  str,
  wrongType,
  type CallContext,
  type FunctionTable,
} from './function-types.js';
import { JsonFailure, parseLenientJson } from './lenient-json.js';
import { withoutSymbol } from './symbols.js';
import { deepEquals, isObject, setKey, toArmString, typeName } from './values.js';

function evaluateBoolean(ctx: CallContext, expr: Expr, index: number): boolean | Value {
  const value = ctx.evaluate(expr);
  if (isUnknown(value)) return value;
  if (typeof value !== 'boolean') wrongType(ctx, index, 'a boolean', value);
  return value;
}

/** `and` / `or`: left to right, stopping at a decisive known operand; otherwise unknown if any operand is. */
function logical(decisive: boolean) {
  return (args: Expr[], ctx: CallContext): Value => {
    let unknown: Value | undefined;
    for (let i = 0; i < args.length; i++) {
      const value = evaluateBoolean(ctx, args[i], i);
      if (value === decisive) return decisive;
      if (isUnknown(value) && unknown === undefined) unknown = value;
    }
    return unknown ?? !decisive;
  };
}

function compare(ctx: CallContext, args: Value[]): number {
  const [a, b] = args;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return fail(ctx, `compares two integers or two strings, but was given ${typeName(a)} and ${typeName(b)}`);
}

function arithmetic(ctx: CallContext, args: Value[], op: (a: number, b: number) => number): number {
  const a = num(ctx, args, 0);
  const b = num(ctx, args, 1);
  const result = op(a, b);
  return Object.is(result, -0) ? 0 : result;
}

function parseJson(ctx: CallContext, text: string): Value {
  if (text.trim() === '') return null;
  try {
    return parseLenientJson(text);
  } catch (error) {
    const detail = error instanceof JsonFailure ? ` (${error.message})` : '';
    return fail(
      ctx,
      `was given text that is not valid JSON: '${text.length > 60 ? `${text.slice(0, 60)}…` : text}'${detail}`,
    );
  }
}

export const CORE_FUNCTIONS: FunctionTable = {
  parameters: {
    min: 1,
    max: 1,
    existing: true,
    call: (args, ctx) => ctx.scope.parameter(str(ctx, args, 0)),
  },
  variables: {
    min: 1,
    max: 1,
    existing: true,
    call: (args, ctx) => ctx.scope.variable(str(ctx, args, 0)),
  },
  copyindex: {
    min: 0,
    max: 2,
    call: (args, ctx) => {
      let loop: string | undefined;
      let offset = 0;
      if (args.length === 2) {
        loop = str(ctx, args, 0);
        offset = int(ctx, args, 1);
      } else if (args.length === 1) {
        if (typeof args[0] === 'string') loop = args[0];
        else offset = int(ctx, args, 0);
      }
      const index = ctx.scope.copyIndex(loop);
      if (index === undefined) {
        fail(ctx, loop ? `is used outside the copy loop '${loop}'` : 'can only be used inside a copy loop');
      }
      return index + offset;
    },
  },
  if: {
    min: 3,
    max: 3,
    existing: true,
    lazy: (args, ctx) => {
      const condition = evaluateBoolean(ctx, args[0], 0);
      if (isUnknown(condition)) return withoutSymbol(condition);
      return ctx.evaluate(condition ? args[1] : args[2]);
    },
  },
  and: { min: 1, max: Infinity, lazy: logical(false) },
  or: { min: 1, max: Infinity, lazy: logical(true) },
  not: { min: 1, max: 1, call: (args, ctx) => !bool(ctx, args, 0) },
  true: { min: 0, max: 0, call: () => true },
  false: { min: 0, max: 0, call: () => false },
  null: { min: 0, max: 0, call: () => null },
  equals: { min: 2, max: 2, unknowns: 'deep', call: (args) => deepEquals(args[0], args[1]) },
  less: { min: 2, max: 2, call: (args, ctx) => compare(ctx, args) < 0 },
  lessorequals: { min: 2, max: 2, call: (args, ctx) => compare(ctx, args) <= 0 },
  greater: { min: 2, max: 2, call: (args, ctx) => compare(ctx, args) > 0 },
  greaterorequals: { min: 2, max: 2, call: (args, ctx) => compare(ctx, args) >= 0 },
  add: { min: 2, max: 2, call: (args, ctx) => arithmetic(ctx, args, (a, b) => a + b) },
  sub: { min: 2, max: 2, call: (args, ctx) => arithmetic(ctx, args, (a, b) => a - b) },
  mul: { min: 2, max: 2, call: (args, ctx) => arithmetic(ctx, args, (a, b) => a * b) },
  div: {
    min: 2,
    max: 2,
    call: (args, ctx) =>
      arithmetic(ctx, args, (a, b) => {
        if (b === 0) fail(ctx, 'cannot divide by zero');
        return Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b;
      }),
  },
  mod: {
    min: 2,
    max: 2,
    call: (args, ctx) => {
      const a = int(ctx, args, 0);
      const b = int(ctx, args, 1);
      if (b === 0) fail(ctx, 'cannot divide by zero');
      return arithmetic(ctx, [a, b], (x, y) => x % y);
    },
  },
  bool: {
    min: 1,
    max: 1,
    call: (args, ctx) => {
      const value = args[0];
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (typeof value === 'string') {
        const lower = value.trim().toLowerCase();
        if (lower === 'true') return true;
        if (lower === 'false') return false;
        return fail(ctx, `cannot convert '${value}' to a boolean; use 'true' or 'false'`);
      }
      return wrongType(ctx, 0, 'a string, integer or boolean', value);
    },
  },
  int: {
    min: 1,
    max: 1,
    call: (args, ctx) => {
      const value = args[0];
      if (typeof value === 'number') return Math.trunc(value);
      if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value.trim());
      if (typeof value === 'string') return fail(ctx, `cannot convert '${value}' to an integer`);
      return wrongType(ctx, 0, 'a string or integer', value);
    },
  },
  float: {
    min: 1,
    max: 1,
    call: (args, ctx) => {
      const value = args[0];
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
        return Number(value);
      if (typeof value === 'string') return fail(ctx, `cannot convert '${value}' to a number`);
      return wrongType(ctx, 0, 'a string or number', value);
    },
  },
  string: {
    symbols: 'text',
    min: 1,
    max: 1,
    unknowns: 'deep',
    call: (args) => toArmString(args[0]),
  },
  json: {
    min: 1,
    max: 1,
    call: (args, ctx) => parseJson(ctx, str(ctx, args, 0)),
  },
  createarray: { min: 0, max: Infinity, unknowns: 'self', call: (args) => args },
  createobject: {
    min: 0,
    max: Infinity,
    unknowns: 'self',
    call: (args, ctx) => {
      if (args.length % 2 !== 0) fail(ctx, 'needs an even number of arguments: key, value, key, value, …');
      const result: ObjectValue = {};
      for (let i = 0; i < args.length; i += 2) {
        const key = args[i];
        if (isUnknown(key)) return key;
        setKey(result, str(ctx, args, i), args[i + 1]);
      }
      return result;
    },
  },
  array: {
    min: 1,
    max: 1,
    call: (args) => (Array.isArray(args[0]) ? args[0] : [args[0]]),
  },
  coalesce: {
    min: 1,
    max: Infinity,
    existing: true,
    lazy: (args, ctx) => {
      for (const expr of args) {
        const value = ctx.evaluate(expr);
        if (isUnknown(value)) return value;
        if (value !== null) return value;
      }
      return null;
    },
  },
  empty: {
    min: 1,
    max: 1,
    call: (args) => {
      const value = args[0];
      if (value === null) return true;
      if (typeof value === 'string' || Array.isArray(value)) return value.length === 0;
      if (isObject(value)) return Object.keys(value).length === 0;
      return false;
    },
  },
  length: {
    min: 1,
    max: 1,
    call: (args, ctx) => {
      const value = args[0];
      if (typeof value === 'string' || Array.isArray(value)) return value.length;
      if (isObject(value)) return Object.keys(value).length;
      return wrongType(ctx, 0, 'an array, object or string', value);
    },
  },
  min: { min: 1, max: Infinity, unknowns: 'deep', call: (args, ctx) => extreme(ctx, args, Math.min) },
  max: { min: 1, max: Infinity, unknowns: 'deep', call: (args, ctx) => extreme(ctx, args, Math.max) },
};

function extreme(ctx: CallContext, args: Value[], pick: (...values: number[]) => number): Value {
  const values = args.length === 1 && Array.isArray(args[0]) ? arr(ctx, args, 0) : args;
  if (values.length === 0) return fail(ctx, 'needs at least one value');
  values.forEach((value, i) => {
    if (typeof value !== 'number')
      wrongType(ctx, args.length === 1 ? 0 : i, 'an integer or an array of integers', value);
  });
  return pick(...(values as number[]));
}
