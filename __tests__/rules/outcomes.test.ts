// One test per outcome of each rule, written from the rule table in docs/rules.md.
import { describe, expect, test } from '@jest/globals';
import { evaluateResources } from '../../src/engine.js';
import type { Finding, ObjectValue, Resource } from '../../src/model.js';
import { idOf, resource, T, unknown, workspace } from './build.js';

function findingsOf(resources: Resource[], ruleId: string, name?: string): Finding[] {
  return evaluateResources(resources).filter(
    (f) => f.ruleId === ruleId && (name === undefined || f.resource.name === name),
  );
}
function statusOf(resources: Resource[], ruleId: string, name?: string): string | undefined {
  const found = findingsOf(resources, ruleId, name);
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.status;
}

const storage = (sku: unknown, name = 'stdefault') =>
  resource(T.storage, name, { sku: { name: sku as string } });
const wsWithStorage = (name = 'mlws', storageName = 'stdefault') =>
  workspace(name, { storageAccount: idOf(T.storage, storageName) });

describe('HA.Storage.Redundancy', () => {
  test.each([
    ['Standard_ZRS', 'pass'],
    ['Standard_GZRS', 'pass'],
    ['Standard_RAGZRS', 'pass'],
    ['Premium_ZRS', 'pass'],
    ['StandardV2_ZRS', 'pass'],
    ['PremiumV2_LRS', 'fail'],
    ['Standard_LRS', 'fail'],
    ['Premium_LRS', 'fail'],
    ['Standard_GRS', 'warn'],
    ['Standard_RAGRS', 'warn'],
    ['Something_Else', 'unknown'],
  ])('%s is %s', (sku, status) => {
    expect(statusOf([storage(sku)], 'HA.Storage.Redundancy')).toBe(status);
  });
  test('a parameter only known at deployment is unknown with the reason', () => {
    const [finding] = findingsOf(
      [storage(unknown("parameters('sku') has no value"))],
      'HA.Storage.Redundancy',
    );
    expect(finding?.status).toBe('unknown');
    expect(finding?.message).toContain("parameters('sku') has no value");
  });
  test('legacy properties.accountType is read the same way', () => {
    const legacy = resource(T.storage, 'old', { properties: { accountType: 'Standard_LRS' } });
    const [finding] = findingsOf([legacy], 'HA.Storage.Redundancy');
    expect(finding?.status).toBe('fail');
    expect(finding?.evidence).toEqual({ path: 'properties.accountType', value: 'Standard_LRS' });
  });
  test('the message names the role', () => {
    const [finding] = findingsOf([wsWithStorage(), storage('Standard_LRS')], 'HA.Storage.Redundancy');
    expect(finding?.resource.role).toBe('defaultStorage');
    expect(finding?.message).toMatch(/^Default storage uses Standard_LRS/);
  });
});

describe('HA.Storage.DefaultStorageGeoFailover', () => {
  test.each([
    ['Standard_GRS', 'warn'],
    ['Standard_RAGRS', 'warn'],
    ['Standard_GZRS', 'warn'],
    ['Standard_RAGZRS', 'warn'],
    ['Standard_ZRS', 'pass'],
    ['Standard_LRS', 'pass'],
  ])('default storage on %s is %s', (sku, status) => {
    expect(statusOf([wsWithStorage(), storage(sku)], 'HA.Storage.DefaultStorageGeoFailover')).toBe(status);
  });
  test('does not apply to storage that is not a default store', () => {
    expect(findingsOf([storage('Standard_GRS')], 'HA.Storage.DefaultStorageGeoFailover')).toEqual([]);
  });
});

