import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateResources } from '../../src/engine.js';
import { ConfigurationError } from '../../src/errors.js';
import { linkResources } from '../../src/graph.js';
import type { Resource } from '../../src/model.js';
import { readLive, RESOURCE_GRAPH_THRESHOLD } from '../../src/sources/live/index.js';
import { buildWorkspaceFixture } from '../helpers/fake-arm-workspace.js';
import { hasOpenssl } from '../helpers/test-tls.js';
import { AUDIENCE, CLIENT_ID, startLiveWorld, TENANT_ID, type LiveWorld } from './live-harness.js';

const d = hasOpenssl() ? describe : describe.skip;
if (!hasOpenssl()) console.warn('live tests skipped: openssl is needed to make the fake servers certificate');

let world: LiveWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const byName = (resources: Resource[], name: string) => resources.find((resource) => resource.name === name);

d('readLive against fake GitHub OIDC, Entra ID and ARM', () => {
  test('signs in with the GitHub token and reads the workspace with all its dependencies', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({ resources: fixture.resources });
    const { resources, errors } = await readLive(
      world.settings({ workspaces: [fixture.workspaceId] }),
      world.deps(),
    );

    // Entra ID got the GitHub OIDC token as client assertion, for ARM's scope.
    expect(world.entra.tokenRequests).toHaveLength(1);
    const tokenRequest = world.entra.tokenRequests[0];
    expect(tokenRequest.clientAssertion).toBe(world.oidc.issued[0]);
    expect(tokenRequest.clientAssertionType).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(tokenRequest.grantType).toBe('client_credentials');
    expect(tokenRequest.clientId).toBe(CLIENT_ID);
    expect(tokenRequest.tenant).toBe(TENANT_ID);
    expect(tokenRequest.scope).toContain(`${world.arm.url}/.default`);
    expect(world.oidc.requests[0].audience).toBe(AUDIENCE);
    // ARM saw the issued bearer token on every request.
    expect(world.arm.requests.length).toBeGreaterThan(10);
    expect(new Set(world.arm.requests.map((request) => request.authorization))).toEqual(
      new Set([`Bearer ${world.entra.issued[0]}`]),
    );
    // Both tokens were masked.
    expect(world.masked).toEqual(expect.arrayContaining([world.oidc.issued[0], world.entra.issued[0]]));

    expect(errors).toEqual([]);
    // The fake ARM pages lists by 2: the third compute and datastore are only reachable through nextLink.
    const names = resources.map((resource) => `${resource.type} ${resource.name}`).sort();
    expect(names).toEqual(
      [
        'Microsoft.MachineLearningServices/workspaces mlw-prod',
        'Microsoft.Storage/storageAccounts stmlwprod',
        'Microsoft.KeyVault/vaults kv-mlw-prod',
        'Microsoft.ContainerRegistry/registries crmlwprod',
        'Microsoft.ContainerRegistry/registries/replications crmlwprod/northeurope',
        'Microsoft.Insights/components appi-mlw-prod',
        'Microsoft.MachineLearningServices/workspaces/computes mlw-prod/cpu-cluster',
        'Microsoft.MachineLearningServices/workspaces/computes mlw-prod/ci-dev',
        'Microsoft.MachineLearningServices/workspaces/computes mlw-prod/aks-inference',
        'Microsoft.ContainerService/managedClusters aks-mlw-prod',
        'Microsoft.ContainerService/managedClusters/agentPools aks-mlw-prod/system',
        'Microsoft.ContainerService/managedClusters/agentPools aks-mlw-prod/inference',
        'Microsoft.MachineLearningServices/workspaces/datastores mlw-prod/workspaceblobstore',
        'Microsoft.MachineLearningServices/workspaces/datastores mlw-prod/workspacefilestore',
        'Microsoft.MachineLearningServices/workspaces/datastores mlw-prod/sales_lake',
        'Microsoft.MachineLearningServices/workspaces/datastores mlw-prod/sales_sql',
        'Microsoft.Storage/storageAccounts dlsmlwprod',
        'Microsoft.Sql/servers sql-mlw-prod',
        'Microsoft.Sql/servers/databases sql-mlw-prod/sales',
        'Microsoft.Sql/servers/failoverGroups sql-mlw-prod/fog-sales',
      ].sort(),
    );
    const storage = byName(resources, 'stmlwprod')!;
    expect(storage).toMatchObject({
      id: fixture.ids.storage,
      deployed: true,
      origin: 'live',
      resourceGroup: 'rg-ml-prod',
      unit: '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ml-prod',
    });
    expect(storage.body).toMatchObject({ sku: { name: 'Standard_ZRS' }, kind: 'StorageV2' });
    expect(byName(resources, 'dlsmlwprod')!.resourceGroup).toBe('rg-data-prod');
    expect(byName(resources, 'aks-mlw-prod')!.body).toMatchObject({ sku: { tier: 'Standard' } });
    // Each type was read with its tested api-version.
    const versionOf = (path: string) =>
      world!.arm.requests.find((request) => request.path.toLowerCase() === path.toLowerCase())?.apiVersion;
    expect(versionOf(fixture.workspaceId)).toBe('2025-12-01');
    expect(versionOf(fixture.ids.appInsights)).toBe('2020-02-02');
    expect(versionOf(fixture.ids.storage)).toBe('2023-05-01');
  });

  test('a datastore whose storage lives in another resource group links it to the workspace (role datastore)', async () => {
    const fixture = buildWorkspaceFixture({ healthy: false, crossGroupDatastore: true });
    world = await startLiveWorld({ resources: fixture.resources });
    const { resources } = await readLive(world.settings({ workspaces: [fixture.workspaceId] }), world.deps());
    const linked = linkResources(resources);
    const roleOf = (name: string) => linked.find((resource) => resource.name === name);
    // Named with its resource group (rg-archive), found by name alone (rg-data-prod), SQL in rg-data-prod.
    for (const name of ['starchivemlwprod', 'dlsmlwprod', 'sql-mlw-prod/sales']) {
      expect({ name, ...roleOf(name) }).toMatchObject({ name, role: 'datastore', workspace: 'mlw-prod' });
    }
    const archive = evaluateResources(resources).find(
      (finding) => finding.ruleId === 'HA.Storage.Redundancy' && finding.resource.name === 'starchivemlwprod',
    );
    expect(archive).toMatchObject({ status: 'warn', workspace: 'mlw-prod', resource: { role: 'datastore' } });
  });

  test("a project's hub is read too, with what it depends on", async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    const projectId = fixture.workspaceId.replace(/mlw-prod$/, 'proj-fraud');
    const project = {
      id: projectId,
      name: 'proj-fraud',
      type: 'Microsoft.MachineLearningServices/workspaces',
      kind: 'Project',
      location: 'westeurope',
      properties: { hubResourceId: fixture.workspaceId, provisioningState: 'Succeeded' },
    };
    world = await startLiveWorld({ resources: [...fixture.resources, project] });
    const { resources } = await readLive(world.settings({ workspaces: [projectId] }), world.deps());
    expect(byName(resources, 'mlw-prod')?.origin).toBe('live');
    expect(byName(resources, 'crmlwprod/northeurope')).toBeDefined();
    const registry = evaluateResources(resources).find(
      (finding) => finding.ruleId === 'HA.Workspace.RegistryLinked' && finding.resource.name === 'proj-fraud',
    );
    expect(registry?.status).toBe('pass');
    expect(registry?.message).toContain('hub mlw-prod');
  });

  test('a workspace with gaps comes back as ARM describes it', async () => {
    const fixture = buildWorkspaceFixture({ healthy: false });
    world = await startLiveWorld({ resources: fixture.resources });
    const { resources } = await readLive(world.settings({ workspaces: [fixture.workspaceId] }), world.deps());
    expect(byName(resources, 'stmlwprod')!.body.sku).toEqual({ name: 'Standard_LRS', tier: 'Standard' });
    expect(byName(resources, 'crmlwprod')!.body.sku).toEqual({ name: 'Basic', tier: 'Basic' });
    expect(
      resources.some((resource) => resource.type === 'Microsoft.ContainerRegistry/registries/replications'),
    ).toBe(false);
    expect(resources.some((resource) => resource.type === 'Microsoft.Sql/servers/failoverGroups')).toBe(
      false,
    );
    const pools = resources.filter(
      (resource) => resource.type === 'Microsoft.ContainerService/managedClusters/agentPools',
    );
    expect(
      pools.map((pool) => (pool.body.properties as { availabilityZones: unknown }).availabilityZones),
    ).toEqual([null, null]);
    // Basic registries have no replications to list: no request was made for them.
    expect(world.arm.requests.some((request) => request.path.endsWith('/replications'))).toBe(false);
  });

  test('a 403 on the key vault gives a resource with readError; the rest stands', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({
      resources: fixture.resources,
      faults: [
        {
          path: fixture.ids.keyVault.toLowerCase(),
          status: 403,
          code: 'AuthorizationFailed',
          message:
            "The client 'x' does not have authorization to perform action 'Microsoft.KeyVault/vaults/read'.",
        },
      ],
    });
    const { resources, errors } = await readLive(
      world.settings({ workspaces: [fixture.workspaceId] }),
      world.deps(),
    );
    expect(errors).toEqual([]);
    const vault = byName(resources, 'kv-mlw-prod')!;
    expect(vault.type).toBe('Microsoft.KeyVault/vaults');
    expect(vault.body).toEqual({});
    expect(vault.readError).toBe(
      `no read permission on ${fixture.ids.keyVault} (HTTP 403 AuthorizationFailed): grant the Reader role on /subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ml-prod to the identity the gate signs in with.`,
    );
    expect(byName(resources, 'stmlwprod')!.readError).toBeUndefined();
    expect(resources).toHaveLength(20);
  });

  test('a 429 with Retry-After is retried by the SDK and the read succeeds', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({
      resources: fixture.resources,
      faults: [
        {
          path: fixture.ids.storage.toLowerCase(),
          status: 429,
          code: 'TooManyRequests',
          retryAfter: 1,
          times: 1,
        },
      ],
    });
    const { resources } = await readLive(world.settings({ workspaces: [fixture.workspaceId] }), world.deps());
    const storageRequests = world.arm.requests.filter(
      (request) => request.path.toLowerCase() === fixture.ids.storage.toLowerCase(),
    );
    expect(storageRequests.map((request) => request.status)).toEqual([429, 200]);
    expect(byName(resources, 'stmlwprod')!.readError).toBeUndefined();
    expect(byName(resources, 'stmlwprod')!.body.sku).toEqual({ name: 'Standard_ZRS', tier: 'Standard' });
  });

  test('a missing workspace is one ConfigurationError sentence', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({ resources: fixture.resources.slice(1) });
    const error = await readLive(world.settings({ workspaces: [fixture.workspaceId] }), world.deps()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toBe(
      `workspace ${fixture.workspaceId}: it was not found (HTTP 404 ResourceNotFound). Check the id (az ml workspace show prints it), or the workspace name, resource-group and subscription-id.`,
    );
  });

  test('falls back to the provider newest stable api-version when ARM rejects the tested one', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({
      resources: fixture.resources,
      faults: [
        {
          path: fixture.ids.appInsights.toLowerCase(),
          apiVersion: '2020-02-02',
          status: 400,
          code: 'NoRegisteredProviderFound',
          message:
            "No registered resource provider found for location 'westeurope' and API version '2020-02-02' for type 'components'.",
        },
      ],
      providers: {
        'Microsoft.Insights': [
          {
            resourceType: 'components',
            apiVersions: ['2022-06-15-preview', '2018-05-01-preview', '2015-05-01', '2014-04-01'],
          },
          { resourceType: 'actionGroups', apiVersions: ['2023-01-01'] },
        ],
      },
    });
    const { resources } = await readLive(world.settings({ workspaces: [fixture.workspaceId] }), world.deps());
    const versions = world.arm.requests
      .filter((request) => request.path.toLowerCase() === fixture.ids.appInsights.toLowerCase())
      .map((request) => `${request.apiVersion} ${request.status}`);
    expect(versions).toEqual(['2020-02-02 400', '2015-05-01 200']);
    expect(byName(resources, 'appi-mlw-prod')!.readError).toBeUndefined();
  });

  test('classic CMK: resources of the Microsoft-managed resource group are read with their group', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true, classicCmk: true });
    world = await startLiveWorld({ resources: fixture.resources, resourceGroups: fixture.resourceGroups });
    const { resources } = await readLive(world.settings({ workspaces: [fixture.workspaceId] }), world.deps());
    const managed = resources.filter((resource) => resource.resourceGroup?.startsWith('azureml-rg-'));
    expect(managed.map((resource) => resource.type).sort()).toEqual([
      'Microsoft.DocumentDB/databaseAccounts',
      'Microsoft.Search/searchServices',
      'Microsoft.Storage/storageAccounts',
    ]);
    expect(
      managed.every(
        (resource) =>
          resource.unit ===
          `/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/${resource.resourceGroup}`,
      ),
    ).toBe(true);
  });

  test('workspace all lists the workspaces of the resource group; names resolve with resource-group', async () => {
    const one = buildWorkspaceFixture({ healthy: true, name: 'mlw-a' });
    const two = buildWorkspaceFixture({ healthy: false, name: 'mlw-b' });
    world = await startLiveWorld({ resources: [...one.resources, ...two.resources] });
    const all = await readLive(
      world.settings({
        workspaces: ['all'],
        subscriptionId: '00000000-1111-2222-3333-444444444444',
        resourceGroup: 'rg-ml-prod',
      }),
      world.deps(),
    );
    expect(
      all.resources
        .filter((resource) => resource.type === 'Microsoft.MachineLearningServices/workspaces')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['mlw-a', 'mlw-b']);
    const named = await readLive(
      world.settings({ workspaces: ['mlw-b'], resourceGroup: 'rg-ml-prod' }),
      world.deps({ env: { AZURE_SUBSCRIPTION_ID: '00000000-1111-2222-3333-444444444444' } }),
    );
    expect(
      named.resources
        .filter((resource) => resource.type === 'Microsoft.MachineLearningServices/workspaces')
        .map((r) => r.name),
    ).toEqual(['mlw-b']);
  });

  test('several workspaces: one missing is listed in errors, the other is read', async () => {
    const one = buildWorkspaceFixture({ healthy: true, name: 'mlw-a' });
    world = await startLiveWorld({ resources: one.resources });
    const missing = one.workspaceId.replace('mlw-a', 'mlw-gone');
    const { resources, errors } = await readLive(
      world.settings({ workspaces: [one.workspaceId, missing] }),
      world.deps(),
    );
    expect(errors).toEqual([
      { file: missing, message: expect.stringContaining('not found (HTTP 404 ResourceNotFound)') },
    ]);
    expect(resources.some((resource) => resource.name === 'mlw-a')).toBe(true);
  });
});

