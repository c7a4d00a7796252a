import { afterEach, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGitHubClient } from '../../src/github.js';
import { silentLogger } from '../../src/model.js';
import {
  listChangedFiles,
  materializeBase,
  referencedFiles,
  selectChangedTemplates,
} from '../../src/sources/changed.js';
import { createGitFixture, parametersFile, workspaceTemplate, type GitFixture } from '../e2e/git-fixture.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';

let server: FakeGitHub | undefined;
let repo: GitFixture | undefined;
afterEach(async () => {
  await server?.close();
  repo?.cleanup();
  server = undefined;
  repo = undefined;
});

const GLOBS = ['**/*.json', '**/*.bicep', '**/*.bicepparam'];

const linking = (relativePath: string) =>
  JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [
      {
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2022-09-01',
        name: 'inner',
        properties: { mode: 'Incremental', templateLink: { relativePath } },
      },
    ],
  });

describe('changed files', () => {
  test('lists every page of the pull request files, keeping the old name of a rename', async () => {
    const files = Array.from({ length: 250 }, (_, i) => ({ filename: `f${i}.json`, status: 'modified' }));
    files[7] = {
      filename: 'new/name.json',
      status: 'renamed',
      previous_filename: 'old/name.json',
    } as (typeof files)[number];
    server = await startFakeGitHub({ pullFiles: { 3: files } });
    const octokit = createGitHubClient('t', { apiUrl: server.url, logger: silentLogger });
    const changed = await listChangedFiles(octokit, { owner: 'o', repo: 'r', pullNumber: 3 });
    expect(changed.length).toBe(250);
    expect(changed[7]).toEqual({ path: 'new/name.json', status: 'renamed', previousPath: 'old/name.json' });
    expect(server.find('GET', /pulls\/3\/files$/).map((r) => r.query.get('page') ?? '1')).toEqual([
      '1',
      '2',
      '3',
    ]);
  });

  test('references: ARM relativePath, Bicep modules and using; registries and URLs are not files', () => {
    expect(referencedFiles(linking('nested/inner.json'), '/r/infra/main.json')).toEqual([
      '/r/infra/nested/inner.json',
    ]);
    const bicep = "module st './modules/storage.bicep' = {\n}\nmodule reg 'br:contoso.azurecr.io/x:1' = {}\n";
    expect(referencedFiles(bicep, '/r/main.bicep')).toEqual(['/r/modules/storage.bicep']);
    expect(referencedFiles("using 'main.bicep'\n", '/r/dev.bicepparam')).toEqual(['/r/main.bicep']);
    expect(referencedFiles('{"uri": "https://x/t.json"}', '/r/a.json')).toEqual([]);
  });

  test('references: every way Bicep names a file (multi-line module, import, extends, load…()) selects its user', () => {
    const bicep = [
      'module st /* the storage */',
      "  './modules/storage.bicep' = {}",
      "import { skus } from './shared/types.bicep'",
      'var settings = loadJsonContent(',
      "  'config/settings.json')",
      "module reg 'br:contoso.azurecr.io/x:1' = {}",
    ].join('\n');
    expect(referencedFiles(bicep, '/r/main.bicep').sort()).toEqual([
      '/r/config/settings.json',
      '/r/modules/storage.bicep',
      '/r/shared/types.bicep',
    ]);
    expect(
      referencedFiles("using './main.bicep'\nextends './base.bicepparam'\n", '/r/dev.bicepparam').sort(),
    ).toEqual(['/r/base.bicepparam', '/r/main.bicep']);
  });

  test('selection: a file a Bicep template loads (any type) or imports over several lines brings the template', async () => {
    repo = createGitFixture(
      {
        'infra/main.bicep': [
          'var settings = loadYamlContent(',
          "  'settings.yaml')",
          'import { skus }',
          "  from './types.bicep'",
          'output sku string = settings.sku',
        ].join('\n'),
        'infra/settings.yaml': 'sku: Standard_ZRS\n',
        'infra/types.bicep': "@export()\nvar skus = ['Standard_ZRS']\n",
        'README.md': '# infra\n',
      },
      {},
    );
    const select = (changedPath: string) =>
      selectChangedTemplates([{ path: changedPath, status: 'modified' }], {
        cwd: repo!.dir,
        globs: GLOBS,
        logger: silentLogger,
      });
    const yaml = await select('infra/settings.yaml');
    expect(yaml.files.map((f) => f.path)).toEqual(['infra/main.bicep']);
    expect(yaml.reasons.get('infra/main.bicep')).toBe('uses infra/settings.yaml');
    expect((await select('infra/types.bicep')).files.map((f) => f.path).sort()).toEqual([
      'infra/main.bicep',
      'infra/types.bicep',
    ]);
    expect((await select('README.md')).files).toEqual([]);
  });

  test('selection: parameters file brings its template; a changed linked template brings its users, transitively', async () => {
    repo = createGitFixture(
      {
        'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }),
        'infra/ws.parameters.json': parametersFile({ storageSku: 'Standard_ZRS' }),
        'infra/other.json': workspaceTemplate({
          defaultSku: 'Standard_ZRS',
          workspace: 'w2',
          storage: 'st2',
        }),
        'infra/linked/inner.json': workspaceTemplate({
          defaultSku: 'Standard_ZRS',
          workspace: 'w3',
          storage: 'st3',
        }),
        'infra/mid.json': linking('linked/inner.json'),
        'infra/top.json': linking('mid.json'),
        'package.json': '{"name":"x"}',
      },
      {},
    );
    const paramsOnly = await selectChangedTemplates(
      [{ path: 'infra/ws.parameters.json', status: 'modified' }],
      { cwd: repo.dir, globs: GLOBS, logger: silentLogger },
    );
    expect(paramsOnly.files.map((f) => f.path)).toEqual(['infra/ws.json']);
    expect(paramsOnly.reasons.get('infra/ws.json')).toBe('parameters file infra/ws.parameters.json changed');

    const linked = await selectChangedTemplates([{ path: 'infra/linked/inner.json', status: 'modified' }], {
      cwd: repo.dir,
      globs: GLOBS,
      logger: silentLogger,
    });
    expect(linked.files.map((f) => f.path).sort()).toEqual([
      'infra/linked/inner.json',
      'infra/mid.json',
      'infra/top.json',
    ]);
    expect(linked.reasons.get('infra/top.json')).toBe('uses infra/mid.json');

    const unrelated = await selectChangedTemplates(
      [
        { path: 'README.md', status: 'modified' },
        { path: 'package.json', status: 'modified' },
      ],
      { cwd: repo.dir, globs: GLOBS, logger: silentLogger },
    );
    expect(unrelated.files).toEqual([]);

    const outsideGlobs = await selectChangedTemplates([{ path: 'infra/other.json', status: 'modified' }], {
      cwd: repo.dir,
      globs: ['infra/ws*.json'],
      logger: silentLogger,
    });
    expect(outsideGlobs.files).toEqual([]);

    const removed = await selectChangedTemplates([{ path: 'infra/mid.json', status: 'removed' }], {
      cwd: repo.dir,
      globs: GLOBS,
      logger: silentLogger,
    });
    expect(removed.files.map((f) => f.path)).toEqual(['infra/top.json']);
  });
});

