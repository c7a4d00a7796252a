/**
 * End to end: the bundled CLI (dist/cli/index.js) `aml-ha-gate workspace`, signing in with a
 * GitHub OIDC token (as inside a job) against fakes on 127.0.0.1. Build first with `npm run bundle`.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Report } from '../../src/model.js';
import { buildWorkspaceFixture } from '../helpers/fake-arm-workspace.js';
import { hasOpenssl } from '../helpers/test-tls.js';
import { baseEnv, runNode } from './e2e-harness.js';
import { CLIENT_ID, startLiveWorld, TENANT_ID, type LiveWorld } from './live-harness.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const cli = join(repoRoot, 'dist/cli/index.js');
const ready = existsSync(cli) && hasOpenssl();
if (!ready)
  console.warn(
    `live CLI e2e skipped: ${existsSync(cli) ? 'openssl not found' : 'dist/cli/index.js missing: run npm run bundle'}`,
  );
const d = ready ? describe : describe.skip;

let world: LiveWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

d('aml-ha-gate workspace (dist/cli/index.js)', () => {
  const flags = (w: LiveWorld) => [
    '--auth',
    'oidc',
    '--client-id',
    CLIENT_ID,
    '--tenant-id',
    TENANT_ID,
    '--authority-host',
    w.entra.url,
    '--arm-endpoint',
    w.arm.url,
  ];

  test('a workspace with gaps: JSON report on stdout, exit code 1', async () => {
    const fixture = buildWorkspaceFixture({ healthy: false });
    world = await startLiveWorld({ resources: fixture.resources });
    const cwd = mkdtempSync(join(tmpdir(), 'aml-ha-gate-cli-live-'));
    const run = await runNode(
      cli,
      ['workspace', fixture.workspaceId, ...flags(world), '--format', 'json'],
      baseEnv(world),
      cwd,
    );
    expect(run.stderr).not.toContain(world.oidc.issued[0]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.mode).toBe('workspace');
    expect(report.verdict).toBe('fail');
    const storage = report.findings.find(
      (finding) => finding.ruleId === 'HA.Storage.Redundancy' && finding.resource.name === 'stmlwprod',
    );
    expect(storage?.status).toBe('fail');
    expect(world.entra.tokenRequests[0].clientAssertion).toBe(world.oidc.issued[0]);
  });

  test('a name with --resource-group and --subscription-id; a healthy workspace exits 0', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({ resources: fixture.resources });
    const cwd = mkdtempSync(join(tmpdir(), 'aml-ha-gate-cli-live-'));
    const run = await runNode(
      cli,
      [
        'workspace',
        'mlw-prod',
        '--resource-group',
        'rg-ml-prod',
        '--subscription-id',
        '00000000-1111-2222-3333-444444444444',
        ...flags(world),
        '--format',
        'json',
      ],
      baseEnv(world),
      cwd,
    );
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Report).verdict).toBe('pass');
  });

  test('sign-in without a federated credential for this subject: exit 2 and the claims to configure', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({ resources: fixture.resources }, { federated: [] });
    const cwd = mkdtempSync(join(tmpdir(), 'aml-ha-gate-cli-live-'));
    const run = await runNode(cli, ['workspace', fixture.workspaceId, ...flags(world)], baseEnv(world), cwd);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("subject 'repo:contoso/ml-platform:ref:refs/heads/main'");
    expect(run.stderr).not.toContain(world.oidc.issued[0]);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