d('sign-in failures in the user terms', () => {
  test('no federated credential for this subject: prints the token claims, never the token', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld(
      { resources: fixture.resources },
      {
        federated: [
          {
            issuer: 'https://token.actions.githubusercontent.com',
            subject: 'repo:contoso/ml-platform:environment:prod',
            audience: AUDIENCE,
          },
        ],
      },
    );
    const error = await readLive(world.settings({ workspaces: [fixture.workspaceId] }), world.deps()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain('AADSTS70021');
    expect(message).toContain("issuer 'https://token.actions.githubusercontent.com'");
    expect(message).toContain("subject 'repo:contoso/ml-platform:ref:refs/heads/main'");
    expect(message).toContain(`audience '${AUDIENCE}'`);
    expect(message).not.toContain(world.oidc.issued[0]);
    expect(message).not.toContain(world.oidc.issued[0].split('.')[1]);
    expect(world.arm.requests).toHaveLength(0);
  });

  test('no OIDC token in the job: says to add id-token: write', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({ resources: fixture.resources });
    const error = await readLive(
      world.settings({ workspaces: [fixture.workspaceId] }),
      world.deps({ getIdToken: undefined, oidcAvailable: false }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /^sign-in with GitHub OIDC failed: this job has no OIDC token .*id-token: write/,
    );
    expect(world.entra.tokenRequests).toHaveLength(0);
  });

  test('a client id the tenant does not know', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({ resources: fixture.resources });
    const error = await readLive(
      world.settings({ workspaces: [fixture.workspaceId], clientId: '11111111-2222-3333-4444-555555555555' }),
      world.deps(),
    ).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      `Entra ID does not know application 11111111-2222-3333-4444-555555555555 in tenant ${TENANT_ID} (AADSTS700016): check client-id and tenant-id (the app registration's Application (client) ID and Directory (tenant) ID).`,
    );
  });
});

