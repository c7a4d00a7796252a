/**
 * Helpers over ARM values: type names as ARM reports them, case-insensitive property lookup,
 * deep equality, unknown detection and ARM's string rendering (`string()`, `concat`, `format`).
 */
import { UnknownValue, isUnknown, type ObjectValue, type Value } from '../../../model.js';
import { charge, ensureSize, measuredUnknown, sizeOf } from '../limits.js';

/**
 * An unknown created by the evaluator for a deployment-time function. It remembers the expression
 * text so that `reference('x').outputs.y` can say which part is only known after deployment.
 */
export class DeploymentTimeUnknown extends UnknownValue {
  constructor(readonly expression: string) {
    super(`${expression} is only known after deployment`);
  }
}

const partialObjects = new WeakSet<object>();

export function isObject(value: Value | undefined): value is ObjectValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isUnknown(value);
}

export function isInteger(value: Value): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** ARM's name for the type of a value, as used in its error messages. */
export function typeName(value: Value): string {
  if (value === null) return 'Null';
  if (isUnknown(value)) return 'Unknown';
  if (Array.isArray(value)) return 'Array';
  switch (typeof value) {
    case 'string':
      return 'String';
    case 'number':
      return Number.isInteger(value) ? 'Integer' : 'Float';
    case 'boolean':
      return 'Boolean';
    default:
      return 'Object';
  }
}

/** The first unknown anywhere inside `value` (the value itself included), or undefined. */
export function findUnknown(value: Value): UnknownValue | undefined {
  if (isUnknown(value)) return value;
  // A value measured for the size limit knows whether it holds one: no walk (values built from
  // shared parts would take exponential time to walk).
  if (measuredUnknown(value) === false) return undefined;
  charge(1);
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findUnknown(item);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const key of Object.keys(value)) {
      const found = findUnknown(value[key]);
      if (found) return found;
    }
  }
  return undefined;
}

/** The key of `object` matching `name` case-insensitively (exact match first), as ARM looks properties up. */
export function findKey(object: ObjectValue, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

/** Deep equality as ARM's `equals`: strings case-sensitive, object keys case-insensitive, 1 == 1.0. */
export function deepEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  charge(1);
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEquals(item, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => {
      const other = findKey(b, key);
      return other !== undefined && deepEquals(a[key], b[other]);
    });
  }
  return false;
}

/** ARM's rendering of a number: integers plainly, floats in the shortest round-trip form. */
function renderNumber(value: number): string {
  return String(value);
}

/** JSON text of a known value, compact as ARM writes it (`string({'a':1})` → `{"a":1}`). */
export function toJsonText(value: Value): string {
  if (value !== null && typeof value === 'object') {
    const size = sizeOf(value);
    ensureSize(size, 'the text of a value');
    charge(size >> 4);
  }
  return JSON.stringify(value, (_key, v: unknown) => (isUnknown(v) ? null : v));
}

/**
 * ARM's text for a value in `string()`, `concat` and `format`: strings as is, booleans `True` /
 * `False`, null as empty, arrays and objects as compact JSON. The caller handles unknowns first.
 */
export function toArmString(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return renderNumber(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return toJsonText(value);
}

/** Deep copy of a JSON value so that results never alias the scope's parameters or variables. */
export function cloneValue<T extends Value>(value: T): T {
  charge(1);
  if (Array.isArray(value)) return value.map((item) => cloneValue(item)) as T;
  if (isObject(value)) {
    const copy: ObjectValue = {};
    for (const key of Object.keys(value)) setKey(copy, key, cloneValue(value[key]));
    if (partialObjects.has(value)) partialObjects.add(copy);
    return copy as T;
  }
  return value;
}

/**
 * Marks an object (and every object inside it) as partially known: it holds the properties the
 * template declares, while the service adds more at deployment (a `reference()` result). Reading a
 * property it lacks gives an unknown instead of ARM's "property doesn't exist" error.
 */
export function markPartial<T extends Value>(value: T): T {
  if (Array.isArray(value)) value.forEach((item) => markPartial(item));
  else if (isObject(value)) {
    partialObjects.add(value);
    for (const key of Object.keys(value)) markPartial(value[key]);
  }
  return value;
}

export function isPartial(value: Value): boolean {
  return typeof value === 'object' && value !== null && partialObjects.has(value);
}

/** Sets `object[key]` as an own data property, so a key such as `__proto__` is stored, not interpreted. */
export function setKey(object: ObjectValue, key: string, value: Value): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    object[key] = value;
  }
}
