/**
 * ARM's types for parameters, outputs and type definitions (languageVersion 2.0), as far as the
 * scan needs them: which values may be null, which are secure, and which `allowedValues` apply.
 * A declaration's type is its own keys, then those of the definition its `$ref` points at, and so
 * on down the chain; object `properties` / `additionalProperties` and array `prefixItems` / `items`
 * give the types of the parts of a value, so a secure property or item is found wherever it is.
 *
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/definitions
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/data-types
 */
import { UnknownValue, isUnknown, type ObjectValue, type Value } from '../../../model.js';
import { findKey, isObject, setKey } from '../expression/values.js';
import { isJsonObject, propertyKey, type JsonObject, type JsonPath, type JsonValue } from '../jsonc.js';

/** A `$ref` chain longer than this is a cycle (or a mistake); the rest of it is not followed. */
const MAX_REF_CHAIN = 32;

/** One declaration of a type and where it is in the document. */
interface Layer {
  declaration: JsonObject;
  path: JsonPath;
}

/** Keys of a type declaration that matter here, in lower case. */
const TYPE_KEYS = new Set([
  'type',
  'nullable',
  'allowedvalues',
  'properties',
  'additionalproperties',
  'items',
  'prefixitems',
  'discriminator',
]);
/** Keys that give the types of the parts of a value. */
const PART_KEYS = ['properties', 'additionalproperties', 'items', 'prefixitems', 'discriminator'];

/** A type with its `$ref` chain followed: the first layer that sets a key wins. */
export class ResolvedType {
  /** The keys that matter, by lower-case name: where each is first set. */
  private readonly keys = new Map<string, { layer: Layer; key: string }>();

  constructor(readonly layers: readonly Layer[]) {
    for (const layer of layers) {
      for (const key of Object.keys(layer.declaration)) {
        const lower = key.toLowerCase();
        if (TYPE_KEYS.has(lower) && !this.keys.has(lower)) this.keys.set(lower, { layer, key });
      }
    }
  }

  /** The value of `key` in the nearest layer that sets it, with its path. */
  get(key: string): [JsonValue, JsonPath] | undefined {
    const found = this.keys.get(key.toLowerCase());
    return found && [found.layer.declaration[found.key], [...found.layer.path, found.key]];
  }

  private value(key: string): JsonValue | undefined {
    const found = this.keys.get(key);
    return found && found.layer.declaration[found.key];
  }

  /** `string`, `securestring`, `object`, … in lower case, when declared. */
  get type(): string | undefined {
    const type = this.value('type');
    return typeof type === 'string' ? type.toLowerCase() : undefined;
  }

  /** May the value be null (or left out)? "The nullable constraint indicates that the value may be null or omitted." */
  get nullable(): boolean {
    return this.value('nullable') === true;
  }

  /** Is the value secret (`securestring` / `secureObject`)? */
  get secure(): boolean {
    const type = this.type;
    return type === 'securestring' || type === 'secureobject';
  }

  /** Does it give types to the parts of a value (object properties, array items)? */
  get hasParts(): boolean {
    return PART_KEYS.some((key) => this.keys.has(key));
  }

  /** Does it restrict the value to `allowedValues`? */
  get hasAllowedValues(): boolean {
    return this.keys.has('allowedvalues');
  }
}

/** A value that breaks `allowedValues` somewhere inside a typed value. */
export interface Violation {
  /** Where inside the value (`''` for the value itself, `tier`, `[2]`, `items[0].name`). */
  at: string;
  value: Value;
  allowed: JsonValue[];
  /** Where the `allowedValues` are declared. */
  declaredAt: JsonPath;
}

/** The types of one template: its `definitions`, found through `$ref` (`#/definitions/name`). */
export class TemplateTypes {
  private readonly resolved = new WeakMap<JsonObject, ResolvedType>();
  private readonly secureInside = new WeakMap<JsonObject, boolean>();

  constructor(
    /** The template `#` refers to (a nested template's own object, not the file's root). */
    private readonly template: JsonObject,
    private readonly templatePath: JsonPath,
  ) {}

