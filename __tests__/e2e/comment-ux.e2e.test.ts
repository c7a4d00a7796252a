/**
 * End to end, what a reviewer acts on: the bundled action (dist/index.js) on a pull request of a
 * real git fixture, against the fake GitHub. The comment links each finding to its line at the PR
 * head; a literal the PR broke gets a review comment with a suggested change, created once,
 * edited in place when the finding changes, resolved when fixed; a fork's read-only run still
 * annotates the lines through workflow commands; the log is in sections.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type FakeGitHub } from '../helpers/fake-github.js';
import { actionEntry, PR, pullFiles, runStep, warningLines } from './action-step.js';
import { findBicepCli } from '../../src/sources/bicep-cli.js';
import { workspaceTemplate, type FileSet, type GitFixture } from './git-fixture.js';
import { pullRequestWorlds } from './pr-worlds.js';

const bundled = existsSync(actionEntry) && readFileSync(actionEntry, 'utf8').includes('aml-ha-gate-fix:');
if (!bundled) console.warn('comment e2e skipped: dist/index.js is missing or stale: run npm run bundle');
const d = bundled ? describe : describe.skip;

const { world } = pullRequestWorlds();

/** A new commit on the pull request's branch; the fake GitHub lists the PR's files anew. */
function push(repo: GitFixture, server: FakeGitHub, files: FileSet): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repo.dir, path)), { recursive: true });
    writeFileSync(join(repo.dir, path), content ?? '');
  }
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'push');
  repo.headSha = repo.git('rev-parse', 'HEAD');
  server.options.pullFiles = { [PR]: pullFiles(repo) };
}

/**
 * A workspace, its default storage and a data account whose SKU is a parameter: `defaultStorage`
 * says which of the two the workspace uses (the other is its datastore).
 */
function twoStorageTemplate(dataSku: string, defaultStorage: 'stdata01' | 'stdefault01'): string {
  return `${JSON.stringify(
    {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { dataSku: { type: 'string', defaultValue: dataSku } },
      resources: [
        ...[
          ['stdata01', "[parameters('dataSku')]"],
          ['stdefault01', 'Standard_ZRS'],
        ].map(([name, sku]) => ({
          type: 'Microsoft.Storage/storageAccounts',
          apiVersion: '2023-01-01',
          name,
          location: 'eastus',
          sku: { name: sku },
          kind: 'StorageV2',
        })),
        {
          type: 'Microsoft.MachineLearningServices/workspaces',
          apiVersion: '2024-04-01',
          name: 'mlws01',
          location: 'eastus',
          identity: { type: 'SystemAssigned' },
          properties: {
            storageAccount: `[resourceId('Microsoft.Storage/storageAccounts', '${defaultStorage}')]`,
          },
        },
      ],
    },
    null,
    2,
  )}\n`;
}

/** 1-based line of `text` in the file at the fixture's head. */
function lineOf(repo: GitFixture, path: string, text: string): number {
  return readFileSync(join(repo.dir, path), 'utf8').split('\n').indexOf(text) + 1;
}

