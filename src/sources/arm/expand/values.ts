/**
 * Evaluating template values: expressions, `[[` escapes, expression keys and property copy loops
 * (`copy: [{ name, count, input }]`), and the count rules every copy loop shares.
 */
import { ConfigurationError } from '../../../errors.js';
import { TemplateLimitError, charge, ensureSize, sizeOf } from '../limits.js';
import { UnknownValue, isUnknown, type ObjectValue, type Value } from '../../../model.js';
import { evaluateTemplateString } from '../expression/index.js';
import { setKey } from '../expression/values.js';
import { property, stringProperty, type JsonObject, type JsonPath, type JsonValue } from '../jsonc.js';
import type { Frame } from './frame.js';
import type { Loop } from './resources.js';

/** ARM's limit on the iterations of one copy loop. */
export const COPY_LIMIT = 800;

/**
 * Evaluates a template value. A part without expressions, escapes or copy loops comes back as
 * the very same object (copy on write), so literal blocks are neither copied nor kept twice.
 */
export function evaluateValue(frame: Frame, value: JsonValue): Value {
  if (typeof value === 'string') {
    return value.charCodeAt(0) === 0x5b /* [ */ ? frame.evaluateString(value) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    charge(value.length);
    let out: Value[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const evaluated = evaluateValue(frame, item);
      if (out) out.push(evaluated);
      else if (evaluated !== item) {
        out = value.slice(0, i) as Value[];
        out.push(evaluated);
      }
    }
    return out ?? (value as Value[]);
  }
  let out: ObjectValue | undefined;
  const keys = Object.keys(value);
  charge(keys.length);
  for (let k = 0; k < keys.length; k++) {
    const rawKey = keys[k];
    const item = value[rawKey];
    if (rawKey.length === 4 && rawKey.toLowerCase() === 'copy' && isPropertyCopy(item)) {
      out ??= copyKeys(value, keys, k);
      for (const spec of item) {
        const name = stringProperty(spec, 'name') ?? 'copy';
        setKey(out, name, evaluateCopyLoop(frame, spec, 'property'));
      }
      continue;
    }
    let key = rawKey;
    if (rawKey.charCodeAt(0) === 0x5b) {
      const evaluated = frame.evaluateString(rawKey);
      key = typeof evaluated === 'string' ? evaluated : rawKey;
    }
    const evaluated = evaluateValue(frame, item);
    if (out) setKey(out, key, evaluated);
    else if (key !== rawKey || evaluated !== item) {
      out = copyKeys(value, keys, k);
      setKey(out, key, evaluated);
    }
  }
  return out ?? (value as ObjectValue);
}

/** A template string in `frame`: literal, `[[`-escaped or an expression. Failures become UnknownValue. */
export function evaluateTemplateText(frame: Frame, text: string): Value {
  try {
    return evaluateTemplateString(text, frame);
  } catch (error) {
    if (error instanceof TemplateLimitError) throw error.at(frame.doc.file, frame.anchorLine());
    if (error instanceof ConfigurationError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/\breference\s*\(/i.test(text) && /doesn't exist/.test(message)) {
      // reference() gives the declared properties; runtime ones (endpoints, keys) exist only once deployed.
      return new UnknownValue(`${truncate(text)}: a runtime property of a deployed resource`);
    }
    return new UnknownValue(`${truncate(text)}: ${message}`);
  }
}

/** `copy: [{ name, count, input }]` in properties and variables, or a `variables.copy` entry. */
export function evaluateCopyLoop(frame: Frame, spec: JsonObject, kind: Loop['kind']): Value {
  const name = stringProperty(spec, 'name');
  const count = property(spec, 'count');
  const input = property(spec, 'input');
  if (count === undefined || input === undefined) {
    throw new ConfigurationError(
      `copy loop '${name ?? '?'}' needs both "count" and "input"`,
      frame.doc.file,
      frame.anchorLine(),
    );
  }
  const countValue = frame.evaluate(count);
  if (isUnknown(countValue)) return new UnknownValue(`copy loop '${name}' count: ${countValue.reason}`);
  const n = copyCount(frame, countValue, name, frame.anchor);
  const items: Value[] = [];
  for (let i = 0; i < n; i++) {
    frame.loops.push({ name, index: i, kind });
    try {
      items.push(frame.evaluate(input));
    } finally {
      frame.loops.pop();
    }
  }
  // Each item is within the size limit; a loop of loops may not be.
  ensureSize(sizeOf(items), `copy loop '${name ?? '?'}'`);
  return items;
}

/** A copy loop's count as a number, checked against ARM's rules (a whole number up to 800). */
export function copyCount(
  frame: Frame,
  count: Value,
  name: string | undefined,
  where: JsonPath | undefined,
): number {
  const n = typeof count === 'string' && /^\d+$/.test(count) ? Number(count) : count;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new ConfigurationError(
      `copy loop '${name ?? '?'}' count is ${JSON.stringify(count)}: it must be a whole number from 0 to ${COPY_LIMIT}`,
      frame.doc.file,
      where ? frame.doc.lineOf(where) : undefined,
    );
  }
  if (n > COPY_LIMIT) {
    throw new ConfigurationError(
      `copy loop '${name ?? '?'}' count is ${n}, above ARM's limit of ${COPY_LIMIT} iterations`,
      frame.doc.file,
      where ? frame.doc.lineOf(where) : undefined,
    );
  }
  return n;
}

/** A `copy` property that is a list of property loops (`[{ name, count, input }]`). */
export function isPropertyCopy(value: JsonValue | undefined): value is JsonObject[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((spec) => property(spec, 'name') !== undefined && property(spec, 'input') !== undefined)
  );
}

/** A new object with the first `count` properties of `value` (keys in `keys` order). */
function copyKeys(value: JsonObject, keys: string[], count: number): ObjectValue {
  const out: ObjectValue = {};
  for (let i = 0; i < count; i++) setKey(out, keys[i], value[keys[i]] as Value);
  return out;
}

export function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