describe('workspace rules', () => {
  test('HA.Workspace.DisasterRecovery is always info', () => {
    expect(statusOf([workspace('mlws')], 'HA.Workspace.DisasterRecovery')).toBe('info');
  });
  test('HA.Workspace.RegistryLinked: pass when set, warn when not', () => {
    expect(
      statusOf(
        [workspace('a', { containerRegistry: idOf(T.registry, 'cr') })],
        'HA.Workspace.RegistryLinked',
      ),
    ).toBe('pass');
    expect(statusOf([workspace('a', {})], 'HA.Workspace.RegistryLinked')).toBe('warn');
    expect(
      statusOf([workspace('a', { containerRegistry: unknown('x') })], 'HA.Workspace.RegistryLinked'),
    ).toBe('unknown');
  });
  test('HA.Workspace.RegistryLinked: a project uses its hub registry', () => {
    const hub = workspace('hub', { containerRegistry: idOf(T.registry, 'cr') }, { kind: 'Hub' });
    const project = workspace('proj', { hubResourceId: idOf(T.workspace, 'hub') }, { kind: 'Project' });
    expect(statusOf([hub, project], 'HA.Workspace.RegistryLinked', 'proj')).toBe('pass');
  });
  test('HA.Workspace.RegistryLinked: a project of a hub that names no registry warns like its hub', () => {
    const hub = workspace('hub', {}, { kind: 'Hub' });
    const project = workspace('proj', { hubResourceId: idOf(T.workspace, 'hub') }, { kind: 'Project' });
    expect(statusOf([hub, project], 'HA.Workspace.RegistryLinked', 'hub')).toBe('warn');
    const [finding] = findingsOf([hub, project], 'HA.Workspace.RegistryLinked', 'proj');
    expect(finding?.status).toBe('warn');
    expect(finding?.message).toMatch(/hub hub, which names none/);
  });
  test('HA.Workspace.RegistryLinked: a project of a hub whose registry is only known at deployment is unknown', () => {
    const hub = workspace('hub', { containerRegistry: unknown('x') }, { kind: 'Hub' });
    const project = workspace('proj', { hubResourceId: idOf(T.workspace, 'hub') }, { kind: 'Project' });
    expect(statusOf([hub, project], 'HA.Workspace.RegistryLinked', 'proj')).toBe('unknown');
  });
  test('HA.Workspace.SharedDefaultStorage: warn on both workspaces when they share, pass otherwise', () => {
    const shared = [wsWithStorage('a'), wsWithStorage('b'), storage('Standard_ZRS')];
    expect(statusOf(shared, 'HA.Workspace.SharedDefaultStorage', 'a')).toBe('warn');
    expect(statusOf(shared, 'HA.Workspace.SharedDefaultStorage', 'b')).toBe('warn');
    const separate = [
      wsWithStorage('a', 'st1'),
      wsWithStorage('b', 'st2'),
      storage('Standard_ZRS', 'st1'),
      storage('Standard_ZRS', 'st2'),
    ];
    expect(statusOf(separate, 'HA.Workspace.SharedDefaultStorage', 'a')).toBe('pass');
  });
  test('HA.Workspace.CmkCosmosDb: info for each CMK case, nothing without CMK', () => {
    const serviceSide = workspace('a', {
      encryption: { status: 'Enabled' },
      enableServiceSideCMKEncryption: true,
    });
    const byo = workspace('b', {
      encryption: { status: 'Enabled', cosmosDbResourceId: idOf(T.cosmos, 'cosmos') },
    });
    const classic = workspace('c', { encryption: { status: 'Enabled' } });
    const findings = evaluateResources([serviceSide, byo, classic]).filter(
      (f) => f.ruleId === 'HA.Workspace.CmkCosmosDb',
    );
    expect(findings.map((f) => f.status)).toEqual(['info', 'info', 'info']);
    expect(findings[0]?.message).toMatch(/service-side/);
    expect(findings[1]?.message).toMatch(/your own Cosmos DB/);
    expect(findings[2]?.message).toMatch(/azureml-rg-/);
    expect(findingsOf([workspace('d', {})], 'HA.Workspace.CmkCosmosDb')).toEqual([]);
  });
});

