import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunContext } from '../../src/action/context.js';
import { PUBLISHED_REPORT_LIMITS, publishTarget, readPublishedReport } from '../../src/action/publish.js';
import { createGitHubClient } from '../../src/github.js';
import type { Logger, Report } from '../../src/model.js';
import { finding } from '../gate/fixtures.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';

let server: FakeGitHub | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const HEAD = 'a'.repeat(40);
const gate = {
  failOn: 'regression' as const,
  unknownAs: 'unknown' as const,
  now: new Date('2026-11-22'),
  version: '9.9.9',
};

const report: Report = {
  tool: { name: 'aml-ha-gate', version: '1.0.0' },
  mode: 'templates',
  verdict: 'fail',
  summary: { pass: 0, fail: 1, warn: 0, info: 0, unknown: 0, suppressed: 0, regressions: 1 },
  findings: [{ ...finding('HA.Storage.Redundancy', 'fail', 'st'), regression: true }],
  errors: [],
  context: { repository: 'fork-owner/ml', pullRequest: 4, headSha: HEAD, runUrl: 'https://gh/run/1' },
  notes: ['fail: 1 regression of status fail.'],
};

function workflowRunContext(overrides: Partial<NonNullable<RunContext['workflowRun']>> = {}): RunContext {
  return {
    eventName: 'workflow_run',
    owner: 'contoso',
    repo: 'ml',
    sha: 'm',
    workspace: '/',
    apiUrl: '',
    serverUrl: 'https://github.example',
    runUrl: 'https://github.example/contoso/ml/actions/runs/2',
    workflowRun: {
      id: 1,
      event: 'pull_request',
      headSha: HEAD,
      pullRequests: [{ number: 4, headSha: HEAD }],
      ...overrides,
    },
  };
}

function logger() {
  const warnings: string[] = [];
  const infos: string[] = [];
  const log: Logger = {
    debug: () => undefined,
    info: (m) => infos.push(m),
    warning: (m) => warnings.push(m),
    error: () => undefined,
  };
  return { log, warnings, infos };
}

function write(dir: string, name: string, value: unknown): string {
  writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  return name;
}

describe('publish mode: the report file', () => {
  test('reads a report file; a missing, broken or foreign file names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pub-'));
    write(dir, 'r.json', report);
    write(dir, 'bad.json', '{');
    write(dir, 'other.json', '{"version":"2.1.0"}');
    expect((await readPublishedReport('r.json', dir, gate)).findings).toHaveLength(1);
    await expect(readPublishedReport('missing.json', dir, gate)).rejects.toMatchObject({
      file: 'missing.json',
      message: expect.stringMatching(/report file not found/),
    });
    await expect(readPublishedReport('bad.json', dir, gate)).rejects.toMatchObject({
      file: 'bad.json',
      message: expect.stringMatching(/not valid JSON/),
    });
    await expect(readPublishedReport('other.json', dir, gate)).rejects.toMatchObject({
      file: 'other.json',
      message: expect.stringMatching(/not an aml-ha-gate report/),
    });
  });

  test('the verdict, counts and reason are recomputed from the findings, never taken from the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pub-'));
    const forged = {
      ...report,
      verdict: 'pass',
      summary: { pass: 9, fail: 0, warn: 0, info: 0, unknown: 0, suppressed: 0, regressions: 0 },
      notes: ['pass: reviewed and approved by the security team.', 'an expired suppression note'],
    };
    const published = await readPublishedReport(write(dir, 'forged.json', forged), dir, gate);
    expect(published.verdict).toBe('fail');
    expect(published.summary).toMatchObject({ pass: 0, fail: 1, regressions: 1 });
    expect(published.notes).toEqual(['fail: 1 regression of status fail.', 'an expired suppression note']);
    // The step's own fail-on decides: with never, the same findings pass.
    const lenient = await readPublishedReport('forged.json', dir, { ...gate, failOn: 'never' });
    expect(lenient.verdict).toBe('pass');
  });

  test('every string is cut to a length; a field of the wrong type or value is refused by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pub-'));
    const huge = {
      ...report,
      findings: [
        {
          ...report.findings[0]!,
          message: 'm'.repeat(1_000_000),
          evidence: { path: 'sku.name', value: { big: 'v'.repeat(100_000) } },
        },
      ],
    };
    const published = await readPublishedReport(write(dir, 'huge.json', huge), dir, gate);
    expect(published.findings[0]!.message.length).toBe(PUBLISHED_REPORT_LIMITS.stringLength);
    expect(JSON.stringify(published.findings[0]!.evidence.value).length).toBeLessThan(
      PUBLISHED_REPORT_LIMITS.evidenceLength + 10,
    );

    const cases: Array<[string, (f: Record<string, unknown>) => void, RegExp]> = [
      ['status', (f) => (f.status = 'pwned'), /findings\[0\]\.status is not one of/],
      ['rule', (f) => (f.ruleId = '<img src=x>'), /findings\[0\]\.ruleId is not a rule id/],
      [
        'role',
        (f) => (f.resource = { ...(f.resource as object), role: 'admin' }),
        /findings\[0\]\.resource\.role/,
      ],
      [
        'name',
        (f) => (f.resource = { ...(f.resource as object), name: 42 }),
        /findings\[0\]\.resource\.name is not a string/,
      ],
      ['regression', (f) => (f.regression = 'yes'), /findings\[0\]\.regression is not true or false/],
      [
        'line',
        (f) => (f.location = { file: 'a.json', line: -3 }),
        /findings\[0\]\.location\.line is not a line number/,
      ],
      ['suppression', (f) => (f.status = 'suppressed'), /findings\[0\]\.suppression is missing/],
    ];
    for (const [name, mutate, expected] of cases) {
      const broken = JSON.parse(JSON.stringify(report)) as { findings: Record<string, unknown>[] };
      mutate(broken.findings[0]!);
      await expect(readPublishedReport(write(dir, `${name}.json`, broken), dir, gate)).rejects.toMatchObject({
        file: `${name}.json`,
        message: expect.stringMatching(expected),
      });
    }
  });

  test('a file over the size cap is refused before it is parsed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pub-'));
    const big = `{"tool":{"name":"aml-ha-gate"},"pad":"${'x'.repeat(PUBLISHED_REPORT_LIMITS.bytes)}"}`;
    await expect(readPublishedReport(write(dir, 'big.json', big), dir, gate)).rejects.toMatchObject({
      file: 'big.json',
      message: expect.stringMatching(/over the 32 MB a published report may have/),
    });
  });
});

