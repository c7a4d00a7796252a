/**
 * Templates mode, signed in (issue 10, point 3, "beyond that"): the resources a template names but
 * does not declare are read through ARM with the live reader and judged for real, marked as read
 * from Azure; placeholder-scoped ids are never read; a 403 or a failed sign-in says why. Real HTTP
 * against the fake GitHub OIDC, Entra ID and ARM servers (no mocks).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import type { Finding, Logger } from '../../src/model.js';
import { scanTemplates } from '../../src/scan.js';
import { AzureDependencyReader } from '../../src/sources/live/dependencies.js';
import { writeTree } from '../arm-template/scan-helper.js';
import { buildWorkspaceFixture } from '../helpers/fake-arm-workspace.js';
import { dependentTemplate } from './dependent-template.js';
import { hasOpenssl } from '../helpers/test-tls.js';
import { startLiveWorld, type LiveWorld } from './live-harness.js';

const d = hasOpenssl() ? describe : describe.skip;
if (!hasOpenssl()) console.warn('template dependency tests skipped: openssl is needed for the fake servers');

let world: LiveWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const collect = (): Logger & { lines: string[] } => {
  const out: string[] = [];
  return {
    lines: out,
    debug: () => undefined,
    info: (message) => out.push(message),
    warning: (message) => out.push(`warning: ${message}`),
    error: (message) => out.push(`error: ${message}`),
  };
};

async function scan(dir: string, reader?: AzureDependencyReader, logger: Logger = collect()) {
  return scanTemplates({
    paths: ['.'],
    cwd: dir,
    failOn: 'never',
    unknownAs: 'unknown',
    logger,
    now: new Date('2026-01-01T00:00:00Z'),
    azure: reader,
  });
}

const one = (findings: Finding[], ruleId: string, name: string) =>
  findings.find((finding) => finding.ruleId === ruleId && finding.resource.name === name);

d('outside dependencies read from Azure', () => {
  test('signed in: judged for real, marked as read from Azure, annotated where the template names them', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({
      resources: fixture.resources,
      faults: [{ path: fixture.ids.keyVault.toLowerCase(), status: 403, code: 'AuthorizationFailed' }],
    });
    const dir = writeTree({ 'main.json': dependentTemplate(fixture) });
    const reader = new AzureDependencyReader(world.settings(), world.deps());
    const report = await scan(dir, reader);

    // The storage account, with the id ARM gave, its SKU read from Azure, annotated on line 11.
    const storage = one(report.findings, 'HA.Storage.Redundancy', 'stmlwprod');
    expect(storage).toMatchObject({
      status: 'pass',
      resource: { id: fixture.ids.storage, role: 'defaultStorage' },
      workspace: 'mlw-new',
      location: { file: 'main.json', line: 11 },
      evidence: { path: 'sku.name', value: 'Standard_ZRS' },
    });
    expect(storage?.message).toMatch(/^Read from Azure: /);
    // What the rules need came along: the registry's replication, the cluster's zonal agent pools.
    expect(one(report.findings, 'HA.Registry.GeoReplication', 'crmlwprod')).toMatchObject({
      status: 'pass',
      location: { line: 13 },
    });
    expect(one(report.findings, 'HA.AKS.AvailabilityZones', 'aks-mlw-prod')).toMatchObject({
      status: 'pass',
      resource: { role: 'compute' },
      workspace: 'mlw-new',
      location: { line: 22 },
    });
    expect(one(report.findings, 'HA.AKS.AvailabilityZones', 'mlw-new/aks')).toBeUndefined();
    // A 403: unknown, saying which permission is missing.
    const vault = one(report.findings, 'HA.KeyVault.Recoverability', 'kv-mlw-prod');
    expect(vault?.status).toBe('unknown');
    expect(vault?.message).toContain('no read permission');
    // The project's hub was read with everything it depends on: the project's registry is judged.
    expect(one(report.findings, 'HA.Workspace.RegistryLinked', 'proj')?.status).toBe('pass');
    expect(one(report.findings, 'HA.Workspace.RegistryLinked', 'mlw-prod')).toMatchObject({
      status: 'pass',
      workspace: 'mlw-prod',
      location: { line: 31 },
    });
    expect(one(report.findings, 'HA.Storage.Redundancy', 'dlsmlwprod')?.message).toMatch(/^Read from Azure/);
    // An id built from the placeholder subscription was never read, and says what to set.
    const insights = one(report.findings, 'HA.AppInsights.Retention', 'appi-shared');
    expect(insights?.status).toBe('unknown');
    expect(insights?.message).toContain('placeholder subscription');
    expect(insights?.message).toContain('subscription-id');
    expect(world.arm.requests.some((request) => request.path.includes('appi-shared'))).toBe(false);
    expect(
      world.arm.requests.every((request) => !request.path.includes('00000000-0000-0000-0000-000000000000')),
    ).toBe(true);
    // Signed in once with the GitHub token; every request carried the issued token.
    expect(world.entra.tokenRequests).toHaveLength(1);
    expect(world.entra.tokenRequests[0]!.clientAssertion).toBe(world.oidc.issued[0]);
    expect(
      world.arm.requests.every((request) => request.authorization === `Bearer ${world!.entra.issued[0]}`),
    ).toBe(true);
    expect(reader.requests).toBeGreaterThan(5);
  });

  test('a template-only run reads nothing and keeps every verdict the templates decide; the dependencies are unknown', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({ resources: fixture.resources });
    const dir = writeTree({ 'main.json': dependentTemplate(fixture) });
    const logger = collect();
    const plain = await scan(dir, undefined, logger);
    expect(world.arm.requests).toHaveLength(0);
    expect(world.entra.tokenRequests).toHaveLength(0);
    for (const name of ['stmlwprod', 'kv-mlw-prod', 'crmlwprod', 'appi-shared']) {
      const findings = plain.findings.filter((finding) => finding.resource.name === name);
      expect({ name, count: findings.length > 0 }).toEqual({ name, count: true });
      expect(findings.every((finding) => finding.status === 'unknown')).toBe(true);
    }
    expect(one(plain.findings, 'HA.Workspace.RegistryLinked', 'mlw-new')?.status).toBe('pass');
    expect(one(plain.findings, 'HA.Workspace.RegistryLinked', 'proj')?.status).toBe('unknown');
    expect(one(plain.findings, 'HA.Workspace.SharedDefaultStorage', 'mlw-new')?.status).toBe('pass');
    expect(one(plain.findings, 'HA.AKS.AvailabilityZones', 'mlw-new/aks')?.status).toBe('unknown');
    expect(plain.notes?.join('\n')).toContain('let the gate read them from Azure');
    // Signed in, what only Azure knows decides: the hub read from Azure uses the same default storage.
    const signedIn = await scan(dir, new AzureDependencyReader(world.settings(), world.deps()));
    const shared = one(signedIn.findings, 'HA.Workspace.SharedDefaultStorage', 'mlw-new');
    expect(shared?.status).toBe('warn');
    expect(shared?.message).toContain('mlw-prod');
  });

  test('a sign-in that fails keeps the dependencies unknown with the reason, and the scan stands', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({ resources: fixture.resources }, { federated: [] });
    const dir = writeTree({ 'main.json': dependentTemplate(fixture) });
    const logger = collect();
    const report = await scan(
      dir,
      new AzureDependencyReader(world.settings(), world.deps({ logger })),
      logger,
    );
    const storage = one(report.findings, 'HA.Storage.Redundancy', 'stmlwprod');
    expect(storage?.status).toBe('unknown');
    expect(storage?.message).toContain('could not sign in to Azure');
    expect(logger.lines.filter((line) => line.startsWith('warning: could not sign in'))).toHaveLength(1);
    expect(world.arm.requests).toHaveLength(0);
    expect(report.findings.join('\n')).not.toContain(world.oidc.issued[0] ?? 'no token');
  });
});
