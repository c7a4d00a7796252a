/**
 * Terraform resource types → ARM resource types and property paths, as data in one place. Each
 * entry follows the provider's documentation for the type (the `doc` link: argument names and
 * nested blocks) and the ARM REST API for the property it fills, so that the graph and every rule
 * read a Terraform resource exactly as they read the same resource from a template.
 *
 * Attribute paths (`tf`) use dots, with list indexes for nested blocks (`high_availability.0.mode`);
 * `a|b` names alternatives across provider versions (the first one the plan has wins). A field
 * with `pointsTo` holds the id of another resource: when the plan only knows it after apply (a
 * first deployment), it is linked through the configuration's references to the resource of that
 * ARM type.
 */

export type Converter =
  /** `true`/`false` → `Enabled`/`Disabled`. */
  | 'enabledDisabled'
  /** Several attributes joined by `_`: `Standard` + `ZRS` → `Standard_ZRS`. */
  | 'joinUnderscore'
  /** A non-empty block list → `Enabled` (an `encryption { … }` block turns encryption on). */
  | 'blockPresent'
  /** Flexible server `sku_name` `GP_Standard_D2s_v3` → ARM `sku.name` `Standard_D2s_v3`. */
  | 'flexibleSkuName'
  /** Flexible server `sku_name` prefix → ARM `sku.tier` (`B` Burstable, `GP`, `MO`). */
  | 'flexibleSkuTier'
  /** A storage id or data-plane URL → the storage account's name. */
  | 'storageAccountName'
  /** HDInsight `roles` block → ARM `properties.computeProfile.roles`. */
  | 'hdinsightRoles';

export interface Field {
  /** ARM property path it fills. */
  arm: string;
  /** Terraform attribute path(s); several are passed together to the converter. */
  tf?: string | string[];
  /** A constant (`properties.computeType` of a compute cluster is `AmlCompute`). */
  value?: string;
  convert?: Converter;
  /** For a list of nested blocks: the fields of each item. */
  each?: Field[];
  /** The attribute holds the id of a resource of one of these ARM types (resolved through references when unknown). */
  pointsTo?: string[];
  /** A list of such ids. */
  many?: boolean;
}

/** How a child's ARM name is built: `<parent name>/<infix>/<name>`. */
export interface ParentSpec {
  /** Attribute holding the parent's id (or, in older provider versions, its name). */
  tf: string;
  type: string;
  /** Fixed segments between parent and child (`default` for blob containers). */
  infix?: string;
}

/** Child resources a block list declares (registry `georeplications` → `registries/replications`). */
export interface ChildSpec {
  tf: string;
  armType: string;
  /** Attribute of each item that names the child. */
  nameFrom: string;
  fields: Field[];
}

export interface TypeMapping {
  armType: string;
  /** The provider documentation this entry follows. */
  doc: string;
  parent?: ParentSpec;
  fields: Field[];
  children?: ChildSpec[];
  /** Evidence paths rules use that are not ARM properties of the resource → Terraform attribute to point at. */
  evidence?: Record<string, string>;
  /** Rules that read this resource through another one (agent pools through their cluster). */
  readBy?: string[];
}

const AZURERM_DOCS = 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/';
const doc = (name: string) => `${AZURERM_DOCS}${name}`;

export const STORAGE = 'Microsoft.Storage/storageAccounts';
export const KEY_VAULT = 'Microsoft.KeyVault/vaults';
export const REGISTRY = 'Microsoft.ContainerRegistry/registries';
export const APP_INSIGHTS = 'Microsoft.Insights/components';
export const WORKSPACE = 'Microsoft.MachineLearningServices/workspaces';
export const CLUSTER = 'Microsoft.ContainerService/managedClusters';
export const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';
const LOG_ANALYTICS = 'Microsoft.OperationalInsights/workspaces';
const SQL_SERVER = 'Microsoft.Sql/servers';
const SQL_DATABASE = 'Microsoft.Sql/servers/databases';
const BLOB_CONTAINER = 'Microsoft.Storage/storageAccounts/blobServices/containers';
const FILE_SHARE = 'Microsoft.Storage/storageAccounts/fileServices/shares';