describe('key vault rules', () => {
  const vault = (properties: Record<string, unknown>) =>
    resource(T.keyVault, 'kv', { properties: properties as never });
  test('HA.KeyVault.Availability is always pass', () => {
    expect(statusOf([vault({})], 'HA.KeyVault.Availability')).toBe('pass');
  });
  test('HA.KeyVault.Recoverability: pass with purge protection, warn without', () => {
    expect(statusOf([vault({ enablePurgeProtection: true })], 'HA.KeyVault.Recoverability')).toBe('pass');
    expect(statusOf([vault({})], 'HA.KeyVault.Recoverability')).toBe('warn');
    expect(statusOf([vault({ enablePurgeProtection: unknown('p') })], 'HA.KeyVault.Recoverability')).toBe(
      'unknown',
    );
  });
  test('HA.KeyVault.Recoverability: fail for the vault holding a CMK key, naming enableSoftDelete false', () => {
    const ws = workspace('mlws', {
      keyVault: idOf(T.keyVault, 'other'),
      encryption: { status: 'Enabled', keyVaultProperties: { keyVaultArmId: idOf(T.keyVault, 'kv') } },
    });
    const [finding] = findingsOf(
      [ws, vault({ enableSoftDelete: false })],
      'HA.KeyVault.Recoverability',
      'kv',
    );
    expect(finding?.status).toBe('fail');
    expect(finding?.message).toContain('enableSoftDelete');
  });
});

describe('registry rules', () => {
  const registry = (sku: string, location = 'westeurope') =>
    resource(T.registry, 'cr', { sku: { name: sku }, location });
  const replica = (location: unknown) =>
    resource(T.replication, `cr/${String(location)}`, { location: location as string });
  test.each(['Basic', 'Standard'])('HA.Registry.GeoReplication: %s fails', (sku) => {
    expect(statusOf([registry(sku)], 'HA.Registry.GeoReplication')).toBe('fail');
  });
  test('Premium with a replica in another region passes; same region or none warns', () => {
    expect(statusOf([registry('Premium'), replica('northeurope')], 'HA.Registry.GeoReplication')).toBe(
      'pass',
    );
    expect(statusOf([registry('Premium'), replica('West Europe')], 'HA.Registry.GeoReplication')).toBe(
      'warn',
    );
    expect(statusOf([registry('Premium')], 'HA.Registry.GeoReplication')).toBe('warn');
  });
  test('an unknown replica location is unknown', () => {
    const r = resource(T.replication, 'cr/x', { location: unknown("parameters('r')") });
    expect(statusOf([registry('Premium'), r], 'HA.Registry.GeoReplication')).toBe('unknown');
  });
  test('HA.Registry.ZoneRedundancy is always info, with the property and region', () => {
    const [finding] = findingsOf([registry('Basic')], 'HA.Registry.ZoneRedundancy');
    expect(finding?.status).toBe('info');
    expect(finding?.message).toContain('westeurope');
  });
});

test('HA.AppInsights.Retention is info, naming retention or the Log Analytics workspace', () => {
  const classic = resource(T.appInsights, 'appi', { properties: { RetentionInDays: 30 } });
  const based = resource(T.appInsights, 'appi2', {
    properties: { WorkspaceResourceId: '/x/workspaces/log' },
  });
  expect(findingsOf([classic], 'HA.AppInsights.Retention')[0]?.message).toContain('30 days');
  expect(findingsOf([based], 'HA.AppInsights.Retention')[0]?.message).toContain('Log Analytics');
});

test('HA.AppInsights.Retention: a Log Analytics workspace known only at deployment is not "classic"', () => {
  const pending = resource(T.appInsights, 'appi3', {
    properties: { WorkspaceResourceId: unknown("reference('log').id") },
  });
  const [finding] = findingsOf([pending], 'HA.AppInsights.Retention');
  expect(finding?.message).toContain('Workspace-based');
  expect(finding?.message).not.toMatch(/retired|Classic/);
});

