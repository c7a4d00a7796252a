import {
  isUnknown,
  splitPropertyPath,
  type LinkedResource,
  type ObjectValue,
  type RuleOutcome,
  type Value,
} from '../model.js';

/** What reading a property path gave: a value, nothing, or a value only known at deployment. */
export type Read =
  | { kind: 'value'; value: Value; path: string }
  | { kind: 'missing'; path: string }
  | {
      kind: 'unknown';
      reason: string;
      path: string;
      /** The value's symbol (`UnknownValue.symbol`): which value given at deployment it is. */
      symbol?: string;
    };

/**
 * Reads `sku.name` or `properties.locations[0].isZoneRedundant` from a resource, with ARM's
 * case-insensitive property names. Top-level segments read the resource body.
 */
export function read(resource: LinkedResource | { body: ObjectValue }, path: string): Read {
  let current: Value = resource.body;
  for (const segment of splitPropertyPath(path)) {
    if (isUnknown(current)) return { kind: 'unknown', reason: current.reason, path };
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return { kind: 'missing', path };
      current = current[segment]!;
      continue;
    }
    if (current === null || typeof current !== 'object' || Array.isArray(current))
      return { kind: 'missing', path };
    const object: ObjectValue = current;
    const key =
      segment in object
        ? segment
        : Object.keys(object).find((k) => k.toLowerCase() === segment.toLowerCase());
    if (key === undefined) return { kind: 'missing', path };
    current = object[key]!;
  }
  if (isUnknown(current)) {
    const read: Read = { kind: 'unknown', reason: current.reason, path };
    if (current.symbol !== undefined) read.symbol = current.symbol;
    return read;
  }
  return { kind: 'value', value: current, path };
}

/**
 * Reads the first of several names the platform accepts for one property (see
 * workspace-properties.ts): the first one set to something other than `''` or null, else the
 * first one written at all, else `missing` (with the first path).
 */
export function readFirst(resource: LinkedResource | { body: ObjectValue }, paths: readonly string[]): Read {
  let written: Read | undefined;
  for (const path of paths) {
    const result = read(resource, path);
    if (result.kind === 'missing') continue;
    if (result.kind === 'value' && (result.value === '' || result.value === null)) {
      written ??= result;
      continue;
    }
    return result;
  }
  return written ?? { kind: 'missing', path: paths[0]! };
}

/** The value as a string when it is one (numbers and booleans are not coerced). */
export function asString(result: Read): string | undefined {
  return result.kind === 'value' && typeof result.value === 'string' ? result.value : undefined;
}

/** ARM accepts `true` and `"true"` for booleans in many places. */
export function asBoolean(result: Read): boolean | undefined {
  if (result.kind !== 'value') return undefined;
  if (typeof result.value === 'boolean') return result.value;
  if (typeof result.value === 'string' && /^(true|false)$/i.test(result.value))
    return result.value.toLowerCase() === 'true';
  return undefined;
}

export function equalsIgnoreCase(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** Locations compare without case or spaces: `East US` = `eastus`. */
export function sameLocation(a: string, b: string): boolean {
  return a.replace(/\s+/g, '').toLowerCase() === b.replace(/\s+/g, '').toLowerCase();
}

/** The outcome for a value that cannot be known before deployment: never a guess. */
export function unknownOutcome(result: Extract<Read, { kind: 'unknown' }>, what: string): RuleOutcome {
  return {
    status: 'unknown',
    message: `Cannot tell ${what}: ${result.path} is ${result.reason}.`,
    evidence: { path: result.path, value: result.reason },
  };
}

export function outcome(
  status: RuleOutcome['status'],
  message: string,
  path: string,
  value: unknown,
): RuleOutcome {
  return { status, message, evidence: { path, value: value === undefined ? null : value } };
}

export function isType(resource: { type: string }, type: string): boolean {
  return resource.type.toLowerCase() === type.toLowerCase();
}

export const ARTICLE =
  'https://learn.microsoft.com/azure/machine-learning/how-to-high-availability-machine-learning';
