/**
 * The README's workflows are valid: every ```yaml block with `jobs:` parses, has the shape GitHub
 * accepts (triggers, jobs with runs-on and steps, each step one `uses` or `run`, permission levels
 * read/write/none), and passes this action only inputs action.yml declares.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const repoRoot = resolve(import.meta.dirname, '../..');
const inputs = new Set(
  Object.keys(
    (parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs,
  ),
);

function workflowsIn(markdown: string): string[] {
  return [...markdown.matchAll(/```ya?ml\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .filter((block) => /^jobs:/m.test(block));
}

const PERMISSION_LEVELS = new Set(['read', 'write', 'none']);

/** Problems found in one workflow, as readable strings (empty when valid). */
function problems(text: string): string[] {
  const found: string[] = [];
  let workflow: Record<string, unknown>;
  try {
    workflow = parse(text) as Record<string, unknown>;
  } catch (error) {
    return [`YAML: ${String(error)}`];
  }
  if (!workflow.on) found.push('no on:');
  const checkPermissions = (where: string, permissions: unknown) => {
    if (permissions === undefined) return;
    for (const [scope, level] of Object.entries(permissions as Record<string, unknown>))
      if (!PERMISSION_LEVELS.has(String(level)))
        found.push(`${where}: permission ${scope}: ${String(level)}`);
  };
  checkPermissions('workflow', workflow.permissions);
  const jobs = workflow.jobs as Record<string, Record<string, unknown>> | undefined;
  if (!jobs || Object.keys(jobs).length === 0) found.push('no jobs');
  for (const [name, job] of Object.entries(jobs ?? {})) {
    if (!job['runs-on']) found.push(`${name}: no runs-on`);
    checkPermissions(name, job.permissions);
    const steps = job.steps as Array<Record<string, unknown>> | undefined;
    if (!Array.isArray(steps) || steps.length === 0) found.push(`${name}: no steps`);
    for (const [index, step] of (steps ?? []).entries()) {
      const where = `${name}.steps[${index}]`;
      if (('uses' in step ? 1 : 0) + ('run' in step ? 1 : 0) !== 1)
        found.push(`${where}: needs exactly one of uses/run`);
      const allowed = new Set([
        'uses',
        'run',
        'with',
        'name',
        'id',
        'if',
        'env',
        'shell',
        'continue-on-error',
        'timeout-minutes',
        'working-directory',
      ]);
      for (const key of Object.keys(step)) if (!allowed.has(key)) found.push(`${where}: unknown key ${key}`);
      if (typeof step.uses === 'string' && /aml-ha-gate@/.test(step.uses)) {
        for (const input of Object.keys((step.with as Record<string, unknown>) ?? {}))
          if (!inputs.has(input)) found.push(`${where}: the action has no input ${input}`);
      }
    }
  }
  return found;
}

const sources = [join(repoRoot, 'README.md')];

describe('README workflows', () => {
  test('the checker catches a broken workflow', () => {
    expect(
      problems(
        'on: push\njobs:\n  a:\n    steps:\n      - uses: x/aml-ha-gate@v1\n        with: { failon: x }\n        permissions: {}\n',
      ),
    ).toEqual([
      'a: no runs-on',
      'a.steps[0]: unknown key permissions',
      'a.steps[0]: the action has no input failon',
    ]);
  });

  for (const source of sources) {
    const blocks = workflowsIn(readFileSync(source, 'utf8'));
    (blocks.length > 0 ? test : test.skip)(
      `every workflow in ${source.slice(repoRoot.length + 1)} is valid`,
      () => {
        expect(blocks.map(problems)).toEqual(blocks.map(() => []));
      },
    );
  }
});