d('the comment and the suggested changes (dist/index.js)', () => {
  test('the "where" column links to the line at the PR head; a suggestion is created once, edited in place, resolved when fixed', async () => {
    const file = 'infra/ws.json';
    const { repo, server } = await world(
      { [file]: twoStorageTemplate('Standard_ZRS', 'stdata01') },
      { [file]: twoStorageTemplate('Standard_LRS', 'stdata01') },
    );
    const first = await runStep(repo, server);
    expect(first.code).toBe(1);
    const regression = first.report!.findings.find(
      (f) => f.ruleId === 'HA.Storage.Redundancy' && f.resource.name === 'stdata01',
    )!;
    expect(regression).toMatchObject({ status: 'fail', regression: true });

    // The comment links the finding to its line at the PR head on the run's server.
    const [comment] = [...server.comments.values()];
    const line = regression.location!.line;
    expect(comment!.body).toContain(
      `[ws.json:${line}](https://github.example/contoso/ml-infra/blob/${repo.headSha}/infra/ws.json#L${line})`,
    );
    expect(comment!.body).toContain('❌ **1 HA regression**');

    // One review with one suggested change, on the changed line that holds the literal.
    const valueLine = lineOf(repo, file, '      "defaultValue": "Standard_LRS"');
    expect(server.reviews).toHaveLength(1);
    expect(server.reviewComments.size).toBe(1);
    const [suggestion] = [...server.reviewComments.values()];
    expect(suggestion).toMatchObject({ path: file, line: valueLine, commit_id: repo.headSha });
    expect(suggestion!.body).toContain('```suggestion\n      "defaultValue": "Standard_ZRS"\n```');
    expect(suggestion!.body).toContain('Default storage uses Standard\\_LRS');
    expect(first.stdout).toContain('suggested changes: 1 on changed lines (1 new');

    // A push that makes the account a datastore: same line, new message: edited in place.
    push(repo, server, { [file]: twoStorageTemplate('Standard_LRS', 'stdefault01') });
    const second = await runStep(repo, server);
    expect(second.code).toBe(1);
    expect(server.reviews).toHaveLength(1);
    expect(server.reviewComments.size).toBe(1);
    expect(server.find('PATCH', /pulls\/comments\/\d+$/)).toHaveLength(1);
    expect(server.reviewComments.get(suggestion!.id)!.body).toContain(
      'Datastore storage uses Standard\\_LRS',
    );
    expect(second.stdout).toContain('(0 new, 1 updated');

    // The fix pushed: GitHub marks the comment out of date; the action says it is resolved.
    push(repo, server, { [file]: twoStorageTemplate('Standard_ZRS', 'stdefault01') });
    server.reviewComments.get(suggestion!.id)!.line = null;
    const third = await runStep(repo, server);
    expect(third.code).toBe(0);
    expect(server.reviewComments.size).toBe(1);
    expect(server.reviewComments.get(suggestion!.id)!.body).toContain('✅ Resolved');
    expect(server.resolvedThreads).toEqual(new Set([suggestion!.id]));
    expect(server.reviews).toHaveLength(1);
  });

  test('a read-only token: no review comment, one warning, the exit status is the gate’s', async () => {
    const { repo, server } = await world(
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }) },
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }) },
      { readOnly: true },
    );
    const run = await runStep(repo, server);
    expect(run.code).toBe(1);
    expect(server.reviewComments.size).toBe(0);
    expect(warningLines(run)).toEqual([expect.stringMatching(/cannot write to this repository \(HTTP 403/)]);
    expect(run.stdout).toContain('suggested changes skipped: the token cannot write to this repository');
  });

  test('suggestions: false posts none', async () => {
    const { repo, server } = await world(
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }) },
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }) },
    );
    const run = await runStep(repo, server, { inputs: { suggestions: 'false' } });
    expect(run.code).toBe(1);
    expect(server.find('GET', /pulls\/7\/comments$/)).toEqual([]);
    expect(server.reviews).toEqual([]);
  });
});

d('a fork pull request (dist/index.js)', () => {
  const forkEvent = (repo: GitFixture) => ({
    action: 'synchronize',
    number: PR,
    pull_request: {
      number: PR,
      head: { sha: repo.headSha, repo: { full_name: 'someone/ml-infra' } },
      base: { sha: repo.baseSha, repo: { full_name: 'contoso/ml-infra' } },
    },
  });

  test('annotations through workflow commands, no token needed; suggestions skipped up front', async () => {
    const { repo, server } = await world(
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }) },
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }) },
      { readOnly: true },
    );
    const run = await runStep(repo, server, { eventPayload: forkEvent(repo) });
    expect(run.code).toBe(1);
    const regression = run.report!.findings.find((f) => f.ruleId === 'HA.Storage.Redundancy')!;
    const line = regression.location!.line;
    expect(run.stdout).toContain(
      `::error title=Regression%3A HA.Storage.Redundancy (fail),file=infra/ws.json,line=${line},endLine=${line}::Default storage uses Standard_LRS`,
    );
    expect(run.stdout).toMatch(/no check run: \d+ annotation\(s\) written as workflow commands instead/);
    expect(run.stdout).toContain('suggested changes skipped: a pull request from a fork');
    expect(server.find('GET', /pulls\/7\/comments$/)).toEqual([]);
    expect(server.checkRuns).toEqual([]);
  });

  test('a hostile file name cannot break out of its annotation', async () => {
    const evil = 'infra/x\n::error file=README.md,line=1::forged,##[add-mask]y.json';
    const { repo, server } = await world(
      { 'README.md': 'x\n' },
      { [evil]: workspaceTemplate({ defaultSku: 'Standard_LRS' }) },
      { readOnly: true },
    );
    server.options.pullFiles = { [PR]: [{ filename: evil, status: 'added' }] };
    const run = await runStep(repo, server, { eventPayload: forkEvent(repo) });
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('::error file=README.md'))).toEqual([]);
    expect(lines.filter((l) => l.includes('##['))).toEqual([]);
    expect(
      lines.some(
        (l) =>
          l.startsWith('::error title=') &&
          l.includes('file=infra/x%0A%3A%3Aerror file=README.md%2Cline=1%3A%3Aforged%2C#'),
      ),
    ).toBe(true);
  });
});

