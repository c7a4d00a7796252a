import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import picomatch from 'picomatch';
import type { GitHubClient } from '../github.js';
import { httpStatus, UnexpectedResponseError } from '../github.js';
import type { Logger } from '../model.js';
import { bicepReferences } from './bicep-references.js';
import { discoverTemplates, type DiscoveredFile } from './discover.js';
import { conventionalParametersPath } from './templates.js';

const run = promisify(execFile);

/** One file of a pull request, as the pulls/files API lists it. */
export interface ChangedFile {
  /** Path in the head commit (repository-relative, forward slashes). */
  path: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged' | string;
  /** The path before a rename. */
  previousPath?: string;
  /** The file's diff hunks as the pulls/files API gives them (absent for large or binary diffs, and from git). */
  patch?: string;
}

/** GitHub lists at most this many files of a pull request (pulls/files, and the PR's "Files" tab). */
export const PULL_FILES_LIMIT = 3000;
const PAGE_SIZE = 100;

/** The pull request has more files than the API lists: the list would miss some. */
export class TooManyChangedFilesError extends Error {
  constructor(pullNumber: number) {
    super(
      `pull request #${pullNumber} changes ${PULL_FILES_LIMIT.toLocaleString('en-US')} files or more, and the GitHub API lists at most ${PULL_FILES_LIMIT.toLocaleString('en-US')}`,
    );
    this.name = 'TooManyChangedFilesError';
  }
}

/**
 * Lists every file of the pull request, page by page (100 a page). Throws TooManyChangedFilesError
 * when the API's 3,000-file cap is reached (the list may be incomplete), and
 * UnexpectedResponseError when a page is not a list of files: an incomplete or garbled list
 * must never read as "no template changed".
 */
export async function listChangedFiles(
  octokit: GitHubClient,
  target: { owner: string; repo: string; pullNumber: number },
): Promise<ChangedFile[]> {
  const files: ChangedFile[] = [];
  for (let page = 1; ; page++) {
    const { data } = await octokit.rest.pulls.listFiles({
      owner: target.owner,
      repo: target.repo,
      pull_number: target.pullNumber,
      per_page: PAGE_SIZE,
      page,
    });
    const what = `the files of pull request #${target.pullNumber} (page ${page})`;
    if (!Array.isArray(data)) throw new UnexpectedResponseError(what, data);
    for (const item of data as unknown[]) {
      const file = item as {
        filename?: unknown;
        status?: unknown;
        previous_filename?: unknown;
        patch?: unknown;
      } | null;
      if (
        !file ||
        typeof file.filename !== 'string' ||
        file.filename === '' ||
        typeof file.status !== 'string' ||
        (file.previous_filename != null && typeof file.previous_filename !== 'string')
      )
        throw new UnexpectedResponseError(what, item);
      files.push({
        path: file.filename,
        status: file.status,
        previousPath: (file.previous_filename as string | null | undefined) ?? undefined,
        ...(typeof file.patch === 'string' ? { patch: file.patch } : {}),
      });
    }
    if (files.length >= PULL_FILES_LIMIT) throw new TooManyChangedFilesError(target.pullNumber);
    if (data.length < PAGE_SIZE) return files;
  }
}

/**
 * The files a pull request changes, from the local git history: `git diff base...head` (from
 * their merge base, as GitHub lists them), renames detected. Undefined when the checkout lacks
 * either commit (e.g. a shallow checkout: `fetch-depth: 0` provides both).
 */
