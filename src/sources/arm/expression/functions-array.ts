/**
 * Array and object functions: first/last/take/skip (also on strings), contains, indexOf,
 * intersection, union (deep merge of objects as ARM does), range, flatten, join, objectKeys,
 * items, tryGet and shallowMerge.
 */
import { isUnknown, type ObjectValue, type Value } from '../../../model.js';
import {
  arr,
  fail,
  int,
  obj,
  str,
  wrongType,
  type CallContext,
  type FunctionTable,
} from './function-types.js';
import { deepEquals, findKey, findUnknown, isObject, setKey, toArmString } from './values.js';
import { ensureSize, sizeOf } from '../limits.js';

function sequence(ctx: CallContext, args: Value[], index: number): string | Value[] {
  const value = args[index];
  if (typeof value !== 'string' && !Array.isArray(value)) wrongType(ctx, index, 'an array or string', value);
  return value;
}

/** Array position of `item` by deep equality; unknown when not found among known items but some item is unknown. */
function arrayIndex(items: Value[], item: Value, fromEnd: boolean): number | Value {
  const order = items.map((_, i) => i);
  if (fromEnd) order.reverse();
  let unknown: Value | undefined;
  for (const i of order) {
    const candidate = items[i];
    const hidden = findUnknown(candidate);
    if (hidden) {
      unknown ??= hidden;
      continue;
    }
    if (deepEquals(candidate, item)) return unknown ?? i;
  }
  return unknown ?? -1;
}

function stringIndex(ctx: CallContext, args: Value[], fromEnd: boolean): number {
  const text = str(ctx, args, 0).toLowerCase();
  const search = str(ctx, args, 1).toLowerCase();
  return fromEnd ? text.lastIndexOf(search) : text.indexOf(search);
}

/** ARM's union of objects: keys of later objects win, nested objects are merged recursively. */
function mergeObjects(target: ObjectValue, source: ObjectValue): ObjectValue {
  const result: ObjectValue = { ...target };
  for (const key of Object.keys(source)) {
    const existing = findKey(result, key);
    const value = source[key];
    if (existing !== undefined && isObject(result[existing]) && isObject(value)) {
      setKey(result, existing, mergeObjects(result[existing] as ObjectValue, value));
    } else {
      if (existing !== undefined && existing !== key) delete result[existing];
      setKey(result, existing ?? key, value);
    }
  }
  return result;
}

