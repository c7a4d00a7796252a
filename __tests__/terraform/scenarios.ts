/**
 * Plans of azurerm / azapi AML deployments, written for the tests with `buildPlan` (no published
 * plan JSON of an AML deployment was found: see fixtures/README.md). Attribute names and nested
 * blocks follow the azurerm 4.x and azapi 2.x provider documentation; ids follow ARM.
 */
import { buildPlan, constant, ref, type Json, type PlanResource, type PlanSpec } from './plan-builder.js';

export const SUB = '3f2c8a61-7d4e-4b1a-9c55-0e8f2b6d1a90';
const RG = 'rg-mlws';
const rgId = `/subscriptions/${SUB}/resourceGroups/${RG}`;
export const armId = (type: string, name: string) => `${rgId}/providers/${type}/${name}`;

type Values = { [key: string]: Json };

export function storage(name: string, replication: string, extra: Values = {}): Values {
  return {
    name,
    location: 'westeurope',
    resource_group_name: RG,
    account_kind: 'StorageV2',
    account_tier: 'Standard',
    account_replication_type: replication,
    access_tier: 'Hot',
    is_hns_enabled: false,
    min_tls_version: 'TLS1_2',
    network_rules: [],
    tags: null,
    timeouts: null,
    ...extra,
  };
}

export function keyVault(name: string, purgeProtection: boolean): Values {
  return {
    name,
    location: 'westeurope',
    resource_group_name: RG,
    sku_name: 'standard',
    tenant_id: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    purge_protection_enabled: purgeProtection,
    soft_delete_retention_days: 90,
    access_policy: [],
    tags: null,
    timeouts: null,
  };
}

export function registry(name: string, sku: string, replicas: string[] = []): Values {
  return {
    name,
    location: 'westeurope',
    resource_group_name: RG,
    sku,
    admin_enabled: false,
    zone_redundancy_enabled: false,
    georeplications: replicas.map((location) => ({
      location,
      regional_endpoint_enabled: false,
      zone_redundancy_enabled: true,
      tags: null,
    })),
    tags: null,
    timeouts: null,
  };
}

export function appInsights(name: string): Values {
  return {
    name,
    location: 'westeurope',
    resource_group_name: RG,
    application_type: 'web',
    retention_in_days: 90,
    tags: null,
    timeouts: null,
  };
}

export function workspace(name: string, extra: Values = {}): Values {
  return {
    name,
    location: 'westeurope',
    resource_group_name: RG,
    sku_name: 'Basic',
    kind: 'Default',
    public_network_access_enabled: true,
    high_business_impact: false,
    v1_legacy_mode_enabled: false,
    encryption: [],
    identity: [{ type: 'SystemAssigned', identity_ids: null }],
    tags: null,
    timeouts: null,
    ...extra,
  };
}

const WORKSPACE_UNKNOWN = [
  'id',
  'discovery_url',
  'workspace_id',
  'identity.0.principal_id',
  'identity.0.tenant_id',
];

