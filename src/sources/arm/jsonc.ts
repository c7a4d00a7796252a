import { createScanner, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
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
 * strict JSON, so they are parsed with the built-in `JSON.parse`, and a line is found by running
 * jsonc-parser's scanner down the path, skipping what is beside it: no syntax tree is built or
 * kept for them, and only the findings and errors that need a line pay for one. The few files
 * that need ARM's leniency (comments, trailing commas, raw control characters inside strings)
 * are parsed into a syntax tree with offsets at once, and their lines come from it.
 */
export class JsonDocument {
  private lineIndex: LineIndex | undefined;
  /** Strict files: what earlier scans passed, so later scans resume there. */
  private marks: ScanMarks | undefined;

  constructor(
    /** Path shown to the user (relative to the working directory, forward slashes). */
    readonly file: string,
    readonly absolutePath: string,
    readonly root: JsonValue,
    /** The text (a byte order mark replaced by a space). */
    private readonly source: string,
    /** Lenient files: the tree parsed from a masked copy of `source` (same offsets). */
    private readonly tree?: Node,
  ) {}

  /**
   * 1-based line of the value at `path`, or of its nearest ancestor that exists in the text.
   * Keys match exactly, else case-insensitively (ARM reads keys that way).
   */
  lineOf(path: JsonPath): number {
    if (this.tree) {
      let node = this.tree;
      for (const segment of path) {
        const next = childNode(node, segment);
        if (!next) break;
        node = next;
      }
      return (this.lineIndex ??= new LineIndex(this.source)).lineAt(node.offset);
    }
    const marks = (this.marks ??= new ScanMarks());
    const exact = scanToPath(this.source, path, false, marks);
    if (exact.depth === path.length) return exact.line + 1;
    const folded = scanToPath(this.source, path, true, marks);
    return (folded.depth > exact.depth ? folded.line : exact.line) + 1;
  }

  /** Tokens the line scans have read so far (strict files): each is read about once, whatever the order of the paths asked. */
  get scannedTokens(): number {
    return this.marks?.tokens ?? 0;
  }
}

/** Where a value starts in the text: offset and 0-based line. */
interface Mark {
  offset: number;
  line: number;
}

/**
 * What the scans of one document passed, keyed by path prefix (`childMarkKey`): where each value
 * starts; per container (object or array), where its first child not yet passed starts (`next`,
 * with that child's index), so a later scan for a child further on resumes there instead of at the
 * container's start; and, per object, the first key passed for each lower-cased key (the
 * case-insensitive match, in the order written). Looking up every child of a container, in any
 * order, reads the container once.
 */
class ScanMarks {
  readonly starts = new Map<string, Mark>();
  readonly next = new Map<string, Mark & { index: number }>();
  readonly foldedKeys = new Map<string, Map<string, string>>();
  tokens = 0;
}

// jsonc-parser's SyntaxKind values (a const enum, which isolated modules cannot import).
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const COMMA = 5;
const COLON = 6;
const STRING = 10;
const EOF = 17;

/** The key of a path prefix in `ScanMarks` (keys and indexes cannot be confused). */
function childMarkKey(parent: string, segment: string | number): string {
  return typeof segment === 'number' ? `${parent}\u0001${segment}` : `${parent}\u0000${segment}`;
}

/**
 * Scans `text` to the value at `path`: the 0-based line where it starts, and how many segments of
 * the path were found (fewer when the path leaves what is written). It starts from the deepest
 * prefix of the path an earlier scan passed, and within a container from the first child no
 * earlier scan passed (`ScanMarks`), recording on the way where each value it passes starts,
 * keyed by its written spelling: findings of one resource share the long prefix, and the
 * resources of a template are looked up one after the other.
 */
function scanToPath(
  text: string,
  path: JsonPath,
  foldCase: boolean,
  marks: ScanMarks,
): { line: number; depth: number } {
  const { starts, next } = marks;
  const prefixes = [''];
  for (let i = 0; i < path.length; i++) prefixes.push(childMarkKey(prefixes[i], path[i]));
  let depth = path.length;
  let start: Mark | undefined;
  while (depth > 0 && !(start = starts.get(prefixes[depth]))) depth--;
  let base = start ?? { offset: 0, line: 0 };
  let scanner = createScanner(text, true);
  const scan = (): number => {
    marks.tokens++;
    return scanner.scan();
  };
  const here = (): Mark => ({
    offset: scanner.getTokenOffset(),
    line: base.line + scanner.getTokenStartLine(),
  });
  /** Continues at `mark` (a token start): the token there. */
  const jump = (mark: Mark): number => {
    scanner = createScanner(text, true);
    scanner.setPosition(mark.offset);
    base = mark;
    return scan();
  };
  scanner.setPosition(base.offset);
  let token: number = scan();
  let line = base.line + scanner.getTokenStartLine();
  const mark = (key: string): void => {
    if (!starts.has(key)) starts.set(key, here());
  };
  const passed = (parent: string, index: number): void => {
    const known = next.get(parent);
    if (!known || known.index < index) next.set(parent, { ...here(), index });
  };
  while (depth < path.length) {
    const segment = path[depth];
    const parent = prefixes[depth];
    if (token === OPEN_BRACE && typeof segment === 'string') {
      const wanted = foldCase ? segment.toLowerCase() : segment;
      let folded = marks.foldedKeys.get(parent);
      if (!folded) marks.foldedKeys.set(parent, (folded = new Map()));
      const passedKey = foldCase ? folded.get(wanted) : undefined;
      const resume = next.get(parent);
      let found = false;
      let index = 0;
      if (passedKey !== undefined) {
        // An earlier scan passed the first key that matches: continue at its value.
        token = jump(starts.get(childMarkKey(parent, passedKey))!);
        found = true;
      } else if (resume) {
        index = resume.index;
        token = jump(resume);
      } else token = scan();
      while (!found && token === STRING) {
        const key = scanner.getTokenValue();
        if (scan() !== COLON) return { line, depth };
        token = scan();
        mark(childMarkKey(parent, key));
        const lower = key.toLowerCase();
        if (!folded.has(lower)) folded.set(lower, key);
        if ((foldCase ? lower : key) === wanted) {
          found = true;
          break;
        }
        token = skipValue(scan, token);
        if (token === COMMA) token = scan();
        passed(parent, ++index);
      }
      if (!found) return { line, depth };
    } else if (token === OPEN_BRACKET && typeof segment === 'number') {
      const resume = next.get(parent);
      let index = 0;
      if (resume && resume.index <= segment) {
        index = resume.index;
        token = jump(resume);
      } else token = scan();
      for (; index < segment; index++) {
        if (token === CLOSE_BRACKET || token === EOF) return { line, depth };
        mark(childMarkKey(parent, index));
        token = skipValue(scan, token);
        if (token !== COMMA) return { line, depth };
        token = scan();
        passed(parent, index + 1);
      }
      if (token === CLOSE_BRACKET || token === EOF) return { line, depth };
      mark(childMarkKey(parent, segment));
    } else return { line, depth };
    line = base.line + scanner.getTokenStartLine();
    depth++;
  }
  return { line, depth };
}

/** Skips the value that starts with `token`; returns the token after it. */
function skipValue(scan: () => number, first: number): number {
  let token = first;
  if (token !== OPEN_BRACE && token !== OPEN_BRACKET) return scan();
  let nesting = 0;
  do {
    if (token === OPEN_BRACE || token === OPEN_BRACKET) nesting++;
    else if (token === CLOSE_BRACE || token === CLOSE_BRACKET) nesting--;
    else if (token === EOF) return token;
    token = scan();
  } while (nesting > 0);
  return token;
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
    if (key === segment) exact ??= prop.children?.[1];
    else if (key.toLowerCase() === lower) folded ??= prop.children?.[1];
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
  const key = propertyKey(value, name);
  return key === undefined ? undefined : (value as JsonObject)[key];
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

/** A child value and where it is in the document: `[value, path]`, or undefined when absent. */
export function childAt(
  parent: JsonValue | undefined,
  parentPath: JsonPath,
  name: string,
): [JsonValue, JsonPath] | undefined {
  const key = propertyKey(parent, name);
  return key === undefined ? undefined : [(parent as JsonObject)[key], [...parentPath, key]];
}
