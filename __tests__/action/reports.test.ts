import { afterEach, describe, expect, test } from '@jest/globals';
import { createGitHubClient, GitHubWrites } from '../../src/github.js';
import type { Finding, Logger, Report } from '../../src/model.js';
import {
  ANNOTATIONS_PER_REQUEST,
  buildAnnotations,
  checkConclusion,
  checkSummary,
  CHECK_SUMMARY_LIMIT,
  publishCheckRun,
} from '../../src/report/checkrun.js';
import { COMMENT_LIMIT, commentBody, commentMarker, upsertStickyComment } from '../../src/report/comment.js';
import { JOB_SUMMARY_LIMIT, jobSummary } from '../../src/report/summary.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';

let server: FakeGitHub | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  const logger: Logger = {
    debug: (message) => lines.push({ level: 'debug', message }),
    info: (message) => lines.push({ level: 'info', message }),
    warning: (message) => lines.push({ level: 'warning', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
  return { logger, lines, warnings: () => lines.filter((l) => l.level === 'warning').map((l) => l.message) };
}

function finding(index: number, status: Finding['status'], regression = false): Finding {
  return {
    ruleId: 'HA.Storage.Redundancy',
    status,
    message: `storage ${index} is ${status}`,
    resource: {
      type: 'Microsoft.Storage/storageAccounts',
      name: `st${index}`,
      id: `/x/st${index}`,
      role: 'defaultStorage',
    },
    workspace: 'ws',
    evidence: { path: 'sku.name', value: 'Standard_LRS' },
    location: { file: `infra/t${index % 3}.json`, line: 10 + index },
    regression,
  };
}

function report(findings: Finding[], verdict: Report['verdict'] = 'fail'): Report {
  const count = (s: Finding['status']) => findings.filter((f) => f.status === s).length;
  return {
    tool: { name: 'aml-ha-gate', version: '1.0.0' },
    mode: 'templates',
    verdict,
    summary: {
      pass: count('pass'),
      fail: count('fail'),
      warn: count('warn'),
      info: count('info'),
      unknown: count('unknown'),
      suppressed: count('suppressed'),
      regressions: findings.filter((f) => f.regression).length,
    },
    findings,
    errors: [],
  };
}

const target = { owner: 'contoso', repo: 'ml', issueNumber: 7, checkName: 'AML HA gate' };

describe('sticky comment', () => {
  test('finds its marker on a later page and updates it in place; other comments are untouched', async () => {
    const marker = commentMarker('AML HA gate');
    server = await startFakeGitHub({
      pageSize: 2,
      comments: [
        { issue: 7, body: 'first' },
        { issue: 7, body: 'second' },
        { issue: 7, body: `${commentMarker('other gate')}\nother` },
        { issue: 7, body: 'fourth' },
        { issue: 7, body: `${marker}\nold report` },
      ],
    });
    const { logger } = recordingLogger();
    const octokit = createGitHubClient('t0ken', { apiUrl: server.url, logger });
    const result = await upsertStickyComment(octokit, target, `${marker}\nnew report`, 'update', logger);
    expect(result.action).toBe('updated');
    expect(server.find('GET', /issues\/7\/comments$/).length).toBe(3);
    expect(server.find('POST', /comments$/)).toEqual([]);
    const patched = server.find('PATCH', /issues\/comments\/\d+$/);
    expect(patched.length).toBe(1);
    expect([...server.comments.values()].map((c) => c.body)).toEqual([
      'first',
      'second',
      `${commentMarker('other gate')}\nother`,
      'fourth',
      `${marker}\nnew report`,
    ]);
    expect(server.requests[0].authorization).toBe('token t0ken');
  });

  test('creates when absent, recreate deletes then posts, and duplicates are removed on update', async () => {
    const marker = commentMarker('AML HA gate');
    server = await startFakeGitHub();
    const { logger } = recordingLogger();
    const octokit = createGitHubClient('t', { apiUrl: server.url, logger });
    const created = await upsertStickyComment(octokit, target, `${marker}\none`, 'update', logger);
    expect(created.action).toBe('created');
    const firstId = [...server.comments.keys()][0];
    const recreated = await upsertStickyComment(octokit, target, `${marker}\ntwo`, 'recreate', logger);
    expect(recreated.action).toBe('recreated');
    expect(server.comments.has(firstId)).toBe(false);
    expect([...server.comments.values()].map((c) => c.body)).toEqual([`${marker}\ntwo`]);
    // A concurrent run left a duplicate: update keeps one.
    server.comments.set(5000, { id: 5000, issue: 7, body: `${marker}\ndup` });
    await upsertStickyComment(octokit, target, `${marker}\nthree`, 'update', logger);
    expect([...server.comments.values()].map((c) => c.body)).toEqual([`${marker}\nthree`]);
  });

  test('only a comment that starts with the marker and was written by a bot is ours: content and other people cannot make one', async () => {
    const marker = commentMarker('AML HA gate');
    const otherGate = `${commentMarker('Other gate')}\n| fail | infra/\`${marker}\`.json |`;
    const human = `${marker}\nI quote the gate here`;
    server = await startFakeGitHub({
      comments: [
        { issue: 7, body: otherGate },
        { issue: 7, body: human, user: { login: 'mallory', type: 'User' } },
        { issue: 7, body: `quoting:\n${marker}\nold` },
        { issue: 7, body: `${marker}\nold report` },
      ],
    });
    const { logger } = recordingLogger();
    const octokit = createGitHubClient('t', { apiUrl: server.url, logger });
    const ids = [...server.comments.keys()];
    for (const mode of ['update', 'recreate'] as const) {
      await upsertStickyComment(octokit, target, `${marker}\nnew report`, mode, logger);
      expect(server.comments.get(ids[0]!)?.body).toBe(otherGate);
      expect(server.comments.get(ids[1]!)?.body).toBe(human);
      expect(server.comments.get(ids[2]!)?.body).toBe(`quoting:\n${marker}\nold`);
      const ours = [...server.comments.values()].filter((c) => c.body === `${marker}\nnew report`);
      expect(ours).toHaveLength(1);
    }
    expect(server.find('DELETE', /issues\/comments\/\d+$/).map((r) => r.path)).toEqual([
      `/repos/contoso/ml/issues/comments/${ids[3]}`,
    ]);
    // The marker cannot be forged from a check name either.
    const forged = commentMarker('x --> <!-- aml-ha-gate:y');
    expect(forged.match(/--/g)).toHaveLength(2);
    expect(forged.startsWith('<!-- aml-ha-gate:x')).toBe(true);
  });

  test("a personal token's own comments are found through GET /user; other users' are not", async () => {
    const marker = commentMarker('AML HA gate');
    server = await startFakeGitHub({
      userLogin: 'release-bot-user',
      comments: [
        { issue: 7, body: `${marker}\nby someone else`, user: { login: 'mallory', type: 'User' } },
        { issue: 7, body: `${marker}\nold`, user: { login: 'release-bot-user', type: 'User' } },
      ],
    });
    const { logger } = recordingLogger();
    const octokit = createGitHubClient('t', { apiUrl: server.url, logger });
    const [foreign, own] = [...server.comments.keys()];
    const result = await upsertStickyComment(octokit, target, `${marker}\nnew`, 'update', logger);
    expect(result.action).toBe('updated');
    expect(server.comments.get(own!)?.body).toBe(`${marker}\nnew`);
    expect(server.comments.get(foreign!)?.body).toBe(`${marker}\nby someone else`);
  });

  test('a body over the limit is cut at a line with a visible note', () => {
    const markdown = Array.from({ length: 5000 }, (_, i) => `| row ${i} | ${'x'.repeat(20)} |`).join('\n');
    const body = commentBody(markdown, 'AML HA gate', 'https://run');
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.startsWith(commentMarker('AML HA gate'))).toBe(true);
    expect(body).toContain('**Truncated**');
    expect(body).toContain('https://run');
    expect(body).not.toMatch(/\| row \d+ \| x*\n\n> \*\*Truncated/); // the last row is complete
    expect(commentBody('short', 'AML HA gate')).toBe(`${commentMarker('AML HA gate')}\nshort`);
  });
});

describe('check run', () => {
  test('conclusion follows the verdict and what is open', () => {
    expect(checkConclusion(report([finding(1, 'fail', true)], 'fail'))).toBe('failure');
    expect(checkConclusion(report([finding(1, 'fail')], 'pass'))).toBe('neutral');
    expect(checkConclusion(report([finding(1, 'pass'), finding(2, 'info')], 'pass'))).toBe('success');
  });

  test('annotations: non-pass findings with a location, levels mapped, regressions first', () => {
    const noLocation = { ...finding(9, 'fail'), location: undefined };
    const annotations = buildAnnotations(
      report([
        finding(1, 'info'),
        finding(2, 'pass'),
        finding(3, 'warn'),
        finding(4, 'fail', true),
        noLocation,
        finding(5, 'suppressed'),
      ]),
    );
    expect(annotations.map((a) => [a.path, a.start_line, a.annotation_level])).toEqual([
      ['infra/t1.json', 14, 'failure'],
      ['infra/t0.json', 13, 'warning'],
      ['infra/t1.json', 11, 'notice'],
    ]);
    expect(annotations[0].title).toBe('Regression: HA.Storage.Redundancy (fail)');
  });

  test('120 annotations go out in batches of 50 on the head SHA', async () => {
    server = await startFakeGitHub();
    const { logger } = recordingLogger();
    const octokit = createGitHubClient('t', { apiUrl: server.url, logger });
    const findings = Array.from({ length: 120 }, (_, i) => finding(i, 'fail', true));
    const r = report(findings);
    const result = await publishCheckRun(
      octokit,
      {
        owner: 'contoso',
        repo: 'ml',
        headSha: 'abc123',
        name: 'AML HA gate',
        title: 't',
        summary: '# report',
        conclusion: checkConclusion(r),
        annotations: buildAnnotations(r),
      },
      logger,
    );
    expect(result).toMatchObject({ sent: 120, notSent: 0, requests: 3 });
    const posts = server.find('POST', /check-runs$/);
    expect(posts.length).toBe(1);
    const created = posts[0].body as {
      head_sha: string;
      conclusion: string;
      output: { annotations: unknown[] };
    };
    expect(created.head_sha).toBe('abc123');
    expect(created.conclusion).toBe('failure');
    const sizes = [
      created.output.annotations.length,
      ...server
        .find('PATCH', /check-runs\/\d+$/)
        .map((p) => (p.body as { output: { annotations: unknown[] } }).output.annotations.length),
    ];
    expect(sizes).toEqual([ANNOTATIONS_PER_REQUEST, ANNOTATIONS_PER_REQUEST, 20]);
    expect(new Set(server.checkRuns[0].annotations.map((a) => a.start_line)).size).toBe(120);
  });

  test('summary stays under the limit and states annotations not sent', () => {
    const long = 'line\n'.repeat(20_000);
    const text = checkSummary(long, '> 3 annotations were not sent');
    expect(text.length).toBeLessThanOrEqual(CHECK_SUMMARY_LIMIT);
    expect(text).toContain('**Truncated**');
    expect(text.endsWith('> 3 annotations were not sent\n')).toBe(true);
  });
});

describe('read-only token', () => {
  test('403 on writes: one warning for several writes, nothing thrown', async () => {
    server = await startFakeGitHub({ readOnly: true });
    const { logger, warnings } = recordingLogger();
    const octokit = createGitHubClient('t', { apiUrl: server.url, logger });
    const writes = new GitHubWrites(logger);
    const r = report([finding(1, 'fail', true)]);
    const run = await writes.attempt('create the check run', () =>
      publishCheckRun(
        octokit,
        {
          owner: 'o',
          repo: 'r',
          headSha: 's',
          name: 'n',
          title: 't',
          summary: 's',
          conclusion: 'failure',
          annotations: buildAnnotations(r),
        },
        logger,
      ),
    );
    const comment = await writes.attempt('post the comment', () =>
      upsertStickyComment(octokit, target, 'x', 'update', logger),
    );
    expect(run).toBeUndefined();
    expect(comment).toBeUndefined();
    expect(writes.denied).toBe(true);
    expect(warnings().length).toBe(1);
    expect(warnings()[0]).toMatch(/HTTP 403 on create the check run.*fork/);
    // The 403 is not retried.
    expect(server.find('POST', /check-runs$/).length).toBe(1);
  });
});

describe('job summary', () => {
  test('stays under 1 MiB of UTF-8, cut at a line, with a note naming the report file', () => {
    const markdown = `${'| é | ✅ |\n'.repeat(200_000)}`;
    const text = jobSummary(markdown, 'aml-ha-report.json');
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(JOB_SUMMARY_LIMIT);
    expect(text).toContain('`aml-ha-report.json`');
    expect(text).not.toContain('\uFFFD');
    expect(
      text
        .split('\n')
        .filter((l) => l.startsWith('|'))
        .every((l) => l === '| é | ✅ |'),
    ).toBe(true);
    expect(jobSummary('small')).toBe('small\n');
  });
});
