/**
 * A GitHub on a bad day, over real HTTP against the fake GitHub: 5xx, HTML error pages, success
 * answers whose body is not what the API documents, more files than the API lists, a connection
 * that never answers, a one-hour rate-limit wait, a slow API that eats the time budget. Each ends
 * in an error or a skipped write with one warning that says why, never in a hang or in "nothing
 * to check". Short limits keep the tests fast; the outcomes are asserted, not the timings.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { createGitHubClient, GitHubWrites, type GitHubLimits } from '../../src/github.js';
import type { Logger } from '../../src/model.js';
import { upsertStickyComment } from '../../src/report/comment.js';
import { listChangedFiles, readFileAtCommit } from '../../src/sources/changed.js';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../helpers/fake-github.js';

let server: FakeGitHub | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function recorder() {
  const warnings: string[] = [];
  const infos: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: (m) => infos.push(m),
    warning: (m) => warnings.push(m),
    error: (m) => warnings.push(m),
  };
  return { logger, warnings, infos };
}

const FAST: Partial<GitHubLimits> = {
  attemptTimeoutMs: 300,
  retries: 1,
  budgetMs: 5_000,
  maxRateLimitWaitS: 60,
};

async function client(options: FakeGitHubOptions, limits: Partial<GitHubLimits> = FAST) {
  server = await startFakeGitHub(options);
  const log = recorder();
  const octokit = createGitHubClient('t', { apiUrl: server.url, logger: log.logger, limits });
  return { octokit, ...log, server };
}

const target = { owner: 'contoso', repo: 'ml', pullNumber: 7 };
const commentTarget = { owner: 'contoso', repo: 'ml', issueNumber: 7, checkName: 'AML HA gate' };

describe('GitHub API trouble', () => {
  test('a GitHub that never answers: each attempt times out, one warning, later calls are not sent', async () => {
    const { octokit, warnings, infos, server } = await client({ failures: [{ hang: true }] });
    await expect(listChangedFiles(octokit, target)).rejects.toThrow(/GitHub API unavailable/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^GitHub API unavailable: no answer within 0\.3 s, 2 attempts \(GET \/repos\/contoso\/ml\/pulls\/7\/files\)/,
    );
    expect(warnings[0]).toMatch(/report file, job summary and exit status still stand/);
    expect(server.requests).toHaveLength(2); // the attempt and its one retry

    const writes = new GitHubWrites({ ...recorder().logger, info: (m) => infos.push(m) });
    const posted = await writes.attempt('post the pull-request comment', () =>
      upsertStickyComment(octokit, commentTarget, 'x', 'update', recorder().logger),
    );
    expect(posted).toBeUndefined();
    expect(writes.denied).toBe(false);
    expect(infos.at(-1)).toBe('skipped: post the pull-request comment (GitHub API unavailable)');
    expect(server.requests).toHaveLength(2);
    expect(warnings).toHaveLength(1);
  }, 10_000);

  test('500 is retried, then one warning; an HTML error page is named, not printed', async () => {
    const html = '<!DOCTYPE html><html><body><h1>Unicorn! 502</h1></body></html>';
    const { octokit, warnings, server } = await client({
      failures: [{ status: 502, contentType: 'text/html; charset=utf-8', body: html }],
    });
    await expect(listChangedFiles(octokit, target)).rejects.toThrow(/GitHub API unavailable/);
    expect(server.requests).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^GitHub API unavailable: HTTP 502: an HTML error page after 2 attempts/);
    expect(warnings[0]).not.toContain('<');
  }, 10_000);

  test.each([
    ['an object', { contentType: 'application/json', body: '{"message":"ok"}' }],
    ['null', { contentType: 'application/json', body: 'null' }],
    ['an HTML page', { contentType: 'text/html', body: '<html>Sign in to the proxy</html>' }],
    ['files without names', { contentType: 'application/json', body: '[{"sha":"1"}]' }],
  ])('a 200 whose body is %s is an error, never an empty file list', async (_label, answer) => {
    const { octokit } = await client({
      failures: [{ path: /pulls\/7\/files$/, status: 200, ...answer }],
    });
    await expect(listChangedFiles(octokit, target)).rejects.toThrow(
      /not what the API documents|instead of JSON/,
    );
  });

  test('a 200 contents answer that is not a file object is an error, not "absent at base"', async () => {
    const { octokit } = await client({
      failures: [{ path: /contents\//, status: 200, body: '{"message":"ok"}' }],
    });
    await expect(
      readFileAtCommit(octokit, { owner: 'contoso', repo: 'ml' }, 'infra/ws.json', 'a'.repeat(40)),
    ).rejects.toThrow(/not what the API documents/);
  });

  test('a pull request of more than 3,000 files: the list is refused as incomplete', async () => {
    const files = Array.from({ length: 3_001 }, (_, i) => ({ filename: `f/${i}.json`, status: 'added' }));
    const { octokit, server } = await client({ pullFiles: { 7: files } });
    await expect(listChangedFiles(octokit, target)).rejects.toThrow(/3,000 files or more/);
    expect(server.find('GET', /pulls\/7\/files$/)).toHaveLength(30);
  });

  test('a one-hour secondary-rate-limit wait is not waited for: one warning naming the wait and the cap', async () => {
    const { octokit, warnings, server } = await client({
      failures: [
        {
          method: 'POST',
          status: 403,
          headers: { 'retry-after': '3600' },
          body: JSON.stringify({ message: 'You have exceeded a secondary rate limit.' }),
        },
      ],
    });
    const writes = new GitHubWrites(recorder().logger);
    const posted = await writes.attempt('post the pull-request comment', () =>
      upsertStickyComment(octokit, commentTarget, 'x', 'update', recorder().logger),
    );
    expect(posted).toBeUndefined();
    expect(writes.denied).toBe(false); // a rate limit is not a permission problem
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /GitHub asked to wait 3600 s \(secondary rate limit\) before retrying POST \/repos\/contoso\/ml\/issues\/7\/comments; the action waits at most 60 s for a rate limit/,
    );
    expect(server.find('POST', /comments$/)).toHaveLength(1);
  }, 10_000);

  test('a slow GitHub: calls stop once the run budget is spent, with one warning', async () => {
    const { octokit, warnings, server } = await client(
      {
        latencyMs: 150,
        pullFiles: { 7: Array.from({ length: 1_000 }, (_, i) => ({ filename: `f${i}`, status: 'added' })) },
      },
      { attemptTimeoutMs: 2_000, retries: 1, budgetMs: 700 },
    );
    await expect(listChangedFiles(octokit, target)).rejects.toThrow(/GitHub API unavailable/);
    expect(server.requests.length).toBeLessThan(10);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/0\.7 s budget for GitHub calls/);
  }, 10_000);
});
