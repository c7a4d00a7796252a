import type { Logger, ObjectValue, Resource, Value } from '../../model.js';
import { canonicalType } from './api-versions.js';
import type { ArmReader } from './arm-reader.js';
import { describeReadError, describeWorkspaceError, errorStatus } from './read-errors.js';
import { buildResourceId, idKey, parseResourceId, resourceGroupId } from './resource-id.js';

/** Thrown when the workspace itself cannot be read: nothing to evaluate without it. */
export class WorkspaceReadError extends Error {
  constructor(
    message: string,
    readonly workspaceId: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'WorkspaceReadError';
  }
}

const WORKSPACE_TYPE = 'Microsoft.MachineLearningServices/workspaces';
/** Compute targets whose `properties.resourceId` names a resource with HA settings of its own. */
const ATTACHED_COMPUTE_TYPES = new Set(['aks', 'kubernetes', 'databricks', 'hdinsight']);

/**
 * Datastore types and the resource type behind them: Blob / File / Data Lake Gen2 live in a
 * storage account, Gen1 in a Data Lake Store account; SQL / PostgreSQL / MySQL (v1 datastores,
 * when ARM lists them) name a server.
 */
const DATASTORE_TARGETS: Record<string, { type: string; nameProperty: string }> = {
  azureblob: { type: 'Microsoft.Storage/storageAccounts', nameProperty: 'accountName' },
  azurefile: { type: 'Microsoft.Storage/storageAccounts', nameProperty: 'accountName' },
  azuredatalakegen2: { type: 'Microsoft.Storage/storageAccounts', nameProperty: 'accountName' },
  azuredatalakegen1: { type: 'Microsoft.DataLakeStore/accounts', nameProperty: 'storeName' },
  azuresqldatabase: { type: 'Microsoft.Sql/servers', nameProperty: 'serverName' },
  azurepostgresql: { type: 'Microsoft.DBforPostgreSQL/flexibleServers', nameProperty: 'serverName' },
  azuremysql: { type: 'Microsoft.DBforMySQL/flexibleServers', nameProperty: 'serverName' },
};

/**
 * Reads one workspace and everything its HA depends on, concurrently (so the time is the depth
 * of this graph, not its size): its storage account, key vaults, container registry (+
 * replications) and Application Insights; its computes and the AKS / Kubernetes / Databricks /
 * HDInsight resource behind each attached one (+ AKS agent pools); its datastores and the
 * storage / Data Lake / SQL / PostgreSQL / MySQL resources behind them; for CMK workspaces the
 * Cosmos DB account it names, or in classic CMK mode the resources of its Microsoft-managed
 * resource group. A dependency that cannot be read becomes a resource with `readError`.
 */
export async function crawlWorkspace(
  reader: ArmReader,
  workspaceId: string,
  logger: Logger,
): Promise<Resource[]> {
  let workspace: ObjectValue;
  try {
    workspace = await reader.get(workspaceId);
  } catch (error) {
    throw new WorkspaceReadError(
      describeWorkspaceError(error, workspaceId),
      workspaceId,
      errorStatus(error).status,
    );
  }
  const wsId = stringAt(workspace, 'id') ?? workspaceId;
  const wsParsed = parseResourceId(wsId);
  if (!wsParsed || wsParsed.type.toLowerCase() !== WORKSPACE_TYPE.toLowerCase()) {
    throw new WorkspaceReadError(
      `${workspaceId} is a ${wsParsed?.type ?? 'resource'}, not an Azure Machine Learning workspace (${WORKSPACE_TYPE}).`,
      workspaceId,
    );
  }
  const crawl = new Crawl(reader, logger, wsParsed.subscriptionId);
  crawl.add(toResource(workspace, wsId));
  const properties = objectAt(workspace, 'properties') ?? {};
  const encryption = objectAt(properties, 'encryption') ?? {};

  const tasks: Array<Promise<unknown>> = [];
  for (const key of ['storageAccount', 'keyVault', 'applicationInsights']) {
    const id = stringAt(properties, key);
    if (id) tasks.push(crawl.read(id));
  }
  const cmkVault = stringAt(objectAt(encryption, 'keyVaultProperties') ?? {}, 'keyVaultArmId');
  if (cmkVault) tasks.push(crawl.read(cmkVault));
  const registry = stringAt(properties, 'containerRegistry');
  if (registry) tasks.push(crawl.readRegistry(registry));
  tasks.push(crawl.readComputes(wsId));
  tasks.push(crawl.readDatastores(wsId));
  if (String(stringAt(encryption, 'status') ?? '').toLowerCase() === 'enabled') {
    tasks.push(crawl.readCmk(wsId, wsParsed.name, properties, encryption));
  }
  await Promise.all(tasks);
  return crawl.resources();
}

