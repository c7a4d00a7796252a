import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  statSync,
  type Dirent,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { visit } from 'jsonc-parser';
import { ConfigurationError } from '../errors.js';
import {
  decodeUtf8,
  describeFileError,
  displayPath,
  fileKind,
  FileAccess,
  MAX_TEMPLATE_FILE_BYTES,
  nameFromBytes,
  tooLarge,
} from '../file-access.js';

export { displayPath } from '../file-access.js';

/** A file the scan will read, as reports show it. */
export interface DiscoveredFile {
  /** Relative to the working directory, forward slashes, control characters escaped: what reports show. */
  path: string;
  absolutePath: string;
  kind: 'template' | 'parameters' | 'bicep' | 'bicepparam' | 'terraform-plan';
  /**
   * The file's text when discovery already read it whole (JSON files within the size limit), so
   * the loader does not read it a second time. The loader drops it once parsed.
   */
  text?: string;
  /** Where the file really is (symbolic links resolved), when discovery resolved it. */
  realPath?: string;
  /** Other paths (symbolic links in the repository) that lead to this same file. */
  aliases?: string[];
  /**
   * Why this file, which looks like a template, cannot be evaluated (unreadable, a link out of the
   * repository, over the size limit, a name that is not UTF-8): reported as a file error, so that
   * hiding a template this way fails the gate instead of passing it.
   */
  problem?: string;
  /** The name could not be decoded: the pull request's file list cannot name it either. */
  unnamable?: boolean;
}

/**
 * Folders never walked: dependencies, git's own data, build output, and tool caches whose links
 * lead out of the repository (`.terraform` holds provider plugins linked from a shared cache).
 */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'dist', '.terraform']);
/** Names of files that may be templates, parameters files or Bicep files. */
const TEMPLATE_NAME = /\.(json|jsonc|bicep|bicepparam)$/i;
const JSON_NAME = /\.jsonc?$/i;
/** Read in chunks to look for signs of a template in a file over the size limit. */
const CHUNK_BYTES = 1024 * 1024;
/** The head looked at first (where a template's `$schema` and a plan's `format_version` are). */
const SNIFF_BYTES = 4096;

// ---- what looks like a template ---------------------------------------------------------------

/**
 * Signs that a JSON text may be an ARM template or parameters file. Text without any of them is
 * not one (package.json, tsconfig.json, data), whatever its size; `\u` is there because a key can
 * be written with escapes (`"\u0024schema"`), which ARM reads like any other.
 */
const SIGNS = /contentversion|deploymenttemplate\.json|deploymentparameters\.json|\\u/i;
/** A deployment template's `$schema` in the first bytes: the common case, decided without parsing. */
const TEMPLATE_HEAD = /"\$schema"\s*:\s*"[^"]*deploymenttemplate\.json/i;

/**
 * What kind of JSON document this is, from its top-level keys: a deployment template, a parameters
 * file, or neither. ARM reads keys case-insensitively and the `$schema` can be anywhere among
 * them (not only in the first bytes), so every top-level key is looked at, with escapes decoded:
 *
 * - a top-level `$schema` naming `deploymentParameters.json` or `deploymentTemplate.json` (any of
 *   the scope variants) decides, except that a document with `resources` is a template;
 * - else a top-level `contentVersion` (which only ARM documents have) makes a template — or a
 *   parameters file when there is `parameters` and no `resources`;
 * - a text that is not a JSON object but names the schemas is taken for what it names, so that
 *   the loader reports why it cannot be read;
 * - anything else (package.json, tsconfig.json with its own `$schema`, data with a `resources`
 *   key) is not a template.
 */
