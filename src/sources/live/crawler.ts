import type { Logger, ObjectValue, Resource, Value } from '../../model.js';
import { readFirst } from '../../rules/read.js';
import {
  WORKSPACE_POINTERS,
  WORKSPACE_SETTINGS,
  type WorkspacePointer,
} from '../../rules/workspace-properties.js';
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
  const body = { body: workspace };
  const idsAt = (pointer: WorkspacePointer): string[] => {
    const result = readFirst(body, pointer.paths);
    if (result.kind !== 'value') return [];
    const values = pointer.list && Array.isArray(result.value) ? result.value : [result.value];
    return values.filter((value): value is string => typeof value === 'string' && value.trim() !== '');
  };

  const tasks: Array<Promise<unknown>> = [];
  const { storageAccount, keyVault, applicationInsights, cmkKeyVault, containerRegistry } =
    WORKSPACE_POINTERS;
  const { storageAccounts, keyVaults, containerRegistries, cmkStorage } = WORKSPACE_POINTERS;
  for (const pointer of [
    storageAccount,
    keyVault,
    applicationInsights,
    cmkKeyVault,
    storageAccounts,
    keyVaults,
  ]) {
    for (const id of idsAt(pointer)) tasks.push(crawl.read(id));
  }
  for (const pointer of [containerRegistry, containerRegistries]) {
    for (const id of idsAt(pointer)) tasks.push(crawl.readRegistry(id));
  }
  tasks.push(crawl.readComputes(wsId));
  tasks.push(crawl.readDatastores(wsId));
  const encryption = readFirst(body, WORKSPACE_SETTINGS.encryptionStatus);
  if (encryption.kind === 'value' && String(encryption.value).toLowerCase() === 'enabled') {
    const serviceSide = readFirst(body, WORKSPACE_SETTINGS.serviceSideCmk);
    const cosmos = idsAt(WORKSPACE_POINTERS.cosmosDb)[0];
    for (const id of idsAt(cmkStorage)) tasks.push(crawl.read(id));
    tasks.push(
      crawl.readCmk(wsId, wsParsed.name, {
        cosmos,
        serviceSide: serviceSide.kind === 'value' && serviceSide.value === true,
      }),
    );
  }
  await Promise.all(tasks);
  return crawl.resources();
}

/**
 * Reads one resource a template depends on (but does not declare) and what its rules need of it:
 * a registry's replications, a cluster's agent pools, a SQL database's server failover groups, a
 * hub workspace with everything it depends on. What cannot be read is a resource with `readError`.
 */
export async function crawlDependency(reader: ArmReader, id: string, logger: Logger): Promise<Resource[]> {
  const parsed = parseResourceId(id);
  const type = parsed?.type.toLowerCase() ?? '';
  if (type === WORKSPACE_TYPE.toLowerCase()) {
    try {
      return await crawlWorkspace(reader, id, logger);
    } catch (error) {
      if (!(error instanceof WorkspaceReadError)) throw error;
      logger.warning(error.message);
      return [unreadable(id, error.message)];
    }
  }
  const crawl = new Crawl(reader, logger, parsed?.subscriptionId ?? '');
  if (type === 'microsoft.containerregistry/registries') await crawl.readRegistry(id);
  else if (type === 'microsoft.containerservice/managedclusters') await crawl.readCluster(id);
  else if (type === 'microsoft.sql/servers/databases' && parsed) {
    const [serverName, databaseName] = parsed.name.split('/');
    const server = await crawl.read(
      buildResourceId(
        parsed.subscriptionId,
        parsed.resourceGroup ?? '',
        'Microsoft.Sql/servers',
        serverName!,
      ),
    );
    if (server.readError) crawl.add(unreadable(id, server.readError));
    else await crawl.readSqlServer(server, databaseName);
  } else await crawl.read(id);
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
        await this.readCluster(target);
      }),
    );
  }

  /** The resource behind an attached compute; for an AKS cluster, its agent pools too. */
  async readCluster(id: string): Promise<void> {
    const resource = await this.read(id);
    if (resource.readError || resource.type.toLowerCase() !== 'microsoft.containerservice/managedclusters')
      return;
    const pools = await this.list(
      resource.id,
      'agentPools',
      'Microsoft.ContainerService/managedClusters/agentPools',
    );
    this.addChildren(pools, resource.id, 'agentPools');
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

  async readSqlServer(server: Resource, databaseName: string | undefined): Promise<void> {
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
    mode: { cosmos: string | undefined; serviceSide: boolean },
  ): Promise<void> {
    if (mode.cosmos) {
      await this.read(mode.cosmos);
      return;
    }
    if (mode.serviceSide) return;
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
