/**
 * A realistic Azure ML workspace and its dependencies as ARM returns them (ids, types, sku,
 * properties, systemData), for the fake ARM. `healthy` sets every HA option; otherwise the
 * workspace has the usual gaps (LRS storage, no purge protection, Basic registry, AKS without
 * zones on the Free tier, a Data Lake on LRS, a SQL database without zone redundancy or failover group).
 */
type Json = Record<string, unknown>;

export interface WorkspaceFixtureOptions {
  subscriptionId?: string;
  resourceGroup?: string;
  name?: string;
  healthy: boolean;
  /** Classic CMK: encryption on, no cosmosDbResourceId; a managed resource group holds Cosmos DB, Search, Storage. */
  classicCmk?: boolean;
  /** A blob datastore `archive` whose storage account lives in another resource group (rg-archive), which it names. */
  crossGroupDatastore?: boolean;
}

export interface WorkspaceFixture {
  workspaceId: string;
  resources: Json[];
  resourceGroups: Json[];
  ids: Record<
    | 'storage'
    | 'keyVault'
    | 'registry'
    | 'appInsights'
    | 'aks'
    | 'dataLake'
    | 'sqlServer'
    | 'sqlDatabase'
    | 'managedCosmos',
    string
  >;
}

const SYSTEM_DATA = {
  createdBy: 'ml-platform@contoso.com',
  createdByType: 'User',
  createdAt: '2025-03-04T09:12:44.1234567Z',
  lastModifiedBy: 'ml-platform@contoso.com',
  lastModifiedByType: 'User',
  lastModifiedAt: '2025-09-18T16:02:10.7654321Z',
};

