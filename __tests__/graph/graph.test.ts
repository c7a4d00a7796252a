import { describe, expect, test } from '@jest/globals';
import { evaluateResources } from '../../src/engine.js';
import { linkResources, parseResourceId } from '../../src/graph.js';
import type { LinkedResource, Resource } from '../../src/model.js';
import { UnknownValue } from '../../src/model.js';
import { idOf, resource, T, workspace } from '../rules/build.js';

const roleOf = (linked: LinkedResource[], name: string) => linked.find((r) => r.name === name)?.role;
const workspaceOf = (linked: LinkedResource[], name: string) =>
  linked.find((r) => r.name === name)?.workspace;

describe('roles', () => {
  const ws = workspace('mlws', {
    storageAccount: idOf(T.storage, 'st'),
    keyVault: idOf(T.keyVault, 'kv'),
    containerRegistry: idOf(T.registry, 'cr'),
    applicationInsights: idOf(T.appInsights, 'appi'),
  });
  const linked = linkResources([
    ws,
    resource(T.storage, 'st'),
    resource(T.keyVault, 'kv'),
    resource(T.registry, 'cr'),
    resource(T.replication, 'cr/northeurope'),
    resource(T.appInsights, 'appi'),
  ]);
  test.each([
    ['mlws', 'workspace'],
    ['st', 'defaultStorage'],
    ['kv', 'keyVault'],
    ['cr', 'containerRegistry'],
    ['cr/northeurope', 'containerRegistry'],
    ['appi', 'applicationInsights'],
  ])('%s is %s of mlws', (name, role) => {
    expect(roleOf(linked, name)).toBe(role);
    expect(workspaceOf(linked, name)).toBe('mlws');
  });

  test('ids that differ only by scope link by provider type and name', () => {
    const other = workspace('w', {
      storageAccount: '/subscriptions/x/resourceGroups/other/providers/Microsoft.Storage/storageAccounts/ST',
    });
    expect(roleOf(linkResources([other, resource(T.storage, 'st')]), 'st')).toBe('defaultStorage');
  });

  test('an unknown pointer links nothing', () => {
    const w = workspace('w', { storageAccount: new UnknownValue('x') });
    const second = workspace('w2', {});
    expect(roleOf(linkResources([w, second, resource(T.storage, 'st')]), 'st')).toBe('unlinked');
  });

  test('computes, and the cluster behind an attached compute', () => {
    const linkedCompute = linkResources([
      workspace('mlws'),
      resource(T.compute, 'mlws/aks', {
        properties: { computeType: 'AKS', resourceId: idOf(T.aks, 'aks1') },
      }),
      resource(T.aks, 'aks1'),
      resource(T.aks, 'aks2'),
      resource(T.aci, 'aci'),
    ]);
    expect(roleOf(linkedCompute, 'mlws/aks')).toBe('compute');
    expect(roleOf(linkedCompute, 'aks1')).toBe('compute');
    expect(workspaceOf(linkedCompute, 'aks1')).toBe('mlws');
    expect(roleOf(linkedCompute, 'aks2')).toBe('unlinked');
    expect(roleOf(linkedCompute, 'aci')).toBe('unlinked');
  });

  test('datastores point at their storage and SQL targets', () => {
    const linkedData = linkResources([
      workspace('a'),
      workspace('b'),
      resource(T.datastore, 'a/blob', { properties: { datastoreType: 'AzureBlob', accountName: 'stdata' } }),
      resource(T.datastore, 'a/sql', {
        properties: { datastoreType: 'AzureSqlDatabase', serverName: 'srv', databaseName: 'db' },
      }),
      resource(T.storage, 'stdata'),
      resource(T.sqlServer, 'srv'),
      resource(T.sqlDb, 'srv/db'),
    ]);
    expect(roleOf(linkedData, 'stdata')).toBe('datastore');
    expect(workspaceOf(linkedData, 'stdata')).toBe('a');
    expect(roleOf(linkedData, 'srv')).toBe('datastore');
    expect(roleOf(linkedData, 'srv/db')).toBe('datastore');
  });

  test('a data resource no workspace points at is the datastore of the lone workspace, else unlinked', () => {
    const lone = linkResources([workspace('w'), resource(T.postgres, 'pg'), resource(T.storage, 'st')]);
    expect(roleOf(lone, 'pg')).toBe('datastore');
    expect(workspaceOf(lone, 'st')).toBe('w');
    const two = linkResources([workspace('w'), workspace('v'), resource(T.postgres, 'pg')]);
    expect(roleOf(two, 'pg')).toBe('unlinked');
    expect(workspaceOf(two, 'pg')).toBeUndefined();
    const otherUnit = linkResources([
      workspace('w'),
      resource(T.postgres, 'pg', {}, { unit: 'infra/other.json' }),
    ]);
    expect(roleOf(otherUnit, 'pg')).toBe('unlinked');
  });

  test('Cosmos DB is cosmosDb only when the workspace names it', () => {
    const cmk = workspace('w', {
      encryption: { status: 'Enabled', cosmosDbResourceId: idOf(T.cosmos, 'cosmos') },
    });
    expect(roleOf(linkResources([cmk, resource(T.cosmos, 'cosmos')]), 'cosmos')).toBe('cosmosDb');
    expect(roleOf(linkResources([workspace('w'), resource(T.cosmos, 'cosmos')]), 'cosmos')).toBe('unlinked');
  });

  test('shared default storage serves both workspaces', () => {
    const shared = linkResources([
      workspace('b', { storageAccount: idOf(T.storage, 'st') }),
      workspace('a', { storageAccount: idOf(T.storage, 'st') }),
      resource(T.storage, 'st'),
    ]);
    const st = shared.find((r) => r.name === 'st');
    expect(st?.workspaces).toEqual(['a', 'b']);
    expect(st?.workspace).toBe('a');
  });

  test('resources in an azureml-rg- group are Microsoft-managed, and their findings only info', () => {
    const managed: Resource = {
      ...resource(T.cosmos, 'managed'),
      origin: 'live',
      resourceGroup: 'azureml-rg-mlws_1234',
    };
    expect(roleOf(linkResources([managed]), 'managed')).toBe('microsoftManaged');
    const findings = evaluateResources([managed]);
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings.map((f) => f.status))).toEqual(new Set(['info']));
    expect(findings[0]?.message).toMatch(/Managed by Microsoft/);
  });
});

test('parseResourceId reads provider type and name, children included', () => {
  expect(
    parseResourceId('/subscriptions/s/resourceGroups/r/providers/Microsoft.Sql/servers/srv/databases/db'),
  ).toEqual({
    type: 'Microsoft.Sql/servers/databases',
    name: 'srv/db',
  });
  expect(parseResourceId('not an id')).toBeUndefined();
});