export async function changedFilesFromGit(
  cwd: string,
  baseSha: string,
  headSha: string,
): Promise<ChangedFile[] | undefined> {
  if (!(await hasCommit(cwd, baseSha)) || !(await hasCommit(cwd, headSha))) return undefined;
  let stdout: string;
  try {
    ({ stdout } = await run(
      'git',
      ['-C', cwd, 'diff', '--name-status', '-z', '-M', '--no-color', `${baseSha}...${headSha}`],
      { maxBuffer: 256 * 1024 * 1024 },
    ));
  } catch {
    return undefined;
  }
  const fields = stdout.split('\0');
  const files: ChangedFile[] = [];
  const STATUS: Record<string, string> = { A: 'added', D: 'removed', M: 'modified', T: 'changed' };
  for (let index = 0; index < fields.length - 1;) {
    const code = fields[index++]!;
    if (code.startsWith('R') || code.startsWith('C')) {
      const previousPath = fields[index++]!;
      const path = fields[index++]!;
      files.push({ path, status: code.startsWith('R') ? 'renamed' : 'copied', previousPath });
    } else {
      files.push({ path: fields[index++]!, status: STATUS[code[0]!] ?? 'modified' });
    }
  }
  return files;
}

/** A matcher for the `templates` globs (dot files included; `**` also matches the root). */
export function globMatcher(globs: string[]): (file: string) => boolean {
  const match = picomatch(globs, { dot: true });
  return (file) => match(file.replace(/^\.\//, ''));
}

/**
 * Files a template, Bicep file or Bicep parameters file refers to by a relative path: ARM
 * `templateLink.relativePath` and literal relative `uri`s, Bicep `module … 'path'`, `.bicepparam`
 * `using 'path'`. Registry modules and URLs are not files of this repository.
 */
export function referencedFiles(text: string, absolutePath: string): string[] {
  const directory = path.dirname(absolutePath);
  const found = new Set<string>();
  const add = (relative: string) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(relative) || relative.startsWith('[')) return;
    found.add(path.resolve(directory, relative));
  };
  for (const match of text.matchAll(/"relativePath"\s*:\s*"([^"]+)"/gi)) add(match[1]);
  for (const match of text.matchAll(/"uri"\s*:\s*"([^"[][^"]*)"/gi)) add(match[1]);
  if (/\.bicep(param)?$/i.test(absolutePath)) {
    // The same reading of the source as the repository check before compiling: modules, using,
    // extends, import … from and load…() files, however the lines are broken. A folder
    // (loadDirectoryFileInfo) is not a file a pull request changes.
    for (const reference of bicepReferences(text)) if (!reference.folder) add(reference.path);
  }
  return [...found];
}

export interface ChangedSelection {
  /** Top-level files to check at head, in discovery order. */
  files: DiscoveredFile[];
  /** Why each selected file is in (`changed`, `parameters file x changed`, `uses y`), by display path. */
  reasons: Map<string, string>;
}

/**
 * The templates a pull request affects: the changed files that match the globs, plus the ones
 * affected by a change they don't show themselves — a changed parameters file brings in its
 * template; a changed (or removed) linked template, nested template file or Bicep module brings
 * in every template that uses it, transitively. Removed files are not checked themselves.
 */
export async function selectChangedTemplates(
  changed: ChangedFile[],
  options: { cwd: string; globs: string[]; logger: Logger },
): Promise<ChangedSelection> {
  const { cwd, logger } = options;
  const matches = globMatcher(options.globs);
  // No fast path on file types: a Bicep file can load any file (loadTextContent, loadYamlContent,
  // …), so a change to any file may affect a template; finding its users is what tells.
  const all = (await discoverTemplates(['.'], cwd)).filter((file) => matches(file.path));
  const byAbsolute = new Map(all.map((file) => [file.absolutePath, file]));
  // A changed path that is a symbolic link to a scanned file selects that file.
  for (const file of all)
    for (const alias of file.aliases ?? []) if (!byAbsolute.has(alias)) byAbsolute.set(alias, file);
  const reasons = new Map<string, string>();
  const selected = new Set<string>();
  const pick = (file: DiscoveredFile, reason: string) => {
    if (file.kind === 'parameters' || selected.has(file.absolutePath)) return;
    selected.add(file.absolutePath);
    reasons.set(file.path, reason);
  };

  const touched = new Set<string>();
  for (const change of changed) {
    touched.add(path.resolve(cwd, change.path));
    if (change.previousPath) touched.add(path.resolve(cwd, change.previousPath));
  }

  // A template whose name is not UTF-8 cannot be matched with the pull request's file list: it is
  // always selected (and reported as a file error), so that such a name cannot hide a template.
  for (const file of all) if (file.unnamable) pick(file, 'its name is not valid UTF-8');

  // Direct changes.
  for (const change of changed) {
    if (change.status === 'removed') continue;
    const file = byAbsolute.get(path.resolve(cwd, change.path));
    if (file && matches(change.path)) pick(file, 'changed');
  }

  // Parameters files → their templates (x.parameters.json beside x.json or x.bicep).
  for (const file of all) {
    if (file.kind !== 'template' && file.kind !== 'bicep') continue;
    const asJson = file.absolutePath.replace(/\.bicep$/i, '.json');
    const parameters = conventionalParametersPath(asJson);
    if (touched.has(parameters))
      pick(file, `parameters file ${path.relative(cwd, parameters).split(path.sep).join('/')} changed`);
  }

  // Who uses what: reverse references, followed transitively from every touched file.
  const usedBy = new Map<string, string[]>();
  const references = new Map<string, string[]>();
  for (const file of all) {
    // A file discovery could not read (or may not follow) is not read here either.
    if (file.kind === 'parameters' || file.problem !== undefined) continue;
    let text: string;
    try {
      text = await readFile(file.absolutePath, 'utf8');
    } catch {
      continue;
    }
    const refs = referencedFiles(text, file.absolutePath);
    references.set(file.absolutePath, refs);
    for (const target of refs) usedBy.set(target, [...(usedBy.get(target) ?? []), file.absolutePath]);
  }
  const queue = [...touched, ...selected];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (seen.has(current)) continue;
    seen.add(current);
    for (const user of usedBy.get(current) ?? []) {
      const file = byAbsolute.get(user);
      if (!file) continue;
      pick(file, `uses ${path.relative(cwd, current).split(path.sep).join('/')}`);
      queue.push(user);
    }
  }

  // A selected Bicep file keeps its .bicepparam files (they give its parameters).
  for (const [file, refs] of references) {
    const entry = byAbsolute.get(file);
    if (entry?.kind === 'bicepparam' && refs.some((ref) => selected.has(ref)) && !selected.has(file))
      pick(entry, 'parameters of a selected Bicep file');
  }

  const files = all.filter((file) => selected.has(file.absolutePath));
  logger.info(
    `${changed.length} changed file(s) in the pull request; ${files.length} template(s) to check${files.length > 0 ? `: ${files.map((f) => `${f.path} (${reasons.get(f.path)})`).join(', ')}` : ''}`,
  );
  return { files, reasons };
}