/** A first deployment of a healthy workspace: every id known after apply, linked through references. */
export function healthyWorkspace(): PlanSpec {
  return {
    resources: [
      {
        address: 'azurerm_storage_account.ml',
        after: storage('stmlwsok', 'ZRS'),
        unknown: ['id', 'primary_blob_endpoint', 'primary_access_key'],
        sensitive: ['primary_access_key'],
        expressions: { account_replication_type: constant('ZRS'), name: constant('stmlwsok') },
      },
      {
        address: 'azurerm_key_vault.ml',
        after: keyVault('kv-mlws-ok', true),
        unknown: ['id', 'vault_uri'],
      },
      {
        address: 'azurerm_container_registry.ml',
        after: registry('crmlwsok', 'Premium', ['northeurope']),
        unknown: ['id', 'login_server'],
      },
      {
        address: 'azurerm_log_analytics_workspace.ml',
        after: { name: 'log-mlws-ok', location: 'westeurope', resource_group_name: RG, sku: 'PerGB2018' },
        unknown: ['id', 'workspace_id'],
      },
      {
        address: 'azurerm_application_insights.ml',
        after: appInsights('appi-mlws-ok'),
        unknown: ['id', 'instrumentation_key', 'workspace_id'],
        sensitive: ['instrumentation_key'],
        expressions: { workspace_id: ref('azurerm_log_analytics_workspace.ml.id') },
      },
      {
        address: 'azurerm_machine_learning_workspace.ml',
        after: workspace('mlws-ok'),
        unknown: [
          ...WORKSPACE_UNKNOWN,
          'storage_account_id',
          'key_vault_id',
          'container_registry_id',
          'application_insights_id',
        ],
        expressions: {
          storage_account_id: ref('azurerm_storage_account.ml.id'),
          key_vault_id: ref('azurerm_key_vault.ml.id'),
          container_registry_id: ref('azurerm_container_registry.ml.id'),
          application_insights_id: ref('azurerm_application_insights.ml.id'),
        },
      },
    ],
  };
}

/**
 * Every gap of examples/workspace-with-gaps, in Terraform: LRS default storage, a Standard
 * registry, a CMK key in a vault without purge protection, an attached AKS cluster without zones
 * on the Free tier, a compute cluster, a PostgreSQL flexible server without HA or geo backup, and a
 * single-region Cosmos DB account.
 */
export function workspaceWithGaps(): PlanSpec {
  const resources: PlanResource[] = [
    {
      address: 'azurerm_storage_account.ml',
      after: storage('stmlwsgaps', 'LRS'),
      unknown: ['id'],
    },
    { address: 'azurerm_key_vault.ml', after: keyVault('kv-mlws-gaps', false), unknown: ['id', 'vault_uri'] },
    {
      address: 'azurerm_key_vault_key.cmk',
      after: { name: 'cmk', key_type: 'RSA', key_size: 2048 },
      unknown: ['id', 'key_vault_id'],
    },
    { address: 'azurerm_container_registry.ml', after: registry('crmlwsgaps', 'Standard'), unknown: ['id'] },
    { address: 'azurerm_application_insights.ml', after: appInsights('appi-mlws-gaps'), unknown: ['id'] },
    {
      address: 'azurerm_machine_learning_workspace.ml',
      after: workspace('mlws-gaps', {
        encryption: [{ key_vault_id: null, key_id: null, user_assigned_identity_id: null }],
      }),
      unknown: [
        ...WORKSPACE_UNKNOWN,
        'storage_account_id',
        'key_vault_id',
        'container_registry_id',
        'application_insights_id',
        'encryption.0.key_vault_id',
        'encryption.0.key_id',
      ],
      expressions: {
        storage_account_id: ref('azurerm_storage_account.ml.id'),
        key_vault_id: ref('azurerm_key_vault.ml.id'),
        container_registry_id: ref('azurerm_container_registry.ml.id'),
        application_insights_id: ref('azurerm_application_insights.ml.id'),
        encryption: [
          {
            key_vault_id: ref('azurerm_key_vault.ml.id'),
            key_id: ref('azurerm_key_vault_key.cmk.id'),
          },
        ],
      },
    },
    {
      address: 'azurerm_kubernetes_cluster.ml',
      after: {
        name: 'aks-mlws-gaps',
        location: 'westeurope',
        resource_group_name: RG,
        dns_prefix: 'aksmlws',
        sku_tier: 'Free',
        default_node_pool: [
          {
            name: 'system',
            vm_size: 'Standard_D4s_v5',
            node_count: 3,
            type: 'VirtualMachineScaleSets',
            zones: null,
          },
        ],
        identity: [{ type: 'SystemAssigned' }],
      },
      unknown: ['id', 'kube_config', 'kube_config_raw'],
      sensitive: ['kube_config', 'kube_config_raw'],
    },
    {
      address: 'azurerm_machine_learning_inference_cluster.aks',
      after: { name: 'aks-inference', location: 'westeurope', cluster_purpose: 'FastProd' },
      unknown: ['id', 'machine_learning_workspace_id', 'kubernetes_cluster_id'],
      expressions: {
        machine_learning_workspace_id: ref('azurerm_machine_learning_workspace.ml.id'),
        kubernetes_cluster_id: ref('azurerm_kubernetes_cluster.ml.id'),
      },
    },
    {
      address: 'azurerm_machine_learning_compute_cluster.cpu',
      after: {
        name: 'cpu-cluster',
        location: 'westeurope',
        vm_size: 'STANDARD_DS3_V2',
        vm_priority: 'Dedicated',
      },
      unknown: ['id', 'machine_learning_workspace_id'],
      expressions: { machine_learning_workspace_id: ref('azurerm_machine_learning_workspace.ml.id') },
    },
    {
      address: 'azurerm_postgresql_flexible_server.ml',
      after: {
        name: 'psql-mlws-gaps',
        location: 'westeurope',
        resource_group_name: RG,
        sku_name: 'GP_Standard_D2s_v3',
        version: '16',
        geo_redundant_backup_enabled: false,
        high_availability: [],
        administrator_password: 'Not-printed-1234!',
      },
      unknown: ['id', 'fqdn'],
      sensitive: ['administrator_password'],
    },
    {
      address: 'azurerm_cosmosdb_account.ml',
      after: {
        name: 'cosmos-mlws-gaps',
        location: 'westeurope',
        resource_group_name: RG,
        offer_type: 'Standard',
        automatic_failover_enabled: false,
        multiple_write_locations_enabled: false,
        geo_location: [{ location: 'westeurope', failover_priority: 0, zone_redundant: false }],
        consistency_policy: [{ consistency_level: 'Session' }],
      },
      unknown: ['id', 'endpoint', 'primary_key'],
      sensitive: ['primary_key'],
    },
  ];
  return { resources };
}