const location: Field = { arm: 'location', tf: 'location' };

/** The pointers every workspace kind has to its associated resources, and CMK encryption. */
const WORKSPACE_LINKS: Field[] = [
  { arm: 'properties.storageAccount', tf: 'storage_account_id', pointsTo: [STORAGE] },
  { arm: 'properties.keyVault', tf: 'key_vault_id', pointsTo: [KEY_VAULT] },
  { arm: 'properties.containerRegistry', tf: 'container_registry_id', pointsTo: [REGISTRY] },
  { arm: 'properties.applicationInsights', tf: 'application_insights_id', pointsTo: [APP_INSIGHTS] },
  { arm: 'properties.encryption.status', tf: 'encryption', convert: 'blockPresent' },
  {
    arm: 'properties.encryption.keyVaultProperties.keyVaultArmId',
    tf: 'encryption.0.key_vault_id',
    pointsTo: [KEY_VAULT],
  },
  { arm: 'properties.encryption.keyVaultProperties.keyIdentifier', tf: 'encryption.0.key_id' },
];

/** Azure ML compute targets of the three azurerm compute types. */
function compute(computeType: string, name: string, extra: Field[] = []): TypeMapping {
  return {
    armType: 'Microsoft.MachineLearningServices/workspaces/computes',
    doc: doc(name),
    parent: { tf: 'machine_learning_workspace_id', type: WORKSPACE },
    fields: [
      location,
      { arm: 'properties.computeType', value: computeType },
      { arm: 'properties.computeLocation', tf: 'location' },
      ...extra,
    ],
  };
}

/** Azure ML datastores: linked to the storage account behind their container or share. */
function datastore(datastoreType: string, name: string, target: string): TypeMapping {
  return {
    armType: 'Microsoft.MachineLearningServices/workspaces/datastores',
    doc: doc(name),
    readBy: ['roles: datastore'],
    parent: { tf: 'workspace_id', type: WORKSPACE },
    fields: [
      { arm: 'properties.datastoreType', value: datastoreType },
      {
        arm: 'properties.accountName',
        tf: target,
        convert: 'storageAccountName',
        pointsTo: [BLOB_CONTAINER, FILE_SHARE, STORAGE],
      },
    ],
  };
}

/** PostgreSQL and MySQL flexible servers share their azurerm shape. */
function flexibleServer(armType: string, name: string): TypeMapping {
  return {
    armType,
    doc: doc(name),
    fields: [
      location,
      { arm: 'sku.name', tf: 'sku_name', convert: 'flexibleSkuName' },
      { arm: 'sku.tier', tf: 'sku_name', convert: 'flexibleSkuTier' },
      { arm: 'properties.highAvailability.mode', tf: 'high_availability.0.mode' },
      {
        arm: 'properties.backup.geoRedundantBackup',
        tf: 'geo_redundant_backup_enabled',
        convert: 'enabledDisabled',
      },
    ],
  };
}

function hdinsight(name: string): TypeMapping {
  return {
    armType: 'Microsoft.HDInsight/clusters',
    doc: doc(name),
    fields: [location, { arm: 'properties.computeProfile.roles', tf: 'roles.0', convert: 'hdinsightRoles' }],
  };
}

