/**
 * End to end: the bundled action (dist/index.js) run as the runner runs it — INPUT_* variables with
 * every default of action.yml, a pull_request event file, $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY
 * files, GITHUB_API_URL pointing at a fake GitHub REST server on 127.0.0.1 — in a real git
 * repository with a base and a head commit of small ARM templates. Run `npm run bundle` first.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';
import { actionEntry, PR, publishOptions, runStep, TOKEN } from './action-step.js';
import { manyStorageTemplate, parametersFile, workspaceTemplate } from './git-fixture.js';
import { pullRequestWorlds } from './pr-worlds.js';

const bundled = existsSync(actionEntry) && readFileSync(actionEntry, 'utf8').includes('aml-ha-gate:');
if (!bundled) console.warn('action e2e skipped: dist/index.js is missing or stale: run npm run bundle');
const d = bundled ? describe : describe.skip;

const { servers, world } = pullRequestWorlds();

const checkRunPosts = (server: FakeGitHub) => server.find('POST', /\/repos\/contoso\/ml-infra\/check-runs$/);

d('the action on a pull request (dist/index.js)', () => {
  test('a regression fails the step; the comment is created, then updated (not duplicated) on a second run', async () => {
    const { repo, server } = await world(
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }), 'README.md': '# infra\n' },
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }) },
    );
    const first = await runStep(repo, server);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/::error::AML HA gate Failed: \d+ HA regression/);
    expect(first.outputs.verdict).toBe('fail');
    expect(Number(first.outputs.regressions)).toBeGreaterThanOrEqual(1);
    expect(Number(first.outputs.failures)).toBeGreaterThanOrEqual(1);
    expect(first.outputs['report-file']).toBe('aml-ha-report.json');

    const regression = first.report!.findings.find(
      (f) => f.ruleId === 'HA.Storage.Redundancy' && f.resource.name === 'stmlws01',
    );
    expect(regression).toMatchObject({ status: 'fail', regression: true });
    expect(first.report!.context).toEqual({
      repository: 'contoso/ml-infra',
      pullRequest: PR,
      headSha: repo.headSha,
      runUrl: 'https://github.example/contoso/ml-infra/actions/runs/4242',
    });

    // The files were listed through the API and every request carried the token.
    expect(server.find('GET', /pulls\/7\/files$/).length).toBe(1);
    expect(server.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    // The token is masked (::add-mask::) and never printed otherwise.
    expect(first.stdout).toContain(`::add-mask::${TOKEN}`);
    expect(first.stdout.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);

    // Check run on the PR head (not the merge commit), failure, annotation on the template's line.
    const posts = checkRunPosts(server);
    expect(posts.length).toBe(1);
    expect(server.checkRuns[0]).toMatchObject({
      head_sha: repo.headSha,
      name: 'AML HA gate',
      status: 'completed',
      conclusion: 'failure',
    });
    const annotation = server.checkRuns[0].annotations.find((a) =>
      String(a.title).includes('HA.Storage.Redundancy'),
    );
    expect(annotation).toMatchObject({ path: 'infra/ws.json', annotation_level: 'failure' });
    expect(annotation!.start_line).toBe(regression!.location!.line);
    expect(first.outputs['check-run-url']).toBe(`https://github.example/runs/${server.checkRuns[0].id}`);

    // One sticky comment.
    expect(server.find('POST', /issues\/7\/comments$/).length).toBe(1);
    const [comment] = [...server.comments.values()];
    expect(comment.body).toContain('<!-- aml-ha-gate:AML HA gate -->');
    expect(comment.body).toContain('stmlws01');
    expect(first.outputs['comment-url']).toBe(`https://github.example/pull/7#issuecomment-${comment.id}`);
    expect(first.summary).toContain('stmlws01');

    const second = await runStep(repo, server);
    expect(second.code).toBe(1);
    expect(server.find('POST', /issues\/7\/comments$/).length).toBe(1);
    expect(server.find('PATCH', new RegExp(`issues/comments/${comment.id}$`)).length).toBe(1);
    expect(server.comments.size).toBe(1);
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url']);
  });

  test('an old failure the PR does not make worse passes with fail-on: regression', async () => {
    const { repo, server } = await world(
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }) },
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS', tags: { team: 'ml' } }) },
    );
    const run = await runStep(repo, server);
    expect(run.code).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expect(Number(run.outputs.failures)).toBeGreaterThanOrEqual(1);
    expect(run.outputs.regressions).toBe('0');
    expect(run.report!.findings.find((f) => f.ruleId === 'HA.Storage.Redundancy')).toMatchObject({
      status: 'fail',
      regression: false,
    });
    expect(server.checkRuns[0]).toMatchObject({ head_sha: repo.headSha, conclusion: 'neutral' });
  });

  test('scope: all checks untouched templates too; their old failures are not regressions', async () => {
    const { repo, server } = await world(
      {
        'infra/old.json': workspaceTemplate({
          defaultSku: 'Standard_LRS',
          workspace: 'mlold',
          storage: 'stold',
        }),
        'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }),
      },
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS', tags: { team: 'ml' } }) },
    );
    const run = await runStep(repo, server, { inputs: { scope: 'all' } });
    expect(run.code).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expect(
      run.report!.findings.find((f) => f.ruleId === 'HA.Storage.Redundancy' && f.resource.name === 'stold'),
    ).toMatchObject({
      status: 'fail',
      regression: false,
    });
    expect(server.find('GET', /pulls\/7\/files$/)).toEqual([]);
  });

  test('a change to the parameters file alone is checked through its template', async () => {
    const { repo, server } = await world(
      {
        'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }),
        'infra/ws.parameters.json': parametersFile({ storageSku: 'Standard_ZRS' }),
      },
      { 'infra/ws.parameters.json': parametersFile({ storageSku: 'Standard_LRS' }) },
    );
    expect(server.options.pullFiles![PR].map((f) => f.filename)).toEqual(['infra/ws.parameters.json']);
    const run = await runStep(repo, server);
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    const finding = run.report!.findings.find((f) => f.ruleId === 'HA.Storage.Redundancy');
    expect(finding).toMatchObject({ status: 'fail', regression: true, evidence: { value: 'Standard_LRS' } });
    expect(run.stdout).toContain('infra/ws.json (parameters file infra/ws.parameters.json changed)');
    // The annotation lands on the parameters file's line that set the SKU.
    const annotation = server.checkRuns[0].annotations.find((a) =>
      String(a.title).includes('HA.Storage.Redundancy'),
    );
    expect(annotation).toMatchObject({
      path: 'infra/ws.parameters.json',
      annotation_level: 'failure',
      start_line: finding!.location!.line,
    });
    expect(finding!.location!.file).toBe('infra/ws.parameters.json');
  });

  test('more than 50 annotations go out in batches of at most 50', async () => {
    const { repo, server } = await world(
      { 'README.md': 'x\n' },
      { 'infra/many.json': manyStorageTemplate(60, 'Standard_LRS') },
    );
    const run = await runStep(repo, server);
    expect(run.code).toBe(1);
    const located = run.report!.findings.filter(
      (f) => f.location && ['fail', 'warn', 'info', 'unknown'].includes(f.status),
    );
    expect(located.length).toBeGreaterThan(50);
    const batches = [
      (checkRunPosts(server)[0].body as { output: { annotations: unknown[] } }).output.annotations.length,
      ...server
        .find('PATCH', /check-runs\/\d+$/)
        .map((r) => (r.body as { output: { annotations?: unknown[] } }).output.annotations?.length ?? 0),
    ];
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches.every((size) => size <= 50)).toBe(true);
    expect(server.checkRuns[0].annotations.length).toBe(located.length);
    // A template the PR adds: its failures are regressions.
    expect(run.report!.findings.filter((f) => f.status === 'fail').every((f) => f.regression)).toBe(true);
  });

  test('a fork PR with a read-only token: one warning, summary and report still written, exit status from the gate', async () => {
    const { repo, server } = await world(
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }) },
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }) },
      { readOnly: true },
    );
    const run = await runStep(repo, server);
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.outputs['comment-url']).toBe('');
    expect(run.outputs['check-run-url']).toBe('');
    const warnings = run.stdout.split('\n').filter((line) => line.startsWith('::warning::'));
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/cannot write to this repository \(HTTP 403/);
    expect(server.comments.size).toBe(0);
    expect(run.summary).toContain('stmlws01');
    expect(run.report?.verdict).toBe('fail');
  });

  test('publish mode posts the comment and check run from the report an earlier job wrote', async () => {
    const { repo, server } = await world(
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }) },
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }) },
      { readOnly: true },
    );
    const gate = await runStep(repo, server, { inputs: { comment: 'off', 'check-run': 'false' } });
    expect(gate.code).toBe(1);
    expect(server.requests.filter((r) => r.method !== 'GET')).toEqual([]);

    const publisher = await startFakeGitHub({
      pulls: { [PR]: { headSha: repo.headSha, baseSha: repo.baseSha } },
    });
    servers.push(publisher);
    const run = await runStep(repo, publisher, publishOptions(repo));
    expect(run.code).toBe(0);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.outputs.regressions).toBe(gate.outputs.regressions);
    expect(publisher.checkRuns).toHaveLength(1);
    expect(publisher.checkRuns[0]).toMatchObject({ head_sha: repo.headSha, conclusion: 'failure' });
    expect(publisher.checkRuns[0].annotations.some((a) => a.path === 'infra/ws.json')).toBe(true);
    expect([...publisher.comments.values()].map((c) => c.issue)).toEqual([PR]);
    expect(run.outputs['comment-url']).toMatch(/#issuecomment-/);
    // It read no templates and listed no files: it only posted.
    expect(publisher.find('GET', /pulls\/7\/files$/)).toEqual([]);
  });

  test('publish mode skips the comment when the PR head moved on since the report', async () => {
    const { repo } = await world(
      { 'a.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }) },
      { 'a.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }) },
      { readOnly: true },
    );
    await runStep(repo, servers[0], { inputs: { comment: 'off', 'check-run': 'false' } });
    const publisher = await startFakeGitHub({
      pulls: { [PR]: { headSha: 'c'.repeat(40), baseSha: repo.baseSha } },
    });
    servers.push(publisher);
    const run = await runStep(repo, publisher, publishOptions(repo));
    expect(run.code).toBe(0);
    expect(publisher.comments.size).toBe(0);
    expect(run.stdout).toMatch(/::warning::pull request #7 is now at cccccc/);
  });

  test('a PR that changes no template: a short "nothing to check" comment, pass', async () => {
    const { repo, server } = await world(
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }), 'README.md': 'a\n' },
      { 'README.md': 'b\n' },
    );
    const run = await runStep(repo, server);
    expect(run.code).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expect(run.outputs.failures).toBe('0');
    const [comment] = [...server.comments.values()];
    expect(comment.body).toContain('nothing to check');
    expect(server.checkRuns[0].conclusion).toBe('success');
  });

  test('the base is read through the contents API when the checkout lacks the base commit', async () => {
    const missingBase = 'a'.repeat(40);
    const { repo, server } = await world(
      { 'README.md': 'x\n' },
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS', tags: { team: 'ml' } }) },
      {
        contents: { [missingBase]: { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }) } },
      },
    );
    server.options.pullFiles = { [PR]: [{ filename: 'infra/ws.json', status: 'modified' }] };
    const run = await runStep(repo, server, { baseSha: missingBase });
    expect(server.find('GET', /contents\/infra\/ws\.json$/).map((r) => r.query.get('ref'))).toEqual([
      missingBase,
    ]);
    expect(run.code).toBe(0);
    expect(run.outputs.regressions).toBe('0');
    expect(Number(run.outputs.failures)).toBeGreaterThanOrEqual(1);
  });

  test('a bad input fails the step with one line naming the input', async () => {
    const { repo, server } = await world({ 'a.json': '{}' }, {});
    const run = await runStep(repo, server, { inputs: { 'fail-on': 'often' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "::error::Invalid input 'fail-on': 'often'. Expected one of: regression, fail, warn, never.",
    );
    expect(server.requests).toEqual([]);
  });
});
