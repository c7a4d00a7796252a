/**
 * Runs the bundled action (dist/index.js) as the runner runs it: INPUT_* variables with every
 * default of action.yml, an event file, $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY files,
 * GITHUB_API_URL pointing at a fake GitHub REST server on 127.0.0.1, in a git fixture. Shared by
 * the end-to-end tests and the GitHub-outage benchmark.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import type { Report } from '../../src/model.js';
import type { FakeGitHub, PullFile } from '../helpers/fake-github.js';
import type { GitFixture } from './git-fixture.js';
import { e2eNode } from '../helpers/e2e-node.js';

export const repoRoot = resolve(import.meta.dirname, '../..');
// AML_HA_GATE_ACTION_ENTRY runs another build of the action (e.g. one bundled into a temp dir).
export const actionEntry = process.env.AML_HA_GATE_ACTION_ENTRY ?? join(repoRoot, 'dist/index.js');

export const TOKEN = 'ghs_e2eFakeToken000000000000000000000';
export const MERGE_SHA = 'e'.repeat(40);
export const PR = 7;

/** Every input with its action.yml default, as the runner passes them (hyphens kept). */
export function defaultInputs(): Record<string, string> {
  const manifest = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(
    Object.entries(manifest.inputs).map(([name, input]) => [
      name,
      String(input.default ?? '').replace('${{ github.token }}', TOKEN),
    ]),
  );
}

/**
 * The PR's files as the pulls/files API lists them, from `git diff` between base and head, each
 * with its `patch` (the diff's hunks, without the file header, as GitHub gives it).
 */
export function pullFiles(repo: GitFixture, baseSha = repo.baseSha): PullFile[] {
  const lines = repo.git('diff', '--name-status', '-M', baseSha, repo.headSha).split('\n').filter(Boolean);
  const patch = (...paths: string[]) => {
    const diff = repo.git('diff', '-M', baseSha, repo.headSha, '--', ...paths);
    const start = diff.indexOf('\n@@');
    return start === -1 ? undefined : diff.slice(start + 1);
  };
  return lines.map((line) => {
    const [status, first, second] = line.split('\t');
    if (status.startsWith('R'))
      return { filename: second, status: 'renamed', previous_filename: first, patch: patch(first, second) };
    return {
      filename: first,
      status: status === 'A' ? 'added' : status === 'D' ? 'removed' : 'modified',
      patch: patch(first),
    };
  });
}

export interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  report?: Report;
  /** Wall time of the step, in milliseconds. */
  ms: number;
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      outputs[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    }
  }
  return outputs;
}

export interface StepOptions {
  inputs?: Record<string, string>;
  event?: string;
  baseSha?: string;
  eventPayload?: unknown;
  /** The step is killed after this long (default 90 s). */
  killAfterMs?: number;
}

/**
 * The step's options for `mode: publish` run by a `workflow_run` event of the pull request's
 * workflow (the fork-safe second workflow); `run` adds fields to the event's `workflow_run`.
 */
export function publishOptions(repo: GitFixture, run: Record<string, unknown> = {}): StepOptions {
  return {
    inputs: { mode: 'publish' },
    event: 'workflow_run',
    eventPayload: {
      workflow_run: {
        id: 99,
        head_sha: repo.headSha,
        event: 'pull_request',
        pull_requests: [{ number: PR, head: { sha: repo.headSha } }],
        ...run,
      },
    },
  };
}

/** The pull_request event payload of PR #7 of contoso/ml-infra at the fixture's head. */
export function pullRequestEvent(repo: GitFixture, baseSha = repo.baseSha): unknown {
  return {
    action: 'synchronize',
    number: PR,
    pull_request: {
      number: PR,
      head: { sha: repo.headSha, repo: { full_name: 'contoso/ml-infra' } },
      base: { sha: baseSha, repo: { full_name: 'contoso/ml-infra' } },
    },
  };
}

export async function runStep(
  repo: GitFixture,
  server: FakeGitHub,
  options: StepOptions = {},
): Promise<StepRun> {
  const runner = mkdtempSync(join(tmpdir(), 'aml-ha-gate-runner-'));
  const eventPath = join(runner, 'event.json');
  const outputPath = join(runner, 'output');
  const summaryPath = join(runner, 'summary.md');
  writeFileSync(eventPath, JSON.stringify(options.eventPayload ?? pullRequestEvent(repo, options.baseSha)));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event ?? 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'contoso/ml-infra',
    GITHUB_SHA: MERGE_SHA,
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_API_URL: server.url,
    GITHUB_WORKSPACE: repo.dir,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: runner,
  };
  for (const [name, value] of Object.entries({ ...defaultInputs(), ...options.inputs }))
    env[`INPUT_${name.toUpperCase()}`] = value;
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (done, fail) => {
      const child = spawn(e2eNode, [actionEntry], {
        cwd: repo.dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 90_000);
      child.on('error', fail);
      child.on('close', (exit) => {
        clearTimeout(timer);
        done({ code: exit, stdout: out, stderr: err });
      });
    },
  );
  const ms = performance.now() - started;
  const reportFile = join(repo.dir, options.inputs?.['report-file'] ?? 'aml-ha-report.json');
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputPath, 'utf8')),
    summary: readFileSync(summaryPath, 'utf8'),
    report: existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as Report) : undefined,
    ms,
  };
}

/** The `::warning::` lines of a step's log, unescaped. */
export function warningLines(run: StepRun): string[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::warning::'))
    .map((line) =>
      line.slice('::warning::'.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'),
    );
}