export function buildWorkspaceFixture(options: WorkspaceFixtureOptions): WorkspaceFixture {
  const sub = options.subscriptionId ?? '00000000-1111-2222-3333-444444444444';
  const rg = options.resourceGroup ?? 'rg-ml-prod';
  const dataRg = 'rg-data-prod';
  const ws = options.name ?? 'mlw-prod';
  const healthy = options.healthy;
  const location = 'westeurope';
  const p = (group: string, type: string, name: string) =>
    `/subscriptions/${sub}/resourceGroups/${group}/providers/${type}/${name}`;
  const ids = {
    workspace: p(rg, 'Microsoft.MachineLearningServices/workspaces', ws),
    storage: p(rg, 'Microsoft.Storage/storageAccounts', `st${ws.replace(/-/g, '')}`),
    keyVault: p(rg, 'Microsoft.KeyVault/vaults', `kv-${ws}`),
    registry: p(rg, 'Microsoft.ContainerRegistry/registries', `cr${ws.replace(/-/g, '')}`),
    appInsights: p(rg, 'Microsoft.Insights/components', `appi-${ws}`),
    logAnalytics: p(rg, 'Microsoft.OperationalInsights/workspaces', `log-${ws}`),
    aks: p(rg, 'Microsoft.ContainerService/managedClusters', `aks-${ws}`),
    dataLake: p(dataRg, 'Microsoft.Storage/storageAccounts', `dls${ws.replace(/-/g, '')}`),
    sqlServer: p(dataRg, 'Microsoft.Sql/servers', `sql-${ws}`),
    sqlDatabase: p(dataRg, 'Microsoft.Sql/servers', `sql-${ws}/databases/sales`),
    managedCosmos: `/subscriptions/${sub}/resourceGroups/azureml-rg-${ws}_0f6c3a5e-8d2b-4c1a-9e7f-1a2b3c4d5e6f/providers/Microsoft.DocumentDB/databaseAccounts/${ws}cosmos`,
  };
  const name = (id: string) => id.split('/').pop() as string;
  const zones = healthy ? ['1', '2', '3'] : null;

  const workspace: Json = {
    id: ids.workspace,
    name: ws,
    type: 'Microsoft.MachineLearningServices/workspaces',
    location,
    tags: { environment: 'prod' },
    etag: null,
    kind: 'Default',
    sku: { name: 'Basic', tier: 'Basic' },
    identity: {
      type: 'SystemAssigned',
      principalId: '9f0e1d2c-3b4a-5968-7a6b-5c4d3e2f1a0b',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    },
    systemData: SYSTEM_DATA,
    properties: {
      friendlyName: ws,
      description: 'Production workspace',
      storageAccount: ids.storage,
      keyVault: ids.keyVault,
      applicationInsights: ids.appInsights,
      containerRegistry: ids.registry,
      hbiWorkspace: options.classicCmk === true,
      workspaceId: '3b6d1e2a-7c8f-4a9b-b0c1-d2e3f4a5b6c7',
      discoveryUrl: `https://${location}.api.azureml.ms/discovery`,
      mlFlowTrackingUri: `azureml://${location}.api.azureml.ms/mlflow/v1.0${ids.workspace}`,
      provisioningState: 'Succeeded',
      publicNetworkAccess: 'Enabled',
      v1LegacyMode: false,
      privateLinkCount: 0,
      storageHnsEnabled: false,
      ...(options.classicCmk
        ? {
            encryption: {
              status: 'Enabled',
              keyVaultProperties: {
                keyVaultArmId: ids.keyVault,
                keyIdentifier: `https://kv-${ws}.vault.azure.net/keys/cmk/0123456789abcdef`,
              },
            },
            enableServiceSideCMKEncryption: false,
          }
        : {}),
    },
  };

  const resources: Json[] = [
    workspace,
    {
      id: ids.storage,
      name: name(ids.storage),
      type: 'Microsoft.Storage/storageAccounts',
      location,
      kind: 'StorageV2',
      sku: { name: healthy ? 'Standard_ZRS' : 'Standard_LRS', tier: 'Standard' },
      tags: {},
      properties: {
        accessTier: 'Hot',
        allowBlobPublicAccess: false,
        minimumTlsVersion: 'TLS1_2',
        supportsHttpsTrafficOnly: true,
        isHnsEnabled: false,
        provisioningState: 'Succeeded',
        primaryLocation: location,
        statusOfPrimary: 'available',
        creationTime: '2025-03-04T09:10:02.4412131Z',
        primaryEndpoints: {
          blob: `https://${name(ids.storage)}.blob.core.windows.net/`,
          file: `https://${name(ids.storage)}.file.core.windows.net/`,
        },
      },
    },
    {
      id: ids.keyVault,
      name: name(ids.keyVault),
      type: 'Microsoft.KeyVault/vaults',
      location,
      tags: {},
      systemData: SYSTEM_DATA,
      properties: {
        sku: { family: 'A', name: 'standard' },
        tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        accessPolicies: [],
        enabledForDeployment: false,
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        ...(healthy || options.classicCmk ? { enablePurgeProtection: true } : {}),
        vaultUri: `https://${name(ids.keyVault)}.vault.azure.net/`,
        provisioningState: 'Succeeded',
        publicNetworkAccess: 'Enabled',
      },
    },
    {
      id: ids.registry,
      name: name(ids.registry),
      type: 'Microsoft.ContainerRegistry/registries',
      location,
      tags: {},
      systemData: SYSTEM_DATA,
      sku: healthy ? { name: 'Premium', tier: 'Premium' } : { name: 'Basic', tier: 'Basic' },
      properties: {
        loginServer: `${name(ids.registry)}.azurecr.io`,
        creationDate: '2025-03-04T09:11:15.5131822Z',
        provisioningState: 'Succeeded',
        adminUserEnabled: false,
        zoneRedundancy: 'Disabled',
        publicNetworkAccess: 'Enabled',
        policies: { retentionPolicy: { days: 7, status: 'disabled' } },
      },
    },
    {
      id: ids.appInsights,
      name: name(ids.appInsights),
      // Application Insights answers with its type in lower case.
      type: 'microsoft.insights/components',
      location,
      kind: 'web',
      tags: {},
      etag: '"0a00d1c2-0000-0d00-0000-65f0a1b20000"',
      properties: {
        ApplicationId: name(ids.appInsights),
        AppId: 'c0ffee00-1111-2222-3333-444455556666',
        Application_Type: 'web',
        InstrumentationKey: '00000000-aaaa-bbbb-cccc-dddddddddddd',
        RetentionInDays: 90,
        WorkspaceResourceId: ids.logAnalytics,
        IngestionMode: 'LogAnalytics',
        provisioningState: 'Succeeded',
      },
    },
    compute(ids.workspace, 'cpu-cluster', location, {
      computeType: 'AmlCompute',
      properties: { vmSize: 'STANDARD_DS3_V2', scaleSettings: { minNodeCount: 0, maxNodeCount: 4 } },
    }),
    compute(ids.workspace, 'ci-dev', location, {
      computeType: 'ComputeInstance',
      properties: { vmSize: 'STANDARD_DS11_V2' },
    }),
    compute(ids.workspace, 'aks-inference', location, {
      computeType: 'AKS',
      resourceId: ids.aks,
      isAttachedCompute: true,
      properties: { agentCount: 3, clusterPurpose: 'FastProd' },
    }),
    {
      id: ids.aks,
      name: name(ids.aks),
      type: 'Microsoft.ContainerService/ManagedClusters',
      location,
      sku: { name: 'Base', tier: healthy ? 'Standard' : 'Free' },
      identity: { type: 'SystemAssigned' },
      properties: {
        provisioningState: 'Succeeded',
        kubernetesVersion: '1.30.5',
        dnsPrefix: `aks-${ws}`,
        agentPoolProfiles: [
          {
            name: 'system',
            count: 3,
            vmSize: 'Standard_D4ds_v5',
            mode: 'System',
            type: 'VirtualMachineScaleSets',
            osType: 'Linux',
            availabilityZones: zones,
          },
          {
            name: 'inference',
            count: 3,
            vmSize: 'Standard_D8ds_v5',
            mode: 'User',
            type: 'VirtualMachineScaleSets',
            osType: 'Linux',
            availabilityZones: zones,
          },
        ],
        nodeResourceGroup: `MC_${rg}_aks-${ws}_${location}`,
      },
    },
    ...['system', 'inference'].map((pool) => ({
      id: `${ids.aks}/agentPools/${pool}`,
      name: pool,
      type: 'Microsoft.ContainerService/managedClusters/agentPools',
      properties: {
        count: 3,
        vmSize: pool === 'system' ? 'Standard_D4ds_v5' : 'Standard_D8ds_v5',
        mode: pool === 'system' ? 'System' : 'User',
        type: 'VirtualMachineScaleSets',
        osType: 'Linux',
        availabilityZones: zones,
        provisioningState: 'Succeeded',
      },
    })),
    datastore(ids.workspace, 'workspaceblobstore', {
      datastoreType: 'AzureBlob',
      accountName: name(ids.storage),
      containerName: 'azureml-blobstore-3b6d1e2a',
      subscriptionId: sub,
      resourceGroup: rg,
      isDefault: true,
    }),
    datastore(ids.workspace, 'workspacefilestore', {
      datastoreType: 'AzureFile',
      accountName: name(ids.storage),
      fileShareName: 'code-3b6d1e2a',
      subscriptionId: sub,
      resourceGroup: rg,
    }),
    // Added in the studio: no resource group recorded, so the reader looks the account up by name.
    datastore(ids.workspace, 'sales_lake', {
      datastoreType: 'AzureDataLakeGen2',
      accountName: name(ids.dataLake),
      filesystem: 'sales',
      subscriptionId: null,
      resourceGroup: null,
    }),
    datastore(ids.workspace, 'sales_sql', {
      datastoreType: 'AzureSqlDatabase',
      serverName: name(ids.sqlServer),
      databaseName: 'sales',
      subscriptionId: sub,
      resourceGroup: dataRg,
    }),
    {
      id: ids.dataLake,
      name: name(ids.dataLake),
      type: 'Microsoft.Storage/storageAccounts',
      location,
      kind: 'StorageV2',
      sku: { name: healthy ? 'Standard_RAGZRS' : 'Standard_LRS', tier: 'Standard' },
      properties: {
        isHnsEnabled: true,
        provisioningState: 'Succeeded',
        primaryLocation: location,
        secondaryLocation: healthy ? 'northeurope' : undefined,
      },
    },
    {
      id: ids.sqlServer,
      name: name(ids.sqlServer),
      type: 'Microsoft.Sql/servers',
      location,
      kind: 'v12.0',
      properties: {
        administratorLogin: 'sqladmin',
        version: '12.0',
        state: 'Ready',
        fullyQualifiedDomainName: `${name(ids.sqlServer)}.database.windows.net`,
        publicNetworkAccess: 'Enabled',
      },
    },
    {
      id: `${ids.sqlServer}/databases/master`,
      name: 'master',
      type: 'Microsoft.Sql/servers/databases',
      location,
      kind: 'v12.0,system',
      sku: { name: 'System', tier: 'System', capacity: 0 },
      properties: { status: 'Online', zoneRedundant: false },
    },
    {
      id: ids.sqlDatabase,
      name: 'sales',
      type: 'Microsoft.Sql/servers/databases',
      location,
      kind: 'v12.0,user,vcore',
      sku: healthy
        ? { name: 'BC_Gen5', tier: 'BusinessCritical', family: 'Gen5', capacity: 4 }
        : { name: 'GP_Gen5', tier: 'GeneralPurpose', family: 'Gen5', capacity: 2 },
      properties: {
        status: 'Online',
        zoneRedundant: healthy,
        requestedBackupStorageRedundancy: healthy ? 'Geo' : 'Local',
        maxSizeBytes: 34359738368,
      },
    },
    ...(healthy
      ? [
          {
            id: `${ids.sqlServer}/failoverGroups/fog-sales`,
            name: 'fog-sales',
            type: 'Microsoft.Sql/servers/failoverGroups',
            location,
            properties: {
              readWriteEndpoint: { failoverPolicy: 'Automatic', failoverWithDataLossGracePeriodMinutes: 60 },
              replicationRole: 'Primary',
              replicationState: 'CATCH_UP',
              partnerServers: [
                {
                  id: `/subscriptions/${sub}/resourceGroups/${dataRg}/providers/Microsoft.Sql/servers/sql-${ws}-ne`,
                  location: 'North Europe',
                  replicationRole: 'Secondary',
                },
              ],
              databases: [ids.sqlDatabase],
            },
          },
          {
            id: `${ids.registry}/replications/northeurope`,
            name: 'northeurope',
            type: 'Microsoft.ContainerRegistry/registries/replications',
            location: 'northeurope',
            properties: {
              provisioningState: 'Succeeded',
              regionEndpointEnabled: true,
              zoneRedundancy: 'Enabled',
              status: { displayStatus: 'Ready' },
            },
          },
        ]
      : []),
  ];

  if (options.crossGroupDatastore) {
    const archive = `/subscriptions/${sub}/resourceGroups/rg-archive/providers/Microsoft.Storage/storageAccounts/starchive${ws.replace(/-/g, '')}`;
    resources.push(
      datastore(ids.workspace, 'archive', {
        datastoreType: 'AzureBlob',
        accountName: name(archive),
        containerName: 'archive',
        subscriptionId: sub,
        resourceGroup: 'rg-archive',
      }),
      {
        id: archive,
        name: name(archive),
        type: 'Microsoft.Storage/storageAccounts',
        location,
        kind: 'StorageV2',
        sku: { name: 'Standard_GRS', tier: 'Standard' },
        properties: { provisioningState: 'Succeeded', primaryLocation: location },
      },
    );
  }

  const resourceGroups: Json[] = [];
  if (options.classicCmk) {
    const managedRg = `azureml-rg-${ws}_0f6c3a5e-8d2b-4c1a-9e7f-1a2b3c4d5e6f`;
    resourceGroups.push({
      id: `/subscriptions/${sub}/resourceGroups/${managedRg}`,
      name: managedRg,
      type: 'Microsoft.Resources/resourceGroups',
      location,
      managedBy: ids.workspace,
      properties: { provisioningState: 'Succeeded' },
    });
    const mp = (type: string, n: string) =>
      `/subscriptions/${sub}/resourceGroups/${managedRg}/providers/${type}/${n}`;
    resources.push(
      {
        id: ids.managedCosmos,
        name: `${ws}cosmos`,
        type: 'Microsoft.DocumentDB/databaseAccounts',
        location,
        kind: 'GlobalDocumentDB',
        properties: {
          databaseAccountOfferType: 'Standard',
          locations: [{ locationName: 'West Europe', failoverPriority: 0, isZoneRedundant: false }],
          enableAutomaticFailover: false,
          enableMultipleWriteLocations: false,
        },
      },
      {
        id: mp('Microsoft.Search/searchServices', `${ws}search`),
        name: `${ws}search`,
        type: 'Microsoft.Search/searchServices',
        location,
        sku: { name: 'standard' },
        properties: { replicaCount: 1, partitionCount: 1 },
      },
      {
        id: mp('Microsoft.Storage/storageAccounts', `${ws.replace(/-/g, '')}managed`),
        name: `${ws.replace(/-/g, '')}managed`,
        type: 'Microsoft.Storage/storageAccounts',
        location,
        kind: 'StorageV2',
        sku: { name: 'Standard_LRS', tier: 'Standard' },
        properties: { provisioningState: 'Succeeded' },
      },
    );
  }
  return { workspaceId: ids.workspace, resources, resourceGroups, ids };
}

function compute(workspaceId: string, name: string, location: string, properties: Json): Json {
  return {
    id: `${workspaceId}/computes/${name}`,
    name,
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    location,
    identity: { type: 'None' },
    systemData: SYSTEM_DATA,
    properties: {
      provisioningState: 'Succeeded',
      computeLocation: location,
      isAttachedCompute: false,
      disableLocalAuth: true,
      ...properties,
    },
  };
}

function datastore(workspaceId: string, name: string, properties: Json): Json {
  return {
    id: `${workspaceId}/datastores/${name}`,
    name,
    type: 'Microsoft.MachineLearningServices/workspaces/datastores',
    systemData: SYSTEM_DATA,
    properties: {
      credentials: { credentialsType: 'None' },
      isDefault: false,
      tags: {},
      endpoint: 'core.windows.net',
      protocol: 'https',
      ...properties,
    },
  };
}
