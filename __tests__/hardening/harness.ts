/**
 * Shared pieces of the hostile-input tests: templates that produce a known finding, the CLI run
 * in-process (`runCli`) and the bundled CLI run as a child process under a memory cap and a kill
 * timeout (a resource bound on the run, not a timed assertion).
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { DEPLOYMENT_SCHEMA, tempDir } from '../arm-template/scan-helper.js';
import { e2eNode } from '../helpers/e2e-node.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const BUNDLED_CLI = path.join(REPO_ROOT, 'dist/cli/index.js');

/** A storage account on Standard_LRS: HA.Storage.Redundancy fails on it, so the gate fails. */
export function lrsStorage(name = 'stscratch'): Record<string, unknown> {
  return {
    type: 'Microsoft.Storage/storageAccounts',
    apiVersion: '2022-09-01',
    name,
    location: 'eastus',
    sku: { name: 'Standard_LRS' },
    kind: 'StorageV2',
  };
}

/** A deployment template as pretty-printed JSON (one key per line, so lines can be found). */
export function template(resources: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    { $schema: DEPLOYMENT_SCHEMA, contentVersion: '1.0.0.0', ...extra, resources },
    null,
    2,
  );
}

/** A deployment resource that links another template. */
export function linkTo(templateLink: Record<string, unknown>, name = 'linked'): Record<string, unknown> {
  return {
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name,
    properties: { mode: 'Incremental', templateLink },
  };
}

/** A fresh folder, readable by every user (the unprivileged child runs need to enter it). */
export function openTempDir(prefix: string): string {
  const dir = tempDir(prefix);
  chmodSync(dir, 0o755);
  return dir;
}

/** Writes files (text) under `dir`, creating folders. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): string {
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `aml-ha-gate …` in this process, through the CLI's own entry point. */
export async function runInProcess(args: string[], cwd: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { NO_COLOR: '1' },
    cwd,
    isTty: false,
  });
  return { code, stdout, stderr };
}

export interface ChildRun extends CliRun {
  signal: NodeJS.Signals | null;
  /** Killed by the kill timeout. */
  timedOut: boolean;
}

const OUTPUT_CAP = 1024 * 1024;

/**
 * The bundled CLI as a child process, the way a user runs it (on `AML_HA_GATE_E2E_NODE` when set,
 * as the end-to-end tests), with its V8 heap capped at
 * `maxOldSpaceMb` and killed (SIGKILL) after `killAfterMs`: a run that hangs or blows up its memory
 * ends as `timedOut` or with a signal / a non-0/1/2 code instead of taking the test machine down.
 */
export function runBundled(
  args: string[],
  options: {
    cwd: string;
    killAfterMs?: number;
    maxOldSpaceMb?: number;
    uid?: number;
    gid?: number;
    env?: NodeJS.ProcessEnv;
  },
): Promise<ChildRun> {
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  };
  if (options.uid !== undefined) spawnOptions.uid = options.uid;
  if (options.gid !== undefined) spawnOptions.gid = options.gid;
  return new Promise((resolve, reject) => {
    const child = spawn(
      e2eNode,
      [`--max-old-space-size=${options.maxOldSpaceMb ?? 512}`, BUNDLED_CLI, ...args],
      spawnOptions,
    );
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      if (stdout.length < OUTPUT_CAP) stdout += chunk.toString('utf8');
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (stderr.length < OUTPUT_CAP) stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.killAfterMs ?? 20_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout, stderr });
    });
  });
}

/** A V8/Node stack frame line (`    at fn (file:1:2)`): never shown to users. */
export const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;
