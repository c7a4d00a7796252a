/**
 * End to end: the bundled action (dist/index.js) in `mode: workspace`, run as the runner runs it,
 * against a fake GitHub OIDC endpoint, a fake Entra ID and a fake ARM started here on 127.0.0.1.
 * Build first with `npm run bundle`.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Finding, Report } from '../../src/model.js';
import { buildWorkspaceFixture } from '../helpers/fake-arm-workspace.js';
import type { ArmFault } from '../helpers/fake-arm.js';
import { hasOpenssl } from '../helpers/test-tls.js';
import { actionStep, runNode } from './e2e-harness.js';
import { startLiveWorld, type LiveWorld } from './live-harness.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const action = join(repoRoot, 'dist/index.js');
const ready = existsSync(action) && hasOpenssl();
if (!ready)
  console.warn(
    `live action e2e skipped: ${existsSync(action) ? 'openssl not found' : 'dist/index.js missing: run npm run bundle'}`,
  );
const d = ready ? describe : describe.skip;

let world: LiveWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function runAction(
  healthy: boolean,
  faults: ArmFault[] = [],
  options: { dropWorkspace?: boolean } = {},
) {
  const fixture = buildWorkspaceFixture({ healthy });
  world = await startLiveWorld({
    resources: options.dropWorkspace ? fixture.resources.slice(1) : fixture.resources,
    faults,
  });
  const step = actionStep(world, fixture.workspaceId);
  const run = await runNode(action, [], step.env, step.dir);
  const reportPath = join(step.dir, 'aml-ha-report.json');
  const report = existsSync(reportPath)
    ? (JSON.parse(readFileSync(reportPath, 'utf8')) as Report)
    : undefined;
  return { fixture, run, step, report, outputs: step.outputs() };
}

const status = (report: Report | undefined, ruleId: string, name: string) =>
  report?.findings.find((finding) => finding.ruleId === ruleId && finding.resource.name === name)?.status;

function expectSignedInWithGitHubToken(world: LiveWorld, stdout: string) {
  // Entra ID got the GitHub OIDC token as the client assertion...
  expect(world.entra.tokenRequests.length).toBeGreaterThanOrEqual(1);
  expect(world.entra.tokenRequests[0].clientAssertion).toBe(world.oidc.issued[0]);
  expect(world.entra.tokenRequests[0].clientAssertionType).toBe(
    'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  );
  // ...ARM saw the token Entra ID issued, on every request...
  expect(world.arm.requests.length).toBeGreaterThan(0);
  expect(
    world.arm.requests.every((request) => request.authorization === `Bearer ${world.entra.issued[0]}`),
  ).toBe(true);
  // ...and the access token was masked in the log.
  expect(stdout).toContain(`::add-mask::${world.entra.issued[0]}`);
}

d('the action in workspace mode (dist/index.js)', () => {
  test('a healthy workspace passes', async () => {
    const { run, report, outputs } = await runAction(true);
    expectSignedInWithGitHubToken(world!, run.stdout);
    expect(run.code).toBe(0);
    expect(outputs.verdict).toBe('pass');
    expect(report?.mode).toBe('workspace');
    expect(report?.findings.filter((finding) => finding.status === 'fail')).toEqual([]);
    expect(status(report, 'HA.Storage.Redundancy', 'stmlwprod')).toBe('pass');
    expect(status(report, 'HA.Storage.Redundancy', 'dlsmlwprod')).toBe('pass');
    expect(status(report, 'HA.Registry.GeoReplication', 'crmlwprod')).toBe('pass');
    expect(status(report, 'HA.KeyVault.Recoverability', 'kv-mlw-prod')).toBe('pass');
    expect(status(report, 'HA.AKS.AvailabilityZones', 'aks-mlw-prod')).toBe('pass');
    expect(status(report, 'HA.Sql.ZoneRedundancy', 'sql-mlw-prod/sales')).toBe('pass');
    const storage = report?.findings.find(
      (f) => f.ruleId === 'HA.Storage.Redundancy' && f.resource.name === 'stmlwprod',
    ) as Finding;
    expect(storage.resource.role).toBe('defaultStorage');
    expect(storage.resource.id).toMatch(/\/providers\/Microsoft\.Storage\/storageAccounts\/stmlwprod$/);
    expect(storage.location).toBeUndefined();
  });

  test('a workspace with gaps fails on them', async () => {
    const { run, report, outputs } = await runAction(false);
    expectSignedInWithGitHubToken(world!, run.stdout);
    expect(run.code).toBe(1);
    expect(outputs.verdict).toBe('fail');
    expect(status(report, 'HA.Storage.Redundancy', 'stmlwprod')).toBe('fail');
    expect(status(report, 'HA.Storage.Redundancy', 'dlsmlwprod')).toBe('fail');
    expect(status(report, 'HA.Registry.GeoReplication', 'crmlwprod')).toBe('fail');
    expect(status(report, 'HA.KeyVault.Recoverability', 'kv-mlw-prod')).toBe('warn');
    expect(status(report, 'HA.AKS.AvailabilityZones', 'aks-mlw-prod')).toBe('fail');
    expect(status(report, 'HA.AKS.UptimeSLA', 'aks-mlw-prod')).toBe('warn');
    expect(status(report, 'HA.Sql.ZoneRedundancy', 'sql-mlw-prod/sales')).toBe('fail');
    expect(status(report, 'HA.Sql.GeoReplication', 'sql-mlw-prod/sales')).toBe('warn');
  });

  test('a 403 on the key vault makes its findings unknown; the rest stands', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    const { run, report } = await runAction(true, [
      { path: fixture.ids.keyVault.toLowerCase(), status: 403, code: 'AuthorizationFailed' },
    ]);
    expectSignedInWithGitHubToken(world!, run.stdout);
    expect(run.code).toBe(0);
    const vault = report!.findings.filter((finding) => finding.resource.name === 'kv-mlw-prod');
    expect(vault.length).toBeGreaterThan(0);
    for (const finding of vault) {
      expect(finding.status).toBe('unknown');
      expect(finding.message).toContain('no read permission');
    }
    expect(status(report, 'HA.Storage.Redundancy', 'stmlwprod')).toBe('pass');
  });

  test('a 429 then success: the SDK retries and the result is complete', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    const { run, report } = await runAction(true, [
      {
        path: fixture.ids.storage.toLowerCase(),
        status: 429,
        code: 'TooManyRequests',
        retryAfter: 1,
        times: 1,
      },
    ]);
    expectSignedInWithGitHubToken(world!, run.stdout);
    expect(run.code).toBe(0);
    const storageRequests = world!.arm.requests.filter(
      (request) => request.path.toLowerCase() === fixture.ids.storage.toLowerCase(),
    );
    expect(storageRequests.map((request) => request.status)).toEqual([429, 200]);
    expect(status(report, 'HA.Storage.Redundancy', 'stmlwprod')).toBe('pass');
  });

  test('a missing workspace fails the step with one clear sentence', async () => {
    const { fixture, run } = await runAction(true, [], { dropWorkspace: true });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain(
      `::error::workspace ${fixture.workspaceId}: it was not found (HTTP 404 ResourceNotFound).`,
    );
    expect(run.stdout + run.stderr).not.toMatch(/RestError|\n\s+at .+\(.+:\d+:\d+\)/);
  });
});