export const ARRAY_FUNCTIONS: FunctionTable = {
  first: {
    min: 1,
    max: 1,
    existing: true,
    call: (args, ctx) => {
      const value = sequence(ctx, args, 0);
      return typeof value === 'string' ? value.slice(0, 1) : value.length ? value[0] : null;
    },
  },
  last: {
    min: 1,
    max: 1,
    existing: true,
    call: (args, ctx) => {
      const value = sequence(ctx, args, 0);
      return typeof value === 'string' ? value.slice(-1) : value.length ? value[value.length - 1] : null;
    },
  },
  take: {
    symbols: 'opaque',
    min: 2,
    max: 2,
    call: (args, ctx) => {
      const value = sequence(ctx, args, 0);
      return value.slice(0, Math.max(0, int(ctx, args, 1)));
    },
  },
  skip: {
    symbols: 'opaque',
    min: 2,
    max: 2,
    call: (args, ctx) => {
      const value = sequence(ctx, args, 0);
      return value.slice(Math.max(0, int(ctx, args, 1)));
    },
  },
  contains: {
    min: 2,
    max: 2,
    unknowns: 'self',
    call: (args, ctx) => {
      const [container, item] = args;
      if (isUnknown(container)) return container;
      if (Array.isArray(container)) {
        const hidden = findUnknown(item);
        if (hidden) return hidden;
        const index = arrayIndex(container, item, false);
        return typeof index === 'number' ? index >= 0 : index;
      }
      if (isUnknown(item)) return item;
      if (isObject(container)) return findKey(container, toArmString(item)) !== undefined;
      if (typeof container === 'string') {
        if (isObject(item) || Array.isArray(item)) wrongType(ctx, 1, 'a string', item);
        return container.includes(toArmString(item));
      }
      return wrongType(ctx, 0, 'an array, object or string', container);
    },
  },
  indexof: {
    min: 2,
    max: 2,
    unknowns: 'self',
    call: (args, ctx) => {
      if (isUnknown(args[0])) return args[0];
      if (Array.isArray(args[0])) return findUnknown(args[1]) ?? arrayIndex(args[0], args[1], false);
      if (isUnknown(args[1])) return args[1];
      return stringIndex(ctx, args, false);
    },
  },
  lastindexof: {
    min: 2,
    max: 2,
    unknowns: 'self',
    call: (args, ctx) => {
      if (isUnknown(args[0])) return args[0];
      if (Array.isArray(args[0])) return findUnknown(args[1]) ?? arrayIndex(args[0], args[1], true);
      if (isUnknown(args[1])) return args[1];
      return stringIndex(ctx, args, true);
    },
  },
  intersection: {
    min: 2,
    max: Infinity,
    unknowns: 'deep',
    call: (args, ctx) => {
      if (Array.isArray(args[0])) {
        const lists = args.map((_, i) => arr(ctx, args, i));
        const result: Value[] = [];
        for (const item of lists[0]) {
          if (result.some((r) => deepEquals(r, item))) continue;
          if (lists.slice(1).every((list) => list.some((other) => deepEquals(other, item))))
            result.push(item);
        }
        return result;
      }
      const objects = args.map((_, i) => obj(ctx, args, i));
      const result: ObjectValue = {};
      for (const key of Object.keys(objects[0])) {
        const value = objects[0][key];
        const everywhere = objects.slice(1).every((other) => {
          const k = findKey(other, key);
          return k !== undefined && deepEquals(other[k], value);
        });
        if (everywhere) setKey(result, key, value);
      }
      return result;
    },
  },
  union: {
    min: 2,
    max: Infinity,
    call: (args, ctx) => {
      if (Array.isArray(args[0])) {
        const result: Value[] = [];
        args.forEach((_, i) => {
          for (const item of arr(ctx, args, i)) {
            if (findUnknown(item) || !result.some((r) => deepEquals(r, item))) result.push(item);
          }
        });
        return result;
      }
      return args.reduce<ObjectValue>((merged, _, i) => mergeObjects(merged, obj(ctx, args, i)), {});
    },
  },
  range: {
    min: 2,
    max: 2,
    call: (args, ctx) => {
      const start = int(ctx, args, 0);
      const count = int(ctx, args, 1);
      if (count < 0) fail(ctx, `cannot make a range of ${count} items; the count must not be negative`);
      if (count > 10000) fail(ctx, `cannot make a range of ${count} items; the limit is 10000`);
      if (start + count > 2147483647) fail(ctx, 'makes a range that goes past 2147483647');
      return Array.from({ length: count }, (_, i) => start + i);
    },
  },
  flatten: {
    min: 1,
    max: 1,
    call: (args, ctx) => {
      const result: Value[] = [];
      arr(ctx, args, 0).forEach((item) => {
        if (isUnknown(item)) result.push(item);
        else if (Array.isArray(item)) for (const inner of item) result.push(inner);
        else wrongType(ctx, 0, 'an array of arrays', item);
      });
      return result;
    },
  },
  join: {
    min: 2,
    max: 2,
    unknowns: 'deep',
    call: (args, ctx) => {
      const delimiter = str(ctx, args, 1);
      ensureSize(sizeOf(args[0]) + arr(ctx, args, 0).length * delimiter.length, 'a text');
      return arr(ctx, args, 0)
        .map((item) => {
          if (Array.isArray(item) || isObject(item)) fail(ctx, 'joins strings, integers and booleans only');
          return toArmString(item);
        })
        .join(delimiter);
    },
  },
  objectkeys: { min: 1, max: 1, call: (args, ctx) => Object.keys(obj(ctx, args, 0)) },
  items: {
    min: 1,
    max: 1,
    call: (args, ctx) => {
      const object = obj(ctx, args, 0);
      return Object.keys(object)
        .sort((a, b) => {
          const x = a.toLowerCase();
          const y = b.toLowerCase();
          return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
        })
        .map((key) => ({ key, value: object[key] }));
    },
  },
  tryget: {
    min: 2,
    max: Infinity,
    unknowns: 'self',
    call: (args, ctx) => {
      let current: Value = args[0];
      for (let i = 1; i < args.length; i++) {
        if (isUnknown(current)) return current;
        const key = args[i];
        if (isUnknown(key)) return key;
        if (current === null) return null;
        if (Array.isArray(current)) {
          if (typeof key !== 'number' || !Number.isInteger(key))
            wrongType(ctx, i, 'an integer index for an array', key);
          current = key >= 0 && key < current.length ? current[key] : null;
        } else if (isObject(current)) {
          if (typeof key !== 'string') wrongType(ctx, i, 'a string key for an object', key);
          const found = findKey(current, key);
          current = found === undefined ? null : current[found];
        } else {
          return fail(ctx, `can only look into arrays and objects, not ${typeof current}`);
        }
      }
      return current;
    },
  },
  shallowmerge: {
    min: 1,
    max: 1,
    call: (args, ctx) => {
      const result: ObjectValue = {};
      for (const item of arr(ctx, args, 0)) {
        if (isUnknown(item)) return item;
        if (!isObject(item)) wrongType(ctx, 0, 'an array of objects', item);
        for (const key of Object.keys(item)) {
          const existing = findKey(result, key);
          if (existing !== undefined && existing !== key) delete result[existing];
          setKey(result, key, item[key]);
        }
      }
      return result;
    },
  },
};