describe('compute and AKS rules', () => {
  const compute = (computeType: string, properties: Record<string, unknown> = {}) =>
    resource(T.compute, 'mlws/c1', { properties: { computeType, ...properties } as never });
  const cluster = (pools: unknown[], location: unknown = 'westeurope', sku?: unknown) =>
    resource(T.aks, 'aks1', {
      location: location as string,
      properties: { agentPoolProfiles: pools as never },
      ...((sku ? { sku } : {}) as ObjectValue),
    });
  test.each(['ComputeInstance', 'AmlCompute'])('HA.Compute.ManagedCompute: %s is info', (type) => {
    expect(statusOf([workspace('mlws'), compute(type)], 'HA.Compute.ManagedCompute')).toBe('info');
  });
  test('HA.AKS.AvailabilityZones: pass with ≥2 zones on every pool, fail without in a zonal region', () => {
    expect(
      statusOf([cluster([{ name: 'a', availabilityZones: ['1', '2', '3'] }])], 'HA.AKS.AvailabilityZones'),
    ).toBe('pass');
    const failed = findingsOf(
      [
        cluster([
          { name: 'a', availabilityZones: ['1', '2'] },
          { name: 'b', availabilityZones: [] },
          { name: 'c', availabilityZones: null },
        ]),
      ],
      'HA.AKS.AvailabilityZones',
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]?.status).toBe('fail');
    expect(failed[0]?.message).toContain('b, c');
  });
  test('HA.AKS.AvailabilityZones: agentPools children count, unknown region is unknown, no-zone region passes', () => {
    const pool = resource(T.agentPool, 'aks1/user', { properties: { type: 'VirtualMachineScaleSets' } });
    expect(
      statusOf([cluster([{ name: 'sys', availabilityZones: ['1', '2'] }]), pool], 'HA.AKS.AvailabilityZones'),
    ).toBe('fail');
    expect(
      statusOf([cluster([{ name: 'a' }], unknown("parameters('location')"))], 'HA.AKS.AvailabilityZones'),
    ).toBe('unknown');
    expect(statusOf([cluster([{ name: 'a' }], 'westus')], 'HA.AKS.AvailabilityZones')).toBe('pass');
  });
  test('HA.AKS.AvailabilityZones on computes: unknown for a cluster not scanned and for Arc', () => {
    const attached = compute('AKS', { resourceId: idOf(T.aks, 'elsewhere') });
    expect(statusOf([attached], 'HA.AKS.AvailabilityZones')).toBe('unknown');
    const arc = compute('Kubernetes', {
      resourceId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Kubernetes/connectedClusters/arc',
    });
    expect(statusOf([arc], 'HA.AKS.AvailabilityZones')).toBe('unknown');
    const scanned = compute('AKS', { resourceId: idOf(T.aks, 'aks1') });
    expect(
      statusOf(
        [scanned, cluster([{ name: 'a', availabilityZones: ['1', '2'] }])],
        'HA.AKS.AvailabilityZones',
        'mlws/c1',
      ),
    ).toBeUndefined();
  });
  test('HA.AKS.CreatedByWorkspace: warn without resourceId, nothing when attached', () => {
    expect(statusOf([compute('AKS')], 'HA.AKS.CreatedByWorkspace')).toBe('warn');
    expect(
      statusOf([compute('AKS', { resourceId: idOf(T.aks, 'aks1') })], 'HA.AKS.CreatedByWorkspace'),
    ).toBeUndefined();
  });
  test.each([
    [{ tier: 'Standard' }, 'pass'],
    [{ tier: 'Premium' }, 'pass'],
    [{ tier: 'Paid' }, 'pass'],
    [{ tier: 'Free' }, 'warn'],
    [undefined, 'warn'],
  ])('HA.AKS.UptimeSLA: sku %j is %s', (sku, status) => {
    expect(statusOf([cluster([], 'westeurope', sku)], 'HA.AKS.UptimeSLA')).toBe(status);
  });
});

