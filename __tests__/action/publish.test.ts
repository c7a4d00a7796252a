import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunContext } from '../../src/action/context.js';
import { publishTarget, readPublishedReport } from '../../src/action/publish.js';
import { createGitHubClient } from '../../src/github.js';
import type { Logger, Report } from '../../src/model.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';

let server: FakeGitHub | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const report: Report = {
  tool: { name: 'aml-ha-gate', version: '1.0.0' },
  mode: 'templates',
  verdict: 'fail',
  summary: { pass: 0, fail: 1, warn: 0, info: 0, unknown: 0, suppressed: 0, regressions: 1 },
  findings: [],
  errors: [],
  context: {
    repository: 'fork-owner/ml',
    pullRequest: 4,
    headSha: 'a'.repeat(40),
    runUrl: 'https://gh/run/1',
  },
};
const context: RunContext = {
  eventName: 'workflow_run',
  owner: 'contoso',
  repo: 'ml',
  sha: 'm',
  workspace: '/',
  apiUrl: '',
  serverUrl: '',
};

function logger() {
  const warnings: string[] = [];
  const log: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warning: (m) => warnings.push(m),
    error: () => undefined,
  };
  return { log, warnings };
}

describe('publish mode', () => {
  test('reads a report file; a missing, broken or foreign file names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pub-'));
    writeFileSync(join(dir, 'r.json'), JSON.stringify(report));
    writeFileSync(join(dir, 'bad.json'), '{');
    writeFileSync(join(dir, 'other.json'), '{"version":"2.1.0"}');
    expect((await readPublishedReport('r.json', dir)).context?.pullRequest).toBe(4);
    await expect(readPublishedReport('missing.json', dir)).rejects.toMatchObject({
      file: 'missing.json',
      message: expect.stringMatching(/report file not found/),
    });
    await expect(readPublishedReport('bad.json', dir)).rejects.toMatchObject({
      file: 'bad.json',
      message: expect.stringMatching(/not valid JSON/),
    });
    await expect(readPublishedReport('other.json', dir)).rejects.toMatchObject({
      file: 'other.json',
      message: expect.stringMatching(/not an aml-ha-gate report/),
    });
  });

  test("posts to this run's repository, and to the PR only while its head is the recorded SHA", async () => {
    server = await startFakeGitHub({ pulls: { 4: { headSha: 'a'.repeat(40), baseSha: 'b'.repeat(40) } } });
    const { log, warnings } = logger();
    const octokit = createGitHubClient('t', { apiUrl: server.url, logger: log });
    const target = await publishTarget(report, context, octokit, log);
    expect(target).toEqual({
      owner: 'contoso',
      repo: 'ml',
      headSha: 'a'.repeat(40),
      runUrl: 'https://gh/run/1',
      pullNumber: 4,
    });
    expect(server.find('GET', /\/repos\/contoso\/ml\/pulls\/4$/).length).toBe(1);
    expect(warnings).toEqual([
      'the report was written for fork-owner/ml; posting to contoso/ml, the repository of this run.',
    ]);

    server.options.pulls = { 4: { headSha: 'c'.repeat(40), baseSha: 'b'.repeat(40) } };
    const moved = await publishTarget(report, context, octokit, log);
    expect(moved.pullNumber).toBeUndefined();
    expect(moved.headSha).toBe('a'.repeat(40));
    expect(warnings.at(-1)).toMatch(/now at ccccccc, not aaaaaaa/);
  });
});
