/**
 * A Bicep CLI that misbehaves (issue 11, point 4), through fake compilers written as small node
 * scripts named `bicep`: one that hangs in a child process (as `az` → python does), one that exits
 * but leaves a grandchild holding stdout open, one that prints without end. Each scan must end with
 * a clear error for that file while the other files are still evaluated, and leave no process of
 * the compiler's behind. No timed assertions: a hang shows as the test's own timeout.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { silentLogger } from '../../src/model.js';
import { discoverTemplates } from '../../src/sources/discover.js';
import { loadTemplates, type LoadOptions } from '../../src/sources/templates.js';
import { repoRoot } from '../helpers/real-bicep.js';
import { DEPLOYMENT_SCHEMA, tempDir, writeTree } from './scan-helper.js';

const isWindows = process.platform === 'win32';
const d = isWindows ? describe.skip : describe;
if (isWindows)
  console.log('misbehaving-compiler tests use POSIX process groups and shebang scripts; skipped on Windows');

const compiled = JSON.stringify({
  $schema: DEPLOYMENT_SCHEMA,
  contentVersion: '1.0.0.0',
  resources: [
    {
      type: 'Microsoft.Storage/storageAccounts',
      apiVersion: '2022-09-01',
      name: 'goodstore',
      location: 'westeurope',
      sku: { name: 'Standard_ZRS' },
      kind: 'StorageV2',
    },
  ],
});

const bicepSource = "resource s 'Microsoft.Storage/storageAccounts@2022-09-01' = {\n  name: 'goodstore'\n}\n";

/** Pids the fake compilers wrote down, so a failing test leaves nothing running. */
const pidFiles: string[] = [];

/** The pids a fake noted, by role (`compiler`, or what the script called its children). */
function pidsIn(file: string, role?: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '))
    .filter(([noted]) => role === undefined || noted === role)
    .map(([, pid]) => Number(pid));
}