class Crawl {
  private readonly byId = new Map<string, Resource>();
  private readonly inFlight = new Map<string, Promise<Resource>>();

  constructor(
    private readonly reader: ArmReader,
    private readonly logger: Logger,
    private readonly subscriptionId: string,
  ) {}

  resources(): Resource[] {
    return [...this.byId.values()];
  }

  add(resource: Resource): Resource {
    const key = idKey(resource.id);
    const existing = this.byId.get(key);
    if (existing && !existing.readError) return existing;
    this.byId.set(key, resource);
    return resource;
  }

  /** GET a resource once; a failure becomes a resource with `readError` (its rules say unknown). */
  read(id: string): Promise<Resource> {
    const key = idKey(id);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.reader.get(id).then(
        (body) => this.add(toResource(body, id)),
        (error: unknown) => {
          const message = describeReadError(error, id);
          this.logger.warning(message);
          return this.add(unreadable(id, message));
        },
      );
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** Lists a child collection; on failure warns (naming what to grant) and returns []. */
  async list(parentId: string, segment: string, type: string): Promise<ObjectValue[]> {
    try {
      return await this.reader.list(parentId, segment, type);
    } catch (error) {
      const message = describeReadError(error, `${parentId}/${segment}`);
      this.logger.warning(message);
      return [];
    }
  }

  addChildren(items: ObjectValue[], parentId: string, segment: string): Resource[] {
    return items.map((item) => {
      const id = stringAt(item, 'id') ?? `${parentId}/${segment}/${stringAt(item, 'name') ?? ''}`;
      return this.add(toResource(item, id));
    });
  }

  async readRegistry(id: string): Promise<void> {
    const registry = await this.read(id);
    // Only Premium registries can have replications: listing them for Basic / Standard is a wasted request.
    const sku = String(stringAt(objectAt(registry.body, 'sku') ?? {}, 'name') ?? '').toLowerCase();
    if (registry.readError || sku !== 'premium') return;
    const replicas = await this.list(
      registry.id,
      'replications',
      'Microsoft.ContainerRegistry/registries/replications',
    );
    this.addChildren(replicas, registry.id, 'replications');
  }

  async readComputes(workspaceId: string): Promise<void> {
    const computes = this.addChildren(
      await this.list(workspaceId, 'computes', `${WORKSPACE_TYPE}/computes`),
      workspaceId,
      'computes',
    );
    await Promise.all(
      computes.map(async (compute) => {
        const properties = objectAt(compute.body, 'properties') ?? {};
        const computeType = (stringAt(properties, 'computeType') ?? '').toLowerCase();
        const target = stringAt(properties, 'resourceId');
        if (!ATTACHED_COMPUTE_TYPES.has(computeType) || !target) return;
        const resource = await this.read(target);
        if (
          !resource.readError &&
          resource.type.toLowerCase() === 'microsoft.containerservice/managedclusters'
        ) {
          const pools = await this.list(
            resource.id,
            'agentPools',
            'Microsoft.ContainerService/managedClusters/agentPools',
          );
          this.addChildren(pools, resource.id, 'agentPools');
        }
      }),
    );
  }

  async readDatastores(workspaceId: string): Promise<void> {
    const datastores = this.addChildren(
      await this.list(workspaceId, 'datastores', `${WORKSPACE_TYPE}/datastores`),
      workspaceId,
      'datastores',
    );
    await Promise.all(
      datastores.map(async (datastore) => {
        const properties = objectAt(datastore.body, 'properties') ?? {};
        const kind = (stringAt(properties, 'datastoreType') ?? '').toLowerCase();
        const target = DATASTORE_TARGETS[kind];
        const name = target ? stringAt(properties, target.nameProperty) : undefined;
        if (!target || !name) return;
        const id = await this.locate(
          target.type,
          name,
          stringAt(properties, 'subscriptionId') || this.subscriptionId,
          stringAt(properties, 'resourceGroup'),
        );
        if (!id) return;
        const resource = await this.read(id);
        if (resource.readError) return;
        if (target.type === 'Microsoft.Sql/servers')
          await this.readSqlServer(resource, stringAt(properties, 'databaseName'));
      }),
    );
  }

  /** The id of a datastore's resource: built when the datastore names its resource group, else looked up by name. */
  private async locate(
    type: string,
    name: string,
    subscriptionId: string,
    resourceGroup: string | undefined,
  ): Promise<string | undefined> {
    if (resourceGroup) return buildResourceId(subscriptionId, resourceGroup, type, name);
    try {
      const ids = await this.reader.listResourceIds(subscriptionId, {
        filter: `resourceType eq '${type}' and name eq '${name.replace(/'/g, "''")}'`,
      });
      if (ids.length === 0)
        this.logger.warning(
          `datastore target ${type} '${name}' not found in subscription ${subscriptionId}.`,
        );
      return ids[0];
    } catch (error) {
      this.logger.warning(
        describeReadError(error, `/subscriptions/${subscriptionId} (looking up ${type} '${name}')`),
      );
      return undefined;
    }
  }

  private async readSqlServer(server: Resource, databaseName: string | undefined): Promise<void> {
    const [databases, failoverGroups] = await Promise.all([
      this.list(server.id, 'databases', 'Microsoft.Sql/servers/databases'),
      this.list(server.id, 'failoverGroups', 'Microsoft.Sql/servers/failoverGroups'),
    ]);
    const wanted = databases.filter((database) => {
      const name = stringAt(database, 'name')?.split('/').pop();
      return name !== 'master' && (!databaseName || name?.toLowerCase() === databaseName.toLowerCase());
    });
    this.addChildren(
      wanted.length > 0 ? wanted : databases.filter((d) => stringAt(d, 'name') !== 'master'),
      server.id,
      'databases',
    );
    this.addChildren(failoverGroups, server.id, 'failoverGroups');
  }

  async readCmk(
    workspaceId: string,
    workspaceName: string,
    properties: ObjectValue,
    encryption: ObjectValue,
  ): Promise<void> {
    const cosmos = stringAt(encryption, 'cosmosDbResourceId');
    if (cosmos) {
      await this.read(cosmos);
      return;
    }
    if (properties.enableServiceSideCMKEncryption === true) return;
    // Classic CMK: Azure ML keeps Cosmos DB, AI Search and Storage in azureml-rg-<workspace>_<guid>.
    let groups;
    try {
      groups = await this.reader.listResourceGroups(this.subscriptionId);
    } catch (error) {
      this.logger.warning(describeReadError(error, `/subscriptions/${this.subscriptionId}/resourceGroups`));
      return;
    }
    const prefix = `azureml-rg-${workspaceName}_`.toLowerCase();
    const managed = groups.filter(
      (group) =>
        (group.managedBy && idKey(group.managedBy) === idKey(workspaceId)) ||
        group.name.toLowerCase().startsWith(prefix),
    );
    if (managed.length === 0) {
      this.logger.info(
        `classic CMK workspace ${workspaceName}: its Microsoft-managed resource group (azureml-rg-…) is not visible.`,
      );
      return;
    }
    await Promise.all(
      managed.map(async (group) => {
        let ids: string[];
        try {
          ids = await this.reader.listResourceIds(this.subscriptionId, { resourceGroup: group.name });
        } catch (error) {
          this.logger.warning(describeReadError(error, group.id));
          return;
        }
        await Promise.all(ids.map((id) => this.read(id)));
      }),
    );
  }
}

/** A live resource from ARM's GET body: its type (canonical spelling), name from the id, group and unit. */
export function toResource(body: ObjectValue, requestedId: string): Resource {
  const id = stringAt(body, 'id') ?? requestedId;
  const parsed = parseResourceId(id) ?? parseResourceId(requestedId);
  const type = canonicalType(stringAt(body, 'type') ?? parsed?.type ?? 'unknown');
  return {
    type,
    name: parsed?.name ?? stringAt(body, 'name') ?? id,
    id,
    body,
    deployed: true,
    origin: 'live',
    resourceGroup: parsed?.resourceGroup,
    unit: parsed ? resourceGroupId(parsed) : undefined,
  };
}

/** A dependency that could not be read: type and name from its id, an empty body and the reason. */
export function unreadable(id: string, readError: string): Resource {
  const parsed = parseResourceId(id);
  return {
    type: canonicalType(parsed?.type ?? 'unknown'),
    name: parsed?.name ?? id,
    id,
    body: {},
    deployed: true,
    origin: 'live',
    resourceGroup: parsed?.resourceGroup,
    unit: parsed ? resourceGroupId(parsed) : undefined,
    readError,
  };
}

function objectAt(value: ObjectValue, key: string): ObjectValue | undefined {
  const found: Value | undefined = value[key];
  return found &&
    typeof found === 'object' &&
    !Array.isArray(found) &&
    !('unknown' in found && found.unknown === true)
    ? (found as ObjectValue)
    : undefined;
}

function stringAt(value: ObjectValue, key: string): string | undefined {
  const found = value[key];
  return typeof found === 'string' && found.trim() !== '' ? found : undefined;
}
