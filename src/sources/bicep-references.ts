import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../errors.js';
import { FileAccess, MAX_TEMPLATE_FILE_BYTES, statRegularFile, tooLarge } from '../file-access.js';
import type { FileError } from '../model.js';

/** A file a Bicep source makes the compiler read: a module, a `using`/`extends` target, an import or a load*() argument. */
export interface BicepReference {
  /** What refers to it, for messages ("module path", "using path", …). */
  what: string;
  /** The path as written. */
  path: string;
  line: number;
  /** `loadDirectoryFileInfo` reads a folder; everything else is a file. */
  folder?: boolean;
}

/**
 * A module or `using` reference that is not a local file: a registry (`br:host/repo:tag`, or an
 * alias `br/public:…`), a template spec (`ts:…`, `ts/alias:…`), or another scheme. The Bicep CLI
 * restores those itself.
 */
export function isExternalReference(reference: string): boolean {
  return (
    /^(br|ts)(\/[^:/]*)?:/i.test(reference) ||
    (/^[a-z][a-z0-9+.-]+:/i.test(reference) && !/^file:/i.test(reference))
  );
}

/** A `file:` reference as a path (the rest are paths already); undefined when it is not a valid file URL. */
function localPath(reference: string): string | undefined {
  if (!/^file:/i.test(reference)) return reference;
  try {
    return fileURLToPath(reference);
  } catch {
    return undefined;
  }
}

/** A token of Bicep source, as far as finding file references needs: names, strings, punctuation. */
type Token =
  | { kind: 'name'; text: string; line: number }
  | { kind: 'string'; value: string; line: number; interpolated: boolean }
  | { kind: 'punct'; text: string; line: number };

/** `\n`, `\r`, `\t`, `\\`, `\'`, `\$` and `\u{…}`: Bicep's string escapes. */
function unescapeAt(text: string, i: number): { value: string; next: number } {
  const ch = text[i + 1] ?? '';
  if (ch === 'n') return { value: '\n', next: i + 2 };
  if (ch === 'r') return { value: '\r', next: i + 2 };
  if (ch === 't') return { value: '\t', next: i + 2 };
  if (ch === 'u' && text[i + 2] === '{') {
    const close = text.indexOf('}', i + 3);
    const code = close > 0 ? Number.parseInt(text.slice(i + 3, close), 16) : Number.NaN;
    if (Number.isInteger(code) && code >= 0 && code <= 0x10ffff)
      return { value: String.fromCodePoint(code), next: close + 1 };
  }
  return { value: ch, next: i + 2 };
}

/** Counts the newlines of `text` between `from` and `to`. */
function newlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

/**
 * Bicep source as tokens, skipping whitespace and comments. Linear; strings keep the line they
 * start on; a `${` that is not escaped marks a string as interpolated (the compiler refuses those
 * as paths). Not a parser: enough to see `module name 'path'` or `loadTextContent('path')` however
 * the source is split over lines or commented.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      i++;
    } else if (/\s/.test(ch)) i++;
    else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      const stop = close < 0 ? text.length : close + 2;
      line += newlines(text, i, stop);
      i = stop;
    } else if (text.startsWith("'''", i)) {
      // A multi-line string: verbatim (no escapes, no interpolation); a first newline is dropped.
      const close = text.indexOf("'''", i + 3);
      const stop = close < 0 ? text.length : close;
      const value = text.slice(i + 3, stop).replace(/^\r?\n/, '');
      tokens.push({ kind: 'string', value, line, interpolated: false });
      line += newlines(text, i, stop);
      i = close < 0 ? text.length : close + 3;
    } else if (ch === "'") {
      let value = '';
      let interpolated = false;
      let j = i + 1;
      while (j < text.length && text[j] !== "'" && text[j] !== '\n') {
        if (text[j] === '\\') {
          const escaped = unescapeAt(text, j);
          value += escaped.value;
          j = escaped.next;
        } else {
          if (text[j] === '$' && text[j + 1] === '{') interpolated = true;
          value += text[j];
          j++;
        }
      }
      tokens.push({ kind: 'string', value, line, interpolated });
      i = text[j] === "'" ? j + 1 : j;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < text.length && /\w/.test(text[j]!)) j++;
      tokens.push({ kind: 'name', text: text.slice(i, j), line });
      i = j;
    } else {
      tokens.push({ kind: 'punct', text: ch, line });
      i++;
    }
  }
  return tokens;
}

const LOAD_FILE = new Set(['loadTextContent', 'loadJsonContent', 'loadYamlContent', 'loadFileAsBase64']);

/**
 * The local files a Bicep or .bicepparam source refers to, with their lines: `module name 'path'`,
 * `using 'path'`, `extends 'path'`, `import … from 'path'` and the `load…('path')` functions,
 * however split over lines or commented, in single- or multi-line strings. A string that only
 * contains such words is not a reference.
 */