describe('publish mode: where to post', () => {
  test("the event's commit and pull request, in this run's repository; the PR only while its head is that commit", async () => {
    server = await startFakeGitHub({ pulls: { 4: { headSha: HEAD, baseSha: 'b'.repeat(40) } } });
    const { log, warnings } = logger();
    const octokit = createGitHubClient('t', { apiUrl: server.url, logger: log });
    const target = await publishTarget(report, workflowRunContext(), octokit, log);
    expect(target).toEqual({
      owner: 'contoso',
      repo: 'ml',
      headSha: HEAD,
      runUrl: 'https://github.example/contoso/ml/actions/runs/1',
      pullNumber: 4,
    });
    expect(server.find('GET', /\/repos\/contoso\/ml\/pulls\/4$/).length).toBe(1);
    expect(warnings).toEqual([]);

    server.options.pulls = { 4: { headSha: 'c'.repeat(40), baseSha: 'b'.repeat(40) } };
    const moved = await publishTarget(report, workflowRunContext(), octokit, log);
    expect(moved.pullNumber).toBeUndefined();
    expect(moved.headSha).toBe(HEAD);
    expect(warnings.at(-1)).toMatch(/now at ccccccc, not aaaaaaa/);
  });

  test('a forged context in the report moves nothing: commit, pull request and run link come from the event', async () => {
    server = await startFakeGitHub({
      pulls: {
        4: { headSha: HEAD, baseSha: 'b'.repeat(40) },
        5: { headSha: 'f'.repeat(40), baseSha: 'b'.repeat(40) },
      },
    });
    const { log, warnings } = logger();
    const octokit = createGitHubClient('t', { apiUrl: server.url, logger: log });
    const forged: Report = {
      ...report,
      context: {
        repository: 'contoso/other',
        pullRequest: 5,
        headSha: 'f'.repeat(40),
        runUrl: 'https://evil.example/phish',
      },
    };
    const target = await publishTarget(forged, workflowRunContext(), octokit, log);
    expect(target).toMatchObject({
      headSha: HEAD,
      pullNumber: 4,
      runUrl: 'https://github.example/contoso/ml/actions/runs/1',
    });
    expect(warnings.join('\n')).toMatch(
      /report file says it is for commit f{40}, but the workflow_run event is for a{40}/,
    );
    expect(warnings.join('\n')).toMatch(
      /says it is for pull request #5, but commit aaaaaaa is the head of #4/,
    );
  });

  test("a fork's pull request (GitHub lists none for the run) is found by the fork's branch and the commit", async () => {
    server = await startFakeGitHub({
      pulls: { 9: { headSha: HEAD, baseSha: 'b'.repeat(40) } },
      openPulls: [
        { number: 8, headOwner: 'fork-owner', headBranch: 'patch-1', headSha: 'd'.repeat(40) },
        { number: 9, headOwner: 'fork-owner', headBranch: 'patch-1', headSha: HEAD },
      ],
    });
    const { log } = logger();
    const octokit = createGitHubClient('t', { apiUrl: server.url, logger: log });
    const context = workflowRunContext({ pullRequests: [], headOwner: 'fork-owner', headBranch: 'patch-1' });
    const target = await publishTarget(report, context, octokit, log);
    expect(target.pullNumber).toBe(9);
    expect(server.find('GET', /\/repos\/contoso\/ml\/pulls$/)[0]!.query.get('head')).toBe(
      'fork-owner:patch-1',
    );
  });

  test('outside workflow_run or pull_request, publish refuses: nothing else says which commit', async () => {
    const { log } = logger();
    const push: RunContext = { ...workflowRunContext(), eventName: 'push', workflowRun: undefined };
    await expect(publishTarget(report, push, undefined, log)).rejects.toThrow(
      /mode: publish runs in a workflow triggered by workflow_run/,
    );
  });
});
