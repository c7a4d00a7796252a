import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eNode } from '../helpers/e2e-node.js';
import type { LiveWorld } from './live-harness.js';
import { AUDIENCE, CLIENT_ID, TENANT_ID } from './live-harness.js';

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a bundled entry point as a child process of the e2e Node (async, so the fake servers in this process keep answering). */
export function runNode(
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(e2eNode, [entry, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The environment the runner gives a step, minus anything of this machine's GitHub/Azure setup. */
export function baseEnv(world: LiveWorld): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT'];
  const env: NodeJS.ProcessEnv = {};
  for (const name of keep) if (process.env[name] !== undefined) env[name] = process.env[name];
  return {
    ...env,
    NODE_EXTRA_CA_CERTS: world.cert.certPath,
    ACTIONS_ID_TOKEN_REQUEST_URL: world.oidc.url,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: world.oidc.requestToken,
    AZURE_CORE_NO_COLOR: '1',
    NO_COLOR: '1',
  };
}

/** A runner-like step: a workspace dir, $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY files, and every input the action reads. */
export function actionStep(world: LiveWorld, workspace: string, extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'aml-ha-gate-live-e2e-'));
  const output = join(dir, 'github-output');
  const summary = join(dir, 'step-summary.md');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const inputs: Record<string, string> = {
    mode: 'workspace',
    workspace,
    'client-id': CLIENT_ID,
    'tenant-id': TENANT_ID,
    'subscription-id': '',
    'resource-group': '',
    auth: 'auto',
    audience: AUDIENCE,
    cloud: 'AzureCloud',
    'authority-host': world.entra.url,
    'arm-endpoint': world.arm.url,
    'fail-on': 'fail',
    'unknown-as': 'unknown',
    baseline: '',
    config: '',
    comment: 'off',
    'check-run': 'false',
    'check-name': 'AML HA gate',
    'report-file': 'aml-ha-report.json',
    'sarif-file': '',
    scope: 'all',
    templates: '',
    'github-token': '',
    ...extra,
  };
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(world),
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'schedule',
    GITHUB_REPOSITORY: 'contoso/ml-platform',
    GITHUB_WORKSPACE: dir,
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: '42',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: dir,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return {
    dir,
    env,
    outputs: (): Record<string, string> => parseOutputs(readFileSync(output, 'utf8')),
    summary: () => readFileSync(summary, 'utf8'),
  };
}

/** Reads `$GITHUB_OUTPUT` (name<<delimiter … delimiter blocks, or name=value lines). */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[index]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], index + 1);
      outputs[heredoc[1]] = lines.slice(index + 1, end).join('\n');
      index = end;
      continue;
    }
    const pair = /^([^=]+)=(.*)$/.exec(lines[index]);
    if (pair) outputs[pair[1]] = pair[2];
  }
  return outputs;
}