/** An AI Foundry hub with a project, both new. */
/**
 * `instances` module instances (`module.ws["i"]`) of `workspaceWithGaps`, each with its own names:
 * the large plans of the benchmarks (bench/terraform.ts, bench/scale.ts).
 */
export function workspacesWithGaps(instances: number): PlanSpec {
  const one = workspaceWithGaps();
  const resources: PlanResource[] = [];
  for (let i = 0; i < instances; i++) {
    const rename = (value: unknown): unknown =>
      typeof value === 'string' && /gaps/.test(value) ? value.replace('gaps', `g${i}`) : value;
    for (const resource of one.resources) {
      const after = resource.after
        ? Object.fromEntries(Object.entries(resource.after).map(([key, value]) => [key, rename(value)]))
        : resource.after;
      resources.push({
        ...resource,
        address: `module.ws["${i}"].${resource.address}`,
        after,
      } as PlanResource);
    }
  }
  return { resources, modules: { ws: { source: './modules/ws' } } };
}

export function foundryHubAndProject(): PlanSpec {
  return {
    resources: [
      { address: 'azurerm_storage_account.hub', after: storage('sthub', 'ZRS'), unknown: ['id'] },
      { address: 'azurerm_key_vault.hub', after: keyVault('kv-hub', true), unknown: ['id'] },
      {
        address: 'azurerm_ai_foundry.hub',
        after: {
          name: 'hub-ml',
          location: 'westeurope',
          resource_group_name: RG,
          high_business_impact_enabled: false,
          public_network_access: 'Enabled',
          encryption: [],
          identity: [{ type: 'SystemAssigned' }],
        },
        unknown: ['id', 'storage_account_id', 'key_vault_id', 'discovery_url', 'workspace_id'],
        expressions: {
          storage_account_id: ref('azurerm_storage_account.hub.id'),
          key_vault_id: ref('azurerm_key_vault.hub.id'),
        },
      },
      {
        address: 'azurerm_ai_foundry_project.chat',
        after: { name: 'proj-chat', location: 'westeurope', high_business_impact_enabled: false },
        unknown: ['id', 'ai_services_hub_id', 'project_id'],
        expressions: { ai_services_hub_id: ref('azurerm_ai_foundry.hub.id') },
      },
    ],
  };
}

