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

/** A Bicep single-quoted string literal (escapes `\'` and `\\` allowed). */
const STRING = String.raw`'((?:[^'\\\n]|\\.)*)'`;

const PATTERNS: { re: RegExp; what: string; folder?: boolean }[] = [
  { re: new RegExp(String.raw`^\s*module\s+[A-Za-z_]\w*\s+${STRING}`), what: 'module path' },
  { re: new RegExp(String.raw`^\s*using\s+${STRING}`), what: 'using path' },
  { re: new RegExp(String.raw`^\s*extends\s+${STRING}`), what: 'extends path' },
  { re: new RegExp(String.raw`^\s*import\b.*\bfrom\s+${STRING}`), what: 'import path' },
  {
    re: new RegExp(
      String.raw`\b(?:loadTextContent|loadJsonContent|loadYamlContent|loadFileAsBase64)\s*\(\s*${STRING}`,
      'g',
    ),
    what: 'loaded file',
  },
  {
    re: new RegExp(String.raw`\bloadDirectoryFileInfo\s*\(\s*${STRING}`, 'g'),
    what: 'loaded folder',
    folder: true,
  },
];

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

function unescape(literal: string): string {
  return literal.replace(/\\(.)/g, '$1');
}

/** The local files a Bicep or .bicepparam source refers to, with their lines. */
export function bicepReferences(text: string): BicepReference[] {
  const references: BicepReference[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (/^\s*\/\//.test(line)) return;
    for (const { re, what, folder } of PATTERNS) {
      const matches = re.global ? [...line.matchAll(re)] : [re.exec(line)].filter((m) => m !== null);
      for (const match of matches) {
        const written = unescape(match![1]!);
        if (written === '' || isExternalReference(written) || written.includes('${')) continue;
        const local = localPath(written);
        if (local === undefined) continue;
        references.push({ what, path: local, line: index + 1, ...(folder ? { folder } : {}) });
      }
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
