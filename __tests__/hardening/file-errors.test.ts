/**
 * Issue 11, point 8: every file problem is one line naming the file, printed safely: unreadable
 * files and folders (permission denied), hostile names (newlines, control characters, bytes that are
 * not UTF-8) and the CLI's own files (--output, --config, --parameters).
 */
import { describe, expect, test, jest } from '@jest/globals';
import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Report } from '../../src/model.js';
import {
  lrsStorage,
  openTempDir,
  runBundled,
  runInProcess,
  STACK_FRAME,
  template,
  writeFiles,
} from './harness.js';

// Child runs are bounded by their own kill timeout; the test waits for that bound.
jest.setTimeout(120_000);

const posix = process.platform !== 'win32';
const p = posix ? describe : describe.skip;

/**
 * Root reads any file whatever its mode, so permission tests run the bundled CLI as `nobody` when
 * the tests run as root (as in CI containers); as an ordinary user, chmod alone denies.
 */
const asUnprivileged: { uid?: number; gid?: number } =
  process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

p('permission denied', () => {
  test('an unreadable template and an unreadable folder are one line each, and fail the gate', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-eacces-'), {
      'ok.json': template([]),
      'secret.json': template([lrsStorage()]),
      'locked/inner.json': template([lrsStorage()]),
    });
    chmodSync(path.join(dir, 'secret.json'), 0o000);
    chmodSync(path.join(dir, 'locked'), 0o000);
    const run = await runBundled(['scan', '.'], { cwd: dir, ...asUnprivileged });
    chmodSync(path.join(dir, 'locked'), 0o755);
    expect(run.timedOut).toBe(false);
    expect(`${run.stdout}\n${run.stderr}`).not.toMatch(STACK_FRAME);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(1);
    const errorLines = run.stdout.split('\n').filter((line) => /^\s+ERROR\s/.test(line));
    expect(errorLines).toEqual([
      expect.stringMatching(/^\s+ERROR\s+locked: cannot list the folder: permission denied/),
      expect.stringMatching(/^\s+ERROR\s+secret\.json: cannot read the file: permission denied/),
    ]);
  });

  test('an unreadable path given on the command line says so (not "not found")', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-eacces-arg-'), { 'locked/main.json': template([]) });
    chmodSync(path.join(dir, 'locked'), 0o000);
    const run = await runBundled(['scan', 'locked/main.json'], { cwd: dir, ...asUnprivileged });
    chmodSync(path.join(dir, 'locked'), 0o755);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^aml-ha-gate: locked\/main\.json: cannot read the file: permission denied/),
    ]);
  });
});

p('hostile file names', () => {
  test('a newline, a workflow command and an escape sequence in a template name stay on one line, escaped', async () => {
    const dir = openTempDir('aml-ha-gate-names-');
    const name = 'a\n::error file=README.md,line=1::Forged\u001b[32m.json';
    writeFileSync(path.join(dir, name), template([lrsStorage()]));
    const table = await runInProcess(['scan', '.'], dir);
    expect(table.code).toBe(1);
    expect(table.stdout).not.toMatch(/^::/m);
    expect(table.stdout).not.toContain('\u001b');
    expect(table.stdout).toContain('a\\n::error file=README.md,line=1::Forged\\e[32m.json');
    const json = await runInProcess(['scan', '.', '--format', 'json'], dir);
    const report = JSON.parse(json.stdout) as Report;
    // The report's data names the real file; only what prints it escapes.
    expect(report.findings[0].location?.file).toBe(name);
  });

  test('a linked template whose name has control characters is named as it is in the data, escaped on the terminal', async () => {
    const dir = openTempDir('aml-ha-gate-names-link-');
    const main = template([
      {
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2022-09-01',
        name: 'l',
        properties: { mode: 'Incremental', templateLink: { relativePath: 'x\ry.json' } },
      },
    ]);
    writeFiles(dir, { 'main.json': main, 'x\ry.json': '{ "not": json' });
    const run = await runInProcess(['scan', 'main.json', '--format', 'json'], dir);
    const errors = (JSON.parse(run.stdout) as Report).errors ?? [];
    expect(errors).toEqual([
      expect.objectContaining({ file: 'x\ry.json', message: expect.stringMatching(/not valid JSON/) }),
    ]);
    const table = await runInProcess(['scan', 'main.json'], dir);
    expect(table.stdout).not.toContain('\r');
    expect(table.stdout).toMatch(/ERROR\s+x\\ry\.json:1: not valid JSON/);
  });
});

p('the CLI’s own files', () => {
  test('--output into a folder, or under a missing folder, is a usage error naming it, not an internal error', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-output-'), { 'main.json': template([]), 'out/x': '' });
    for (const [output, reason] of [
      ['out', 'is a folder'],
      ['missing/report.json', 'no such folder'],
    ]) {
      const run = await runInProcess(['scan', 'main.json', '--format', 'json', '--output', output], dir);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([
        `aml-ha-gate: ${output}: cannot write the report: ${reason}. Give --output a file path in an existing folder.`,
      ]);
    }
  });

  test('--config naming a folder says it is a folder, --parameters a symbolic link loop says so', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-cliargs-'), { 'main.json': template([]), 'conf/x': '' });
    const config = await runInProcess(['scan', 'main.json', '--config', 'conf'], dir);
    expect(config.code).toBe(2);
    expect(config.stderr.trim()).toMatch(/^aml-ha-gate: conf: .*not a regular file \(a folder\)/);
    symlinkSync('p.json', path.join(dir, 'p.json'));
    const parameters = await runInProcess(['scan', 'main.json', '--parameters', 'p.json'], dir);
    expect(parameters.code).toBe(2);
    expect(parameters.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^aml-ha-gate: p\.json: cannot read the file: symbolic link loop/),
    ]);
  });

  test('a scanned path that goes through a file (ENOTDIR) names the path and the reason', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-notdir-'), { 'file.json': template([]) });
    mkdirSync(path.join(dir, 'sub'));
    expect(readdirSync(dir)).toContain('file.json');
    const run = await runInProcess(['scan', 'file.json/inner.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(
      /^aml-ha-gate: file\.json\/inner\.json: cannot read the file: a part of the path is a file, not a folder/,
    );
  });
});