export function classifyJsonText(text: string): 'template' | 'parameters' | undefined {
  if (!SIGNS.test(text)) return undefined;
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Strict JSON (almost every file) through the built-in parser, which decodes escapes; the few
  // lenient files (comments, trailing commas) through jsonc-parser's tokenizer.
  let top: TopLevel;
  try {
    const root: unknown = JSON.parse(source);
    top =
      root !== null && typeof root === 'object' && !Array.isArray(root)
        ? topLevelOf(root as Record<string, unknown>)
        : { rootIsObject: false, keys: new Set(), schemas: [] };
  } catch {
    top = scanTopLevel(source);
  }
  if (top.rootIsObject) {
    // A parameters file never has resources: with them it is deployed as a template, whatever it says.
    if (top.schemas.some((schema) => /deploymentparameters\.json/i.test(schema)))
      return top.keys.has('resources') ? 'template' : 'parameters';
    if (top.schemas.some((schema) => /deploymenttemplate\.json/i.test(schema))) return 'template';
    if (top.keys.has('contentversion')) {
      return top.keys.has('parameters') && !top.keys.has('resources') ? 'parameters' : 'template';
    }
    return undefined;
  }
  if (/deploymentparameters\.json/i.test(source)) return 'parameters';
  if (/deploymenttemplate\.json/i.test(source)) return 'template';
  return undefined;
}

/** The top-level keys (lower-case) of a JSON document and the values of its `$schema` keys. */
interface TopLevel {
  rootIsObject: boolean;
  keys: Set<string>;
  schemas: string[];
}

function topLevelOf(root: Record<string, unknown>): TopLevel {
  const keys = new Set<string>();
  const schemas: string[] = [];
  for (const [key, value] of Object.entries(root)) {
    const lower = key.toLowerCase();
    keys.add(lower);
    if (lower === '$schema' && typeof value === 'string') schemas.push(value);
  }
  return { rootIsObject: true, keys, schemas };
}

/** The same from jsonc-parser's tokenizer, for text that is not strict JSON (or not JSON at all). */
function scanTopLevel(source: string): TopLevel {
  let depth = 0;
  let rootIsObject: boolean | undefined;
  let key: string | undefined;
  const keys = new Set<string>();
  const schemas: string[] = [];
  const open = (isObject: boolean) => {
    if (depth === 0 && rootIsObject === undefined) rootIsObject = isObject;
    depth++;
  };
  visit(
    source,
    {
      onObjectBegin: () => open(true),
      onArrayBegin: () => open(false),
      onObjectEnd: () => void depth--,
      onArrayEnd: () => void depth--,
      onObjectProperty: (property) => {
        if (depth !== 1 || !rootIsObject) return;
        key = property.toLowerCase();
        keys.add(key);
      },
      onLiteralValue: (value) => {
        if (depth === 0 && rootIsObject === undefined) rootIsObject = false;
        if (depth === 1 && rootIsObject && key === '$schema' && typeof value === 'string')
          schemas.push(value);
      },
    },
    { allowTrailingComma: true, disallowComments: false },
  );
  return { rootIsObject: rootIsObject === true, keys, schemas };
}

/**
 * The first 4 KB's verdict, kept for callers that only have a file's head: what kind of JSON
 * file this is from its `$schema` near the top.
 */
export function classifyJsonHead(head: string): 'template' | 'parameters' | 'terraform-plan' | undefined {
  const match = /"\$schema"\s*:\s*"([^"]*)"/i.exec(head);
  if (!match) return isTerraformJson(head) ? 'terraform-plan' : undefined;
  const schema = match[1].toLowerCase();
  if (/deploymentparameters\.json/.test(schema)) return 'parameters';
  if (/deploymenttemplate\.json/.test(schema)) return 'template';
  return undefined;
}

/**
 * The JSON `terraform show -json` writes starts with `format_version` and `terraform_version`
 * (a plan, or a state the plan reader then refuses with a clear message); a raw state file
 * (`terraform.tfstate`) has `terraform_version` and `lineage`.
 */
function isTerraformJson(head: string): boolean {
  if (!/"terraform_version"\s*:/.test(head)) return false;
  return /"format_version"\s*:/.test(head) || /"lineage"\s*:/.test(head);
}

// ---- reading ----------------------------------------------------------------------------------

type Sniffed =
  | { kind: 'template' | 'parameters'; text: string }
  | { kind: 'template'; problem: string }
  | { kind: 'terraform-plan' }
  | undefined;

