/**
 * Fills the real-world cache from local git snapshots (bare git directories, as the `fetch` tool
 * leaves them under `/work/.mirror/<owner>+<name>/repo`): for each set, the recorded files at the
 * recorded commit, plus the parameter values of the manifest written as the entry's conventional
 * parameters file. Nothing here reaches the network.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { conventionalParameters, type SetSpec } from './manifest.js';

export const PROVENANCE_FILE = '.provenance.json';
const PARAMETERS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';

/** What the cache records about one set, so the harness can tell a stale copy. */
export interface Provenance {
  id: string;
  repo: string;
  commit: string;
  files: string[];
  /** Hash of what decides the cached content (repo, commit, files, entries and their parameters). */
  contentKey: string;
}

export function contentKey(set: SetSpec): string {
  const decides = { repo: set.repo, commit: set.commit, files: set.files, entries: set.entries };
  return createHash('sha256').update(JSON.stringify(decides)).digest('hex').slice(0, 16);
}

function isGitDir(dir: string): boolean {
  try {
    return statSync(path.join(dir, 'objects')).isDirectory() && existsSync(path.join(dir, 'HEAD'));
  } catch {
    return false;
  }
}

/**
 * The git directory of `owner/name` under one of the given folders: `<dir>/<owner>+<name>/repo`
 * (the `fetch` tool's layout), `<dir>/<owner>+<name>`, `<dir>/<owner>/<name>(.git)`, or a folder
 * given directly whose path names the repository.
 */
export function findGitDir(repo: string, dirs: string[]): string | undefined {
  const [owner, name] = repo.split('/');
  for (const dir of dirs) {
    const candidates = [
      path.join(dir, `${owner}+${name}`, 'repo'),
      path.join(dir, `${owner}+${name}`),
      path.join(dir, owner!, name!),
      path.join(dir, owner!, `${name}.git`),
      path.join(dir, '.git'),
      dir,
    ];
    for (const candidate of candidates) {
      if (!isGitDir(candidate)) continue;
      if (candidate === dir || candidate === path.join(dir, '.git')) {
        // A directly given git dir counts only when its path names the repository.
        if (
          !dir.toLowerCase().includes(`${owner}+${name}`.toLowerCase()) &&
          !dir.toLowerCase().includes(name!.toLowerCase())
        )
          continue;
      }
      return candidate;
    }
  }
  return undefined;
}

function git(gitDir: string, args: string[]): Buffer {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { maxBuffer: 256 * 1024 * 1024 });
}

/** The files a `files` entry names at the commit: the file itself, or every file under a folder. */
function expand(gitDir: string, commit: string, entry: string): string[] {
  if (entry.endsWith('/')) {
    const listed = git(gitDir, ['ls-tree', '-r', '--name-only', commit, '--', entry])
      .toString('utf8')
      .split('\n')
      .filter(Boolean);
    if (listed.length === 0) throw new Error(`no files under ${entry} at ${commit}`);
    return listed;
  }
  return [entry];
}

export interface CacheResult {
  id: string;
  status: 'copied' | 'up to date' | 'missing repository';
  files: number;
  message?: string;
}

/** Copies one set into `<root>/<id>`, unless the cache already holds it at the same content key. */
export function cacheSet(set: SetSpec, root: string, mirrorDirs: string[], force = false): CacheResult {
  const target = path.join(root, set.id);
  const key = contentKey(set);
  const provenancePath = path.join(target, PROVENANCE_FILE);
  if (!force && existsSync(provenancePath)) {
    const recorded = JSON.parse(readFileSync(provenancePath, 'utf8')) as Provenance;
    if (recorded.contentKey === key)
      return { id: set.id, status: 'up to date', files: recorded.files.length };
  }
  const gitDir = findGitDir(set.repo, mirrorDirs);
  if (!gitDir) {
    return {
      id: set.id,
      status: 'missing repository',
      files: 0,
      message: `no git snapshot of ${set.repo} under ${mirrorDirs.join(', ') || '(no folder given)'}`,
    };
  }
  try {
    git(gitDir, ['cat-file', '-e', `${set.commit}^{commit}`]);
  } catch {
    return {
      id: set.id,
      status: 'missing repository',
      files: 0,
      message: `${gitDir} does not hold commit ${set.commit} of ${set.repo}`,
    };
  }
  rmSync(target, { recursive: true, force: true });
  const files = set.files.flatMap((entry) => expand(gitDir, set.commit, entry));
  for (const file of files) {
    const destination = path.join(target, file);
    mkdirSync(path.dirname(destination), { recursive: true });
    writeFileSync(destination, git(gitDir, ['show', `${set.commit}:${file}`]));
  }
  for (const entry of set.entries) {
    if (!entry.parameters) continue;
    const destination = path.join(target, conventionalParameters(entry.template));
    if ('file' in entry.parameters) {
      // A .bicepparam file is scanned as it is (it names its template with `using`).
      if (entry.parameters.file.toLowerCase().endsWith('.bicepparam')) continue;
      if (entry.parameters.file === conventionalParameters(entry.template)) continue;
      writeFileSync(destination, git(gitDir, ['show', `${set.commit}:${entry.parameters.file}`]));
    } else {
      const parameters = Object.fromEntries(
        Object.entries(entry.parameters.values).map(([name, value]) => [name, { value }]),
      );
      const document = { $schema: PARAMETERS_SCHEMA, contentVersion: '1.0.0.0', parameters };
      writeFileSync(destination, `${JSON.stringify(document, null, 2)}\n`);
    }
  }
  const provenance: Provenance = { id: set.id, repo: set.repo, commit: set.commit, files, contentKey: key };
  writeFileSync(provenancePath, `${JSON.stringify(provenance, null, 2)}\n`);
  return { id: set.id, status: 'copied', files: files.length };
}

/** Whether the cache holds this set as the manifest describes it now. */
export function cachedState(set: SetSpec, root: string): 'ok' | 'absent' | 'stale' {
  const provenancePath = path.join(root, set.id, PROVENANCE_FILE);
  if (!existsSync(provenancePath)) return 'absent';
  const recorded = JSON.parse(readFileSync(provenancePath, 'utf8')) as Provenance;
  return recorded.contentKey === contentKey(set) ? 'ok' : 'stale';
}