/** Alive and not a zombie (a container's pid 1 may never reap the orphans it inherits). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** Waits (without a deadline of its own: the test's timeout is the bound) until the pid is gone. */
async function gone(pid: number): Promise<boolean> {
  while (running(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
  return true;
}

afterEach(() => {
  for (const file of pidFiles.splice(0)) {
    for (const pid of pidsIn(file)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

/**
 * A fake `bicep`: `good.bicep` compiles to `compiled`; any other file runs `script` (node code
 * with `file`, `pids` (a file to append pids to), `spawn` and `compiled` in scope).
 */
function fakeBicep(script: string): { path: string; pids: string } {
  const bin = tempDir('fake-bicep-');
  const pids = path.join(bin, 'pids');
  pidFiles.push(pids);
  writeFileSync(
    path.join(bin, 'bicep'),
    `#!/usr/bin/env node
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const file = process.argv[process.argv.length - 1];
const pids = ${JSON.stringify(pids)};
const compiled = ${JSON.stringify(compiled)};
const note = (role, pid) => fs.appendFileSync(pids, role + ' ' + pid + '\\n');
note('compiler', process.pid);
if (file.endsWith('good.bicep')) { process.stdout.write(compiled); process.exit(0); }
${script}
`,
  );
  chmodSync(path.join(bin, 'bicep'), 0o755);
  return { path: `${bin}${path.delimiter}${path.dirname(process.execPath)}`, pids };
}

/** A node process that sleeps forever, sharing the caller's stdout and stderr. */
const SLEEPER = `[ '-e', 'setInterval(() => {}, 1000)' ]`;

async function scan(
  files: Record<string, string>,
  fakePath: string,
  bicep: LoadOptions['bicep'] = {},
): Promise<Awaited<ReturnType<typeof loadTemplates>>> {
  const dir = writeTree(files);
  const discovered = await discoverTemplates(['.'], dir);
  return loadTemplates(discovered, {
    cwd: dir,
    logger: silentLogger,
    bicep: { ...bicep, env: { PATH: fakePath, HOME: process.env.HOME } },
  });
}

d('a Bicep CLI that misbehaves', () => {
  test('hangs in a child process: the timeout ends the whole process tree and the other files are evaluated', async () => {
    const fake = fakeBicep(`
const child = spawn(process.execPath, ${SLEEPER}, { stdio: 'inherit' });
note('child', child.pid);
setInterval(() => {}, 1000); // waits for its child, as az waits for python
`);
    const { resources, errors } = await scan(
      { 'good.bicep': bicepSource, 'hang.bicep': bicepSource },
      fake.path,
      { timeoutMs: 1500 },
    );
    expect(errors).toEqual([
      {
        file: 'hang.bicep',
        message: expect.stringMatching(
          / build did not finish within 2 s: stopped it and the processes it started$/,
        ),
      },
    ]);
    expect(resources.map((r) => r.name)).toEqual(['goodstore']);
    const child = pidsIn(fake.pids, 'child');
    expect(child).toHaveLength(1);
    for (const pid of [...pidsIn(fake.pids, 'compiler'), ...child]) expect(await gone(pid)).toBe(true);
  });

  test('exits but leaves grandchildren holding stdout: the scan goes on with what it printed', async () => {
    const fake = fakeBicep(`
// A grandchild in the compiler's own group, and one that escaped into a session of its own.
const stay = spawn(process.execPath, ${SLEEPER}, { stdio: 'inherit' });
const escaped = spawn(process.execPath, ${SLEEPER}, { stdio: 'inherit', detached: true });
note('stay', stay.pid);
note('escaped', escaped.pid);
if (file.endsWith('bad.bicep')) {
  process.stderr.write(file + '(4,7) : Error BCP057: The name "nope" does not exist in the current context. [https://aka.ms/bicep/core-diagnostics#BCP057]\\n');
  process.exit(1);
}
process.stdout.write(compiled.replace('goodstore', 'leftstore'), () => process.exit(0));
`);
    const { resources, errors } = await scan(
      { 'good.bicep': bicepSource, 'left.bicep': bicepSource, 'bad.bicep': bicepSource },
      fake.path,
      { concurrency: 1 },
    );
    expect(errors).toEqual([
      {
        file: 'bad.bicep',
        line: 4,
        message:
          'Bicep compile error BCP057: The name "nope" does not exist in the current context. [https://aka.ms/bicep/core-diagnostics#BCP057]',
      },
    ]);
    expect(resources.map((r) => r.name).sort()).toEqual(['goodstore', 'leftstore']);
    // The grandchildren left in the compiler's group are ended with it.
    const inGroup = pidsIn(fake.pids, 'stay');
    expect(inGroup).toHaveLength(2);
    for (const pid of inGroup) expect(await gone(pid)).toBe(true);
  });

  test('prints without end: reading stops at the cap, the error says so, the other files are evaluated', async () => {
    const fake = fakeBicep(`
const block = Buffer.alloc(1 << 20, 'x');
const pour = () => { while (process.stdout.write(block)); process.stdout.once('drain', pour); };
pour();
`);
    const { resources, errors } = await scan(
      { 'good.bicep': bicepSource, 'flood.bicep': bicepSource },
      fake.path,
    );
    expect(errors).toEqual([
      {
        file: 'flood.bicep',
        message: expect.stringMatching(
          / build printed more than 32 MB: stopped reading and ended it \(ARM takes templates up to 4 MB\)$/,
        ),
      },
    ]);
    expect(resources.map((r) => r.name)).toEqual(['goodstore']);
    for (const pid of pidsIn(fake.pids, 'compiler')) expect(await gone(pid)).toBe(true);
  });

  test('a flood on stderr without a diagnostic gives a short error, not the flood', async () => {
    const fake = fakeBicep(`
const block = Buffer.alloc(1 << 20, 'y');
let left = 64;
const pour = () => { while (left > 0) { left--; if (!process.stderr.write(block)) return process.stderr.once('drain', pour); } process.exit(1); };
pour();
`);
    const { resources, errors } = await scan(
      { 'good.bicep': bicepSource, 'noisy.bicep': bicepSource },
      fake.path,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0].file).toBe('noisy.bicep');
    expect(errors[0].message).toMatch(/ failed: y+$/);
    expect(errors[0].message.length).toBeLessThan(1000);
    expect(resources.map((r) => r.name)).toEqual(['goodstore']);
  });

  test('the compiler does not see the runner’s tokens or other variables', async () => {
    // A .bicepparam can read any variable with readEnvironmentVariable(): its value would be posted.
    const fake = fakeBicep(`
const seen = ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'GITHUB_TOKEN', 'AZURE_CLIENT_SECRET', 'SOME_VALUE'].filter((n) => process.env[n] !== undefined);
process.stdout.write(compiled.replace('goodstore', 'env-' + (seen.join('-') || 'clean') + '-' + (process.env.HOME ? 'home' : 'nohome')));
`);
    const dir = writeTree({ 'main.bicep': bicepSource });
    const discovered = await discoverTemplates(['.'], dir);
    const { resources, errors } = await loadTemplates(discovered, {
      cwd: dir,
      logger: silentLogger,
      bicep: {
        env: {
          PATH: fake.path,
          HOME: '/home/runner',
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
          GITHUB_TOKEN: 'ghs_secret',
          AZURE_CLIENT_SECRET: 'client-secret',
          SOME_VALUE: 'x',
        },
      },
    });
    expect(errors).toEqual([]);
    expect(resources.map((r) => r.name)).toEqual(['env-clean-home']);
  });

  test('when the scan is interrupted (Ctrl-C, a cancelled job), the compilers it started end with it', async () => {
    const fake = fakeBicep(`
const child = spawn(process.execPath, ${SLEEPER}, { stdio: 'inherit' });
note('child', child.pid);
setInterval(() => {}, 1000);
`);
    // A scan in a process of its own, compiling with the hanging fake, interrupted once it runs.
    const dir = tempDir('interrupted-');
    const script = path.join(dir, 'scan.mts');
    const module = pathToFileURL(path.join(repoRoot, 'src/sources/bounded-process.ts')).href;
    writeFileSync(
      script,
      `import { runBounded } from ${JSON.stringify(module)};
await runBounded('bicep', ['build', '--stdout', 'hang.bicep'], {
  cwd: ${JSON.stringify(dir)}, env: { PATH: ${JSON.stringify(fake.path)} }, timeoutMs: 600_000, maxStdoutBytes: 1024,
});
`,
    );
    const scan = spawn(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      scan.on('exit', (_code, signal) => resolve(signal)),
    );
    while (pidsIn(fake.pids, 'child').length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    scan.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    for (const pid of [...pidsIn(fake.pids, 'compiler'), ...pidsIn(fake.pids, 'child')]) {
      expect(await gone(pid)).toBe(true);
    }
  });
});