/** The azurerm types this tool reads, with the ARM type and properties each becomes. */
export const AZURERM: Readonly<Record<string, TypeMapping>> = {
  azurerm_machine_learning_workspace: {
    armType: WORKSPACE,
    doc: doc('machine_learning_workspace'),
    fields: [
      location,
      { arm: 'kind', tf: 'kind' },
      { arm: 'sku.name', tf: 'sku_name' },
      ...WORKSPACE_LINKS,
      { arm: 'properties.enableServiceSideCMKEncryption', tf: 'service_side_encryption_enabled' },
      { arm: 'properties.hbiWorkspace', tf: 'high_business_impact' },
    ],
  },
  azurerm_ai_foundry: {
    armType: WORKSPACE,
    doc: doc('ai_foundry'),
    fields: [
      location,
      { arm: 'kind', value: 'Hub' },
      ...WORKSPACE_LINKS,
      { arm: 'properties.hbiWorkspace', tf: 'high_business_impact_enabled' },
    ],
  },
  azurerm_ai_foundry_project: {
    armType: WORKSPACE,
    doc: doc('ai_foundry_project'),
    fields: [
      location,
      { arm: 'kind', value: 'Project' },
      { arm: 'properties.hubResourceId', tf: 'ai_services_hub_id', pointsTo: [WORKSPACE] },
    ],
  },
  azurerm_storage_account: {
    armType: STORAGE,
    doc: doc('storage_account'),
    fields: [
      location,
      { arm: 'sku.name', tf: ['account_tier', 'account_replication_type'], convert: 'joinUnderscore' },
      { arm: 'kind', tf: 'account_kind' },
      { arm: 'properties.isHnsEnabled', tf: 'is_hns_enabled' },
    ],
  },
  azurerm_storage_container: {
    armType: BLOB_CONTAINER,
    doc: doc('storage_container'),
    readBy: ['roles: datastore'],
    parent: { tf: 'storage_account_id|storage_account_name', type: STORAGE, infix: 'default' },
    fields: [],
  },
  azurerm_storage_share: {
    armType: FILE_SHARE,
    doc: doc('storage_share'),
    readBy: ['roles: datastore'],
    parent: { tf: 'storage_account_id|storage_account_name', type: STORAGE, infix: 'default' },
    fields: [],
  },
  azurerm_key_vault: {
    armType: KEY_VAULT,
    doc: doc('key_vault'),
    fields: [
      location,
      { arm: 'sku.name', tf: 'sku_name' },
      { arm: 'properties.enablePurgeProtection', tf: 'purge_protection_enabled' },
      { arm: 'properties.softDeleteRetentionInDays', tf: 'soft_delete_retention_days' },
    ],
  },
  azurerm_container_registry: {
    armType: REGISTRY,
    doc: doc('container_registry'),
    fields: [
      location,
      { arm: 'sku.name', tf: 'sku' },
      { arm: 'properties.zoneRedundancy', tf: 'zone_redundancy_enabled', convert: 'enabledDisabled' },
    ],
    children: [
      {
        tf: 'georeplications',
        armType: 'Microsoft.ContainerRegistry/registries/replications',
        nameFrom: 'location',
        fields: [
          { arm: 'location', tf: 'location' },
          { arm: 'properties.zoneRedundancy', tf: 'zone_redundancy_enabled', convert: 'enabledDisabled' },
        ],
      },
    ],
    evidence: { 'replications[].location': 'georeplications' },
  },
  azurerm_log_analytics_workspace: {
    armType: LOG_ANALYTICS,
    doc: doc('log_analytics_workspace'),
    readBy: ['HA.AppInsights.Retention'],
    fields: [location, { arm: 'sku.name', tf: 'sku' }],
  },
  azurerm_application_insights: {
    armType: APP_INSIGHTS,
    doc: doc('application_insights'),
    fields: [
      location,
      { arm: 'kind', tf: 'application_type' },
      { arm: 'properties.Application_Type', tf: 'application_type' },
      { arm: 'properties.WorkspaceResourceId', tf: 'workspace_id', pointsTo: [LOG_ANALYTICS] },
      { arm: 'properties.RetentionInDays', tf: 'retention_in_days' },
    ],
  },
  azurerm_kubernetes_cluster: {
    armType: CLUSTER,
    doc: doc('kubernetes_cluster'),
    fields: [
      location,
      { arm: 'sku.tier', tf: 'sku_tier' },
      {
        arm: 'properties.agentPoolProfiles',
        tf: 'default_node_pool',
        each: [
          { arm: 'name', tf: 'name' },
          { arm: 'type', tf: 'type' },
          { arm: 'vmSize', tf: 'vm_size' },
          { arm: 'availabilityZones', tf: 'zones|availability_zones' },
        ],
      },
    ],
    evidence: { 'properties.agentPoolProfiles[].availabilityZones': 'default_node_pool.0.zones' },
  },
  azurerm_kubernetes_cluster_node_pool: {
    armType: 'Microsoft.ContainerService/managedClusters/agentPools',
    doc: doc('kubernetes_cluster_node_pool'),
    parent: { tf: 'kubernetes_cluster_id', type: CLUSTER },
    readBy: ['HA.AKS.AvailabilityZones'],
    fields: [
      { arm: 'properties.type', value: 'VirtualMachineScaleSets' },
      { arm: 'properties.vmSize', tf: 'vm_size' },
      { arm: 'properties.availabilityZones', tf: 'zones|availability_zones' },
    ],
  },
  azurerm_machine_learning_compute_cluster: compute('AmlCompute', 'machine_learning_compute_cluster'),
  azurerm_machine_learning_compute_instance: compute('ComputeInstance', 'machine_learning_compute_instance'),
  azurerm_machine_learning_inference_cluster: compute('AKS', 'machine_learning_inference_cluster', [
    { arm: 'properties.resourceId', tf: 'kubernetes_cluster_id', pointsTo: [CLUSTER] },
  ]),
  azurerm_machine_learning_datastore_blobstorage: datastore(
    'AzureBlob',
    'machine_learning_datastore_blobstorage',
    'storage_container_id',
  ),
  azurerm_machine_learning_datastore_datalake_gen2: datastore(
    'AzureDataLakeGen2',
    'machine_learning_datastore_datalake_gen2',
    'storage_container_id',
  ),
  azurerm_machine_learning_datastore_fileshare: datastore(
    'AzureFile',
    'machine_learning_datastore_fileshare',
    'storage_fileshare_id',
  ),
  azurerm_cosmosdb_account: {
    armType: COSMOS,
    doc: doc('cosmosdb_account'),
    fields: [
      location,
      {
        arm: 'properties.locations',
        tf: 'geo_location',
        each: [
          { arm: 'locationName', tf: 'location' },
          { arm: 'failoverPriority', tf: 'failover_priority' },
          { arm: 'isZoneRedundant', tf: 'zone_redundant' },
        ],
      },
      {
        arm: 'properties.enableAutomaticFailover',
        tf: 'automatic_failover_enabled|enable_automatic_failover',
      },
      {
        arm: 'properties.enableMultipleWriteLocations',
        tf: 'multiple_write_locations_enabled|enable_multiple_write_locations',
      },
    ],
  },
  azurerm_mssql_server: {
    armType: SQL_SERVER,
    doc: doc('mssql_server'),
    readBy: ['HA.Sql.GeoReplication'],
    fields: [location],
  },
  azurerm_mssql_database: {
    armType: SQL_DATABASE,
    doc: doc('mssql_database'),
    parent: { tf: 'server_id', type: SQL_SERVER },
    fields: [
      { arm: 'sku.name', tf: 'sku_name' },
      { arm: 'properties.zoneRedundant', tf: 'zone_redundant' },
      { arm: 'properties.createMode', tf: 'create_mode' },
      { arm: 'properties.sourceDatabaseId', tf: 'creation_source_database_id', pointsTo: [SQL_DATABASE] },
    ],
  },
  azurerm_mssql_elasticpool: {
    armType: 'Microsoft.Sql/servers/elasticPools',
    doc: doc('mssql_elasticpool'),
    parent: { tf: 'server_name', type: SQL_SERVER },
    fields: [location, { arm: 'properties.zoneRedundant', tf: 'zone_redundant' }],
  },
  azurerm_mssql_failover_group: {
    armType: 'Microsoft.Sql/servers/failoverGroups',
    doc: doc('mssql_failover_group'),
    parent: { tf: 'server_id', type: SQL_SERVER },
    readBy: ['HA.Sql.GeoReplication'],
    fields: [{ arm: 'properties.databases', tf: 'databases', pointsTo: [SQL_DATABASE], many: true }],
  },
  azurerm_postgresql_flexible_server: flexibleServer(
    'Microsoft.DBforPostgreSQL/flexibleServers',
    'postgresql_flexible_server',
  ),
  azurerm_mysql_flexible_server: flexibleServer(
    'Microsoft.DBforMySQL/flexibleServers',
    'mysql_flexible_server',
  ),
  azurerm_postgresql_server: {
    armType: 'Microsoft.DBforPostgreSQL/servers',
    doc: doc('postgresql_server'),
    fields: [location, { arm: 'sku.name', tf: 'sku_name' }],
  },
  azurerm_mysql_server: {
    armType: 'Microsoft.DBforMySQL/servers',
    doc: doc('mysql_server'),
    fields: [location, { arm: 'sku.name', tf: 'sku_name' }],
  },
  azurerm_data_lake_store: {
    armType: 'Microsoft.DataLakeStore/accounts',
    doc: doc('data_lake_store'),
    fields: [location],
  },
  azurerm_databricks_workspace: {
    armType: 'Microsoft.Databricks/workspaces',
    doc: doc('databricks_workspace'),
    fields: [location, { arm: 'sku.name', tf: 'sku' }],
  },
  azurerm_container_group: {
    armType: 'Microsoft.ContainerInstance/containerGroups',
    doc: doc('container_group'),
    fields: [location, { arm: 'zones', tf: 'zones' }],
  },
  azurerm_hdinsight_hadoop_cluster: hdinsight('hdinsight_hadoop_cluster'),
  azurerm_hdinsight_spark_cluster: hdinsight('hdinsight_spark_cluster'),
  azurerm_hdinsight_hbase_cluster: hdinsight('hdinsight_hbase_cluster'),
  azurerm_hdinsight_kafka_cluster: hdinsight('hdinsight_kafka_cluster'),
  azurerm_hdinsight_interactive_query_cluster: hdinsight('hdinsight_interactive_query_cluster'),
};