/** Where the base versions came from. */
export interface BaseTree {
  /** A temporary directory holding the base versions under their repository paths. */
  dir: string;
  source: 'git' | 'api';
}

const TEMPLATE_EXTENSION = /\.(json|jsonc|bicep|bicepparam)$/i;

async function hasCommit(cwd: string, sha: string): Promise<boolean> {
  try {
    await run('git', ['-C', cwd, 'cat-file', '-e', `${sha}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes the template files of the base commit to a temporary directory. From the local git
 * history when the checkout has the base commit (through a throw-away index, leaving the
 * checkout untouched); otherwise through the contents API at `base.sha`, fetching the given
 * files and what they refer to. Returns undefined when neither is possible.
 */
export async function materializeBase(options: {
  cwd: string;
  baseSha: string;
  /** Repository-relative paths wanted at base (the API path fetches only these and their references). */
  paths: string[];
  octokit?: GitHubClient;
  owner: string;
  repo: string;
  logger: Logger;
}): Promise<BaseTree | undefined> {
  const { cwd, baseSha, logger } = options;
  const dir = await mkdtemp(path.join(tmpdir(), 'aml-ha-gate-base-'));
  if (await hasCommit(cwd, baseSha)) {
    try {
      const { stdout: top } = await run('git', ['-C', cwd, 'rev-parse', '--show-toplevel']);
      const root = top.trim();
      const prefix = path.relative(root, cwd).split(path.sep).join('/');
      const { stdout } = await run('git', ['-C', root, 'ls-tree', '-r', '-z', '--name-only', baseSha], {
        maxBuffer: 256 * 1024 * 1024,
      });
      const names = stdout
        .split('\0')
        .filter((name) => TEMPLATE_EXTENSION.test(name) && (prefix === '' || name.startsWith(`${prefix}/`)));
      const env = { ...process.env, GIT_INDEX_FILE: path.join(dir, '.aml-ha-gate-index') };
      await run('git', ['-C', root, 'read-tree', baseSha], { env });
      const target = path.join(dir, 'tree') + path.sep;
      await mkdir(target, { recursive: true });
      if (names.length > 0) {
        await new Promise<void>((resolve, reject) => {
          const child = execFile(
            'git',
            ['-C', root, 'checkout-index', '--prefix', target, '--stdin', '-z'],
            { env },
            (error) => (error ? reject(error) : resolve()),
          );
          child.stdin!.end(names.join('\0'));
        });
      }
      logger.debug(`base ${baseSha}: ${names.length} template files from the local git history`);
      return { dir: prefix ? path.join(target, prefix) : target.slice(0, -1), source: 'git' };
    } catch (error) {
      logger.debug(
        `reading base ${baseSha} from git failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (!options.octokit) return undefined;
  const octokit = options.octokit;
  const treeDir = path.join(dir, 'tree');
  const queue = [...options.paths];
  const fetched = new Set<string>();
  let count = 0;
  while (queue.length > 0) {
    const wanted = queue.shift()!.replace(/^\.\//, '');
    if (fetched.has(wanted) || wanted.startsWith('..')) continue;
    fetched.add(wanted);
    const text = await readFileAtCommit(
      octokit,
      { owner: options.owner, repo: options.repo },
      wanted,
      baseSha,
    );
    if (text === undefined) continue;
    const absolute = path.join(treeDir, wanted);
    await mkdir(path.dirname(absolute), { recursive: true });
    await writeFile(absolute, text);
    count++;
    for (const ref of referencedFiles(text, absolute))
      queue.push(path.relative(treeDir, ref).split(path.sep).join('/'));
    if (/\.(json|bicep)$/i.test(wanted) && !/\.parameters\.json$/i.test(wanted)) {
      const parameters = conventionalParametersPath(absolute.replace(/\.bicep$/i, '.json'));
      queue.push(path.relative(treeDir, parameters).split(path.sep).join('/'));
    }
  }
  logger.debug(`base ${baseSha}: ${count} files through the contents API`);
  return { dir: treeDir, source: 'api' };
}

/**
 * One file of a commit through the contents API: its text, or undefined when the path is not a
 * file there (404, a directory, a symlink). A success whose body is not a file object is an
 * UnexpectedResponseError, never "absent".
 */
export async function readFileAtCommit(
  octokit: GitHubClient,
  repository: { owner: string; repo: string },
  file: string,
  ref: string,
): Promise<string | undefined> {
  let data: unknown;
  try {
    ({ data } = await octokit.rest.repos.getContent({ ...repository, path: file, ref }));
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw error;
  }
  if (Array.isArray(data)) return undefined;
  const entry = data as { type?: unknown; content?: unknown; encoding?: unknown } | null;
  if (!entry || typeof entry !== 'object' || typeof entry.type !== 'string')
    throw new UnexpectedResponseError(`the contents of ${file} at ${ref.slice(0, 7)}`, data);
  if (entry.type !== 'file') return undefined;
  if (typeof entry.content !== 'string')
    throw new UnexpectedResponseError(`the contents of ${file} at ${ref.slice(0, 7)}`, data);
  return Buffer.from(entry.content, 'base64').toString('utf8');
}
