/**
 * The workflows users copy from the README, and the repository's own, are valid: each passes
 * actionlint and GitHub's own workflow parser, and action.yml that parser's action-metadata
 * schema (scripts/workflow-lint.ts, also run by
 * `npm run lint`, run here as a child process as CI runs it). What those tools cannot know is
 * checked here: a step using this action passes only inputs action.yml declares (the README refers
 * to the published action, whose metadata actionlint does not have).
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { lintWithTools } from './workflow-lint-run.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const inputs = new Set(
  Object.keys(
    (parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs,
  ),
);

/** The ```yaml blocks of the README that are whole workflows, with the line each starts on. */
function readmeWorkflows(): Array<{ line: number; text: string }> {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)]
    .filter((match) => /^jobs:/m.test(match[1]))
    .map((match) => ({ line: readme.slice(0, match.index).split('\n').length + 1, text: match[1] }));
}

/** Inputs passed to this action (`…/aml-ha-gate@…` or `./`) that action.yml does not declare. */
function undeclaredInputs(text: string): string[] {
  const workflow = parse(text) as { jobs?: Record<string, { steps?: Array<Record<string, unknown>> }> };
  const found: string[] = [];
  for (const [job, { steps = [] }] of Object.entries(workflow.jobs ?? {})) {
    steps.forEach((step, index) => {
      if (typeof step.uses !== 'string' || !/^(\.\/?|[^@]*\/aml-ha-gate@.+)$/.test(step.uses)) return;
      for (const input of Object.keys((step.with as Record<string, unknown>) ?? {}))
        if (!inputs.has(input)) found.push(`${job}.steps[${index}]: the action has no input ${input}`);
    });
  }
  return found;
}

describe('README and repository workflows', () => {
  test('the linters catch a broken workflow (in a file, in a Markdown block) and a broken action.yml, each problem on its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aml-ha-gate-workflow-lint-'));
    const broken = [
      'on: pull_request',
      'permissions:',
      '  pull-request: write',
      'jobs:',
      '  gate:',
      '    steps:',
      '      - uses: contoso/aml-ha-gate@v1',
      '        with: { failon: x }',
      '        permissions: {}',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'broken.yml'), broken);
    writeFileSync(join(dir, 'GUIDE.md'), `# Guide\n\nText.\n\n\`\`\`yaml\n${broken}\`\`\`\n`);
    // action.yml goes through the parser's action-metadata schema: runtimes, required keys, branding.
    writeFileSync(
      join(dir, 'action.yml'),
      'name: x\nruns:\n  using: node22\n  main: dist/index.js\nbranding:\n  icon: shield-x\n  color: pink\nouputs: {}\n',
    );
    const problems = lintWithTools([join(dir, 'broken.yml'), join(dir, 'GUIDE.md'), join(dir, 'action.yml')]);
    const expected = (file: string, offset: number) =>
      expect.arrayContaining([
        `${file}:${3 + offset} actionlint: unknown permission scope "pull-request"`,
        `${file}:${3 + offset} github-parser: Unexpected value 'pull-request'`,
        `${file}:${5 + offset} actionlint: "runs-on" section is missing in job "gate" (syntax-check)`,
        `${file}:${6 + offset} github-parser: Required property is missing: runs-on`,
        `${file}:${9 + offset} actionlint: unexpected key "permissions" for "step" section`,
        `${file}:${9 + offset} github-parser: Unexpected value 'permissions'`,
      ]);
    const short = problems.map((p) => `${basename(p.file)}:${p.line} ${p.tool}: ${p.message.split('. ')[0]}`);
    expect(short).toEqual(expected('broken.yml', 0));
    expect(short).toEqual(expected('GUIDE.md', 5));
    expect(short.filter((line) => line.startsWith('action.yml'))).toEqual([
      "action.yml:3 github-parser: Unexpected value 'node22'",
      "action.yml:6 github-parser: Unexpected value 'shield-x'",
      "action.yml:7 github-parser: Unexpected value 'pink'",
      "action.yml:8 github-parser: Unexpected value 'ouputs'",
      'action.yml:1 github-parser: Required property is missing: description',
    ]);
    expect(undeclaredInputs(broken)).toEqual(['gate.steps[0]: the action has no input failon']);
  });

  test('.github/workflows, the README workflows and action.yml pass actionlint and GitHub’s parser', () => {
    const problems = lintWithTools();
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.tool}]`)).toEqual([]);
  });

  test('the README has its workflows, and they pass this action only the inputs it declares', () => {
    const blocks = readmeWorkflows();
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    expect(
      blocks.flatMap((block) => undeclaredInputs(block.text).map((p) => `line ${block.line}: ${p}`)),
    ).toEqual([]);
  });

  test('the repository workflows pass this action only the inputs it declares', () => {
    const files = readdirSync(join(repoRoot, '.github/workflows')).filter((name) => /\.ya?ml$/.test(name));
    expect(files.length).toBeGreaterThan(0);
    expect(
      files.flatMap((name) =>
        undeclaredInputs(readFileSync(join(repoRoot, '.github/workflows', name), 'utf8')).map(
          (p) => `${name}: ${p}`,
        ),
      ),
    ).toEqual([]);
  });
});