/**
 * A change to an existing workspace: the default storage goes from ZRS to LRS, which Terraform
 * does by replacing the account (and so the workspace, whose storage_account_id forces a new one).
 * The key vault had no purge protection before and still has none: an old failure, not a regression.
 */
export function zrsToLrs(): PlanSpec {
  const storageId = armId('Microsoft.Storage/storageAccounts', 'stmlwstf');
  const vaultId = armId('Microsoft.KeyVault/vaults', 'kv-mlws-tf');
  const workspaceId = armId('Microsoft.MachineLearningServices/workspaces', 'mlws-tf');
  const before = workspace('mlws-tf', {
    id: workspaceId,
    storage_account_id: storageId,
    key_vault_id: vaultId,
  });
  return {
    resources: [
      {
        address: 'azurerm_storage_account.ml',
        before: storage('stmlwstf', 'ZRS', { id: storageId }),
        after: storage('stmlwstf', 'LRS'),
        unknown: ['id'],
        actions: ['delete', 'create'],
        actionReason: 'replace_because_cannot_update',
      },
      {
        address: 'azurerm_key_vault.ml',
        before: { ...keyVault('kv-mlws-tf', false), id: vaultId },
        after: { ...keyVault('kv-mlws-tf', false), id: vaultId },
      },
      {
        address: 'azurerm_machine_learning_workspace.ml',
        before,
        after: { ...before, storage_account_id: null },
        unknown: ['id', 'storage_account_id'],
        actions: ['delete', 'create'],
        actionReason: 'replace_because_cannot_update',
        expressions: {
          storage_account_id: ref('azurerm_storage_account.ml.id'),
          key_vault_id: ref('azurerm_key_vault.ml.id'),
        },
      },
    ],
  };
}

/**
 * Modules two levels deep: the root creates the storage; module.ml (./modules/ml) passes its id on
 * to module.ml.module.workspace (./workspace), which declares the workspace and its key vault.
 */
export function nestedModules(): PlanSpec {
  return {
    modules: {
      ml: {
        source: './modules/ml',
        arguments: {
          storage_account_id: ['azurerm_storage_account.shared.id', 'azurerm_storage_account.shared'],
        },
        outputs: { workspace_id: ['module.workspace.id', 'module.workspace'] },
      },
      'ml.workspace': {
        source: './workspace',
        arguments: { storage_account_id: ['var.storage_account_id'] },
        outputs: {
          id: ['azurerm_machine_learning_workspace.this.id', 'azurerm_machine_learning_workspace.this'],
        },
      },
    },
    resources: [
      { address: 'azurerm_storage_account.shared', after: storage('stmlwsmod', 'GRS'), unknown: ['id'] },
      {
        address: 'module.ml.module.workspace.azurerm_key_vault.this',
        after: keyVault('kv-mlws-mod', true),
        unknown: ['id'],
      },
      {
        address: 'module.ml.module.workspace.azurerm_machine_learning_workspace.this',
        after: workspace('mlws-mod'),
        unknown: [...WORKSPACE_UNKNOWN, 'storage_account_id', 'key_vault_id'],
        expressions: {
          storage_account_id: ref('var.storage_account_id'),
          key_vault_id: ref('azurerm_key_vault.this.id'),
        },
      },
    ],
  };
}

/**
 * azapi: a workspace declared with azapi_resource (azapi 2.x: `body` is an object) whose CMK
 * Cosmos DB and storage are only known after apply, a registry replica with a JSON-string body
 * (azapi 1.x), and an azapi_update_resource that turns on purge protection of an azurerm vault.
 */
