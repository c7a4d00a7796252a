/**
 * Issue 11, point 2: a linked template, parameters file or Bicep module may only be a regular file
 * inside the repository, of bounded size. `/dev/zero`, a FIFO, a path or symbolic link leading out
 * of the repository are file errors naming the template and line that point there.
 */
import { afterEach, beforeEach, describe, expect, test, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Report } from '../../src/model.js';
import { silentLogger } from '../../src/model.js';
import { discoverTemplates } from '../../src/sources/discover.js';
import { loadTemplates } from '../../src/sources/templates.js';
import { PARAMETERS_SCHEMA, tempDir } from '../arm-template/scan-helper.js';
import {
  linkTo,
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
if (!posix) console.log('FIFO, /dev and symlink tests need a POSIX system; skipped on Windows');

/** The 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

/** A repository folder and, beside it, a folder outside it holding a template with a finding. */
function repoWithOutside(files: Record<string, string>): { repo: string; outside: string } {
  const base = openTempDir('aml-ha-gate-linked-');
  const outside = writeFiles(path.join(base, 'outside'), {
    'secret.json': template([lrsStorage('stoutside')]),
  });
  const repo = writeFiles(path.join(base, 'repo'), files);
  return { repo, outside };
}

p('linked templates and parameters files that point at the machine', () => {
  test('relativePath to /dev/zero and a file: uri to /dev/urandom end as file errors on the linking deployment, within a small heap', async () => {
    const main = template([
      linkTo({ relativePath: '/dev/zero' }, 'zero'),
      linkTo({ uri: 'file:///dev/urandom' }, 'random'),
    ]);
    const dir = writeFiles(openTempDir('aml-ha-gate-dev-'), { 'main.json': main });
    const run = await runBundled(['scan', '.', '--format', 'json'], {
      cwd: dir,
      maxOldSpaceMb: 192,
      killAfterMs: 30_000,
    });
    expect(run.timedOut).toBe(false);
    expect(run.signal).toBeNull();
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    const errors = report.errors ?? [];
    expect(errors).toHaveLength(2);
    for (const [error, name] of [
      [errors[0], 'zero'],
      [errors[1], 'random'],
    ] as const) {
      expect(error.file).toBe('main.json');
      expect(error.line).toBe(lineOf(main, `"name": "${name}"`));
      expect(error.message).toMatch(/outside the repository/);
    }
    expect(errors[0].message).toContain('/dev/zero');
  });

  test('a linked template that is a FIFO inside the repository is refused without waiting for a writer', async () => {
    const main = template([linkTo({ relativePath: 'pipe.json' })]);
    const dir = writeFiles(openTempDir('aml-ha-gate-fifo-'), { 'main.json': main });
    execFileSync('mkfifo', [path.join(dir, 'pipe.json')]);
    const run = await runBundled(['scan', 'main.json', '--format', 'json'], {
      cwd: dir,
      killAfterMs: 20_000,
    });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    const errors = (JSON.parse(run.stdout) as Report).errors ?? [];
    expect(errors).toEqual([
      expect.objectContaining({
        file: 'main.json',
        message: expect.stringMatching(/pipe\.json.*not a regular file/),
      }),
    ]);
  });

  test('a parameters file beside the template that links to /dev/zero is refused, not read', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-params-'), { 'main.json': template([lrsStorage()]) });
    symlinkSync('/dev/zero', path.join(dir, 'main.parameters.json'));
    const run = await runBundled(['scan', 'main.json', '--format', 'json'], { cwd: dir, maxOldSpaceMb: 192 });
    expect(run.timedOut).toBe(false);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    const errors = (JSON.parse(run.stdout) as Report).errors ?? [];
    expect(errors).toEqual([
      expect.objectContaining({
        file: 'main.parameters.json',
        message: expect.stringMatching(/symbolic link to \/dev\/zero, outside the repository/),
      }),
    ]);
  });
});

