/**
 * End to end: the bundles run without runtime warnings on the Node that runs them (the runner's
 * Node 24 when `.ci/run` sets AML_HA_GATE_E2E_NODE, else this machine's). Node 21+ prints
 * `[DEP0040] DeprecationWarning: The punycode module is deprecated` on stderr of every run whose
 * bundle loads `punycode` (it came with `@azure/arm-resourcegraph` 4 → `node-fetch@2`); on the
 * runner that line lands in every user's log. Covers the CLI, the action in templates mode and the
 * action in workspace mode reading through Azure Resource Graph (the client that brought it).
 * Build first with `npm run bundle`.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildWorkspaceFixture } from '../helpers/fake-arm-workspace.js';
import { e2eNode } from '../helpers/e2e-node.js';
import { hasOpenssl } from '../helpers/test-tls.js';
import { actionStep, runNode } from '../live/e2e-harness.js';
import { startLiveWorld, type LiveWorld } from '../live/live-harness.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const action = join(repoRoot, 'dist/index.js');
const cli = join(repoRoot, 'dist/cli/index.js');
const ready = existsSync(action) && existsSync(cli) && hasOpenssl();
if (!ready) console.warn('runtime warnings e2e skipped: dist/ missing (npm run bundle) or openssl not found');
const d = ready ? describe : describe.skip;
const nodeVersion = ready ? execFileSync(e2eNode, ['--version'], { encoding: 'utf8' }).trim() : '?';

/** Lines of stderr that are Node runtime warnings (`(node:123) [DEP0040] DeprecationWarning: …`). */
const warnings = (stderr: string) => stderr.split('\n').filter((line) => /Warning\b/.test(line));

let world: LiveWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

d(`no runtime warnings from the bundles on Node ${nodeVersion}`, () => {
  test('the warning filter sees the line Node prints', () => {
    expect(
      warnings(
        '(node:4242) [DEP0040] DeprecationWarning: The `punycode` module is deprecated. Please use a userland alternative instead.\n(Use `node --trace-deprecation ...` to show where the warning was created)\n',
      ),
    ).toHaveLength(1);
  });

  test('the CLI scanning the examples', async () => {
    const run = await runNode(
      cli,
      ['scan', 'examples', '--fail-on', 'never'],
      { PATH: process.env.PATH, NO_COLOR: '1' },
      repoRoot,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('HA.Storage.Redundancy');
    expect(warnings(run.stderr)).toEqual([]);
  });

  test('the action reading six workspaces through Azure Resource Graph', async () => {
    const fixtures = Array.from({ length: 6 }, (_, index) =>
      buildWorkspaceFixture({ healthy: true, name: `mlw-${index + 1}` }),
    );
    world = await startLiveWorld({ resources: fixtures.flatMap((fixture) => fixture.resources) });
    const step = actionStep(world, fixtures.map((fixture) => fixture.workspaceId).join('\n'));
    const run = await runNode(action, [], step.env, step.dir);
    expect(run.code).toBe(0);
    expect(step.outputs().verdict).toBe('pass');
    const graphQueries = world.arm.requests.filter(
      (request) => request.method === 'POST' && /resourcegraph\/resources$/i.test(request.path),
    );
    expect(graphQueries.length).toBeGreaterThan(0);
    expect(graphQueries.every((request) => request.status === 200)).toBe(true);
    // Every token was asked for this cloud's ARM (the client's default scope is the public cloud's).
    expect(new Set(world.entra.tokenRequests.map((request) => request.scope))).toEqual(
      new Set([`${world.arm.url}/.default`]),
    );
    expect(warnings(run.stderr)).toEqual([]);
  });

  test('the action in templates mode on a push', async () => {
    const runner = mkdtempSync(join(tmpdir(), 'aml-ha-gate-runtime-'));
    world = await startLiveWorld({ resources: [] });
    const step = actionStep(world, '', {
      mode: 'templates',
      templates: 'examples/**/*.json',
      scope: 'all',
      'fail-on': 'never',
      'report-file': join(runner, 'report.json'),
    });
    const run = await runNode(action, [], { ...step.env, GITHUB_WORKSPACE: repoRoot }, repoRoot);
    expect(run.code).toBe(0);
    expect(Number(step.outputs().failures)).toBeGreaterThan(0);
    expect(warnings(run.stderr)).toEqual([]);
  });
});