  /** The type a declaration (parameter, output, definition, property type) stands for. */
  resolve(declaration: JsonValue | undefined, path: JsonPath): ResolvedType {
    if (!isJsonObject(declaration)) return new ResolvedType([]);
    const cached = this.resolved.get(declaration);
    if (cached) return cached;
    const layers: Layer[] = [{ declaration, path }];
    const seen = new Set<JsonObject>([declaration]);
    let current = declaration;
    while (layers.length < MAX_REF_CHAIN) {
      const ref = current[propertyKey(current, '$ref') ?? ''];
      if (typeof ref !== 'string') break;
      const target = this.pointer(ref);
      if (!target || !isJsonObject(target[0]) || seen.has(target[0])) break;
      seen.add(target[0]);
      layers.push({ declaration: target[0], path: target[1] });
      current = target[0];
    }
    const type = new ResolvedType(layers);
    this.resolved.set(declaration, type);
    return type;
  }

  /** The value a JSON pointer into this template (`#/definitions/a/properties/b`) points at. */
  private pointer(ref: string): [JsonValue, JsonPath] | undefined {
    if (!ref.startsWith('#/')) return undefined;
    let value: JsonValue = this.template;
    let path: JsonPath = this.templatePath;
    for (const raw of ref.slice(2).split('/')) {
      const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (Array.isArray(value) && /^\d+$/.test(segment) && Number(segment) < value.length) {
        value = value[Number(segment)];
        path = [...path, Number(segment)];
        continue;
      }
      const key = propertyKey(value, segment);
      if (key === undefined) return undefined;
      value = (value as JsonObject)[key];
      path = [...path, key];
    }
    return [value, path];
  }

  /**
   * `value` with every part whose type is secure replaced by an unknown named `label` (an empty
   * string or object is no secret and stays). Parts that are not secure are shared, not copied.
   */
  maskSecure(value: Value, declaration: JsonValue | undefined, path: JsonPath, label: string): Value {
    if (!isJsonObject(declaration)) return value;
    const plain = plainType(declaration);
    if (plain !== undefined)
      return plain === 'securestring' || plain === 'secureobject'
        ? this.mask(value, this.resolve(declaration, path), label)
        : value;
    if (!this.mayHoldSecure(declaration, path, 0)) return value;
    return this.mask(value, this.resolve(declaration, path), label);
  }

  private mask(value: Value, type: ResolvedType, label: string): Value {
    if (isUnknown(value) || value === null) return value;
    if (type.secure) return isEmpty(value) ? value : new UnknownValue(`secure ${label}`);
    if (Array.isArray(value)) {
      let out: Value[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const part = this.itemType(type, i);
        const masked = part ? this.mask(value[i], part, `${label}[${i}]`) : value[i];
        if (masked !== value[i]) (out ??= value.slice())[i] = masked;
      }
      return out ?? value;
    }
    if (isObject(value)) {
      let out: ObjectValue | undefined;
      for (const key of Object.keys(value)) {
        const part = this.propertyType(type, value, key);
        const masked = part ? this.mask(value[key], part, `${label}.${key}`) : value[key];
        if (masked !== value[key]) setKey((out ??= { ...value }), key, masked);
      }
      return out ?? value;
    }
    return value;
  }

  /** Whether a type, or the type of any part of it, may be secure (so that most values are not walked). */
  private mayHoldSecure(declaration: JsonObject, path: JsonPath, depth: number): boolean {
    const cached = this.secureInside.get(declaration);
    if (cached !== undefined) return cached;
    if (depth > MAX_REF_CHAIN) return true;
    this.secureInside.set(declaration, false); // a recursive type refers back to itself
    const type = this.resolve(declaration, path);
    let found = type.secure;
    const parts: [JsonValue, JsonPath][] = [];
    if (!found && type.hasParts) {
      for (const key of PART_KEYS) {
        const part = type.get(key);
        if (part) parts.push(part);
      }
    }
    while (!found && parts.length > 0) {
      const [part, partPath] = parts.pop()!;
      if (Array.isArray(part)) part.forEach((item, i) => parts.push([item, [...partPath, i]]));
      else if (isJsonObject(part)) {
        if (propertyKey(part, 'type') !== undefined || propertyKey(part, '$ref') !== undefined)
          found = this.mayHoldSecure(part, partPath, depth + 1);
        else for (const [key, item] of Object.entries(part)) parts.push([item, [...partPath, key]]);
      }
    }
    this.secureInside.set(declaration, found);
    return found;
  }

  /** Values inside `value` that are not among the `allowedValues` of their type. */
  violations(value: Value, declaration: JsonValue | undefined, path: JsonPath): Violation[] {
    const out: Violation[] = [];
    if (
      !isJsonObject(declaration) ||
      (plainType(declaration) !== undefined && propertyKey(declaration, 'allowedValues') === undefined)
    )
      return out;
    this.check(value, this.resolve(declaration, path), '', out, 0);
    return out;
  }

