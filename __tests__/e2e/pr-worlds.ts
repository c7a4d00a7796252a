/**
 * The pull-request "worlds" an end-to-end test file runs the action in: a git fixture (base and
 * head commits) and a fake GitHub that lists the PR's files, both closed and removed after each
 * test. Extra servers a test starts itself go in `servers` to be closed with them.
 */
import { afterEach } from '@jest/globals';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../helpers/fake-github.js';
import { PR, pullFiles } from './action-step.js';
import { createGitFixture, type FileSet, type GitFixture } from './git-fixture.js';

export function pullRequestWorlds(): {
  servers: FakeGitHub[];
  world: (
    base: FileSet,
    head: FileSet,
    serverOptions?: FakeGitHubOptions,
  ) => Promise<{ repo: GitFixture; server: FakeGitHub }>;
} {
  const servers: FakeGitHub[] = [];
  const repos: GitFixture[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    for (const repo of repos.splice(0)) repo.cleanup();
  });
  const world = async (base: FileSet, head: FileSet, serverOptions: FakeGitHubOptions = {}) => {
    const repo = createGitFixture(base, head);
    repos.push(repo);
    const server = await startFakeGitHub({ pullFiles: { [PR]: pullFiles(repo) }, ...serverOptions });
    servers.push(server);
    return { repo, server };
  };
  return { servers, world };
}
