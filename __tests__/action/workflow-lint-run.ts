import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Problem } from '../../scripts/workflow-lint.js';

const repoRoot = resolve(import.meta.dirname, '../..');

/**
 * Runs scripts/workflow-lint.ts (actionlint and GitHub's workflow parser) as `npm run lint` does,
 * in a child process from the repository root, and returns its problems. No files = the
 * repository's workflows, README and action.yml.
 */
export function lintWithTools(files: string[] = []): Problem[] {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/workflow-lint.ts', '--json', ...files],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  // Exit status 0 (no problems) or 1 (problems), a JSON array on stdout either way.
  if (run.status !== 0 && run.status !== 1) throw new Error(`workflow lint crashed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Problem[];
}
