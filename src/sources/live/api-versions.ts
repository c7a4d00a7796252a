/**
 * The api-version used to read each resource type. These are stable (non-preview) versions whose
 * response shape the rules were written against; when ARM rejects one (a retired version in a
 * sovereign cloud or on Azure Stack), the reader falls back to the provider's newest stable
 * version (see `pickNewestStableVersion`).
 */
const API_VERSIONS: Record<string, string> = {
  // The first stable version whose workspace has every property the rules read (see
  // rules/workspace-properties.ts): hubResourceId (2024-04-01), enableServiceSideCMKEncryption
  // (2025-06-01) and encryption.cosmosDbResourceId (2025-12-01). With 2024-10-01, a service-side
  // or bring-your-own-Cosmos CMK workspace would read as classic CMK.
  'Microsoft.MachineLearningServices/workspaces': '2025-12-01',
  'Microsoft.MachineLearningServices/workspaces/computes': '2024-10-01',
  'Microsoft.MachineLearningServices/workspaces/datastores': '2024-10-01',
  'Microsoft.Storage/storageAccounts': '2023-05-01',
  'Microsoft.KeyVault/vaults': '2023-07-01',
  'Microsoft.ContainerRegistry/registries': '2023-07-01',
  'Microsoft.ContainerRegistry/registries/replications': '2023-07-01',
  'Microsoft.Insights/components': '2020-02-02',
  'Microsoft.ContainerService/managedClusters': '2024-09-01',
  'Microsoft.ContainerService/managedClusters/agentPools': '2024-09-01',
  'Microsoft.Kubernetes/connectedClusters': '2024-01-01',
  'Microsoft.Databricks/workspaces': '2024-05-01',
  'Microsoft.HDInsight/clusters': '2021-06-01',
  'Microsoft.ContainerInstance/containerGroups': '2023-05-01',
  'Microsoft.DataLakeStore/accounts': '2016-11-01',
  'Microsoft.Sql/servers': '2021-11-01',
  'Microsoft.Sql/servers/databases': '2021-11-01',
  'Microsoft.Sql/servers/elasticPools': '2021-11-01',
  'Microsoft.Sql/servers/failoverGroups': '2021-11-01',
  'Microsoft.DBforPostgreSQL/flexibleServers': '2024-08-01',
  'Microsoft.DBforPostgreSQL/servers': '2017-12-01',
  'Microsoft.DBforMySQL/flexibleServers': '2023-12-30',
  'Microsoft.DBforMySQL/servers': '2017-12-01',
  'Microsoft.DocumentDB/databaseAccounts': '2024-11-15',
  'Microsoft.Search/searchServices': '2023-11-01',
};

const BY_KEY = new Map(
  Object.entries(API_VERSIONS).map(([type, version]) => [type.toLowerCase(), { type, version }]),
);

/** The tested api-version for a resource type (case-insensitive), or undefined for a type we do not know. */
export function apiVersionFor(type: string): string | undefined {
  return BY_KEY.get(type.toLowerCase())?.version;
}

/**
 * The type spelled as the rules expect it (`Microsoft.Insights/components`), since some services
 * return their type in lower case; types we do not know keep ARM's spelling.
 */
export function canonicalType(type: string): string {
  return BY_KEY.get(type.toLowerCase())?.type ?? type;
}

/** The types the crawler knows, for documentation and tests. */
export const KNOWN_TYPES: readonly string[] = Object.keys(API_VERSIONS);

/**
 * The newest stable api-version in a provider's list (`2023-05-01` beats `2024-01-01-preview`);
 * preview versions only when there is nothing else.
 */
export function pickNewestStableVersion(versions: readonly string[]): string | undefined {
  const sorted = [...versions].sort((a, b) => b.localeCompare(a));
  return sorted.find((version) => !/preview|alpha|beta/i.test(version)) ?? sorted[0];
}