d('many workspaces: Azure Resource Graph', () => {
  const names = ['mlw-1', 'mlw-2', 'mlw-3', 'mlw-4', 'mlw-5', 'mlw-6', 'mlw-7'];
  const fixtures = names.map((name, index) => buildWorkspaceFixture({ healthy: index % 2 === 0, name }));
  const summary = (resources: Resource[]) =>
    resources
      .map(
        (resource) =>
          `${resource.type} ${resource.name} ${JSON.stringify(resource.body.sku ?? null)} ${resource.readError ?? ''}`,
      )
      .sort();

  test(`above ${RESOURCE_GRAPH_THRESHOLD} workspaces, bodies come from a few Resource Graph queries and match what GETs read`, async () => {
    world = await startLiveWorld({
      resources: fixtures.flatMap((fixture) => fixture.resources),
      faults: [{ path: fixtures[1].ids.keyVault.toLowerCase(), status: 403, code: 'AuthorizationFailed' }],
      graphPageSize: 40,
    });
    const ids = fixtures.map((fixture) => fixture.workspaceId);
    const graphRead = await readLive(world.settings({ workspaces: ids }), world.deps());
    const posts = world.arm.requests.filter((request) => request.method === 'POST');
    expect(posts.length).toBe(graphRead.graphQueries);
    expect(graphRead.graphQueries).toBeGreaterThan(0);
    // One query for the workspaces, one for their dependencies, then one per workspace for what its
    // computes and datastores point at (each workspace's child lists end at their own time, so
    // these waves merge only by chance: the bound is the design's, not a lucky timing's).
    expect(graphRead.graphQueries).toBeLessThanOrEqual(2 + fixtures.length);
    // Resource bodies came from Resource Graph: the only resource GET was the key vault it did not
    // return (read again to learn why); the other ARM requests list child collections.
    const knownIds = new Set(
      fixtures.flatMap((fixture) => fixture.resources.map((resource) => String(resource.id).toLowerCase())),
    );
    const resourceGets = world.arm.requests
      .filter((request) => request.method === 'GET' && knownIds.has(request.path.toLowerCase()))
      .map((request) => `${request.path} ${request.status}`);
    expect(resourceGets).toEqual([`${fixtures[1].ids.keyVault} 403`]);

    // The same workspaces read one GET at a time give the same resources.
    const armWorld = await startLiveWorld({
      resources: fixtures.flatMap((fixture) => fixture.resources),
      faults: [{ path: fixtures[1].ids.keyVault.toLowerCase(), status: 403, code: 'AuthorizationFailed' }],
    });
    try {
      const settled = await Promise.all(
        fixtures.map((fixture) =>
          readLive(armWorld.settings({ workspaces: [fixture.workspaceId] }), armWorld.deps()),
        ),
      );
      const armResources = settled.flatMap((result) => result.resources);
      expect(summary(graphRead.resources)).toEqual(summary(armResources));
      expect(graphRead.requests + graphRead.graphQueries).toBeLessThan(
        settled.reduce((sum, result) => sum + result.requests, 0),
      );
    } finally {
      await armWorld.close();
    }
  });
});