  private check(value: Value, type: ResolvedType, at: string, out: Violation[], depth: number): void {
    // Null is no value (nullable, or left to the default); unknowns and secrets cannot be checked.
    if (value === null || isUnknown(value) || type.secure || depth > MAX_REF_CHAIN) return;
    if (!type.hasAllowedValues && !type.hasParts) return;
    const allowed = type.get('allowedValues');
    if (allowed && Array.isArray(allowed[0])) {
      const list = allowed[0];
      // An array type's allowed values are those of its items.
      const values = Array.isArray(value) && !list.some(Array.isArray) ? value : [value];
      for (const item of values) {
        if (containsUnknown(item)) continue;
        if (!list.some((candidate) => sameValue(candidate, item)))
          out.push({ at, value: item, allowed: list, declaredAt: allowed[1] });
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const part = this.itemType(type, i);
        if (part) this.check(item, part, join(at, i), out, depth + 1);
      });
    } else if (isObject(value)) {
      for (const key of Object.keys(value)) {
        const part = this.propertyType(type, value, key);
        if (part) this.check(value[key], part, join(at, key), out, depth + 1);
      }
    }
  }

  /** The type of item `index` of an array: its `prefixItems` entry, else `items`. */
  private itemType(type: ResolvedType, index: number): ResolvedType | undefined {
    const prefix = type.get('prefixItems');
    if (prefix && Array.isArray(prefix[0]) && index < prefix[0].length)
      return this.resolve(prefix[0][index], [...prefix[1], index]);
    const items = type.get('items');
    return items && isJsonObject(items[0]) ? this.resolve(items[0], items[1]) : undefined;
  }

  /** The type of property `key` of an object: `properties`, else `additionalProperties`, else by its discriminator. */
  private propertyType(type: ResolvedType, value: ObjectValue, key: string): ResolvedType | undefined {
    const properties = type.get('properties');
    const declared = properties && propertyKey(properties[0], key);
    if (declared !== undefined)
      return this.resolve((properties![0] as JsonObject)[declared], [...properties![1], declared]);
    const variant = this.discriminated(type, value);
    if (variant) return this.propertyType(variant, value, key);
    const additional = type.get('additionalProperties');
    return additional && isJsonObject(additional[0]) ? this.resolve(additional[0], additional[1]) : undefined;
  }

  /** A tagged union's variant for `value` (`discriminator: { propertyName, mapping }`). */
  private discriminated(type: ResolvedType, value: ObjectValue): ResolvedType | undefined {
    const discriminator = type.get('discriminator');
    if (!discriminator || !isJsonObject(discriminator[0])) return undefined;
    const nameKey = propertyKey(discriminator[0], 'propertyName');
    const name = nameKey === undefined ? undefined : discriminator[0][nameKey];
    const tagKey = typeof name === 'string' ? findKey(value, name) : undefined;
    const tag = tagKey === undefined ? undefined : value[tagKey];
    const mappingKey = propertyKey(discriminator[0], 'mapping');
    const mapping = mappingKey === undefined ? undefined : discriminator[0][mappingKey];
    const variantKey = typeof tag === 'string' ? propertyKey(mapping, tag) : undefined;
    if (variantKey === undefined) return undefined;
    return this.resolve((mapping as JsonObject)[variantKey], [...discriminator[1], mappingKey!, variantKey]);
  }
}

/**
 * The `type` of a declaration that has no `$ref` and gives no types to parts (most parameters), in
 * lower case (`''` when it has none); undefined for any other declaration.
 */
function plainType(declaration: JsonObject): string | undefined {
  let type = '';
  for (const key of Object.keys(declaration)) {
    const lower = key.toLowerCase();
    if (lower === 'type') {
      const value = declaration[key];
      type = typeof value === 'string' ? value.toLowerCase() : '';
    } else if (lower === '$ref' || PART_KEYS.includes(lower)) return undefined;
  }
  return type;
}

/** Where inside a value: `tier`, `[2]`, `a.b[0]`. */
function join(at: string, part: string | number): string {
  if (typeof part === 'number') return `${at}[${part}]`;
  return at ? `${at}.${part}` : part;
}

/** Empty secure values (`''`, `{}`) hide nothing, and templates use them as "not set". */
function isEmpty(value: Value): boolean {
  return value === '' || (isObject(value) && Object.keys(value).length === 0);
}

function containsUnknown(value: Value): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

/** Strings match case-insensitively: the check must never reject a value ARM would take. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}