p('linked files outside the repository', () => {
  test('relativePath climbing out of the repository is a file error and the outside template is not evaluated', async () => {
    const main = template([lrsStorage(), linkTo({ relativePath: '../outside/secret.json' })]);
    const { repo } = repoWithOutside({ 'main.json': main });
    const run = await runInProcess(['scan', '.', '--format', 'json'], repo);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.map((f) => f.resource.name)).toEqual(['stscratch']);
    expect(report.errors).toEqual([
      {
        file: 'main.json',
        line: lineOf(main, '"name": "linked"'),
        message: expect.stringMatching(
          /^linked file \/.*\/outside\/secret\.json is outside the repository .*: only files inside it are read\. /,
        ),
      },
    ]);
  });

  test('a symbolic link inside the repository to a template outside it is refused', async () => {
    const main = template([linkTo({ relativePath: 'nested/link.json' })]);
    const { repo, outside } = repoWithOutside({ 'main.json': main });
    mkdirSync(path.join(repo, 'nested'));
    symlinkSync(path.join(outside, 'secret.json'), path.join(repo, 'nested/link.json'));
    const files = await discoverTemplates(['main.json'], repo);
    const result = await loadTemplates(files, { cwd: repo, logger: silentLogger });
    expect(result.resources.map((r) => r.name)).toEqual(['linked']);
    expect(result.errors).toEqual([
      expect.objectContaining({
        file: 'main.json',
        message: expect.stringMatching(
          /nested\/link\.json is a symbolic link to .*outside\/secret\.json, outside the repository/,
        ),
      }),
    ]);
  });

  test('a parametersLink outside the repository is refused', async () => {
    const base = openTempDir('aml-ha-gate-plink-');
    writeFiles(base, {
      'outside/p.json': JSON.stringify({
        $schema: PARAMETERS_SCHEMA,
        parameters: { sku: { value: 'Standard_LRS' } },
      }),
    });
    const linked = template([{ ...lrsStorage(), sku: { name: "[parameters('sku')]" } }], {
      parameters: { sku: { type: 'string', defaultValue: 'Standard_ZRS' } },
    });
    const main = template([
      {
        ...linkTo({ relativePath: 'linked.json' }),
        properties: {
          mode: 'Incremental',
          templateLink: { relativePath: 'linked.json' },
          parametersLink: { relativePath: '../outside/p.json' },
        },
      },
    ]);
    const repo = writeFiles(path.join(base, 'repo'), { 'main.json': main, 'linked.json': linked });
    const result = await loadTemplates(await discoverTemplates(['.'], repo), {
      cwd: repo,
      logger: silentLogger,
    });
    expect(result.errors).toEqual([
      expect.objectContaining({
        file: 'main.json',
        message: expect.stringMatching(/outside the repository/),
      }),
    ]);
  });

  test('a template link published on the web never maps to a file outside the repository', async () => {
    const main = template([
      linkTo({ uri: 'https://raw.githubusercontent.com/o/r/main/..%2F..%2Foutside%2Fsecret.json' }),
    ]);
    const { repo } = repoWithOutside({ 'main.json': main });
    const warnings: string[] = [];
    const result = await loadTemplates(await discoverTemplates(['.'], repo), {
      cwd: repo,
      logger: { ...silentLogger, warning: (message) => warnings.push(message) },
    });
    expect(result.resources.map((r) => r.name)).not.toContain('stoutside');
    expect(warnings.join('\n')).toMatch(/not a file in the scanned folder/);
  });

  test('a linked template over the size limit is refused before it is read (generated as a sparse file)', async () => {
    const main = template([linkTo({ relativePath: 'huge.json' })]);
    const dir = writeFiles(tempDir('aml-ha-gate-huge-'), { 'main.json': main, 'huge.json': '' });
    truncateSync(path.join(dir, 'huge.json'), 17 * 1024 * 1024);
    const result = await loadTemplates(await discoverTemplates(['main.json'], dir), {
      cwd: dir,
      logger: silentLogger,
    });
    expect(result.errors).toEqual([
      expect.objectContaining({
        file: 'main.json',
        message: expect.stringMatching(
          /huge\.json is 17\.0 MiB, over the 16 MiB limit .*learn\.microsoft\.com/,
        ),
      }),
    ]);
  });
});

const isWindows = process.platform === 'win32';
const b = isWindows ? describe.skip : describe;