const azureCliPresent = (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, 'az')));
const withoutCli = hasOpenssl() && !azureCliPresent ? describe : describe.skip;
if (azureCliPresent) console.warn('auto-credential tests skipped: an Azure CLI on PATH would be tried first');

withoutCli('environment credentials, and auto without an OIDC token', () => {
  const names = [
    'AZURE_TENANT_ID',
    'AZURE_CLIENT_ID',
    'AZURE_CLIENT_SECRET',
    'AZURE_CLIENT_CERTIFICATE_PATH',
    'AZURE_USERNAME',
  ];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  const useSecret = () => {
    process.env.AZURE_TENANT_ID = TENANT_ID;
    process.env.AZURE_CLIENT_ID = CLIENT_ID;
    process.env.AZURE_CLIENT_SECRET = 'fake-secret-value';
  };

  test('auth environment signs in with the client secret from the environment', async () => {
    useSecret();
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({ resources: fixture.resources }, { secrets: ['fake-secret-value'] });
    const { resources } = await readLive(
      world.settings({
        workspaces: [fixture.workspaceId],
        auth: 'environment',
        clientId: undefined,
        tenantId: undefined,
      }),
      world.deps({ getIdToken: undefined, oidcAvailable: false }),
    );
    expect(resources).toHaveLength(20);
    expect(world.entra.tokenRequests.map((request) => request.clientAssertion)).toEqual([undefined]);
    expect(world.oidc.requests).toHaveLength(0);
  });

  test('auth auto without an OIDC token falls back past the (absent) Azure CLI to the environment', async () => {
    useSecret();
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({ resources: fixture.resources }, { secrets: ['fake-secret-value'] });
    const { resources } = await readLive(
      world.settings({ workspaces: [fixture.workspaceId], auth: 'auto' }),
      world.deps({ getIdToken: undefined, oidcAvailable: false }),
    );
    expect(resources.some((resource) => resource.name === 'mlw-prod')).toBe(true);
    expect(
      world.arm.requests.every((request) => request.authorization === `Bearer ${world!.entra.issued[0]}`),
    ).toBe(true);
  });

  test('auth auto with no credential at all: one sentence naming the three ways', async () => {
    for (const name of names) delete process.env[name];
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({ resources: fixture.resources });
    const error = await readLive(
      world.settings({ workspaces: [fixture.workspaceId], auth: 'auto' }),
      world.deps({ getIdToken: undefined, oidcAvailable: false }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /^no Azure credential found: .*id-token: write.*az login.*AZURE_CLIENT_SECRET/,
    );
  });

  test('auth azure-cli without the Azure CLI says to install it and sign in', async () => {
    const fixture = buildWorkspaceFixture({ healthy: true });
    world = await startLiveWorld({ resources: fixture.resources });
    const error = await readLive(
      world.settings({ workspaces: [fixture.workspaceId], auth: 'azure-cli' }),
      world.deps({ getIdToken: undefined, oidcAvailable: false }),
    ).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      "the Azure CLI is not installed: install it and run 'az login' (in a workflow, run azure/login first), or use auth: oidc.",
    );
  });
});