d('the log (dist/index.js)', () => {
  test('is in sections: discovery, evaluation at head and base, publishing; none left open', async () => {
    const { repo, server } = await world(
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }) },
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }) },
    );
    const run = await runStep(repo, server);
    const sections = run.stdout.split('\n').filter((l) => l.startsWith('::group::') || l === '::endgroup::');
    expect(sections).toEqual([
      '::group::Discover the templates to check',
      '::endgroup::',
      `::group::Evaluate 1 template(s) at ${repo.headSha.slice(0, 7)}`,
      '::endgroup::',
      `::group::Evaluate the same templates at the base ${repo.baseSha.slice(0, 7)}`,
      '::endgroup::',
      '::group::Publish: report files, check run, comment, suggested changes, job summary',
      '::endgroup::',
    ]);
    // The verdict is the last line, outside every section.
    expect(run.stdout.trim().split('\n').pop()).toMatch(/^::error::AML HA gate Failed: 1 HA regression/);
  });
});

/** A workspace in Bicep whose default storage SKU is `sku`. */
function workspaceBicep(sku: string): string {
  return [
    "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {",
    "  name: 'stbicep01'",
    "  location: 'eastus'",
    "  sku: { name: '" + sku + "' }",
    "  kind: 'StorageV2'",
    '}',
    '',
    "resource ws 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {",
    "  name: 'mlwsbicep01'",
    "  location: 'eastus'",
    "  identity: { type: 'SystemAssigned' }",
    '  properties: {',
    '    storageAccount: st.id',
    '  }',
    '}',
    '',
  ].join('\n');
}

// The action finds the Bicep CLI on PATH, as on a runner (.ci/run puts the one it installs there).
const withBicep = bundled && findBicepCli({}) ? describe : describe.skip;
if (bundled && !findBicepCli({}))
  console.warn(
    'Bicep comment e2e skipped: no Bicep CLI on PATH (bash scripts/install-bicep.sh; .ci/run puts it there)',
  );

withBicep('a Bicep pull request (dist/index.js, the real Bicep CLI)', () => {
  test('the log has a compile section; the suggestion lands on the .bicep line', async () => {
    const file = 'infra/main.bicep';
    const { repo, server } = await world(
      { [file]: workspaceBicep('Standard_ZRS') },
      { [file]: workspaceBicep('Standard_LRS') },
    );
    const run = await runStep(repo, server);
    expect(run.code).toBe(1);
    const sections = run.stdout.split('\n').filter((l) => l.startsWith('::group::'));
    expect(sections).toEqual([
      '::group::Discover the templates to check',
      `::group::Evaluate 1 template(s) at ${repo.headSha.slice(0, 7)}`,
      '::group::Compile 1 Bicep file(s)',
      `::group::Evaluate the compiled Bicep templates at ${repo.headSha.slice(0, 7)}`,
      `::group::Evaluate the same templates at the base ${repo.baseSha.slice(0, 7)}`,
      '::group::Publish: report files, check run, comment, suggested changes, job summary',
    ]);
    // Compiled Bicep locates the finding on its resource's line; the link goes there.
    const finding = run.report!.findings.find((f) => f.ruleId === 'HA.Storage.Redundancy')!;
    expect(finding.location).toEqual({ file, line: 1 });
    const [comment] = [...server.comments.values()];
    expect(comment!.body).toContain(
      `[main.bicep:1](https://github.example/contoso/ml-infra/blob/${repo.headSha}/infra/main.bicep#L1)`,
    );
    // The suggestion follows sku.name from there to the line that holds the literal.
    const line = lineOf(repo, file, "  sku: { name: 'Standard_LRS' }");
    expect(server.reviewComments.size).toBe(1);
    const [suggestion] = [...server.reviewComments.values()];
    expect(suggestion).toMatchObject({ path: file, line, commit_id: repo.headSha });
    expect(suggestion!.body).toContain("```suggestion\n  sku: { name: 'Standard_ZRS' }\n```");
  });
});