/** A file over the size limit: does any chunk carry a sign of a template? (Bounded memory, linear time.) */
function hasSigns(fd: number, size: number): boolean {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES + 64);
  let carry = '';
  for (let position = 0; position < size;) {
    const n = readSync(fd, buffer, 0, CHUNK_BYTES, position);
    if (n === 0) break;
    position += n;
    const text = carry + buffer.toString('latin1', 0, n);
    if (SIGNS.test(text)) return true;
    carry = text.slice(-32);
  }
  return false;
}

/**
 * Reads and classifies a JSON file. Synchronous on purpose: thousands of small reads are much
 * faster without the thread pool round trip; one open per file, and a template is read whole here
 * and never again.
 */
function sniffJson(file: string | Buffer, shown: string): Sniffed {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { kind: 'template', problem: `cannot read the file: ${describeFileError(error)}` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return notRegular(stats);
    // A Terraform plan's JSON is read (and decoded) by the plan reader itself, whatever its size.
    const headBuffer = Buffer.allocUnsafe(Math.min(stats.size, SNIFF_BYTES * 2));
    const headLength = readSync(fd, headBuffer, 0, headBuffer.length, 0);
    const head =
      headBuffer[0] === 0xff && headBuffer[1] === 0xfe
        ? headBuffer.toString('utf16le', 2, headLength)
        : headBuffer.toString('utf8', 0, Math.min(headLength, SNIFF_BYTES));
    if (classifyJsonHead(head) === 'terraform-plan') return { kind: 'terraform-plan' };
    if (stats.size > MAX_TEMPLATE_FILE_BYTES) {
      if (!hasSigns(fd, stats.size)) return undefined;
      return {
        kind: 'template',
        problem: tooLarge({ file: shown }, stats.size, MAX_TEMPLATE_FILE_BYTES).message,
      };
    }
    const buffer = Buffer.allocUnsafe(stats.size);
    let bytesRead = 0;
    while (bytesRead < buffer.length) {
      const n = readSync(fd, buffer, bytesRead, buffer.length - bytesRead, bytesRead);
      if (n === 0) break;
      bytesRead += n;
    }
    // PowerShell's `>` writes UTF-16 with a byte order mark.
    const utf16 = buffer[0] === 0xff && buffer[1] === 0xfe;
    const text = utf16 ? buffer.toString('utf16le', 2, bytesRead) : buffer.toString('utf8', 0, bytesRead);
    // Fast path: nearly every template starts with its $schema. Anything else is looked at whole.
    const kind = TEMPLATE_HEAD.test(text.slice(0, SNIFF_BYTES)) ? 'template' : classifyJsonText(text);
    return kind ? { kind, text } : undefined;
  } catch (error) {
    return { kind: 'template', problem: `cannot read the file: ${describeFileError(error)}` };
  } finally {
    closeSync(fd);
  }
}

function notRegular(stats: Stats): Sniffed {
  return {
    kind: 'template',
    problem: `not a regular file (${fileKind(stats)}): only regular files are read.`,
  };
}

function kindOfName(name: string): DiscoveredFile['kind'] {
  const lower = name.toLowerCase();
  if (lower.endsWith('.bicep')) return 'bicep';
  if (lower.endsWith('.bicepparam')) return 'bicepparam';
  return 'template';
}

// ---- roots ----------------------------------------------------------------------------------------

/**
 * The folders linked files may come from when scanning `paths` from `cwd` (the CLI): for each
 * path, the git repository holding it (the nearest folder above with `.git`), else the working
 * directory when the path is inside it, else the path's own folder. The action passes the
 * workspace instead.
 */
