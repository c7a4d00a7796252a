import { type ObjectValue, type Resource, UnknownValue } from '../../src/model.js';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers';

/** A template resource as the template source would produce it, for rule tests. */
export function resource(
  type: string,
  name: string,
  body: ObjectValue = {},
  extra: Partial<Resource> = {},
): Resource {
  const typeParts = type.split('/');
  const nameParts = name.split('/');
  const path = [`${typeParts[0]}/${typeParts[1]}`, nameParts[0]];
  for (let i = 2; i < typeParts.length; i++) path.push(typeParts[i]!, nameParts[i - 1]!);
  return {
    type,
    name,
    id: `${SUB}/${path.join('/')}`,
    body: { location: 'westeurope', ...body },
    deployed: true,
    origin: 'template',
    source: { file: 'infra/main.json', line: 10 },
    unit: 'infra/main.json',
    ...extra,
  };
}

export function idOf(type: string, name: string): string {
  return resource(type, name).id;
}

export const unknown = (reason: string) => new UnknownValue(reason);

export const T = {
  workspace: 'Microsoft.MachineLearningServices/workspaces',
  compute: 'Microsoft.MachineLearningServices/workspaces/computes',
  datastore: 'Microsoft.MachineLearningServices/workspaces/datastores',
  storage: 'Microsoft.Storage/storageAccounts',
  keyVault: 'Microsoft.KeyVault/vaults',
  registry: 'Microsoft.ContainerRegistry/registries',
  replication: 'Microsoft.ContainerRegistry/registries/replications',
  appInsights: 'Microsoft.Insights/components',
  aks: 'Microsoft.ContainerService/managedClusters',
  agentPool: 'Microsoft.ContainerService/managedClusters/agentPools',
  databricks: 'Microsoft.Databricks/workspaces',
  aci: 'Microsoft.ContainerInstance/containerGroups',
  hdinsight: 'Microsoft.HDInsight/clusters',
  dataLakeGen1: 'Microsoft.DataLakeStore/accounts',
  sqlServer: 'Microsoft.Sql/servers',
  sqlDb: 'Microsoft.Sql/servers/databases',
  sqlPool: 'Microsoft.Sql/servers/elasticPools',
  failoverGroup: 'Microsoft.Sql/servers/failoverGroups',
  postgres: 'Microsoft.DBforPostgreSQL/flexibleServers',
  postgresSingle: 'Microsoft.DBforPostgreSQL/servers',
  mysql: 'Microsoft.DBforMySQL/flexibleServers',
  mysqlSingle: 'Microsoft.DBforMySQL/servers',
  cosmos: 'Microsoft.DocumentDB/databaseAccounts',
} as const;

/** A workspace pointing at the named default storage (and optionally the rest). */
export function workspace(name: string, properties: ObjectValue = {}, extra: ObjectValue = {}): Resource {
  return resource(T.workspace, name, { properties, ...extra });
}