describe('base versions', () => {
  test('from local git history, leaving the checkout and its index untouched', async () => {
    repo = createGitFixture(
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }), 'README.md': 'x' },
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }) },
    );
    const statusBefore = repo.git('status', '--porcelain');
    const tree = await materializeBase({
      cwd: repo.dir,
      baseSha: repo.baseSha,
      paths: ['infra/ws.json'],
      owner: 'o',
      repo: 'r',
      logger: silentLogger,
    });
    expect(tree?.source).toBe('git');
    expect(readFileSync(join(tree!.dir, 'infra/ws.json'), 'utf8')).toContain('Standard_ZRS');
    expect(readFileSync(join(repo.dir, 'infra/ws.json'), 'utf8')).toContain('Standard_LRS');
    expect(repo.git('status', '--porcelain')).toBe(statusBefore);
  });

  test('through the contents API at base.sha when the checkout lacks the commit, following links and parameters', async () => {
    repo = createGitFixture({ 'a.json': '{}' }, {});
    const missingSha = 'f'.repeat(40);
    server = await startFakeGitHub({
      contents: {
        [missingSha]: {
          'infra/top.json': linking('inner.json'),
          'infra/inner.json': workspaceTemplate({ defaultSku: 'Standard_GRS' }),
          'infra/top.parameters.json': parametersFile({}),
        },
      },
    });
    const octokit = createGitHubClient('t', { apiUrl: server.url, logger: silentLogger });
    const tree = await materializeBase({
      cwd: repo.dir,
      baseSha: missingSha,
      paths: ['infra/top.json', 'infra/added.json'],
      octokit,
      owner: 'o',
      repo: 'r',
      logger: silentLogger,
    });
    expect(tree?.source).toBe('api');
    expect(readFileSync(join(tree!.dir, 'infra/inner.json'), 'utf8')).toContain('Standard_GRS');
    expect(readFileSync(join(tree!.dir, 'infra/top.parameters.json'), 'utf8')).toContain(
      'deploymentParameters',
    );
    const asked = server.find('GET', /contents\//);
    expect(asked.every((r) => r.query.get('ref') === missingSha)).toBe(true);
    expect(asked.map((r) => decodeURIComponent(r.path.replace(/^.*contents\//, ''))).sort()).toEqual([
      'infra/added.json',
      'infra/inner.json',
      'infra/inner.parameters.json',
      'infra/top.json',
      'infra/top.parameters.json',
    ]);
  });
});