describe('other services', () => {
  test('HA.Databricks.RegionalDR is info', () => {
    expect(statusOf([resource(T.databricks, 'dbw')], 'HA.Databricks.RegionalDR')).toBe('info');
  });
  test('HA.ContainerInstances.Orchestrator is always warn, showing zones', () => {
    const [finding] = findingsOf(
      [resource(T.aci, 'aci', { zones: ['1'] })],
      'HA.ContainerInstances.Orchestrator',
    );
    expect(finding?.status).toBe('warn');
    expect(finding?.evidence).toEqual({ path: 'zones', value: ['1'] });
  });
  test.each([
    [2, 'pass'],
    [1, 'fail'],
  ])('HA.HDInsight.HeadNodes: %d head nodes is %s', (count, status) => {
    const hdi = resource(T.hdinsight, 'hdi', {
      properties: { computeProfile: { roles: [{ name: 'headnode', targetInstanceCount: count }] } },
    });
    expect(statusOf([hdi], 'HA.HDInsight.HeadNodes')).toBe(status);
  });
  test('HA.HDInsight.HeadNodes: unset is the service default of 2', () => {
    expect(
      statusOf(
        [
          resource(T.hdinsight, 'hdi', {
            properties: { computeProfile: { roles: [{ name: 'workernode' }] } },
          }),
        ],
        'HA.HDInsight.HeadNodes',
      ),
    ).toBe('pass');
  });
  test('HA.DataLakeGen1.Retired always fails', () => {
    expect(statusOf([resource(T.dataLakeGen1, 'adls1')], 'HA.DataLakeGen1.Retired')).toBe('fail');
  });
});

describe('SQL rules', () => {
  const db = (name: string, properties: Record<string, unknown> = {}, sku?: unknown) =>
    resource(T.sqlDb, name, { properties: properties as never, ...((sku ? { sku } : {}) as ObjectValue) });
  test('HA.Sql.ZoneRedundancy: pass when zoneRedundant, fail otherwise with tier advice, master skipped', () => {
    expect(statusOf([db('srv/db', { zoneRedundant: true })], 'HA.Sql.ZoneRedundancy')).toBe('pass');
    const [basic] = findingsOf([db('srv/db', {}, { name: 'Basic', tier: 'Basic' })], 'HA.Sql.ZoneRedundancy');
    expect(basic?.status).toBe('fail');
    expect(basic?.message).toMatch(/cannot be zone-redundant/);
    expect(findingsOf([db('srv/master')], 'HA.Sql.ZoneRedundancy')).toEqual([]);
    expect(
      statusOf(
        [resource(T.sqlPool, 'srv/pool', { properties: { zoneRedundant: false } })],
        'HA.Sql.ZoneRedundancy',
      ),
    ).toBe('fail');
  });
  test('HA.Sql.GeoReplication: pass in a failover group or with a geo-secondary, warn otherwise', () => {
    const server = resource(T.sqlServer, 'srv');
    const group = resource(T.failoverGroup, 'srv/fg', {
      properties: { databases: [idOf(T.sqlDb, 'srv/db')] },
    });
    expect(statusOf([server, db('srv/db'), group], 'HA.Sql.GeoReplication', 'srv/db')).toBe('pass');
    const secondary = db('srv2/db', { createMode: 'Secondary', sourceDatabaseId: idOf(T.sqlDb, 'srv/db') });
    expect(statusOf([server, db('srv/db'), secondary], 'HA.Sql.GeoReplication', 'srv/db')).toBe('pass');
    expect(statusOf([server, db('srv/db')], 'HA.Sql.GeoReplication', 'srv/db')).toBe('warn');
  });
});

