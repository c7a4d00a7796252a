/**
 * End to end: the bundled action (dist/index.js) on a pull request that changes Terraform code,
 * with the plan JSON an earlier step wrote (`terraform show -json tfplan > infra/plan.json`, not
 * committed) named by the `terraform-plan` input. Run as the runner runs it, against the fake
 * GitHub server on 127.0.0.1. Run `npm run bundle` first.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { Report } from '../../src/model.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';
import { buildPlan } from '../terraform/plan-builder.js';
import { examplePlan } from '../terraform/scenarios.js';
import { createGitFixture, type GitFixture } from './git-fixture.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const action = process.env.AML_HA_GATE_ACTION_ENTRY ?? join(repoRoot, 'dist/index.js');
const bundled = existsSync(action) && readFileSync(action, 'utf8').includes('terraform-plan');
if (!bundled) console.warn('Terraform e2e skipped: dist/index.js is missing or stale: run npm run bundle');
const d = bundled ? describe : describe.skip;

const TOKEN = 'ghs_e2eFakeToken000000000000000000000';
const PR = 12;
const exampleTf = readFileSync(join(repoRoot, 'examples/terraform-workspace/main.tf'), 'utf8');

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

function inputs(extra: Record<string, string>): Record<string, string> {
  const manifest = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const values = Object.fromEntries(
    Object.entries(manifest.inputs).map(([name, input]) => [
      name,
      String(input.default ?? '').replace('${{ github.token }}', TOKEN),
    ]),
  );
  return { ...values, ...extra };
}

async function runAction(repo: GitFixture, server: FakeGitHub, extra: Record<string, string>) {
  const runner = mkdtempSync(join(tmpdir(), 'aml-ha-gate-runner-'));
  const event = join(runner, 'event.json');
  const output = join(runner, 'output');
  writeFileSync(
    event,
    JSON.stringify({
      number: PR,
      pull_request: {
        number: PR,
        head: { sha: repo.headSha, repo: { full_name: 'contoso/ml-infra' } },
        base: { sha: repo.baseSha, repo: { full_name: 'contoso/ml-infra' } },
      },
    }),
  );
  writeFileSync(output, '');
  writeFileSync(join(runner, 'summary.md'), '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'contoso/ml-infra',
    GITHUB_SHA: 'e'.repeat(40),
    GITHUB_RUN_ID: '77',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_API_URL: server.url,
    GITHUB_WORKSPACE: repo.dir,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: join(runner, 'summary.md'),
    RUNNER_TEMP: runner,
  };
  for (const [name, value] of Object.entries(inputs(extra))) env[`INPUT_${name.toUpperCase()}`] = value;
  const result = await new Promise<{ code: number | null; stdout: string }>((done, fail) => {
    const child = spawn(process.execPath, [action], {
      cwd: repo.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout });
    });
  });
  const reportFile = join(repo.dir, 'aml-ha-report.json');
  return {
    ...result,
    report: existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as Report) : undefined,
    summary: readFileSync(join(runner, 'summary.md'), 'utf8'),
  };
}

d('the action on a pull request whose Terraform plan makes HA worse (dist/index.js)', () => {
  test('comment, check run with an annotation on the .tf line, failed step', async () => {
    const repo = createGitFixture(
      { 'infra/main.tf': exampleTf.replace('"LRS" # was "ZRS"', '"ZRS"') },
      { 'infra/main.tf': exampleTf },
    );
    cleanups.push(() => repo.cleanup());
    // Written by the workflow's `terraform show -json tfplan > infra/plan.json` step, not committed.
    writeFileSync(join(repo.dir, 'infra/plan.json'), JSON.stringify(buildPlan(examplePlan())));
    const server = await startFakeGitHub({
      pullFiles: { [PR]: [{ filename: 'infra/main.tf', status: 'modified' }] },
    });
    cleanups.push(() => server.close());

    const run = await runAction(repo, server, { 'terraform-plan': 'infra/plan.json' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::AML HA gate Failed: 1 regression/);

    const finding = run.report!.findings.find((f) => f.ruleId === 'HA.Storage.Redundancy')!;
    const line = exampleTf.split('\n').findIndex((text) => text.includes('account_replication_type')) + 1;
    expect(finding).toMatchObject({
      status: 'fail',
      regression: true,
      resource: { name: 'stmlwstf', role: 'defaultStorage', type: 'Microsoft.Storage/storageAccounts' },
      location: { file: 'infra/main.tf', line },
    });

    expect(server.checkRuns).toHaveLength(1);
    expect(server.checkRuns[0]).toMatchObject({ head_sha: repo.headSha, conclusion: 'failure' });
    const annotation = server.checkRuns[0].annotations.find((a) =>
      String(a.title).includes('HA.Storage.Redundancy'),
    );
    expect(annotation).toMatchObject({
      path: 'infra/main.tf',
      start_line: line,
      annotation_level: 'failure',
      title: 'Regression: HA.Storage.Redundancy (fail)',
    });

    const [comment] = [...server.comments.values()];
    expect(comment!.body).toContain('Regressions: new or worse');
    expect(comment!.body).toContain('stmlwstf');
    expect(comment!.body).toContain('Terraform replaces azurerm\\_storage\\_account.ml');
    expect(comment!.body).toContain(`infra/main.tf:${line}`);
    expect(run.summary).toContain('stmlwstf');
  });

  test('a plan path that does not exist fails the step with the fix, before posting anything', async () => {
    const repo = createGitFixture({ 'infra/main.tf': exampleTf }, { 'infra/main.tf': `${exampleTf}\n` });
    cleanups.push(() => repo.cleanup());
    const server = await startFakeGitHub({
      pullFiles: { [PR]: [{ filename: 'infra/main.tf', status: 'modified' }] },
    });
    cleanups.push(() => server.close());
    const run = await runAction(repo, server, { 'terraform-plan': 'infra/plan.json' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error::terraform-plan: infra/plan.json not found. Write the plan JSON in an earlier step',
    );
    expect(server.checkRuns).toHaveLength(0);
  });
});