b('Bicep module and using paths are checked before the compiler runs', () => {
  let savedPath: string | undefined;
  beforeEach(() => {
    savedPath = process.env.PATH;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  /** A fake `bicep` on PATH that records each call in `calls.log` and compiles to an empty template. */
  function fakeBicep(log: string): void {
    const bin = tempDir('fake-bicep-');
    const file = path.join(bin, 'bicep');
    writeFileSync(
      file,
      `#!/usr/bin/env node\nrequire('fs').appendFileSync(${JSON.stringify(log)}, process.argv.slice(2).join(' ') + '\\n');\nprocess.stdout.write(${JSON.stringify(template([]))});\n`,
    );
    chmodSync(file, 0o755);
    process.env.PATH = `${bin}${path.delimiter}${path.dirname(process.execPath)}`;
  }

  test('module paths outside the repository, to devices or through outside links are file errors on their line; the compiler is not run', async () => {
    const base = tempDir('aml-ha-gate-bicep-');
    const log = path.join(base, 'calls.log');
    fakeBicep(log);
    writeFiles(base, { 'outside/evil.bicep': "param x string = 'x'\n" });
    const main = [
      "param location string = 'eastus'", // 1
      "module ok 'modules/ok.bicep' = {", // 2
      "  name: 'ok'", // 3
      '}', // 4
      "module evil '../outside/evil.bicep' = {", // 5
      "  name: 'evil'", // 6
      '}', // 7
      "module zero '/dev/zero' = {", // 8
      "  name: 'zero'", // 9
      '}', // 10
      "var text = loadTextContent('../outside/evil.bicep')", // 11
    ].join('\n');
    const repo = writeFiles(path.join(base, 'repo'), {
      'main.bicep': main,
      'modules/ok.bicep': 'param y string\n',
    });
    const result = await loadTemplates(await discoverTemplates(['.'], repo), {
      cwd: repo,
      logger: silentLogger,
    });
    expect(existsSync(log)).toBe(false);
    expect(result.errors.map((e) => [e.file, e.line])).toEqual([
      ['main.bicep', 5],
      ['main.bicep', 8],
      ['main.bicep', 11],
    ]);
    expect(result.errors[0].message).toMatch(/\.\.\/outside\/evil\.bicep is outside the repository/);
    expect(result.errors[1].message).toMatch(/\/dev\/zero is outside the repository/);
  });

  test('references split over lines, behind comments, in multi-line strings or through an escaped ${ are checked too', async () => {
    const base = tempDir('aml-ha-gate-bicep-');
    const log = path.join(base, 'calls.log');
    fakeBicep(log);
    writeFiles(base, { 'outside/evil.bicep': "param x string = 'x'\n" });
    const main = [
      'import {', // 1
      '  shared', // 2
      "} from '../outside/evil.bicep'", // 3
      'var a = loadTextContent(', // 4
      "  '../outside/evil.bicep'", // 5
      ')', // 6
      "var b = sys.loadFileAsBase64(/* a comment */ '''/dev/zero''')", // 7
      "module m /* a comment */ 'link\\${x}/evil.bicep' = {", // 8
      "  name: 'm'", // 9
      '}', // 10
      "// module c '../outside/evil.bicep' = {", // 11: a comment, not read by the compiler
      "var s = 'module x \\'../outside/evil.bicep\\''", // 12: text, not a reference
    ].join('\n');
    const repo = writeFiles(path.join(base, 'repo'), { 'main.bicep': main });
    symlinkSync('../outside', path.join(repo, 'link${x}'));
    const result = await loadTemplates(await discoverTemplates(['main.bicep'], repo), {
      cwd: repo,
      logger: silentLogger,
    });
    expect(existsSync(log)).toBe(false);
    expect(result.errors.map((e) => [e.file, e.line])).toEqual([
      ['main.bicep', 3],
      ['main.bicep', 5],
      ['main.bicep', 7],
      ['main.bicep', 8],
    ]);
    expect(result.errors[3].message).toMatch(/link\$\{x\}\/evil\.bicep .*outside the repository/);
  });

  test('a .bicepparam whose using leads out of the repository is refused; its template still compiles', async () => {
    const base = tempDir('aml-ha-gate-bicepparam-');
    const log = path.join(base, 'calls.log');
    fakeBicep(log);
    writeFiles(base, { 'outside/main.bicep': 'param x string\n' });
    const repo = writeFiles(path.join(base, 'repo'), {
      'main.bicep': 'param x string\n',
      'main.bicepparam': "using './main.bicep'\nparam x = 'a'\n",
    });
    symlinkSync('../outside', path.join(repo, 'shared'));
    writeFiles(repo, { 'other.bicepparam': "using 'shared/main.bicep'\nparam x = 'b'\n" });
    const result = await loadTemplates(await discoverTemplates(['main.bicep', 'other.bicepparam'], repo), {
      cwd: repo,
      logger: silentLogger,
    });
    expect(result.errors).toEqual([
      expect.objectContaining({
        file: 'other.bicepparam',
        line: 1,
        message: expect.stringMatching(
          /shared\/main\.bicep (is|leads through) a symbolic link to .*outside\/main\.bicep, outside the repository/,
        ),
      }),
    ]);
    expect(existsSync(log)).toBe(true);
  });
});

p('Terraform: the plan and the .tf files read for lines', () => {
  const example = path.join(import.meta.dirname, '../../examples/terraform-workspace');

  test('a .tf beside the plan that is a FIFO or a link to /dev/zero is not read; the plan still counts, with its lines', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-tf-'), {
      'plan.json': readFileSync(path.join(example, 'plan.json'), 'utf8'),
      'main.tf': readFileSync(path.join(example, 'main.tf'), 'utf8'),
    });
    execFileSync('mkfifo', [path.join(dir, 'pipe.tf')]);
    symlinkSync('/dev/zero', path.join(dir, 'zero.tf'));
    const run = await runBundled(['scan', 'plan.json', '--format', 'json'], {
      cwd: dir,
      killAfterMs: 20_000,
      maxOldSpaceMb: 192,
    });
    expect(run.timedOut).toBe(false);
    expect(run.signal).toBeNull();
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors ?? []).toEqual([]);
    const located = report.findings.filter((f) => f.location?.file === 'main.tf' && f.location.line);
    expect(located.length).toBeGreaterThan(0);
  });

  test('a plan over the plan size limit is a file error naming the limit, not read (a sparse file)', async () => {
    const dir = openTempDir('aml-ha-gate-tf-big-');
    writeFileSync(path.join(dir, 'plan.json'), '{"format_version":"1.2","terraform_version":"1.9.0",');
    truncateSync(path.join(dir, 'plan.json'), 300 * 1024 * 1024);
    const run = await runBundled(['scan', 'plan.json', '--format', 'json'], {
      cwd: dir,
      killAfterMs: 20_000,
      maxOldSpaceMb: 192,
    });
    expect(run.timedOut).toBe(false);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as Report).errors).toEqual([
      expect.objectContaining({
        file: 'plan.json',
        message: expect.stringMatching(/300\.0 MiB, over the 256 MiB limit/),
      }),
    ]);
  });
});
