import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ChangedFile } from '../sources/changed.js';
import { addedLines } from '../report/suggestions.js';

const run = promisify(execFile);

/**
 * The lines a pull request adds or changes in `paths` (line number at its head → text): from the
 * `patch` of the pulls/files API, or, for a file it gives none for (large diffs, or the list came
 * from git), from `git diff -U0 base...head` in the checkout. A file neither can tell about is left
 * out: no line of it counts as changed.
 */
export async function changedLinesFor(
  paths: readonly string[],
  changed: readonly ChangedFile[] | undefined,
  git: { cwd: string; baseSha: string; headSha: string },
): Promise<Map<string, Map<number, string>>> {
  const result = new Map<string, Map<number, string>>();
  const byPath = new Map((changed ?? []).map((file) => [file.path, file]));
  for (const path of new Set(paths)) {
    const file = byPath.get(path);
    if (changed && !file) continue; // the pull request does not change it
    if (file?.status === 'removed') continue;
    if (file?.patch !== undefined) {
      result.set(path, addedLines(file.patch));
      continue;
    }
    const diff = await gitDiff(git, path);
    if (diff !== undefined) result.set(path, addedLines(diff));
  }
  return result;
}

async function gitDiff(
  git: { cwd: string; baseSha: string; headSha: string },
  path: string,
): Promise<string | undefined> {
  try {
    const { stdout } = await run(
      'git',
      [
        '-C',
        git.cwd,
        'diff',
        '-U0',
        '--no-color',
        '--no-ext-diff',
        '--no-renames',
        `${git.baseSha}...${git.headSha}`,
        '--',
        path,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  } catch {
    return undefined;
  }
}