describe.each([
  ['PostgreSQL', T.postgres, T.postgresSingle],
  ['MySQL', T.mysql, T.mysqlSingle],
])('%s rules', (engine, flexible, single) => {
  const server = (properties: Record<string, unknown>, tier = 'GeneralPurpose') =>
    resource(flexible, 'db1', { sku: { name: 'x', tier }, properties: properties as never });
  test.each([
    ['ZoneRedundant', 'pass'],
    ['SameZone', 'warn'],
    ['Disabled', 'fail'],
  ])(`HA.${engine}.HighAvailability: %s is %s`, (mode, status) => {
    expect(statusOf([server({ highAvailability: { mode } })], `HA.${engine}.HighAvailability`)).toBe(status);
  });
  test('absent HA fails, Burstable fails, unknown mode is unknown', () => {
    expect(statusOf([server({})], `HA.${engine}.HighAvailability`)).toBe('fail');
    expect(
      statusOf(
        [server({ highAvailability: { mode: 'ZoneRedundant' } }, 'Burstable')],
        `HA.${engine}.HighAvailability`,
      ),
    ).toBe('fail');
    expect(
      statusOf([server({ highAvailability: { mode: unknown('m') } })], `HA.${engine}.HighAvailability`),
    ).toBe('unknown');
  });
  test('the message says whether zone-redundant HA can be added in place', () => {
    const [finding] = findingsOf([server({})], `HA.${engine}.HighAvailability`);
    expect(finding?.message).toMatch(
      engine === 'MySQL' ? /only be chosen when the server is created/ : /added to an existing server/,
    );
  });
  test('geo-redundant backup: Enabled passes, otherwise warn', () => {
    expect(
      statusOf([server({ backup: { geoRedundantBackup: 'Enabled' } })], `HA.${engine}.GeoRedundantBackup`),
    ).toBe('pass');
    expect(
      statusOf([server({ backup: { geoRedundantBackup: 'Disabled' } })], `HA.${engine}.GeoRedundantBackup`),
    ).toBe('warn');
    expect(statusOf([server({})], `HA.${engine}.GeoRedundantBackup`)).toBe('warn');
  });
  test('single server always fails', () => {
    expect(statusOf([resource(single, 'old')], `HA.${engine}.SingleServerRetired`)).toBe('fail');
  });
});

describe('Cosmos DB rules', () => {
  const account = (locations: unknown[], properties: Record<string, unknown> = {}) =>
    resource(T.cosmos, 'cosmos', { properties: { locations, ...properties } as never });
  const loc = (name: string, zone = true) => ({ locationName: name, isZoneRedundant: zone });
  test('HA.Cosmos.MultiRegion: fail on one region, warn without automatic failover, pass with it or multi-write', () => {
    expect(statusOf([account([loc('westeurope')])], 'HA.Cosmos.MultiRegion')).toBe('fail');
    expect(statusOf([account([loc('westeurope'), loc('northeurope')])], 'HA.Cosmos.MultiRegion')).toBe(
      'warn',
    );
    expect(
      statusOf(
        [account([loc('westeurope'), loc('northeurope')], { enableAutomaticFailover: true })],
        'HA.Cosmos.MultiRegion',
      ),
    ).toBe('pass');
    expect(
      statusOf(
        [account([loc('westeurope'), loc('northeurope')], { enableMultipleWriteLocations: true })],
        'HA.Cosmos.MultiRegion',
      ),
    ).toBe('pass');
  });
  test('HA.Cosmos.ZoneRedundancy: pass when every region is zone-redundant, warn otherwise, saying it cannot be switched in place', () => {
    expect(statusOf([account([loc('westeurope'), loc('northeurope')])], 'HA.Cosmos.ZoneRedundancy')).toBe(
      'pass',
    );
    const [finding] = findingsOf(
      [account([loc('westeurope'), loc('northeurope', false)])],
      'HA.Cosmos.ZoneRedundancy',
    );
    expect(finding?.status).toBe('warn');
    expect(finding?.message).toMatch(/cannot be switched on in place/);
    expect(finding?.evidence.path).toBe('properties.locations[1].isZoneRedundant');
  });
});
