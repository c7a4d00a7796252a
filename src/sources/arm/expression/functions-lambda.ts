/**
 * Lambda functions: filter, map, reduce, sort, toObject, mapValues, groupBy with `lambda('x', …)`
 * arguments and `lambdaVariables('x')` inside. The lambda body is evaluated per item with its
 * variables bound; nothing else can hold a lambda, as in ARM.
 */
import { isUnknown, type ObjectValue, type Value } from '../../../model.js';
import type { Expr } from './ast.js';
import { fail, wrongType, type CallContext, type FunctionTable } from './function-types.js';
import { isObject, setKey, toArmString } from './values.js';

interface Lambda {
  names: string[];
  body: Expr;
}

function readLambda(ctx: CallContext, expr: Expr, index: number, arity: number[]): Lambda {
  if (expr.kind !== 'call' || expr.namespace !== undefined || expr.name.toLowerCase() !== 'lambda') {
    return fail(ctx, `expects a lambda('name', …) as argument ${index + 1}`);
  }
  if (expr.args.length < 2) fail(ctx, 'needs a lambda with at least one variable name and a body');
  const names = expr.args.slice(0, -1).map((arg) => {
    const name = ctx.evaluate(arg);
    if (typeof name !== 'string') return fail(ctx, 'has a lambda whose variable names are not strings');
    return name.toLowerCase();
  });
  if (!arity.includes(names.length)) {
    fail(ctx, `needs a lambda with ${arity.join(' or ')} variable(s), but it has ${names.length}`);
  }
  return { names, body: expr.args[expr.args.length - 1] };
}

function apply(ctx: CallContext, lambda: Lambda, values: Value[]): Value {
  const bindings = new Map<string, Value>();
  lambda.names.forEach((name, i) => bindings.set(name, values[i]));
  return ctx.evaluate(lambda.body, bindings);
}

/** Evaluates the collection argument: unknown passes through, anything else must be an array (or object). */
function collection(ctx: CallContext, expr: Expr, kind: 'array' | 'object'): Value[] | ObjectValue | Value {
  const value = ctx.evaluate(expr);
  if (isUnknown(value)) return value;
  if (kind === 'array' && !Array.isArray(value)) wrongType(ctx, 0, 'an array', value);
  if (kind === 'object' && !isObject(value)) wrongType(ctx, 0, 'an object', value);
  return value;
}

export const LAMBDA_FUNCTIONS: FunctionTable = {
  lambda: {
    min: 1,
    max: Infinity,
    lazy: (_args, ctx) =>
      fail(
        ctx,
        'can only be used as an argument of filter, map, reduce, sort, toObject, mapValues or groupBy',
      ),
  },
  lambdavariables: {
    min: 1,
    max: 1,
    call: (args, ctx) => {
      const name = args[0];
      if (typeof name !== 'string') return wrongType(ctx, 0, 'a string', name);
      const value = ctx.lambdaVariable(name);
      if (value === undefined)
        return fail(ctx, `refers to '${name}', which is not a variable of an enclosing lambda`);
      return value;
    },
  },
  filter: {
    min: 2,
    max: 2,
    lazy: (args, ctx) => {
      const items = collection(ctx, args[0], 'array');
      if (!Array.isArray(items)) return items;
      const lambda = readLambda(ctx, args[1], 1, [1, 2]);
      const result: Value[] = [];
      for (let i = 0; i < items.length; i++) {
        const keep = apply(ctx, lambda, [items[i], i]);
        if (isUnknown(keep)) return keep;
        if (typeof keep !== 'boolean')
          return fail(ctx, `needs a lambda that returns a boolean, but it returned ${toArmString(keep)}`);
        if (keep) result.push(items[i]);
      }
      return result;
    },
  },
  map: {
    min: 2,
    max: 2,
    lazy: (args, ctx) => {
      const items = collection(ctx, args[0], 'array');
      if (!Array.isArray(items)) return items;
      const lambda = readLambda(ctx, args[1], 1, [1, 2]);
      return items.map((item, i) => apply(ctx, lambda, [item, i]));
    },
  },
  reduce: {
    min: 3,
    max: 3,
    lazy: (args, ctx) => {
      const items = collection(ctx, args[0], 'array');
      if (!Array.isArray(items)) return items;
      let accumulator = ctx.evaluate(args[1]);
      const lambda = readLambda(ctx, args[2], 2, [2, 3]);
      for (let i = 0; i < items.length; i++) accumulator = apply(ctx, lambda, [accumulator, items[i], i]);
      return accumulator;
    },
  },
  sort: {
    min: 2,
    max: 2,
    lazy: (args, ctx) => {
      const items = collection(ctx, args[0], 'array');
      if (!Array.isArray(items)) return items;
      const lambda = readLambda(ctx, args[1], 1, [2]);
      let unknown: Value | undefined;
      const sorted = [...items].sort((a, b) => {
        if (unknown) return 0;
        const before = apply(ctx, lambda, [a, b]);
        if (isUnknown(before)) {
          unknown = before;
          return 0;
        }
        if (typeof before !== 'boolean') return fail(ctx, 'needs a lambda that returns a boolean');
        if (before) return -1;
        const after = apply(ctx, lambda, [b, a]);
        return after === true ? 1 : 0;
      });
      return unknown ?? sorted;
    },
  },
  toobject: {
    min: 2,
    max: 3,
    lazy: (args, ctx) => {
      const items = collection(ctx, args[0], 'array');
      if (!Array.isArray(items)) return items;
      const keyLambda = readLambda(ctx, args[1], 1, [1]);
      const valueLambda = args.length === 3 ? readLambda(ctx, args[2], 2, [1]) : undefined;
      const result: ObjectValue = {};
      for (const item of items) {
        const key = apply(ctx, keyLambda, [item]);
        if (isUnknown(key)) return key;
        if (typeof key !== 'string') return fail(ctx, 'needs a key lambda that returns a string');
        setKey(result, key, valueLambda ? apply(ctx, valueLambda, [item]) : item);
      }
      return result;
    },
  },
  mapvalues: {
    min: 2,
    max: 2,
    lazy: (args, ctx) => {
      const object = collection(ctx, args[0], 'object');
      if (!isObject(object)) return object;
      const lambda = readLambda(ctx, args[1], 1, [1]);
      const result: ObjectValue = {};
      for (const key of Object.keys(object)) setKey(result, key, apply(ctx, lambda, [object[key]]));
      return result;
    },
  },
  groupby: {
    min: 2,
    max: 2,
    lazy: (args, ctx) => {
      const items = collection(ctx, args[0], 'array');
      if (!Array.isArray(items)) return items;
      const lambda = readLambda(ctx, args[1], 1, [1]);
      const result: ObjectValue = {};
      for (const item of items) {
        const key = apply(ctx, lambda, [item]);
        if (isUnknown(key)) return key;
        if (typeof key !== 'string') return fail(ctx, 'needs a lambda that returns a string key');
        if (!Object.prototype.hasOwnProperty.call(result, key)) setKey(result, key, []);
        (result[key] as Value[]).push(item);
      }
      return result;
    },
  },
};
