import { UnknownValue, type ObjectValue, type Value } from '../../model.js';
import type { Json } from './plan-format.js';

/** Reason of a value Terraform only knows once the change is applied. */
export const KNOWN_AFTER_APPLY = 'known after apply';
/** Reason shown instead of a sensitive value: the value itself is dropped on reading. */
export const SENSITIVE = 'sensitive in the plan (value not shown)';

/**
 * Combines a plan value with its marks into our `Value`: a leaf marked sensitive becomes an
 * `UnknownValue` and its value is dropped here, before anything can print it; a leaf marked
 * unknown (`after_unknown`, absent from `after`) becomes "known after apply". Marks have the
 * value's shape with `true` at marked leaves (`true` for a whole attribute or block marks all of it).
 */
export function withMarks(
  value: Json | undefined,
  unknown: Json | undefined,
  sensitive: Json | undefined,
): Value {
  if (sensitive === true) return new UnknownValue(SENSITIVE);
  if (unknown === true) return new UnknownValue(KNOWN_AFTER_APPLY);
  if (Array.isArray(value) || Array.isArray(unknown)) {
    const items = Array.isArray(value) ? value : [];
    const unknownItems = Array.isArray(unknown) ? unknown : [];
    const sensitiveItems = Array.isArray(sensitive) ? sensitive : [];
    const length = Math.max(items.length, unknownItems.length);
    const result: Value[] = [];
    for (let i = 0; i < length; i++) result.push(withMarks(items[i], unknownItems[i], sensitiveItems[i]));
    return result;
  }
  if (isObject(value) || isObject(unknown)) {
    const object = isObject(value) ? value : {};
    const unknownObject = isObject(unknown) ? unknown : {};
    const sensitiveObject = isObject(sensitive) ? sensitive : {};
    const result: ObjectValue = {};
    for (const key of new Set([...Object.keys(object), ...Object.keys(unknownObject)])) {
      if (!(key in object) && unknownObject[key] !== true && !isObject(unknownObject[key])) continue;
      result[key] = withMarks(object[key], unknownObject[key], sensitiveObject[key]);
    }
    return result;
  }
  return value === undefined ? null : value;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
