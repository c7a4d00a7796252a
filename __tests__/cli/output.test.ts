/**
 * The terminal output of `aml-ha-gate scan` on big repositories: only the statuses asked for
 * (the rest counted), lines fitted to the terminal, colour only where it belongs, a progress line
 * only on a terminal's stderr, and workspaces grouped by readable names.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type CliIo, terminalWidth, useColor } from '../../src/cli/io.js';
import { ProgressLine } from '../../src/cli/progress.js';
import { findBicepCli } from '../../src/sources/bicep-cli.js';
import { runCli } from '../../src/cli/run-cli.js';
import { displayName } from '../../src/report/names.js';
import { wrap } from '../../src/report/table.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const ESC = '\u001b';

async function run(args: string[], io: Partial<CliIo> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: {},
    cwd: repoRoot,
    isTty: false,
    ...io,
  });
  return { code, stdout, stderr };
}

describe('--show', () => {
  test('lists only the statuses asked for and counts the others per workspace', async () => {
    const all = await run(['scan', 'examples', '--fail-on', 'never']);
    const shown = await run(['scan', 'examples', '--fail-on', 'never', '--show', 'fail,warn']);
    expect(shown.code).toBe(0);
    expect(all.stdout).toMatch(/^ {2}PASS /m);
    expect(shown.stdout).not.toMatch(/^ {2}(PASS|INFO|UNKNOWN) /m);
    expect(shown.stdout).toMatch(/^ {2}FAIL /m);
    expect(shown.stdout).toMatch(/^ {2}\+ \d+ pass, \d+ info not shown$/m);
    // The example that follows the article has nothing but passes and info: one line says so.
    expect(shown.stdout).toMatch(
      /1 more group of findings \(\d+ pass, \d+ info\) not shown: nothing of fail, warn in them/,
    );
    expect(shown.stdout).not.toContain('workspace mlws-prod');
    expect(shown.stdout.split('\n').length).toBeLessThan(all.stdout.split('\n').length);
    // The summary line still counts everything.
    expect(shown.stdout.split('\n')[0]).toBe(all.stdout.split('\n')[0]);
  });

  test('all (or no --show) lists every status; a status that does not exist is a usage error', async () => {
    expect((await run(['scan', 'examples', '--show', 'all', '--fail-on', 'never'])).stdout).toBe(
      (await run(['scan', 'examples', '--fail-on', 'never'])).stdout,
    );
    const bad = await run(['scan', 'examples', '--show', 'fail,broken']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "aml-ha-gate: invalid --show 'fail,broken': broken is not a status. Give a comma-separated list of fail, warn, unknown, suppressed, pass, info, or all.\n",
    );
  });
});

describe('fitting the terminal', () => {
  test.each([40, 60, 100, 160])('on a TTY of %i columns no line is wider', async (columns) => {
    const { stdout } = await run(['scan', 'examples', '--fail-on', 'never'], {
      isTty: true,
      columns,
      env: { NO_COLOR: '1' },
    });
    const lines = stdout.trimEnd().split('\n');
    expect(Math.max(...lines.map((line) => [...line].length))).toBeLessThanOrEqual(columns);
    // Nothing is lost: every message word is still there.
    expect(stdout.replace(/\s+/g, ' ')).toContain(
      'Default storage uses Standard_LRS: no zone redundancy. Use Standard_ZRS.',
    );
  });

  test('COLUMNS overrides the terminal’s width; a pipe is not fitted', async () => {
    expect(
      terminalWidth({
        stdout: () => {},
        stderr: () => {},
        env: { COLUMNS: '90' },
        cwd: '.',
        isTty: true,
        columns: 200,
      }),
    ).toBe(90);
    const piped = await run(['scan', 'examples', '--fail-on', 'never'], { isTty: false, columns: 40 });
    expect(Math.max(...piped.stdout.split('\n').map((line) => line.length))).toBeGreaterThan(100);
  });

  test('word wrap breaks at spaces, and inside a word only when the word is longer than a line', () => {
    expect(wrap('one two three four', 10)).toEqual(['one two', 'three four']);
    expect(wrap('a very/long/path/that/does/not/fit x', 12)).toEqual([
      'a',
      'very/long/pa',
      'th/that/does',
      '/not/fit x',
    ]);
  });
});

describe('colour', () => {
  const io = (env: NodeJS.ProcessEnv, isTty: boolean): CliIo => ({
    stdout: () => {},
    stderr: () => {},
    env,
    cwd: '.',
    isTty,
  });
  test.each([
    ['a TTY', {}, true, true],
    ['a pipe', {}, false, false],
    ['NO_COLOR on a TTY', { NO_COLOR: '1' }, true, false],
    ['an empty NO_COLOR', { NO_COLOR: '' }, true, true],
    ['FORCE_COLOR in a pipe', { FORCE_COLOR: '1' }, false, true],
    ['FORCE_COLOR=0 on a TTY', { FORCE_COLOR: '0' }, true, false],
    ['FORCE_COLOR=false on a TTY', { FORCE_COLOR: 'false' }, true, false],
    ['FORCE_COLOR over NO_COLOR', { FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
    ['a dumb terminal', { TERM: 'dumb' }, true, false],
  ])('%s', (_what, env, isTty, expected) => {
    expect(useColor(io(env, isTty))).toBe(expected);
  });

  test('the table has escape codes only when colour is on', async () => {
    expect((await run(['scan', 'examples', '--fail-on', 'never'], { isTty: true })).stdout).toContain(
      `${ESC}[31m`,
    );
    expect((await run(['scan', 'examples', '--fail-on', 'never'], { isTty: false })).stdout).not.toContain(
      ESC,
    );
  });
});

describe('progress', () => {
  test('a progress line on a terminal’s stderr, cleared at the end; none in a pipe', async () => {
    const tty = await run(['scan', 'examples', '--fail-on', 'never'], { stderrIsTty: true });
    expect(tty.stderr).toContain('\revaluating 0/');
    expect(tty.stderr.endsWith(`\r${ESC}[K`)).toBe(true);
    const pipe = await run(['scan', 'examples', '--fail-on', 'never'], { stderrIsTty: false });
    expect(pipe.stderr).toBe('');
    expect(tty.stdout).toBe(pipe.stdout);
  });

  // The scan finds the Bicep CLI on PATH (.ci/run puts the one scripts/install-bicep.sh restores there).
  (findBicepCli({}) ? test : test.skip)('Bicep compilation shows as its own progress', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aml-ha-gate-progress-'));
    writeFileSync(
      join(dir, 'main.bicep'),
      "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'stprogress'\n  location: 'eastus'\n  sku: { name: 'Standard_LRS' }\n  kind: 'StorageV2'\n}\n",
    );
    const { stderr, stdout } = await run(['scan', dir, '--fail-on', 'never'], { stderrIsTty: true });
    expect(stderr).toContain('\rcompiling Bicep 0/1');
    expect(stderr).toContain('\revaluating 0/1 templates');
    expect(stderr.endsWith(`\r${ESC}[K`)).toBe(true);
    expect(stdout).toContain('stprogress');
  });

  test('messages print above the line, which is redrawn; redraws are throttled; long lines are cut', () => {
    let out = '';
    let now = 0;
    const line = new ProgressLine(
      (text) => (out += text),
      true,
      30,
      () => now,
    );
    line.update('evaluating 1/10 templates: a.json');
    expect(out).toBe(`\revaluating 1/10 templates: a…${ESC}[K`);
    out = '';
    now = 50;
    line.update('evaluating 2/10');
    expect(out).toBe('');
    line.print('warning: x\n');
    expect(out).toBe(`\r${ESC}[Kwarning: x\n\revaluating 1/10 templates: a…${ESC}[K`);
    out = '';
    line.clear();
    expect(out).toBe(`\r${ESC}[K`);
    const off = new ProgressLine((text) => (out += text), false);
    out = '';
    off.update('x');
    off.print('y\n');
    expect(out).toBe('y\n');
  });
});

describe('workspaces by readable names', () => {
  test('a compute whose name did not evaluate is grouped under {parameter}, not half an expression', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aml-ha-gate-names-'));
    writeFileSync(
      join(dir, 'compute.json'),
      JSON.stringify({
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        parameters: { workspaceName: { type: 'string' }, computeName: { type: 'string' } },
        resources: [
          {
            type: 'Microsoft.MachineLearningServices/workspaces/computes',
            apiVersion: '2024-04-01',
            name: "[concat(parameters('workspaceName'), '/', parameters('computeName'))]",
            location: 'eastus',
            properties: { computeType: 'AKS' },
          },
        ],
      }),
    );
    const { stdout } = await run(['scan', dir, '--fail-on', 'never']);
    expect(stdout).toContain(
      'workspace {workspaceName}  (name not evaluated: it uses parameter workspaceName)',
    );
    expect(stdout).toContain('{workspaceName}/{computeName} (compute)');
    expect(stdout).not.toContain("workspace [concat(parameters('workspaceName'), '");
  });

  test('a name is read whole or by segments, whichever way it did not evaluate', () => {
    expect(displayName("[concat(parameters('ws'), '/', parameters('compute'))]")).toEqual({
      text: '{ws}/{compute}',
      evaluated: false,
      note: 'name not evaluated: it uses parameters ws, compute',
    });
    expect(displayName("[parameters('ws')]/[format('{0}-aks', parameters('env'))]")).toEqual({
      text: '{ws}/{env}-aks',
      evaluated: false,
      note: 'name not evaluated: it uses parameters ws, env',
    });
    expect(displayName("mlws/[parameters('compute')]").text).toBe('mlws/{compute}');
    expect(displayName('mlws/aks01')).toEqual({ text: 'mlws/aks01', evaluated: true });
    expect(displayName('[[literal]').evaluated).toBe(true);
  });
});