/**
 * azapi resources: `type` is `Provider/type@api-version` and `body` the ARM body (an object in
 * azapi 2.x, a JSON string in 1.x), so no per-type mapping is needed. When the body holds ids only
 * known after apply, these ARM properties are linked through references by the type they point at.
 */
export const AZAPI_DOCS = {
  azapi_resource: 'https://registry.terraform.io/providers/Azure/azapi/latest/docs/resources/resource',
  azapi_update_resource:
    'https://registry.terraform.io/providers/Azure/azapi/latest/docs/resources/update_resource',
};

export const AZAPI_POINTERS: Readonly<Record<string, string[]>> = {
  'properties.storageAccount': [STORAGE],
  'properties.keyVault': [KEY_VAULT],
  'properties.containerRegistry': [REGISTRY],
  'properties.applicationInsights': [APP_INSIGHTS],
  'properties.hubResourceId': [WORKSPACE],
  'properties.encryption.keyVaultProperties.keyVaultArmId': [KEY_VAULT],
  'properties.encryption.cosmosDbResourceId': [COSMOS],
  'properties.encryption.cosmosDbArmId': [COSMOS],
  'properties.resourceId': [CLUSTER, 'Microsoft.Kubernetes/connectedClusters'],
  'properties.WorkspaceResourceId': [LOG_ANALYTICS],
};

/** The Terraform types read, for the README's table and for skipping the rest quickly. */
export function isMappedType(type: string): boolean {
  return type in AZURERM || type in AZAPI_DOCS;
}
