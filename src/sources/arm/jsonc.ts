import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { ConfigurationError } from '../../errors.js';
import { LineIndex } from './lines.js';

/** A JSON value as parsed from a template or parameters file. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}
/** Keys and array indexes from the document root down to a value. */
export type JsonPath = readonly (string | number)[];

const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false };

/**
 * A parsed JSON(C) document: its value, and the lines of its values on demand. Most templates are
 * strict JSON, so they are parsed with the built-in `JSON.parse`; the syntax tree with offsets
 * (jsonc-parser) is built only for a file whose lines are asked for (a finding or an error in
 * it), or at once for the few files that need ARM's leniency (comments, trailing commas, raw
 * control characters inside strings).
 */
export class JsonDocument {
  private tree: Node | undefined;
  private lineIndex: LineIndex | undefined;

  constructor(
    /** Path shown to the user (relative to the working directory, forward slashes). */
    readonly file: string,
    readonly absolutePath: string,
    readonly root: JsonValue,
    /**
     * The text (a byte order mark replaced by a space). Its tree is built from it on demand; a
     * lenient file comes with its tree (parsed from a masked copy with the same offsets).
     */
    private readonly source: string,
    tree?: Node,
  ) {
    this.tree = tree;
  }

  /**
   * 1-based line of the value at `path`, or of its nearest ancestor that exists in the text.
   * Keys match exactly first, then case-insensitively (ARM reads keys that way).
   */
  lineOf(path: JsonPath): number {
    const lines = (this.lineIndex ??= new LineIndex(this.source));
    let node = (this.tree ??= parseTree(this.source, [], PARSE_OPTIONS));
    if (!node) return 1;
    for (const segment of path) {
      const next = childNode(node, segment);
      if (!next) break;
      node = next;
    }
    return lines.lineAt(node.offset);
  }

  /** 1-based line of a character offset of the text. */
  lineAtOffset(offset: number): number {
    return (this.lineIndex ??= new LineIndex(this.source)).lineAt(offset);
  }
}

function childNode(node: Node, segment: string | number): Node | undefined {
  if (typeof segment === 'number') return node.type === 'array' ? node.children?.[segment] : undefined;
  if (node.type !== 'object' || !node.children) return undefined;
  let exact: Node | undefined;
  let folded: Node | undefined;
  const lower = segment.toLowerCase();
  for (const prop of node.children) {
    const key = prop.children?.[0]?.value;
    if (typeof key !== 'string') continue;
    // The last duplicate wins, as in JSON.parse.
    if (key === segment) exact = prop.children?.[1];
    else if (key.toLowerCase() === lower) folded = prop.children?.[1];
  }
  return exact ?? folded;
}

const PLACEHOLDER_BASE = 0xe000;
const PLACEHOLDERS = /[\ue000-\ue01f]/g;

/**
 * Parses a template or parameters file the way ARM reads it: comments, trailing commas and raw
 * control characters inside strings are accepted. Anything else is a `ConfigurationError` naming
 * the file and line.
 */
export function parseJsonDocument(text: string, file: string, absolutePath: string): JsonDocument {
  const source = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  try {
    return new JsonDocument(file, absolutePath, JSON.parse(source) as JsonValue, source);
  } catch {
    // Not strict JSON: ARM's leniency below, with jsonc-parser.
  }
  let errors: ParseError[] = [];
  let root = parseTree(source, errors, PARSE_OPTIONS);
  let masked = false;
  if (errors.length > 0 && hasControlCharacterInString(source)) {
    // Newtonsoft (ARM) accepts raw control characters inside strings; jsonc-parser does not. Mask
    // them with same-length private-use characters so offsets (and lines) stay exact.
    errors = [];
    root = parseTree(maskControlCharacters(source), errors, PARSE_OPTIONS);
    masked = true;
  }
  if (errors.length > 0 || !root) {
    const first = errors[0];
    const line = first ? new LineIndex(source).lineAt(first.offset) : 1;
    const what = first ? describeParseError(first.error) : 'empty file';
    throw new ConfigurationError(`not valid JSON: ${what}`, file, line);
  }
  return new JsonDocument(file, absolutePath, treeValue(root, masked), source, root);
}

function describeParseError(code: number): string {
  const name = printParseErrorCode(code);
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function hasControlCharacterInString(text: string): boolean {
  return /[\u0000-\u0008\u000a-\u001f]/.test(text);
}

/** Replaces control characters that occur inside string literals (not in comments or whitespace). */
function maskControlCharacters(text: string): string {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) {
          i += 2;
          continue;
        }
        if (d === 0x22) break;
        if (d < 0x20) {
          out += text.slice(last, i) + String.fromCharCode(PLACEHOLDER_BASE + d);
          last = i + 1;
        }
        i++;
      }
      i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else i++;
  }
  return out + text.slice(last);
}

function unmask(text: string): string {
  return text.replace(PLACEHOLDERS, (ch) => String.fromCharCode(ch.charCodeAt(0) - PLACEHOLDER_BASE));
}

/** The value of a syntax tree node, masked control characters restored, duplicate keys last-wins. */
function treeValue(node: Node, masked: boolean): JsonValue {
  switch (node.type) {
    case 'string':
      return masked ? unmask(node.value as string) : (node.value as string);
    case 'number':
    case 'boolean':
    case 'null':
      return node.value as JsonValue;
    case 'array':
      return (node.children ?? []).map((child) => treeValue(child, masked));
    case 'object': {
      const out: JsonObject = {};
      for (const prop of node.children ?? []) {
        const key = prop.children?.[0];
        const value = prop.children?.[1];
        if (!key || !value) continue;
        const name = masked ? unmask(String(key.value)) : String(key.value);
        Object.defineProperty(out, name, {
          value: treeValue(value, masked),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      return null;
  }
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Case-insensitive property lookup (ARM reads template keys case-insensitively); the exact
 * spelling first. Undefined when absent or when `value` is not an object.
 */
export function property(value: JsonValue | undefined, name: string): JsonValue | undefined {
  if (!isJsonObject(value)) return undefined;
  if (Object.prototype.hasOwnProperty.call(value, name)) return value[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(value)) if (key.toLowerCase() === lower) return value[key];
  return undefined;
}

/** The key under which `property(value, name)` is found, or undefined. */
export function propertyKey(value: JsonValue | undefined, name: string): string | undefined {
  if (!isJsonObject(value)) return undefined;
  if (Object.prototype.hasOwnProperty.call(value, name)) return name;
  const lower = name.toLowerCase();
  for (const key of Object.keys(value)) if (key.toLowerCase() === lower) return key;
  return undefined;
}

/** The properties of an object as `[key, value]` (none for anything else). */
export function entries(value: JsonValue | undefined): [string, JsonValue][] {
  return isJsonObject(value) ? Object.entries(value) : [];
}

/** A string property's text, or undefined when absent or not a string. */
export function stringProperty(value: JsonValue | undefined, name: string): string | undefined {
  const found = property(value, name);
  return typeof found === 'string' ? found : undefined;
}
