import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from './errors.js';
import { printable } from './report/escape.js';

/**
 * Largest template, parameters file or Bicep source read. ARM limits a template and a parameters
 * file to 4 MB ("Template limits" in
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices#template-limits),
 * measured after compression ("Resolve errors for job size exceeded",
 * https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-job-size-exceeded):
 * a file on disk with indentation and comments can be several times larger and still deploy, so
 * the cap on what is read is 4 × 4 MB. Anything larger is a file error, never read.
 */
export const MAX_TEMPLATE_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Largest Terraform plan JSON read. A plan is written by `terraform show -json`, not bounded by
 * ARM's template limits: plans of thousands of resources are tens of MiB; 256 MiB keeps the parse
 * (several times the text in memory) within a runner's memory.
 */
export const MAX_PLAN_BYTES = 256 * 1024 * 1024;

/** Largest baseline report read (a JSON report of thousands of findings is a few MiB). */
export const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

/** Where the template size limit is documented, for messages. */
export const TEMPLATE_LIMITS_URL =
  'https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices#template-limits';

const MiB = 1024 * 1024;

/** A size for messages: `17.0 MiB`, `812 KiB`, `40 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** A limit for messages: `16 MiB`. */
function formatLimit(bytes: number): string {
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`;
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : formatBytes(bytes);
}

// ---- names shown to people -------------------------------------------------------------------

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as UTF-8 text, or undefined when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * A name for bytes that are not all UTF-8: valid sequences as their characters, every other byte
 * as `\xNN` (such a name cannot be shown, matched or annotated otherwise). Names that are UTF-8
 * stay as they are in reports' data; what prints them (table, log, Markdown) escapes control
 * characters there (`report/escape.ts`).
 */
export function nameFromBytes(bytes: Uint8Array): string {
  const whole = decodeUtf8(bytes);
  if (whole !== undefined) return whole;
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length > 0) {
      out += Buffer.from(bytes.subarray(i, i + length)).toString('utf8');
      i += length;
    } else {
      out += `\\x${bytes[i].toString(16).toUpperCase().padStart(2, '0')}`;
      i++;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there does not start one. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const first = bytes[i];
  const length =
    first < 0x80
      ? 1
      : first >= 0xc2 && first <= 0xdf
        ? 2
        : first >= 0xe0 && first <= 0xef
          ? 3
          : first >= 0xf0 && first <= 0xf4
            ? 4
            : 0;
  if (length <= 1 || i + length > bytes.length) return length === 1 ? 1 : 0;
  return decodeUtf8(bytes.subarray(i, i + length)) === undefined ? 0 : length;
}

/**
 * Path shown to users: relative to `cwd` with forward slashes (absolute when outside it). Kept as
 * it is (a report's data names the real file); every output escapes control characters.
 */
export function displayPath(absolutePath: string, cwd: string): string {
  const relative = path.relative(cwd, absolutePath);
  const shown =
    relative === ''
      ? path.basename(absolutePath)
      : relative.startsWith('..') || path.isAbsolute(relative)
        ? absolutePath
        : relative;
  return shown.split(path.sep).join('/');
}

// ---- why a file cannot be read ----------------------------------------------------------------

/** A short reason for a file system error, without the stack or the raw path (the caller names the file). */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'ELOOP':
      return 'symbolic link loop (or too many links in a row)';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'EIO':
      return 'input/output error';
    case 'ENXIO':
    case 'ENODEV':
      return 'no such device';
    default: {
      const message = error instanceof Error ? error.message : String(error);
      // fs messages read `CODE: text, syscall 'path'`: keep the text, drop the raw path.
      const text = message.replace(/,\s*\w+\s+'.*$/s, '').replace(/^[A-Z0-9_]+:\s*/, '');
      return printable(code ? `${text} (${code})` : text);
    }
  }
}

/** What kind of file a stat describes, for "not a regular file (a …)". */
export function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a plain file';
}

// ---- reading inside the repository --------------------------------------------------------------

/** Open flags: never block on a FIFO or device, never follow a link swapped in after the check. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return (
    relative === '' ||
    (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative))
  );
}

function realOrResolved(directory: string): string {
  try {
    return realpathSync.native(directory);
  } catch {
    return path.resolve(directory);
  }
}

export interface FileAccessOptions {
  /** Shown paths are relative to this folder. */
  cwd: string;
  /** Files the user named themselves (`--parameters`, `--config`): allowed outside the roots. */
  allow?: string[];
  /** What the roots are, for messages (default "the repository"). */
  rootName?: string;
}

/** A check that passed: where the file really is. */
export interface Allowed {
  realPath: string;
}

/**
 * The one way the scan reads a file it was pointed at by content: a linked template, a parameters
 * file, a Bicep module. Only regular files inside the roots (the repository: the workspace in the
 * action, the scanned folder's repository in the CLI), after resolving symbolic links, and at most
 * `maxBytes`; anything else is a `ConfigurationError` saying why and what to do. Opening never
 * blocks (a FIFO is refused, not waited on).
 */
export class FileAccess {
  private readonly roots: string[];
  /** The roots as given (before links are resolved), to tell "outside" from "a link leads outside". */
  private readonly lexicalRoots: string[];
  private readonly allowed: Set<string>;
  private readonly checks = new Map<string, Allowed | ConfigurationError>();
  readonly cwd: string;
  readonly rootName: string;

  constructor(roots: string[], options: FileAccessOptions) {
    this.roots = [...new Set(roots.map(realOrResolved))];
    this.lexicalRoots = [...new Set([...roots.map((root) => path.resolve(root)), ...this.roots])];
    this.cwd = options.cwd;
    this.rootName = options.rootName ?? 'the repository';
    this.allowed = new Set((options.allow ?? []).map((file) => realOrResolved(file)));
  }

  /** The roots, resolved. */
  get rootPaths(): readonly string[] {
    return this.roots;
  }

  /** Whether a real path is inside one of the roots. */
  contains(realPath: string): boolean {
    return this.roots.some((root) => isInside(root, realPath));
  }

  /** A path as messages show it (relative to the working directory, escaped). */
  shown(absolutePath: string): string {
    return displayPath(absolutePath, this.cwd);
  }

  private rootsShown(): string {
    return this.roots.map((root) => displayPath(root, this.cwd)).join(', ');
  }

  /**
   * Where `absolutePath` really is, if it may be read; else a `ConfigurationError` without a file
   * (the caller knows who pointed here). `what` names the file in the message ("linked file x").
   */
  check(absolutePath: string, what = displayPath(absolutePath, this.cwd)): Allowed | ConfigurationError {
    const key = `${absolutePath}\n${what}`;
    let result = this.checks.get(key);
    if (!result) {
      result = this.checkUncached(absolutePath, what);
      this.checks.set(key, result);
    }
    return result;
  }

  private checkUncached(absolutePath: string, what: string): Allowed | ConfigurationError {
    let realPath: string;
    try {
      realPath = realpathSync.native(absolutePath);
    } catch (error) {
      return fileError(error, { what });
    }
    if (this.contains(realPath) || this.allowed.has(realPath)) return { realPath };
    const target = realPath;
    const where = `${this.rootName} (${this.rootsShown()})`;
    // Inside the roots as written, outside once links are resolved: a link leads out.
    const resolved = path.resolve(absolutePath);
    if (this.lexicalRoots.some((root) => isInside(root, resolved))) {
      const how = isSymbolicLink(resolved) ? 'is a symbolic link' : 'leads through a symbolic link';
      return new ConfigurationError(
        `${what} ${how} to ${target}, outside ${where}: only files inside it are read. Point the link at a file in ${this.rootName}, or copy the file in.`,
      );
    }
    return new ConfigurationError(
      `${what} is outside ${where}: only files inside it are read. Keep linked templates, modules and parameters files in ${this.rootName}.`,
    );
  }

  /** Throws the check's error, or returns the real path. */
  require(absolutePath: string, what?: string): string {
    const result = this.check(absolutePath, what);
    if (result instanceof ConfigurationError) throw result;
    return result.realPath;
  }

  /** Whether the file may be read (inside the roots, a regular file within the size limit). */
  isReadableFile(absolutePath: string, maxBytes = MAX_TEMPLATE_FILE_BYTES): boolean {
    const result = this.check(absolutePath);
    if (result instanceof ConfigurationError) return false;
    try {
      const fd = openSync(result.realPath, OPEN_FLAGS);
      try {
        const stats = fstatSync(fd);
        return stats.isFile() && stats.size <= maxBytes;
      } finally {
        closeSync(fd);
      }
    } catch {
      return false;
    }
  }

  /**
   * The text of a regular file inside the roots, at most `maxBytes`; a `ConfigurationError` (no
   * file set) saying why otherwise.
   */
  readText(
    absolutePath: string,
    options: { what?: string; maxBytes?: number; limitName?: string } = {},
  ): string {
    const what = options.what ?? displayPath(absolutePath, this.cwd);
    const realPath = this.require(absolutePath, what);
    return readRegularFile(realPath, {
      what,
      maxBytes: options.maxBytes ?? MAX_TEMPLATE_FILE_BYTES,
      limitName: options.limitName,
    });
  }
}

function isSymbolicLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** How a problem names the file: as the subject of the sentence (`what`), or through the error's `file`. */
export interface Naming {
  /** "linked file x.json": the message starts with it and the error has no file. */
  what?: string;
  /** The error's file; the message then speaks of "the file". */
  file?: string;
}

function problem(naming: Naming, withWhat: (what: string) => string, plain: string): ConfigurationError {
  return naming.what !== undefined
    ? new ConfigurationError(withWhat(naming.what))
    : new ConfigurationError(plain, naming.file);
}

/** The `ConfigurationError` for a file system error on the named file. */
export function fileError(error: unknown, naming: Naming): ConfigurationError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return problem(naming, (what) => `${what} does not exist`, 'no such file.');
  const reason = describeFileError(error);
  return problem(naming, (what) => `cannot read ${what}: ${reason}`, `cannot read the file: ${reason}`);
}

/**
 * Reads a regular file (opened without blocking or following a final link swapped in after the
 * check) of at most `maxBytes`. Throws a `ConfigurationError` saying why not: not a regular file
 * (a FIFO, a device, a folder), over the size limit, or the file system's reason.
 */
export function readRegularFile(
  file: string,
  options: Naming & { maxBytes: number; limitName?: string },
): string {
  return readRegularBytes(file, options).toString('utf8');
}

/** `readRegularFile`, as bytes (for files whose encoding is decided by their content). */
export function readRegularBytes(
  file: string,
  options: Naming & { maxBytes: number; limitName?: string },
): Buffer {
  const { maxBytes } = options;
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' && (constants.O_NOFOLLOW ?? 0) !== 0) {
      // O_NOFOLLOW refuses a final symbolic link: resolve it (a loop fails here) and open the target.
      let real: string;
      try {
        real = realpathSync(file);
      } catch (inner) {
        throw fileError(inner, options);
      }
      if (real !== file) return readRegularBytes(real, options);
    }
    throw fileError(error, options);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw problem(
        options,
        (what) => `${what} is not a regular file (${fileKind(stats)}): only regular files are read.`,
        `not a regular file (${fileKind(stats)}): only regular files are read.`,
      );
    }
    if (stats.size > maxBytes) throw tooLarge(options, stats.size, maxBytes, options.limitName);
    // Read at most one byte more than allowed: a file that grows while it is read is still caught.
    const buffer = Buffer.allocUnsafe(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) {
        if (length > maxBytes) throw tooLarge(options, length, maxBytes, options.limitName);
        break;
      }
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw fileError(error, options);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks that a file the user named is a regular file (without reading it, and without blocking
 * on a FIFO); throws the same errors as `readRegularFile`.
 */
export function statRegularFile(file: string, naming: Naming): Stats {
  let stats: Stats;
  try {
    const fd = openSync(realOrThrow(file, naming), OPEN_FLAGS);
    try {
      stats = fstatSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw fileError(error, naming);
  }
  if (!stats.isFile()) {
    throw problem(
      naming,
      (what) => `${what} is not a regular file (${fileKind(stats)}): only regular files are read.`,
      `not a regular file (${fileKind(stats)}): only regular files are read.`,
    );
  }
  return stats;
}

function realOrThrow(file: string, naming: Naming): string {
  try {
    return realpathSync(file);
  } catch (error) {
    throw fileError(error, naming);
  }
}

/** "x is 17.0 MiB, over the 16 MiB limit for a template or parameters file (…)". */
export function tooLarge(
  naming: Naming,
  size: number,
  maxBytes: number,
  limitName?: string,
): ConfigurationError {
  const limit = `over the ${formatLimit(maxBytes)} limit ${limitName ?? `for a template or parameters file (ARM's own limit is 4 MB: ${TEMPLATE_LIMITS_URL})`}.`;
  return problem(
    naming,
    (what) => `${what} is ${formatBytes(size)}, ${limit}`,
    `the file is ${formatBytes(size)}, ${limit}`,
  );
}