export function azapiDeclared(): PlanSpec {
  return {
    resources: [
      { address: 'azurerm_storage_account.ml', after: storage('stmlwsapi', 'ZRS'), unknown: ['id'] },
      { address: 'azurerm_key_vault.ml', after: keyVault('kv-mlws-api', false), unknown: ['id'] },
      {
        address: 'azurerm_cosmosdb_account.cmk',
        after: {
          name: 'cosmos-mlws-api',
          location: 'westeurope',
          resource_group_name: RG,
          offer_type: 'Standard',
          automatic_failover_enabled: true,
          multiple_write_locations_enabled: false,
          geo_location: [
            { location: 'westeurope', failover_priority: 0, zone_redundant: true },
            { location: 'northeurope', failover_priority: 1, zone_redundant: true },
          ],
        },
        unknown: ['id'],
      },
      {
        address: 'azapi_resource.workspace',
        after: {
          type: 'Microsoft.MachineLearningServices/workspaces@2024-10-01',
          name: 'mlws-api',
          parent_id: rgId,
          location: 'westeurope',
          body: {
            kind: 'Default',
            sku: { name: 'Basic', tier: 'Basic' },
            properties: {
              friendlyName: 'mlws-api',
              encryption: {
                status: 'Enabled',
                keyVaultProperties: { keyIdentifier: 'https://kv-mlws-api.vault.azure.net/keys/cmk' },
              },
            },
          },
        },
        unknown: [
          'id',
          'output',
          'body.properties.storageAccount',
          'body.properties.keyVault',
          'body.properties.encryption.keyVaultProperties.keyVaultArmId',
          'body.properties.encryption.cosmosDbResourceId',
        ],
        expressions: {
          type: constant('Microsoft.MachineLearningServices/workspaces@2024-10-01'),
          body: ref(
            'azurerm_storage_account.ml.id',
            'azurerm_key_vault.ml.id',
            'azurerm_cosmosdb_account.cmk.id',
          ),
        },
      },
      {
        address: 'azapi_resource.registry',
        after: {
          type: 'Microsoft.ContainerRegistry/registries@2023-07-01',
          name: 'crmlwsapi',
          parent_id: rgId,
          location: 'westeurope',
          body: JSON.stringify({ sku: { name: 'Premium' }, properties: { zoneRedundancy: 'Enabled' } }),
        },
        unknown: ['id', 'output'],
      },
      {
        address: 'azapi_resource.replica',
        after: {
          type: 'Microsoft.ContainerRegistry/registries/replications@2023-07-01',
          name: 'northeurope',
          location: 'northeurope',
          body: JSON.stringify({ properties: { zoneRedundancy: 'Enabled' } }),
        },
        unknown: ['id', 'output', 'parent_id'],
        expressions: { parent_id: ref('azapi_resource.registry.id') },
      },
      {
        address: 'azapi_update_resource.purge',
        after: {
          type: 'Microsoft.KeyVault/vaults@2023-07-01',
          name: 'kv-mlws-api',
          parent_id: rgId,
          body: { properties: { enablePurgeProtection: true } },
        },
        unknown: ['id', 'output', 'resource_id'],
      },
    ],
  };
}

/** The storage account's replication comes from a sensitive variable: the plan holds it in clear text, flagged. */
export function sensitiveReplication(): PlanSpec {
  return {
    resources: [
      {
        address: 'azurerm_storage_account.ml',
        after: storage('stmlwssecret', 'RAGRS'),
        unknown: ['id'],
        sensitive: ['account_replication_type'],
        expressions: { account_replication_type: ref('var.replication') },
      },
    ],
  };
}

export function planJson(spec: PlanSpec): string {
  return `${JSON.stringify(buildPlan(spec))}\n`;
}

/**
 * The plan of examples/terraform-workspace: an existing workspace that follows the article, and a
 * change that moves its default storage from ZRS to LRS (a replacement of the account, and so of
 * the workspace). `npm start` scans it; a test checks that examples/terraform-workspace/plan.json
 * is this plan.
 */
