import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { ConfigurationError } from '../../errors.js';
import { LineIndex } from './lines.js';

/** A parsed JSON(C) document: its syntax tree with offsets and the line table to report lines. */
export interface JsonDocument {
  /** Path shown to the user (relative to the working directory, forward slashes). */
  file: string;
  absolutePath: string;
  root: Node;
  lines: LineIndex;
  /** True when raw control characters inside strings were masked to parse (see `stringValue`). */
  masked: boolean;
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
  const lines = new LineIndex(source);
  let errors: ParseError[] = [];
  let root = parseTree(source, errors, { allowTrailingComma: true, disallowComments: false });
  let masked = false;
  if (errors.length > 0 && hasControlCharacterInString(source)) {
    // Newtonsoft (ARM) accepts raw control characters inside strings; jsonc-parser does not. Mask
    // them with same-length private-use characters so offsets (and lines) stay exact.
    errors = [];
    root = parseTree(maskControlCharacters(source), errors, {
      allowTrailingComma: true,
      disallowComments: false,
    });
    masked = true;
  }
  if (errors.length > 0 || !root) {
    const first = errors[0];
    const line = first ? lines.lineAt(first.offset) : 1;
    const what = first ? describeParseError(first.error) : 'empty file';
    throw new ConfigurationError(`not valid JSON: ${what}`, file, line);
  }
  return { file, absolutePath, root, lines, masked };
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

/** The value of a string node, with masked control characters restored. */
export function unmask(text: string): string {
  return text.replace(PLACEHOLDERS, (ch) => String.fromCharCode(ch.charCodeAt(0) - PLACEHOLDER_BASE));
}

/** Case-insensitive property lookup (ARM reads template keys case-insensitively). */
export function property(node: Node | undefined, name: string): Node | undefined {
  if (!node || node.type !== 'object' || !node.children) return undefined;
  const lower = name.toLowerCase();
  let found: Node | undefined;
  for (const prop of node.children) {
    const key = prop.children?.[0];
    if (key && typeof key.value === 'string' && key.value.toLowerCase() === lower) found = prop.children?.[1];
  }
  return found;
}

/** The property nodes of an object as `[key, value node, key node]`. */
export function entries(node: Node | undefined): [string, Node, Node][] {
  if (!node || node.type !== 'object' || !node.children) return [];
  const out: [string, Node, Node][] = [];
  for (const prop of node.children) {
    const key = prop.children?.[0];
    const value = prop.children?.[1];
    if (key && value) out.push([String(key.value), value, key]);
  }
  return out;
}

/** The plain JSON value of a node (no expression evaluation). */
export function plainValue(node: Node, masked: boolean): unknown {
  switch (node.type) {
    case 'string':
      return masked ? unmask(node.value as string) : (node.value as string);
    case 'number':
    case 'boolean':
    case 'null':
      return node.value as unknown;
    case 'array':
      return (node.children ?? []).map((child) => plainValue(child, masked));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, value] of entries(node)) out[key] = plainValue(value, masked);
      return out;
    }
    default:
      return null;
  }
}

/** A string property's text, or undefined when absent or not a string. */
export function stringProperty(node: Node | undefined, name: string): string | undefined {
  const value = property(node, name);
  return value?.type === 'string' ? (value.value as string) : undefined;
}
