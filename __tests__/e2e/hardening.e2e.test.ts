/**
 * End to end, hostile and broken input around GitHub: the bundled action (dist/index.js) on a
 * pull request of a real git fixture, against the fake GitHub of the tests. A file name that tries
 * to forge workflow commands, resource names that mention people, a GitHub that answers 500 or
 * HTML or garbage or asks for an hour's wait, a pull request of more than 3,000 files, a forged
 * report in publish mode, a pull request that suppresses its own regression in the config file.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../src/model.js';
import { startFakeGitHub } from '../helpers/fake-github.js';
import {
  actionEntry,
  PR,
  publishOptions,
  pullFiles,
  runStep,
  warningLines,
  type StepRun,
} from './action-step.js';
import { workspaceTemplate, type FileSet } from './git-fixture.js';
import { pullRequestWorlds } from './pr-worlds.js';

const bundled = existsSync(actionEntry) && readFileSync(actionEntry, 'utf8').includes('aml-ha-gate:');
if (!bundled) console.warn('hardening e2e skipped: dist/index.js is missing or stale: run npm run bundle');
const d = bundled ? describe : describe.skip;

const { servers, world } = pullRequestWorlds();

/** A PR that turns the default storage of mlws01 from ZRS to LRS: one regression. */
const REGRESSION: [FileSet, FileSet] = [
  { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }), 'README.md': '# infra\n' },
  { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }) },
];

/** Workflow commands the runner would act on: lines starting with `::` (after white space), or holding `##[`. */
function workflowCommands(run: StepRun): string[] {
  return run.stdout.split(/\r?\n/).filter((line) => /^\s*::/.test(line) || line.includes('##['));
}