export function examplePlan(): PlanSpec {
  const id = (type: string, name: string) =>
    `/subscriptions/${SUB}/resourceGroups/rg-mlws-tf/providers/${type}/${name}`;
  const inGroup = (values: Values): Values => ({ ...values, resource_group_name: 'rg-mlws-tf' });
  const storageId = id('Microsoft.Storage/storageAccounts', 'stmlwstf');
  const vaultId = id('Microsoft.KeyVault/vaults', 'kv-mlws-tf');
  const registryId = id('Microsoft.ContainerRegistry/registries', 'crmlwstf');
  const logId = id('Microsoft.OperationalInsights/workspaces', 'log-mlws-tf');
  const insightsId = id('Microsoft.Insights/components', 'appi-mlws-tf');
  const workspaceId = id('Microsoft.MachineLearningServices/workspaces', 'mlws-tf');
  const same = (address: string, values: Values, expressions: Record<string, Json> = {}): PlanResource => ({
    address,
    before: values,
    after: values,
    expressions,
  });
  const workspaceBefore = inGroup(
    workspace('mlws-tf', {
      id: workspaceId,
      storage_account_id: storageId,
      key_vault_id: vaultId,
      container_registry_id: registryId,
      application_insights_id: insightsId,
      discovery_url: 'https://westeurope.api.azureml.ms/discovery',
    }),
  );
  const location = ref('azurerm_resource_group.ml.location');
  const group = ref('azurerm_resource_group.ml.name');
  return {
    resources: [
      same('azurerm_resource_group.ml', {
        id: `/subscriptions/${SUB}/resourceGroups/rg-mlws-tf`,
        name: 'rg-mlws-tf',
        location: 'westeurope',
        tags: null,
        timeouts: null,
      }),
      {
        address: 'azurerm_storage_account.ml',
        before: inGroup(storage('stmlwstf', 'ZRS', { id: storageId })),
        after: inGroup(storage('stmlwstf', 'LRS')),
        unknown: ['id', 'primary_blob_endpoint', 'primary_access_key'],
        sensitive: ['primary_access_key'],
        actions: ['delete', 'create'],
        actionReason: 'replace_because_cannot_update',
        expressions: {
          name: constant('stmlwstf'),
          location,
          resource_group_name: group,
          account_tier: constant('Standard'),
          account_replication_type: constant('LRS'),
        },
      },
      same('azurerm_key_vault.ml', inGroup({ ...keyVault('kv-mlws-tf', true), id: vaultId }), {
        purge_protection_enabled: constant(true),
      }),
      same(
        'azurerm_container_registry.ml',
        inGroup({ ...registry('crmlwstf', 'Premium', ['northeurope']), id: registryId }),
        {
          sku: constant('Premium'),
        },
      ),
      same('azurerm_log_analytics_workspace.ml', {
        id: logId,
        name: 'log-mlws-tf',
        location: 'westeurope',
        resource_group_name: 'rg-mlws-tf',
        sku: 'PerGB2018',
        retention_in_days: 30,
      }),
      same(
        'azurerm_application_insights.ml',
        inGroup({ ...appInsights('appi-mlws-tf'), id: insightsId, workspace_id: logId }),
        { workspace_id: ref('azurerm_log_analytics_workspace.ml.id') },
      ),
      {
        address: 'azurerm_machine_learning_workspace.ml',
        before: workspaceBefore,
        after: { ...workspaceBefore, storage_account_id: null },
        unknown: ['id', 'storage_account_id', 'discovery_url', 'workspace_id', 'identity.0.principal_id'],
        actions: ['delete', 'create'],
        actionReason: 'replace_because_cannot_update',
        expressions: {
          storage_account_id: ref('azurerm_storage_account.ml.id'),
          key_vault_id: ref('azurerm_key_vault.ml.id'),
          container_registry_id: ref('azurerm_container_registry.ml.id'),
          application_insights_id: ref('azurerm_application_insights.ml.id'),
        },
      },
    ],
  };
}