export function bicepReferences(text: string): BicepReference[] {
  const references: BicepReference[] = [];
  const tokens = tokenize(text);
  const add = (token: Token | undefined, what: string, folder = false) => {
    if (token?.kind !== 'string' || token.interpolated || token.value === '') return;
    if (isExternalReference(token.value)) return;
    const local = localPath(token.value);
    if (local === undefined) return;
    references.push({ what, path: local, line: token.line, ...(folder ? { folder } : {}) });
  };
  tokens.forEach((token, index) => {
    if (token.kind !== 'name') return;
    const next = tokens[index + 1];
    if (token.text === 'module' && next?.kind === 'name') add(tokens[index + 2], 'module path');
    else if (token.text === 'using') add(next, 'using path');
    else if (token.text === 'extends') add(next, 'extends path');
    else if (token.text === 'from') add(next, 'import path');
    else if (next?.kind === 'punct' && next.text === '(') {
      if (LOAD_FILE.has(token.text)) add(tokens[index + 2], 'loaded file');
      else if (token.text === 'loadDirectoryFileInfo') add(tokens[index + 2], 'loaded folder', true);
    }
  });
  return references;
}

/** Most Bicep files followed through modules from one scanned file. */
const MAX_FOLLOWED = 1000;

/**
 * Checks, before the Bicep compiler runs (it reads these files itself, with no limits of ours), that
 * every module, `using`, `extends`, `import … from` and `load…()` path of the file and of the local
 * Bicep modules it uses is a regular file (a folder for `loadDirectoryFileInfo`) inside the
 * repository, within the size limit. One `FileError` per offending reference, on its line; a
 * missing file is left to the compiler, which names it.
 */
export function checkBicepReferences(
  absolutePath: string,
  access: FileAccess,
  readText: (absolutePath: string) => string | undefined,
): FileError[] {
  const errors: FileError[] = [];
  const seen = new Set<string>([absolutePath]);
  const queue = [absolutePath];
  while (queue.length > 0 && seen.size <= MAX_FOLLOWED) {
    const current = queue.shift()!;
    const text = readText(current);
    if (text === undefined) continue;
    const shown = access.shown(current);
    for (const reference of bicepReferences(text)) {
      const target = path.resolve(path.dirname(current), reference.path);
      const what = `${reference.what} ${reference.path}`;
      const problem = checkTarget(target, what, access, reference.folder === true);
      if (problem === 'missing') continue;
      if (problem) {
        errors.push({ file: shown, line: reference.line, message: problem });
        continue;
      }
      if (/\.bicep$/i.test(target) && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return errors;
}

function checkTarget(
  target: string,
  what: string,
  access: FileAccess,
  folder: boolean,
): string | 'missing' | undefined {
  const checked = access.check(target, what);
  if (checked instanceof ConfigurationError)
    return / does not exist$/.test(checked.message) ? 'missing' : checked.message;
  if (folder) return undefined;
  try {
    const stats = statRegularFile(checked.realPath, { what });
    if (stats.size > MAX_TEMPLATE_FILE_BYTES)
      return tooLarge({ what }, stats.size, MAX_TEMPLATE_FILE_BYTES).message;
  } catch (error) {
    if (error instanceof ConfigurationError) return error.message;
    throw error;
  }
  return undefined;
}