d('hostile names (dist/index.js)', () => {
  test('a file name cannot forge workflow commands; names cannot mention people or link issues', async () => {
    const evil =
      'infra/x\n::error file=README.md,line=1,title=Forged::forged annotation\n::add-mask::AML HA gate\n##[add-mask]AML HA gate.json';
    const template = workspaceTemplate({ defaultSku: 'Standard_LRS', storage: 'st@contoso/admins#12' });
    const { repo, server } = await world({ 'README.md': 'x\n' }, { [evil]: template });
    server.options.pullFiles = { [PR]: [{ filename: evil, status: 'added' }] };
    const run = await runStep(repo, server);
    expect(run.code).toBe(1);
    // The file was checked (its finding is in the report) ...
    expect(run.report!.findings.some((f) => f.location?.file === evil && f.status === 'fail')).toBe(true);
    // ... and the only workflow commands in the log are the action's own.
    const commands = workflowCommands(run);
    expect(commands.filter((line) => /::error file=README|::add-mask::AML HA gate|##\[/.test(line))).toEqual(
      [],
    );
    expect(
      commands.every((line) =>
        /^::(add-mask::ghs_|debug::|warning::|error::AML HA gate Failed|group::[A-Z]|endgroup::$)/.test(line),
      ),
    ).toBe(true);
    expect(run.stdout).toContain('x\\n::error file=README.md');
    // Comment, check run and job summary: the name is there, its mention and reference are not live.
    const [comment] = [...server.comments.values()];
    for (const text of [comment!.body, server.checkRuns[0]!.output.summary!, run.summary]) {
      expect(text.replaceAll('\u200B', '')).toContain('st@contoso/admins#12');
      expect(text.replace(/`[^`\n]*`/g, '')).not.toMatch(/@contoso|#12/);
    }
  });
});

d('GitHub API trouble (dist/index.js)', () => {
  test('GitHub answers HTML 502 pages: one warning, the files come from git, the exit status is the gate’s', async () => {
    const { repo, server } = await world(...REGRESSION, {
      failures: [
        { status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
      ],
    });
    const run = await runStep(repo, server);
    expect(run.code).toBe(1);
    expect(run.report!.summary.regressions).toBe(1);
    const warnings = warningLines(run);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^GitHub API unavailable: HTTP 502: an HTML error page after 3 attempts \(GET \/repos\/contoso\/ml-infra\/pulls\/7\/files\)/,
    );
    expect(warnings[0]).not.toContain('<');
    // Listing failed once (with its retries); nothing else was sent after that.
    expect(server.requests).toHaveLength(3);
    expect(run.stdout).toMatch(/changed files of pull request #7 come from git diff/);
    expect(run.summary).toContain('stmlws01');
  });

  test('a 200 answer that is not a file list never reads as "no template changed"', async () => {
    const { repo, server } = await world(...REGRESSION, {
      failures: [{ path: /pulls\/7\/files$/, status: 200, body: 'null' }],
    });
    const run = await runStep(repo, server);
    expect(run.code).toBe(1);
    expect(run.outputs.regressions).toBe('1');
    expect(run.summary).not.toContain('nothing to check');
    expect(warningLines(run)).toEqual([
      expect.stringMatching(
        /could not list the files of pull request #7 through the API: GitHub answered .* not what the API documents \(null\)/,
      ),
    ]);
  });

  test('more than 3,000 changed files: the list is not trusted, the files come from git diff, and the log says so', async () => {
    const { repo, server } = await world(...REGRESSION);
    // GitHub lists the first 3,000 files only: the template is the one it leaves out.
    const docs = Array.from({ length: 3_000 }, (_, i) => ({
      filename: `docs/page-${i}.md`,
      status: 'added',
    }));
    server.options.pullFiles = { [PR]: [...docs, ...pullFiles(repo)] };
    const run = await runStep(repo, server);
    expect(run.code).toBe(1);
    expect(run.outputs.regressions).toBe('1');
    expect(warningLines(run)).toEqual([
      'could not list the files of pull request #7 through the API: pull request #7 changes 3,000 files or more, and the GitHub API lists at most 3,000.',
    ]);
    expect(run.stdout).toMatch(
      /changed files of pull request #7 come from git diff [0-9a-f]{7}\.\.\.[0-9a-f]{7}/,
    );
  });

  test('a one-hour secondary rate limit is not slept on: one warning that says so, and the gate’s exit status', async () => {
    const { repo, server } = await world(...REGRESSION, {
      failures: [
        {
          method: 'POST',
          status: 403,
          headers: { 'retry-after': '3600' },
          body: JSON.stringify({
            message: 'You have exceeded a secondary rate limit. Please wait a few minutes.',
          }),
        },
      ],
    });
    const run = await runStep(repo, server);
    expect(run.code).toBe(1);
    const warnings = warningLines(run);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /GitHub asked to wait 3600 s \(secondary rate limit\) before retrying POST \/repos\/contoso\/ml-infra\/check-runs; the action waits at most 60 s for a rate limit/,
    );
    expect(run.stdout).toContain('skipped: post the pull-request comment (GitHub API unavailable)');
  });
});

d('publish mode with a forged report (dist/index.js)', () => {
  test("the check run goes on the event's commit with a verdict recomputed from the findings; strings are cut and escaped", async () => {
    const { repo, server } = await world(...REGRESSION, { readOnly: true });
    const gate = await runStep(repo, server, { inputs: { comment: 'off', 'check-run': 'false' } });
    expect(gate.code).toBe(1);

    // The fork edits the report it uploads: another commit and PR, a green verdict, huge strings, mentions.
    const reportPath = join(repo.dir, 'aml-ha-report.json');
    const forged = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    const mainSha = repo.baseSha;
    forged.verdict = 'pass';
    forged.summary = { pass: 9, fail: 0, warn: 0, info: 0, unknown: 0, suppressed: 0, regressions: 0 };
    forged.notes = ['pass: reviewed by @security-team, see #1'];
    forged.context = {
      repository: 'contoso/ml-infra',
      pullRequest: 1,
      headSha: mainSha,
      runUrl: 'https://evil.example/phish',
    };
    const regression = forged.findings.find((f) => f.regression)!;
    regression.message = `@contoso/admins please approve #1 ${'A'.repeat(500_000)}`;
    writeFileSync(reportPath, JSON.stringify(forged));

    const publisher = await startFakeGitHub({
      pulls: {
        [PR]: { headSha: repo.headSha, baseSha: repo.baseSha },
        1: { headSha: mainSha, baseSha: mainSha },
      },
    });
    servers.push(publisher);
    const run = await runStep(repo, publisher, publishOptions(repo));
    expect(run.code).toBe(0);
    expect(run.outputs.verdict).toBe('fail');
    expect(publisher.checkRuns).toHaveLength(1);
    const check = publisher.checkRuns[0]!;
    expect(check).toMatchObject({ head_sha: repo.headSha, conclusion: 'failure' });
    expect(check.output.title).toMatch(/^Failed: 1 HA regression/);
    const detailsUrl = (publisher.find('POST', /check-runs$/)[0]!.body as { details_url?: string })
      .details_url;
    expect(detailsUrl).toBe('https://github.example/contoso/ml-infra/actions/runs/99');
    // The comment is on the event's pull request, not the one the file names.
    const comments = [...publisher.comments.values()];
    expect(comments.map((c) => c.issue)).toEqual([PR]);
    for (const text of [comments[0]!.body, check.output.summary!]) {
      expect(text).not.toContain('evil.example');
      expect(text).not.toContain('reviewed by');
      expect(text.replace(/`[^`\n]*`/g, '')).not.toMatch(/@contoso|@security|#1\b/);
      expect(text).not.toContain('A'.repeat(2_001));
    }
    expect(warningLines(run).join('\n')).toMatch(
      new RegExp(
        `report file says it is for commit ${mainSha}, but the workflow_run event is for ${repo.headSha}`,
      ),
    );
  });
});

d('the pull request’s own config file (dist/index.js)', () => {
  const suppressEverything = 'suppressions:\n  - rule: "HA.*"\n    resource: "*"\n    reason: "not now"\n';

  test('a suppression the PR adds does not apply to the PR; the comment names the change', async () => {
    const { repo, server } = await world(REGRESSION[0], {
      ...REGRESSION[1],
      '.github/aml-ha-gate.yml': suppressEverything,
    });
    const run = await runStep(repo, server);
    expect(run.code).toBe(1);
    expect(run.outputs.regressions).toBe('1');
    const [comment] = [...server.comments.values()];
    const visible = comment!.body.replaceAll('\u200B', '');
    expect(visible).toContain(
      'This pull request changes the config file .github/aml-ha-gate.yml: adds the suppression of HA.\\* on \\* ("not now")',
    );
    expect(visible).toMatch(/The gate applied the base branch's version \([0-9a-f]{7}\)/);
  });

  test('config-from: pull-request applies the PR’s version (for files protected by CODEOWNERS), still named', async () => {
    const { repo, server } = await world(REGRESSION[0], {
      ...REGRESSION[1],
      '.github/aml-ha-gate.yml': suppressEverything,
    });
    const run = await runStep(repo, server, { inputs: { 'config-from': 'pull-request' } });
    expect(run.code).toBe(0);
    expect(run.outputs.regressions).toBe('0');
    const [comment] = [...server.comments.values()];
    expect(comment!.body).toContain(
      "The gate applied the pull request's version (config-from: pull-request).",
    );
  });

  test('the base version comes from the contents API when the checkout lacks the base commit', async () => {
    const missingBase = 'a'.repeat(40);
    const { repo, server } = await world(
      { 'README.md': 'x\n' },
      { ...REGRESSION[1], '.github/aml-ha-gate.yml': suppressEverything },
      {
        contents: {
          [missingBase]: {
            'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }),
            '.github/aml-ha-gate.yml': 'rules:\n  HA.AKS.UptimeSLA: warn\n',
          },
        },
      },
    );
    server.options.pullFiles = {
      [PR]: [
        { filename: 'infra/ws.json', status: 'modified' },
        { filename: '.github/aml-ha-gate.yml', status: 'modified' },
      ],
    };
    const run = await runStep(repo, server, { baseSha: missingBase });
    expect(
      server.find('GET', /contents\/\.github\/aml-ha-gate\.yml$/).map((r) => r.query.get('ref')),
    ).toEqual([missingBase]);
    expect(run.code).toBe(1);
    expect(run.summary.replaceAll('\u200B', '')).toMatch(
      /adds the suppression of HA\.\\\* on \\\*.*removes the override of HA\.AKS\.UptimeSLA \(was warn\)/,
    );
  });
});
