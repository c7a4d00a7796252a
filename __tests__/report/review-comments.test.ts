/**
 * The suggestion comments against the fake GitHub over real HTTP (Octokit with its retry and
 * throttling plugins): created once in one review, left alone or edited in place on later runs,
 * posted anew when their line moved, marked resolved (and their threads resolved) when they no
 * longer apply, never someone else's touched.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { createGitHubClient } from '../../src/github.js';
import { silentLogger } from '../../src/model.js';
import {
  suggestionBody,
  suggestionMarker,
  syncSuggestionComments,
} from '../../src/report/review-comments.js';
import type { Suggestion } from '../../src/report/suggestions.js';
import { literalFixFor } from '../../src/rules/fixes.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';
import { finding } from '../gate/fixtures.js';

let servers: FakeGitHub[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const PATCH =
  '@@ -1,3 +1,3 @@\n {\n-  "sku": "Standard_ZRS",\n+  "sku": "Standard_LRS",\n   "x": 1\n@@ -20,0 +21,1 @@\n+  "other": "Standard_LRS"';
const TARGET = {
  owner: 'contoso',
  repo: 'ml',
  pullNumber: 7,
  headSha: 'a'.repeat(40),
  checkName: 'AML HA gate',
};
const helpUri = () => 'https://example.test/rule';

function suggestion(line = 2, message = 'Default storage uses Standard_LRS.'): Suggestion {
  const f = finding('HA.Storage.Redundancy', 'fail', 'stdata', {
    message,
    location: { file: 'infra/a.json', line },
  });
  return {
    key: '0123456789abcdef',
    path: 'infra/a.json',
    line,
    original: '  "sku": "Standard_LRS",',
    replacement: '  "sku": "Standard_ZRS",',
    fix: literalFixFor('HA.Storage.Redundancy', 'sku.name', 'Standard_LRS', 'datastore')!,
    findings: [f],
  };
}

async function world(extra: Parameters<typeof startFakeGitHub>[0] = {}) {
  const server = await startFakeGitHub({
    pullFiles: { 7: [{ filename: 'infra/a.json', status: 'modified', patch: PATCH }] },
    ...extra,
  });
  servers.push(server);
  const octokit = createGitHubClient('t0ken', { apiUrl: server.url, logger: silentLogger });
  const sync = (suggestions: Suggestion[], headSha = TARGET.headSha) =>
    syncSuggestionComments(octokit, { ...TARGET, headSha }, suggestions, helpUri, silentLogger);
  return { server, sync };
}

describe('the comment', () => {
  test('a GitHub suggested change of the line, with a fence the line cannot close', () => {
    const body = suggestionBody(suggestion(), 'AML HA gate', helpUri);
    expect(body.split('\n')[0]).toBe(suggestionMarker('AML HA gate', '0123456789abcdef'));
    expect(body).toContain('\n```suggestion\n  "sku": "Standard_ZRS",\n```\n');
    expect(body).toContain('[HA.Storage.Redundancy](https://example.test/rule) on **stdata**');
    const tricky = { ...suggestion(), replacement: '  "x": "````"' };
    expect(suggestionBody(tricky, 'AML HA gate', helpUri)).toContain(
      '\n`````suggestion\n  "x": "````"\n`````\n',
    );
  });
});

describe('syncing with the pull request', () => {
  test('created once in one review; unchanged on the next run; edited in place when its text changes', async () => {
    const { server, sync } = await world();
    expect(await sync([suggestion()])).toMatchObject({ created: 1, updated: 0 });
    expect(server.reviews).toHaveLength(1);
    const [comment] = [...server.reviewComments.values()];
    expect(comment).toMatchObject({ path: 'infra/a.json', line: 2, commit_id: TARGET.headSha });
    expect(comment!.body).toContain('```suggestion');

    expect(await sync([suggestion()])).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(await sync([suggestion(2, 'Datastore storage uses Standard_LRS.')])).toMatchObject({ updated: 1 });
    expect(server.reviews).toHaveLength(1);
    expect(server.reviewComments.size).toBe(1);
    expect(server.find('PATCH', /pulls\/comments\/\d+$/)).toHaveLength(1);
    expect([...server.reviewComments.values()][0]!.body).toContain('Datastore storage');
  });

  test('an out-of-date comment (its line changed since) is replaced by one on the current line', async () => {
    const { server, sync } = await world();
    await sync([suggestion()]);
    const [old] = [...server.reviewComments.values()];
    old!.line = null; // what GitHub reports once the commented line changed
    expect(await sync([suggestion(21)])).toMatchObject({ moved: 1, created: 0 });
    expect([...server.reviewComments.values()].map((c) => [c.id === old!.id, c.line])).toEqual([[false, 21]]);
  });

  test('a suggestion that no longer applies is marked resolved and its thread resolved', async () => {
    const { server, sync } = await world();
    await sync([suggestion()]);
    const [comment] = [...server.reviewComments.values()];
    expect(await sync([], 'b'.repeat(40))).toMatchObject({ resolved: 1 });
    expect(comment!.body).toMatch(
      /^<!-- aml-ha-gate-fix:AML HA gate 0123456789abcdef resolved -->\n✅ Resolved: at `bbbbbbb`/,
    );
    expect(comment!.body).not.toContain('```suggestion');
    expect(server.resolvedThreads).toEqual(new Set([comment!.id]));
    // Resolved once: a later run leaves it alone.
    expect(await sync([])).toMatchObject({ resolved: 0 });
  });

  test('comments by people, or with another gate’s marker, are never touched', async () => {
    const { server, sync } = await world();
    const marker = suggestionMarker('AML HA gate', '0123456789abcdef');
    server.reviewComments.set(1, {
      id: 1,
      pull: 7,
      path: 'infra/a.json',
      line: 2,
      commit_id: TARGET.headSha,
      body: `${marker}\nquoted by a reviewer`,
      user: { login: 'octocat', type: 'User' },
    });
    server.reviewComments.set(2, {
      id: 2,
      pull: 7,
      path: 'infra/a.json',
      line: 2,
      commit_id: TARGET.headSha,
      body: `${suggestionMarker('Other gate', '0123456789abcdef')}\nx`,
    });
    expect(await sync([])).toMatchObject({ resolved: 0 });
    expect(await sync([suggestion()])).toMatchObject({ created: 1 });
    expect(server.reviewComments.get(1)!.body).toBe(`${marker}\nquoted by a reviewer`);
    expect(server.find('DELETE', /pulls\/comments/)).toEqual([]);
  });

  test('a read-only token: the write is refused with HTTP 403 (GitHubWrites turns it into one warning)', async () => {
    const { server, sync } = await world({ readOnly: true });
    await expect(sync([suggestion()])).rejects.toMatchObject({ status: 403 });
    expect(server.reviewComments.size).toBe(0);
  });
});