export function scanRoots(paths: string[], cwd: string): string[] {
  const roots = new Set<string>();
  for (const given of paths.length > 0 ? paths : ['.']) {
    const absolutePath = path.resolve(cwd, given);
    let start = absolutePath;
    try {
      if (!statSync(absolutePath).isDirectory()) start = path.dirname(absolutePath);
    } catch {
      start = path.dirname(absolutePath);
    }
    let repository: string | undefined;
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (existsSync(path.join(dir, '.git'))) {
        repository = dir;
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
    const relative = path.relative(cwd, start);
    const insideCwd = relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
    roots.add(repository ?? (insideCwd ? cwd : start));
  }
  return [...roots];
}

// ---- the walk ---------------------------------------------------------------------------------

interface Candidate {
  file: DiscoveredFile;
  /** Reached through a symbolic link (the file itself or a folder above it). */
  viaLink: boolean;
}

/**
 * Finds the ARM templates, parameters files, `.bicep` and `.bicepparam` files under the given
 * files or directories, in a stable order. A path that does not exist is a `ConfigurationError`.
 *
 * Nothing that looks like a template is skipped silently. A file that cannot be read, a file name
 * that is not UTF-8, a template over the size limit, a symbolic link that is dangling, loops or
 * leads out of the repository (`roots`: the workspace in the action, `scanRoots` in the CLI;
 * default: `cwd`) comes back with a `problem`, which the loader reports as a file error.
 *
 * Symbolic links inside the repository are followed once: resolved to their final target (which
 * must be inside the repository too), a linked file is evaluated through it and a linked folder is
 * walked, each real file and folder at most once. Why follow rather than refuse: a pull request
 * that replaces a template by a link still deploys the target's content, so the gate must see it;
 * and a link into a skipped folder (`dist/`) must not hide it. A file reached through several paths
 * is evaluated under its own path when it has one outside links (the others are its `aliases`).
 */
export async function discoverTemplates(
  paths: string[],
  cwd: string,
  options: { roots?: string[] } = {},
): Promise<DiscoveredFile[]> {
  const access = new FileAccess(options.roots ?? [cwd], { cwd });
  const byReal = new Map<string, Candidate>();
  const problems: DiscoveredFile[] = [];
  const walkedDirectories = new Set<string>();
  const deferredLinks: { link: string | Buffer; shown: string | undefined; real: string }[] = [];

  const shownOf = (absolute: string | Buffer, text: string | undefined): string =>
    text !== undefined ? displayPath(text, cwd) : nameFromBytes(relativeBytes(bytes(absolute), cwd));

  const addProblem = (
    absolute: string | Buffer,
    text: string | undefined,
    name: string,
    problem: string,
  ): void => {
    problems.push({
      path: shownOf(absolute, text),
      absolutePath: text ?? bytes(absolute).toString('utf8'),
      kind: kindOfName(name),
      problem,
      ...(text === undefined ? { unnamable: true } : {}),
    });
  };

  const add = (file: DiscoveredFile, realPath: string, viaLink: boolean): void => {
    file.realPath = realPath;
    const existing = byReal.get(realPath);
    if (!existing) {
      byReal.set(realPath, { file, viaLink });
      return;
    }
    if (existing.viaLink && !viaLink) {
      // The file's own path wins over a link to it; the link becomes an alias.
      file.aliases = [...(existing.file.aliases ?? []), existing.file.absolutePath];
      byReal.set(realPath, { file, viaLink });
    } else {
      existing.file.aliases = [...(existing.file.aliases ?? []), file.absolutePath];
    }
  };

  /** A regular file (or the target of a link to one) that may be a template. */
  const consider = (
    absolute: string | Buffer,
    text: string | undefined,
    realPath: string,
    viaLink: boolean,
    explicit: boolean,
  ): void => {
    const name = (text ?? bytes(absolute).toString('latin1')).toLowerCase();
    const isBicep = /\.bicep(param)?$/.test(name);
    if (!isBicep && !JSON_NAME.test(name) && !explicit) return;
    const shown = shownOf(absolute, text);
    if (isBicep) {
      if (text === undefined) return addProblem(absolute, text, name, NOT_UTF8);
      let size: number;
      try {
        size = statSync(realPath).size;
      } catch (error) {
        return addProblem(absolute, text, name, `cannot read the file: ${describeFileError(error)}`);
      }
      if (size > MAX_TEMPLATE_FILE_BYTES)
        return addProblem(
          absolute,
          text,
          name,
          tooLarge({ file: shown }, size, MAX_TEMPLATE_FILE_BYTES).message,
        );
      add({ path: shown, absolutePath: text, kind: kindOfName(name) }, realPath, viaLink);
      return;
    }
    const sniffed = sniffJson(text ?? absolute, shown);
    if (!sniffed) return;
    if ('problem' in sniffed) return addProblem(absolute, text, name, sniffed.problem);
    if (text === undefined) return addProblem(absolute, text, name, NOT_UTF8);
    const file: DiscoveredFile = { path: shown, absolutePath: text, kind: sniffed.kind };
    if ('text' in sniffed) file.text = sniffed.text;
    add(file, realPath, viaLink);
  };

  /** A symbolic link met in a walk: followed once when it stays in the repository. */
  const followLink = (link: string | Buffer, text: string | undefined): void => {
    const name = (text ?? bytes(link).toString('latin1')).toLowerCase();
    const templateName = TEMPLATE_NAME.test(name);
    let realPath: string;
    try {
      realPath =
        typeof link === 'string'
          ? realpathSync.native(link)
          : realpathSync.native(link, { encoding: 'buffer' }).toString('utf8');
    } catch (error) {
      if (!templateName) return;
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'a symbolic link to a missing file'
          : code === 'ELOOP'
            ? 'a symbolic link loop'
            : `a symbolic link that cannot be followed: ${describeFileError(error)}`;
      return addProblem(
        link,
        text,
        name,
        `${why}: it cannot be evaluated. Remove it or point it at a template.`,
      );
    }
    let target: Stats;
    try {
      target = statSync(realPath);
    } catch (error) {
      if (templateName) addProblem(link, text, name, `cannot read the file: ${describeFileError(error)}`);
      return;
    }
    if (!access.contains(realPath)) {
      if (!templateName && !target.isDirectory()) return;
      const what = target.isDirectory() ? 'folder' : 'file';
      return addProblem(
        link,
        text,
        name,
        `a symbolic link to ${nameFromBytes(Buffer.from(realPath))}, outside ${access.rootName} (${access.rootPaths
          .map((root) => displayPath(root, cwd))
          .join(
            ', ',
          )}): the ${what} it points at is not read. Point the link inside ${access.rootName}, or remove it.`,
      );
    }
    if (target.isDirectory()) {
      deferredLinks.push({ link, shown: text, real: realPath });
      return;
    }
    if (target.isFile()) consider(link, text, realPath, true, false);
    else if (templateName) addProblem(link, text, name, notRegularMessage(target));
  };

  /** Walks a folder; `real` is where it really is (links are only met through `followLink`). */
  const walk = (
    directory: string | Buffer,
    directoryText: string | undefined,
    viaLink: boolean,
    real: string,
  ): void => {
    if (walkedDirectories.has(real)) return;
    walkedDirectories.add(real);
    let children: Child[];
    try {
      children = listFolder(directory, directoryText);
    } catch (error) {
      return addProblem(directory, directoryText, '', `cannot list the folder: ${describeFileError(error)}`);
    }
    for (const { dirent, name, raw, fsPath } of children) {
      const text = typeof fsPath === 'string' ? fsPath : undefined;
      if (dirent.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(raw)) walk(fsPath, text, viaLink, path.join(real, name ?? raw));
      } else if (dirent.isSymbolicLink()) {
        followLink(fsPath, text);
      } else if (dirent.isFile()) {
        const childReal = text !== undefined ? path.join(real, name!) : bytes(fsPath).toString('utf8');
        consider(fsPath, text, childReal, viaLink, false);
      } else if (TEMPLATE_NAME.test(raw)) {
        let stats: Stats | undefined;
        try {
          stats = lstatSync(fsPath);
        } catch {
          stats = undefined;
        }
        addProblem(fsPath, text, raw, stats ? notRegularMessage(stats) : 'not a regular file.');
      }
    }
  };

  for (const given of paths) {
    const absolutePath = path.resolve(cwd, given);
    let info: Stats;
    try {
      info = statSync(absolutePath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw new ConfigurationError(
          `path not found: ${displayPath(absolutePath, cwd)}. Pass a template file or a folder that holds templates.`,
        );
      throw new ConfigurationError(
        `cannot read the file: ${describeFileError(error)}`,
        displayPath(absolutePath, cwd),
      );
    }
    if (info.isDirectory()) {
      let real = absolutePath;
      try {
        real = realpathSync.native(absolutePath);
      } catch {
        // listing it below reports why
      }
      walk(absolutePath, absolutePath, false, real);
    } else {
      let realPath = absolutePath;
      try {
        realPath = realpathSync.native(absolutePath);
      } catch {
        // read below reports it
      }
      // A file named on the command line may be anywhere, but a link in the repository may not
      // lead out of it.
      const checked = access.check(absolutePath, 'the file');
      if (checked instanceof ConfigurationError && / symbolic link /.test(checked.message)) {
        addProblem(absolutePath, absolutePath, path.basename(absolutePath), checked.message);
        continue;
      }
      consider(absolutePath, absolutePath, realPath, false, true);
    }
  }
  // Linked folders last, so that a folder's own path wins over a link to it.
  while (deferredLinks.length > 0) {
    const { link, shown, real } = deferredLinks.shift()!;
    walk(link, shown, true, real);
  }

  const files = [...byReal.values()].map((candidate) => candidate.file);
  return [...files, ...problems];
}

/** One entry of a folder listing. */
interface Child {
  dirent: Dirent | Dirent<Buffer>;
  /** The name as text, or undefined when it is not UTF-8. */
  name: string | undefined;
  /** The name's bytes read as Latin-1 (for extension and skip-list checks whatever the encoding). */
  raw: string;
  /** The path to give the file system: text, or bytes when some part of it is not UTF-8. */
  fsPath: string | Buffer;
}

function bytes(fsPath: string | Buffer): Buffer {
  return typeof fsPath === 'string' ? Buffer.from(fsPath) : fsPath;
}

/**
 * A folder's entries in a stable order. Names are read as text (the fast, common case); a folder
 * holding a name that is not UTF-8 is listed again as bytes, so that such a name can be opened
 * and shown with escapes instead of being lost.
 */
function listFolder(directory: string | Buffer, directoryText: string | undefined): Child[] {
  if (directoryText !== undefined) {
    const entries = readdirSync(directoryText, { withFileTypes: true });
    if (!entries.some((entry) => entry.name.includes('\ufffd'))) {
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return entries.map((dirent) => ({
        dirent,
        name: dirent.name,
        raw: dirent.name,
        fsPath: `${directoryText}${path.sep}${dirent.name}`,
      }));
    }
  }
  const folder = bytes(directory);
  const entries = readdirSync(folder, { withFileTypes: true, encoding: 'buffer' });
  entries.sort((a, b) => Buffer.compare(a.name, b.name));
  return entries.map((dirent) => {
    const name = nameText(dirent.name);
    const fsPath =
      directoryText !== undefined && name !== undefined
        ? `${directoryText}${path.sep}${name}`
        : Buffer.concat([folder, SEPARATOR, dirent.name]);
    return { dirent, name, raw: dirent.name.toString('latin1'), fsPath };
  });
}

/** A file name as text, or undefined when it is not UTF-8 (the common case decided without a strict decoder). */
function nameText(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  return text.includes('\ufffd') ? decodeUtf8(bytes) : text;
}

const NOT_UTF8 =
  'the file name is not valid UTF-8 (shown with \\x escapes): it cannot be named in a report or a pull request. Rename it.';
const SEPARATOR = Buffer.from(path.sep);

function notRegularMessage(stats: Stats): string {
  return `not a regular file (${fileKind(stats)}): only regular files are read.`;
}

/** The bytes of `absolute` relative to `cwd` (or all of them when outside it), forward slashes. */
function relativeBytes(absolute: Buffer, cwd: string): Buffer {
  const prefix = Buffer.from(cwd.endsWith(path.sep) ? cwd : `${cwd}${path.sep}`);
  const relative = absolute.subarray(0, prefix.length).equals(prefix)
    ? absolute.subarray(prefix.length)
    : absolute;
  return path.sep === '/'
    ? relative
    : Buffer.from(relative.toString('latin1').split(path.sep).join('/'), 'latin1');
}
