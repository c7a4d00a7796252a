/**
 * Issue 11, point 11 (discovery): a pull request must not pass the gate by hiding a template. A
 * file that looks like a template and cannot be evaluated is a file error; other JSON files of the
 * repository (package.json, tsconfig.json, data) are not.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Report } from '../../src/model.js';
import { silentLogger } from '../../src/model.js';
import { selectChangedTemplates } from '../../src/sources/changed.js';
import { discoverTemplates } from '../../src/sources/discover.js';
import { DEPLOYMENT_SCHEMA } from '../arm-template/scan-helper.js';
import { lrsStorage, openTempDir, runInProcess, template, writeFiles } from './harness.js';

const posix = process.platform !== 'win32';
const p = posix ? describe : describe.skip;

async function scanJson(dir: string, args: string[] = ['.']) {
  const run = await runInProcess(['scan', ...args, '--format', 'json'], dir);
  const report = run.stdout ? (JSON.parse(run.stdout) as Report) : undefined;
  return { ...run, report };
}

function failures(report: Report | undefined): string[] {
  return (report?.findings ?? [])
    .filter((f) => f.status === 'fail')
    .map((f) => `${f.ruleId} ${f.resource.name} ${f.location?.file}`);
}

p('symbolic links', () => {
  test('a template replaced by a link to a template elsewhere in the repository is followed and evaluated', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-link-'), { 'dist/real.json': template([lrsStorage()]) });
    symlinkSync('dist/real.json', path.join(dir, 'main.json'));
    const { code, report } = await scanJson(dir);
    expect(code).toBe(1);
    expect(failures(report)).toEqual(['HA.Storage.Redundancy stscratch main.json']);
    expect(report?.errors ?? []).toEqual([]);
  });

  test('a link and its target in the repository are evaluated once, under the target path', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-link-'), { 'z-real.json': template([lrsStorage()]) });
    symlinkSync('z-real.json', path.join(dir, 'a-link.json'));
    const files = await discoverTemplates(['.'], dir);
    expect(files.map((f) => [f.path, f.aliases?.map((a) => path.basename(a))])).toEqual([
      ['z-real.json', ['a-link.json']],
    ]);
    const { report } = await scanJson(dir);
    expect(failures(report)).toEqual(['HA.Storage.Redundancy stscratch z-real.json']);
  });

  test('a folder replaced by a link to a folder elsewhere in the repository is walked', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-dirlink-'), {
      'dist/infra/main.json': template([lrsStorage()]),
    });
    symlinkSync('dist/infra', path.join(dir, 'infra'));
    symlinkSync('..', path.join(dir, 'dist/infra/loop'));
    const { code, report } = await scanJson(dir);
    expect(code).toBe(1);
    expect(failures(report)).toEqual(['HA.Storage.Redundancy stscratch infra/main.json']);
  });

  test('a link to a template or a folder outside the repository is a file error, as is a dangling or looping link', async () => {
    const base = openTempDir('aml-ha-gate-outlink-');
    writeFiles(base, { 'outside/t.json': template([lrsStorage('stoutside')]) });
    const repo = writeFiles(path.join(base, 'repo'), { 'ok.json': template([]) });
    symlinkSync('../outside/t.json', path.join(repo, 'main.json'));
    symlinkSync('../outside', path.join(repo, 'infra'));
    symlinkSync('missing.json', path.join(repo, 'gone.json'));
    symlinkSync('loop.json', path.join(repo, 'loop.json'));
    symlinkSync('../outside/t.json', path.join(repo, 'notes.txt')); // not a template name: ignored
    const { code, report } = await scanJson(repo);
    expect(code).toBe(1);
    expect(report?.findings.map((f) => f.resource.name)).not.toContain('stoutside');
    const errors = (report?.errors ?? []).map((e) => `${e.file}: ${e.message}`);
    expect(errors).toEqual([
      expect.stringMatching(/^gone\.json: .*symbolic link to a missing file/),
      expect.stringMatching(/^infra: .*symbolic link to .*outside, outside the repository/),
      expect.stringMatching(/^loop\.json: .*symbolic link loop/),
      expect.stringMatching(/^main\.json: .*symbolic link to .*outside\/t\.json, outside the repository/),
    ]);
  });
});

describe('what looks like a template', () => {
  test('$schema after the first 4 KB still makes a template', async () => {
    const doc = {
      metadata: { description: 'x'.repeat(6000) },
      $schema: DEPLOYMENT_SCHEMA,
      contentVersion: '1.0.0.0',
      resources: [lrsStorage()],
    };
    const dir = writeFiles(openTempDir('aml-ha-gate-late-'), { 'main.json': JSON.stringify(doc, null, 2) });
    const { code, report } = await scanJson(dir);
    expect(code).toBe(1);
    expect(failures(report)).toEqual(['HA.Storage.Redundancy stscratch main.json']);
  });

  test('keys written with \\u escapes, or a template without $schema, are still templates', async () => {
    const escaped = template([lrsStorage('stescaped')])
      .replace('"$schema"', '"\\u0024schema"')
      .replace('deploymentTemplate.json', 'deployment\\u0054emplate.json');
    const noSchema = JSON.stringify({ contentVersion: '1.0.0.0', resources: [lrsStorage('stnoschema')] });
    const dir = writeFiles(openTempDir('aml-ha-gate-escaped-'), { 'a.json': escaped, 'b.json': noSchema });
    const { report } = await scanJson(dir);
    expect(failures(report)).toEqual([
      'HA.Storage.Redundancy stescaped a.json',
      'HA.Storage.Redundancy stnoschema b.json',
    ]);
  });

  test('`resources` that is not an array (or object), or a template that is not valid JSON, is a file error', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-shape-'), {
      'a.json': JSON.stringify(
        { $schema: DEPLOYMENT_SCHEMA, contentVersion: '1.0.0.0', resources: 'none' },
        null,
        2,
      ),
      'b.json': JSON.stringify({ $schema: DEPLOYMENT_SCHEMA, contentVersion: '1.0.0.0' }),
      'c.json': JSON.stringify({ $schema: DEPLOYMENT_SCHEMA, resources: [1, lrsStorage()] }),
      'd.json': `{ "$schema": "${DEPLOYMENT_SCHEMA}", "resources": [ { "type": `,
    });
    const { code, report } = await scanJson(dir);
    expect(code).toBe(1);
    expect((report?.errors ?? []).map((e) => [e.file, e.line, e.message])).toEqual([
      [
        'a.json',
        4,
        expect.stringMatching(
          /^`resources` must be an array of resources \(or, with languageVersion 2\.0, an object\); it is a string/,
        ),
      ],
      ['b.json', 1, expect.stringMatching(/^a template needs `resources`/)],
      [
        'c.json',
        1,
        expect.stringMatching(/^resources\[0\] must be a resource \(an object\); it is a number/),
      ],
      ['d.json', 1, expect.stringMatching(/not valid JSON/)],
    ]);
  });

  test('package.json, tsconfig.json, JSON data with a `resources` key and broken non-template JSON are not templates', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-other-'), {
      'package.json': JSON.stringify({ name: 'x', version: '1.0.0', scripts: { test: 'jest' } }),
      'tsconfig.json':
        '{ "$schema": "https://json.schemastore.org/tsconfig", // comment\n "compilerOptions": {} }',
      'data/resources.json': JSON.stringify({ resources: ['a', 'b'], $schema: 'https://example.com/x.json' }),
      'data/broken.json': '{ "name": ',
      'data/escaped.json': '{ "text": "caf\\u00e9" }',
      'main.json': template([]),
    });
    const { code, report } = await scanJson(dir);
    expect(report?.errors ?? []).toEqual([]);
    expect(code).toBe(0);
    const files = await discoverTemplates(['.'], dir);
    expect(files.map((f) => f.path)).toEqual(['main.json']);
  });

  test('a template-looking file over the size limit is a file error (a sparse file, small on disk)', async () => {
    const dir = openTempDir('aml-ha-gate-big-');
    const file = path.join(dir, 'big.json');
    writeFileSync(file, `{ "$schema": "${DEPLOYMENT_SCHEMA}", "resources": [] }`);
    truncateSync(file, 17 * 1024 * 1024);
    writeFileSync(path.join(dir, 'data.json'), '');
    truncateSync(path.join(dir, 'data.json'), 17 * 1024 * 1024); // zeros: no sign of a template
    // A Terraform plan's JSON is the plan reader's to read, whatever its size.
    const plans = openTempDir('aml-ha-gate-big-plan-');
    writeFileSync(path.join(plans, 'plan.json'), '{"format_version":"1.2","terraform_version":"1.9.0",');
    truncateSync(path.join(plans, 'plan.json'), 17 * 1024 * 1024);
    expect((await discoverTemplates(['plan.json'], plans)).map((f) => [f.kind, f.problem])).toEqual([
      ['terraform-plan', undefined],
    ]);
    const { report } = await scanJson(dir, ['.']);
    expect((report?.errors ?? []).map((e) => `${e.file}: ${e.message}`)).toEqual([
      expect.stringMatching(/^big\.json: .*17\.0 MiB, over the 16 MiB limit/),
    ]);
  });
});

p('names that cannot be shown', () => {
  test('a template whose file name is not valid UTF-8 is a file error naming it with escapes', async () => {
    const dir = openTempDir('aml-ha-gate-name-');
    writeFileSync(Buffer.from(path.join(dir, 'ok.json')), template([]));
    writeFileSync(
      Buffer.concat([Buffer.from(`${dir}/c`), Buffer.from([0xff, 0xfe]), Buffer.from('.json')]),
      template([lrsStorage()]),
    );
    mkdirSync(Buffer.concat([Buffer.from(`${dir}/d`), Buffer.from([0xc3])]));
    writeFileSync(
      Buffer.concat([Buffer.from(`${dir}/d`), Buffer.from([0xc3]), Buffer.from('/main.bicep')]),
      'param x string',
    );
    const { code, report } = await scanJson(dir);
    expect(code).toBe(1);
    expect((report?.errors ?? []).map((e) => `${e.file}: ${e.message}`)).toEqual([
      expect.stringMatching(/^c\\xFF\\xFE\.json: the file name is not valid UTF-8/),
      expect.stringMatching(/^d\\xC3\/main\.bicep: the file name is not valid UTF-8/),
    ]);
  });
});

p('pull-request selection', () => {
  test('a changed file that became a symbolic link is selected and evaluated through its target', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-changed-'), {
      'dist/real.json': template([lrsStorage()]),
    });
    symlinkSync('dist/real.json', path.join(dir, 'main.json'));
    const { files } = await selectChangedTemplates([{ path: 'main.json', status: 'modified' }], {
      cwd: dir,
      globs: ['**/*.json'],
      logger: silentLogger,
    });
    expect(files.map((f) => f.path)).toEqual(['main.json']);
  });

  test('a template with a name that is not UTF-8 is selected whatever the pull request lists', async () => {
    const dir = openTempDir('aml-ha-gate-changed-name-');
    writeFileSync(
      Buffer.concat([Buffer.from(`${dir}/c`), Buffer.from([0xff]), Buffer.from('.json')]),
      template([]),
    );
    const { files } = await selectChangedTemplates([{ path: 'c\ufffd.json', status: 'added' }], {
      cwd: dir,
      globs: ['**/*.json'],
      logger: silentLogger,
    });
    expect(files.map((f) => [f.path, f.problem])).toEqual([
      ['c\\xFF.json', expect.stringMatching(/not valid UTF-8/)],
    ]);
  });
});

p('files named on the command line', () => {
  test('a named template that is a link out of the repository is refused; one outside the repository is read', async () => {
    const base = openTempDir('aml-ha-gate-named-');
    writeFiles(base, { 'outside/t.json': template([lrsStorage('stoutside')]) });
    const repo = path.join(base, 'repo');
    mkdirSync(repo);
    symlinkSync('../outside/t.json', path.join(repo, 'main.json'));
    const linked = await discoverTemplates(['main.json'], repo);
    expect(linked.map((f) => [f.path, f.problem])).toEqual([
      [
        'main.json',
        expect.stringMatching(/^the file is a symbolic link to .*outside\/t\.json, outside the repository/),
      ],
    ]);
    const named = await discoverTemplates([path.join(base, 'outside/t.json')], repo);
    expect(named.map((f) => [f.kind, f.problem])).toEqual([['template', undefined]]);
  });
});
