/**
 * End to end: the bundled action (dist/index.js) in templates mode with its OIDC inputs, and the
 * bundled CLI (`scan --read-azure`), read the dependencies a template names but does not declare
 * from a fake ARM (signing in through fake GitHub OIDC and Entra ID on 127.0.0.1), and judge them.
 * Build first with `npm run bundle`.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Finding, Report } from '../../src/model.js';
import { writeTree } from '../arm-template/scan-helper.js';
import { buildWorkspaceFixture } from '../helpers/fake-arm-workspace.js';
import { hasOpenssl } from '../helpers/test-tls.js';
import { dependentTemplate } from './dependent-template.js';
import { actionStep, baseEnv, runNode } from './e2e-harness.js';
import { CLIENT_ID, startLiveWorld, TENANT_ID, type LiveWorld } from './live-harness.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const action = join(repoRoot, 'dist/index.js');
const cli = join(repoRoot, 'dist/cli/index.js');
const ready = existsSync(action) && existsSync(cli) && hasOpenssl();
if (!ready)
  console.warn(
    `templates-with-Azure e2e skipped: ${hasOpenssl() ? 'dist/ missing: run npm run bundle' : 'openssl not found'}`,
  );
const d = ready ? describe : describe.skip;

let world: LiveWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const one = (report: Report | undefined, ruleId: string, name: string): Finding | undefined =>
  report?.findings.find((finding) => finding.ruleId === ruleId && finding.resource.name === name);

d('templates mode reading outside dependencies from Azure (dist/)', () => {
  test('the action with client-id and tenant-id: dependencies judged for real, marked as read from Azure', async () => {
    const fixture = buildWorkspaceFixture({ healthy: false });
    world = await startLiveWorld({ resources: fixture.resources });
    const step = actionStep(world, '', {
      mode: 'templates',
      scope: 'all',
      templates: '**/*.json',
      location: 'westeurope',
      'fail-on': 'fail',
    });
    writeFileSync(join(step.dir, 'main.json'), dependentTemplate(fixture));
    const run = await runNode(action, [], step.env, step.dir);
    const report = JSON.parse(readFileSync(join(step.dir, 'aml-ha-report.json'), 'utf8')) as Report;
    expect(report.mode).toBe('templates');

    // Read from Azure: the LRS storage fails, the Basic registry fails, the zoneless AKS fails
    // (westeurope has zones: set by the location input), each on the template line naming it.
    const storage = one(report, 'HA.Storage.Redundancy', 'stmlwprod');
    expect(storage).toMatchObject({
      status: 'fail',
      resource: { id: fixture.ids.storage, role: 'defaultStorage' },
      location: { file: 'main.json', line: 11 },
    });
    expect(storage?.message).toMatch(/^Read from Azure: /);
    expect(one(report, 'HA.Registry.GeoReplication', 'crmlwprod')?.status).toBe('fail');
    expect(one(report, 'HA.AKS.AvailabilityZones', 'aks-mlw-prod')).toMatchObject({
      status: 'fail',
      location: { line: 22 },
    });
    // Never read: the id built from the placeholder subscription.
    expect(one(report, 'HA.AppInsights.Retention', 'appi-shared')?.status).toBe('unknown');
    expect(world.arm.requests.some((request) => request.path.includes('appi-shared'))).toBe(false);
    // Signed in with the job's OIDC token, and the access token was masked.
    expect(world.entra.tokenRequests[0]?.clientAssertion).toBe(world.oidc.issued[0]);
    expect(run.stdout).toContain(`::add-mask::${world.entra.issued[0]}`);
    // Tokens appear only in the runner's masking commands.
    const leaks = run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .filter((line) => line.includes(world!.oidc.issued[0]!) || line.includes(world!.entra.issued[0]!));
    expect(leaks).toEqual([]);
    // The gate fails on real gaps read from Azure; the comment shows them as read from Azure.
    expect(run.code).toBe(1);
    expect(step.outputs().verdict).toBe('fail');
    expect(step.summary()).toContain('Read from Azure');
  });

  test('the action without sign-in inputs reads nothing: the dependencies are unknown and the gate passes', async () => {
    const fixture = buildWorkspaceFixture({ healthy: false });
    world = await startLiveWorld({ resources: fixture.resources });
    const step = actionStep(world, '', {
      mode: 'templates',
      scope: 'all',
      templates: '**/*.json',
      'client-id': '',
      'tenant-id': '',
      'fail-on': 'fail',
    });
    writeFileSync(join(step.dir, 'main.json'), dependentTemplate(fixture));
    const run = await runNode(action, [], step.env, step.dir);
    const report = JSON.parse(readFileSync(join(step.dir, 'aml-ha-report.json'), 'utf8')) as Report;
    expect(world.arm.requests).toHaveLength(0);
    expect(world.entra.tokenRequests).toHaveLength(0);
    expect(one(report, 'HA.Storage.Redundancy', 'stmlwprod')?.status).toBe('unknown');
    expect(run.code).toBe(0);
  });

  test('the CLI with --read-azure', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({ resources: fixture.resources });
    const dir = writeTree({ 'main.json': dependentTemplate(fixture) });
    const run = await runNode(
      cli,
      [
        'scan',
        '.',
        '--read-azure',
        '--auth',
        'oidc',
        '--client-id',
        CLIENT_ID,
        '--tenant-id',
        TENANT_ID,
        '--authority-host',
        world.entra.url,
        '--arm-endpoint',
        world.arm.url,
        '--location',
        'westeurope',
        '--format',
        'json',
      ],
      baseEnv(world),
      dir,
    );
    expect(run.stderr).not.toContain(world.oidc.issued[0]);
    const report = JSON.parse(run.stdout) as Report;
    const storage = one(report, 'HA.Storage.Redundancy', 'stmlwprod');
    expect(storage).toMatchObject({ status: 'pass', location: { file: 'main.json', line: 11 } });
    expect(storage?.message).toMatch(/^Read from Azure: /);
    expect(one(report, 'HA.Registry.GeoReplication', 'crmlwprod')?.status).toBe('pass');
    expect(world.entra.tokenRequests[0]?.clientAssertion).toBe(world.oidc.issued[0]);
    expect(run.code).toBe(0);
  });
});
