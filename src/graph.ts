import { displayId, type DeploymentSettings } from './deployment-settings.js';
import { isUnknown, type LinkedResource, type Resource, type Role, type Value } from './model.js';
import { read, readFirst } from './rules/read.js';
import { symbolKey } from './sources/arm/expression/symbols.js';
import { hasRules } from './rules/index.js';
import { WORKSPACE_POINTERS, type WorkspacePointer } from './rules/workspace-properties.js';

const WORKSPACE_TYPE = 'microsoft.machinelearningservices/workspaces';
const COMPUTE_TYPE = 'microsoft.machinelearningservices/workspaces/computes';
const DATASTORE_TYPE = 'microsoft.machinelearningservices/workspaces/datastores';
const CLUSTER_TYPE = 'Microsoft.ContainerService/managedClusters';
const SQL_DATABASE_TYPE = 'microsoft.sql/servers/databases';

/** Which role wins when one resource is reached in several ways. */
const ROLE_PRIORITY: Role[] = [
  'workspace',
  'defaultStorage',
  'keyVault',
  'containerRegistry',
  'applicationInsights',
  'cosmosDb',
  'compute',
  'datastore',
];

/** Data services a datastore can point at; unreferenced ones serve the unit's only workspace. */
const DATA_TYPE_PREFIXES = [
  'microsoft.storage/storageaccounts',
  'microsoft.datalakestore/accounts',
  'microsoft.sql/servers',
  'microsoft.dbforpostgresql/',
  'microsoft.dbformysql/',
];

/**
 * Datastore properties that say where its resource is. `accountName`, `storeName`,
 * `serverName`, `databaseName`, `resourceGroup`, `subscriptionId`: api-versions 2021-03-01-preview
 * onwards (`serverName` / `databaseName` until 2021-03-01-preview); `storageAccountResourceGroup`,
 * `storageAccountSubscriptionId`, `adlsResourceGroup`, `adlsSubscriptionId`: 2020-05-01-preview
 * (the quickstart datastore templates).
 */
const DATASTORE_SCOPE = {
  resourceGroup: [
    'properties.resourceGroup',
    'properties.storageAccountResourceGroup',
    'properties.adlsResourceGroup',
  ],
  subscriptionId: [
    'properties.subscriptionId',
    'properties.storageAccountSubscriptionId',
    'properties.adlsSubscriptionId',
  ],
} as const;

/**
 * A resource a template resource names through one of its properties: a workspace's storage, key
 * vault, registry, Application Insights, CMK key vault, Cosmos DB or hub, a datastore's storage /
 * Data Lake / SQL database, the cluster behind an attached compute.
 */
export interface Reference {
  /** The id the property names; absent when it is an expression known only at deployment. */
  id?: string;
  type: string;
  /** Full name (`server/database` for children), from the id. */
  name: string;
  role: Role;
  /** What it is, in the user's words: "default storage", "hub". */
  what: string;
  /** The resource whose property names it. */
  from: Resource;
  /** That property. */
  path: string;
  /** The workspace it serves. */
  workspace: string;
  /** Why the id is not known, when `id` is absent. */
  unknownReason?: string;
  /** The id's symbol when it is built from values given only at deployment (`UnknownValue.symbol`). */
  symbol?: string;
  /** False when a rule already reports the missing resource itself (the cluster behind an AKS compute). */
  standIn: boolean;
}

/** What the engine and the graph need to know about the scan. */
export interface GraphOptions {
  /** What the user set of the deployment context (to show placeholder ids as such). */
  deployment?: DeploymentSettings;
}

/**
 * Gives each resource its role towards a workspace (docs/rules.md, "Roles"): through the
 * workspace's own properties, its computes and datastores, by id (or provider type + name when the
 * ids differ only by placeholder scope), and by the lone-workspace rule for data resources. A
 * dependency a template names but no scanned resource is gets a stand-in: a resource of that type
 * and name whose every finding is `unknown`, saying it is outside the scanned templates.
 */
export function linkResources(resources: Resource[], options: GraphOptions = {}): LinkedResource[] {
  const all = [...resources];
  const index = new ResourceIndex(all);
  const assigned = new Map<Resource, { role: Role; workspaces: Set<string> }>();
  const assign = (resource: Resource, role: Role, workspace: string | undefined) => {
    const entry = assigned.get(resource);
    if (!entry) {
      assigned.set(resource, { role, workspaces: new Set(workspace ? [workspace] : []) });
      return;
    }
    if (ROLE_PRIORITY.indexOf(role) < ROLE_PRIORITY.indexOf(entry.role)) entry.role = role;
    if (workspace) entry.workspaces.add(workspace);
  };

  const standIns = new Map<string, Resource>();
  const link = (reference: Reference, target: Resource | undefined) => {
    // A hub is a workspace of its own: it serves itself, not the project that names it.
    const served = (resource: Resource) =>
      reference.role === 'workspace' ? resource.name : reference.workspace;
    if (target) {
      if (target !== reference.from) assign(target, reference.role, served(target));
      return;
    }
    if (!reference.standIn || reference.from.origin !== 'template' || !hasRules(reference.type)) return;
    if (reference.id && index.declares(reference.id)) return; // declared, only not told apart
    // A hub outside: the project's own rules say so (a stand-in workspace would only repeat it).
    if (reference.role === 'workspace') return;
    const key = standInKey(reference);
    let standIn = standIns.get(key);
    if (!standIn) {
      standIn = makeStandIn(reference, options.deployment ?? {});
      standIns.set(key, standIn);
      all.push(standIn);
    }
    assign(standIn, reference.role, served(standIn));
  };

  const workspaces = resources.filter((r) => r.type.toLowerCase() === WORKSPACE_TYPE);
  for (const workspace of workspaces) {
    assign(workspace, 'workspace', workspace.name);
    for (const reference of workspaceReferences(workspace)) {
      const unit = unitOf(workspace);
      link(
        reference,
        reference.id
          ? index.find(reference.id, unit)
          : reference.symbol
            ? index.findSymbol(reference.symbol, unit)
            : undefined,
      );
    }
  }

  for (const resource of resources) {
    const type = resource.type.toLowerCase();
    if (type !== COMPUTE_TYPE && type !== DATASTORE_TYPE) continue;
    const workspaceName = resource.name.split('/')[0];
    const role: Role = type === COMPUTE_TYPE ? 'compute' : 'datastore';
    assign(resource, role, workspaceName);
    if (type === COMPUTE_TYPE) {
      for (const reference of computeReferences(resource))
        link(reference, index.find(reference.id, unitOf(resource)));
      continue;
    }
    const byName = index.datastoreTargetsByName(resource);
    for (const target of byName) assign(target, 'datastore', workspaceName);
    for (const reference of datastoreReferences(resource)) {
      const target = reference.id ? index.find(reference.id, unitOf(resource)) : undefined;
      // A datastore that names its account without a resource group found it by name above.
      if (!target && byName.some((found) => found.type.toLowerCase() === reference.type.toLowerCase()))
        continue;
      link(reference, target);
    }
  }

  // Children take the role of their parent (replications, agent pools, databases, failover groups);
  // a workspace's own children (datasets, jobs, …) are not workspaces.
  for (const resource of resources) {
    if (assigned.has(resource)) continue;
    const parent = index.parentOf(resource);
    const entry = parent ? assigned.get(parent) : undefined;
    if (entry && entry.role !== 'workspace') {
      assigned.set(resource, { role: entry.role, workspaces: new Set(entry.workspaces) });
    }
  }

  // A data resource no workspace points at serves the only workspace of its unit, if there is one.
  const workspacesByUnit = new Map<string, string[]>();
  for (const workspace of workspaces) {
    const unit = unitOf(workspace);
    const names = workspacesByUnit.get(unit);
    if (names) names.push(workspace.name);
    else workspacesByUnit.set(unit, [workspace.name]);
  }
  for (const resource of resources) {
    if (assigned.has(resource)) continue;
    const type = resource.type.toLowerCase();
    const lone = workspacesByUnit.get(unitOf(resource));
    if (DATA_TYPE_PREFIXES.some((prefix) => type.startsWith(prefix)) && lone?.length === 1) {
      assign(resource, 'datastore', lone[0]);
    }
  }

  return all.map((resource) => {
    const entry = assigned.get(resource);
    const workspacesServed = entry ? [...entry.workspaces].sort() : [];
    let role: Role = entry?.role ?? 'unlinked';
    if (resource.resourceGroup && /^azureml-rg-/i.test(resource.resourceGroup)) role = 'microsoftManaged';
    const linked: LinkedResource = { ...resource, role, workspaces: workspacesServed };
    if (workspacesServed[0] !== undefined && role !== 'unlinked') linked.workspace = workspacesServed[0];
    return linked;
  });
}

/**
 * The references of the template resources that no resource of `resources` is: what a scan would
 * have to read from Azure to judge everything the templates depend on.
 */
export function outsideReferences(resources: Resource[]): Reference[] {
  const index = new ResourceIndex(resources);
  const found: Reference[] = [];
  const seen = new Set<string>();
  const consider = (reference: Reference) => {
    if (!reference.id || !hasRules(reference.type) || index.declares(reference.id)) return;
    const key = standInKey(reference);
    if (seen.has(key)) return;
    seen.add(key);
    found.push(reference);
  };
  for (const resource of resources) {
    if (resource.origin !== 'template') continue;
    const type = resource.type.toLowerCase();
    if (type === WORKSPACE_TYPE) for (const reference of workspaceReferences(resource)) consider(reference);
    else if (type === COMPUTE_TYPE) for (const reference of computeReferences(resource)) consider(reference);
    else if (type === DATASTORE_TYPE) {
      const byName = index.datastoreTargetsByName(resource);
      for (const reference of datastoreReferences(resource)) {
        if (byName.some((target) => target.type.toLowerCase() === reference.type.toLowerCase())) continue;
        consider(reference);
      }
    }
  }
  return found;
}

/** What a workspace's properties name (WORKSPACE_POINTERS), resolved or not. */
function workspaceReferences(workspace: Resource): Reference[] {
  const references: Reference[] = [];
  for (const pointer of Object.values(WORKSPACE_POINTERS) as WorkspacePointer[]) {
    const result = readFirst(workspace, pointer.paths);
    if (result.kind === 'missing') continue;
    if (pointer.list) {
      if (result.kind === 'value' && Array.isArray(result.value)) {
        result.value.forEach((item, index) => {
          const reference = referenceTo(workspace, `${result.path}[${index}]`, item, pointer, workspace.name);
          if (reference) references.push(reference);
        });
      }
      continue;
    }
    const value = result.kind === 'value' ? result.value : new UnknownPointer(result.reason, result.symbol);
    const reference = referenceTo(workspace, result.path, value, pointer, workspace.name);
    if (reference) references.push(reference);
  }
  return references;
}

/**
 * The resource behind an attached compute (`properties.resourceId`, by `properties.computeType`:
 * both in every api-version, 2018-03-01-preview … 2026-05-15-preview). For AKS / Kubernetes,
 * `HA.AKS.AvailabilityZones` reports a cluster that was not scanned itself: no stand-in.
 */
function computeReferences(compute: Resource): (Reference & { id: string })[] {
  const target = readValue(compute, 'properties.resourceId');
  const computeType = readValue(compute, 'properties.computeType');
  if (typeof target !== 'string' || target === '') return [];
  const parsed = parseResourceId(target);
  if (!parsed) return [];
  const kind = typeof computeType === 'string' ? computeType.toLowerCase() : '';
  const standIn = !(kind === 'aks' || kind === 'kubernetes');
  return [
    {
      id: target,
      type: parsed.type,
      name: parsed.name,
      role: 'compute',
      what: parsed.type.toLowerCase() === CLUSTER_TYPE.toLowerCase() ? 'AKS cluster' : 'compute resource',
      from: compute,
      path: 'properties.resourceId',
      workspace: compute.name.split('/')[0]!,
      standIn,
    },
  ];
}

/**
 * The resources a datastore names: by id (`resourceId`, …), or by account / store / server name in
 * the subscription and resource group it gives (the datastore's own when it gives none).
 */
function datastoreReferences(datastore: Resource): Reference[] {
  const workspace = datastore.name.split('/')[0]!;
  const references: Reference[] = [];
  for (const path of [
    'properties.resourceId',
    'properties.storageAccountResourceId',
    'properties.serverResourceId',
  ]) {
    const value = readValue(datastore, path);
    const parsed = typeof value === 'string' ? parseResourceId(value) : undefined;
    if (!parsed) continue;
    references.push({
      id: value as string,
      type: parsed.type,
      name: parsed.name,
      role: 'datastore',
      what: 'datastore target',
      from: datastore,
      path,
      workspace,
      standIn: true,
    });
  }
  if (references.length > 0) return references;
  const scope = scopeOf(datastore);
  const named = (path: string, type: string, name: string, what: string) => {
    const id = scope ? `${scope}/providers/${type}/${name}` : undefined;
    references.push({
      id,
      type,
      name,
      role: 'datastore',
      what,
      from: datastore,
      path,
      workspace,
      standIn: true,
    });
  };
  const account = firstString(datastore, ['properties.accountName', 'properties.storageAccountName']);
  if (account)
    named(account.path, 'Microsoft.Storage/storageAccounts', account.value, 'datastore storage account');
  const store = firstString(datastore, ['properties.storeName']);
  if (store) named(store.path, 'Microsoft.DataLakeStore/accounts', store.value, 'datastore Data Lake');
  const server = readValue(datastore, 'properties.serverName');
  const database = readValue(datastore, 'properties.databaseName');
  const kind = String(
    readValue(datastore, 'properties.datastoreType') ??
      readValue(datastore, 'properties.dataStoreType') ??
      '',
  );
  if (
    typeof server === 'string' &&
    typeof database === 'string' &&
    /^(sqldb|azuresqldatabase)$/i.test(kind)
  ) {
    const id = scope ? `${scope}/providers/Microsoft.Sql/servers/${server}/databases/${database}` : undefined;
    references.push({
      id,
      type: 'Microsoft.Sql/servers/databases',
      name: `${server}/${database}`,
      role: 'datastore',
      what: 'datastore database',
      from: datastore,
      path: 'properties.databaseName',
      workspace,
      standIn: true,
    });
  }
  return references;
}

/** `/subscriptions/s/resourceGroups/g` a datastore's target lives in: its own properties, else the datastore's own scope. */
function scopeOf(datastore: Resource): string | undefined {
  const own = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(datastore.id);
  const group = firstString(datastore, DATASTORE_SCOPE.resourceGroup)?.value ?? own?.[2];
  const subscription = firstString(datastore, DATASTORE_SCOPE.subscriptionId)?.value ?? own?.[1];
  return group && subscription ? `/subscriptions/${subscription}/resourceGroups/${group}` : undefined;
}

function firstString(
  resource: Resource,
  paths: readonly string[],
): { path: string; value: string } | undefined {
  for (const path of paths) {
    const value = readValue(resource, path);
    if (typeof value === 'string' && value.trim() !== '') return { path, value };
  }
  return undefined;
}

/** A pointer property whose value is only known at deployment. */
class UnknownPointer {
  constructor(
    readonly reason: string,
    readonly symbol?: string,
  ) {}
}

function referenceTo(
  from: Resource,
  path: string,
  value: Value | UnknownPointer,
  pointer: WorkspacePointer,
  workspace: string,
): Reference | undefined {
  const base = { role: pointer.role, what: pointer.what, from, path, workspace, standIn: true };
  if (value instanceof UnknownPointer || isUnknown(value)) {
    const reference: Reference = {
      ...base,
      type: pointer.type,
      name: `(${pointer.what} of ${workspace})`,
      unknownReason: value.reason,
    };
    if (value.symbol !== undefined) reference.symbol = value.symbol;
    return reference;
  }
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parsed = parseResourceId(value);
  if (!parsed) return undefined;
  return { ...base, id: value, type: parsed.type, name: parsed.name };
}

function standInKey(reference: Reference): string {
  return reference.id
    ? reference.id.toLowerCase().replace(/\/+$/, '')
    : `${reference.from.id}#${reference.path}`.toLowerCase();
}

/**
 * A resource the templates name but do not declare, standing in for it: type and name from the
 * id, an empty body, the reason it cannot be judged (`readError`, which the engine turns into
 * `unknown` for every rule that applies), and the property that names it (`dependencyOf`, where
 * its findings are annotated).
 */
export function makeStandIn(reference: Reference, deployment: DeploymentSettings, extra = ''): Resource {
  const owner =
    reference.role === 'workspace'
      ? `of project ${reference.workspace}`
      : `of workspace ${reference.workspace}`;
  const readError = reference.id
    ? `the ${reference.what} ${reference.name} ${owner} (${displayId(reference.id, deployment)}) is not in the scanned templates: scan the template that creates it, or run workspace mode.${extra}`
    : `the ${reference.what} ${owner} is not known before deployment (${reference.path} is ${reference.unknownReason}), and no scanned template declares it.${extra}`;
  const scope = reference.id
    ? /^(\/subscriptions\/[^/]+(?:\/resourceGroups\/[^/]+)?)/i.exec(reference.id)?.[1]
    : undefined;
  return {
    type: reference.type,
    name: reference.name,
    id: reference.id ?? '',
    body: {},
    deployed: reference.from.deployed,
    origin: 'template',
    source: reference.from.source,
    unit: scope ?? `${reference.from.unit ?? ''}#${reference.path}`,
    readError,
    dependencyOf: { resource: reference.from, path: reference.path },
  };
}

function readValue(resource: Resource, path: string): Value | undefined {
  const result = read(resource, path);
  return result.kind === 'value' ? result.value : undefined;
}

function unitOf(resource: Resource): string {
  return resource.unit ?? resource.resourceGroup ?? resource.source?.file ?? '';
}

/** The provider type and name an ARM id names: `Microsoft.Sql/servers/databases`, `srv/db`. */
export function parseResourceId(id: string): { type: string; name: string } | undefined {
  const match = /\/providers\/([^/]+)\/(.+)$/i.exec(id.replace(/\/+$/, ''));
  if (!match) return undefined;
  const segments = match[2]!.split('/');
  if (segments.length < 2 || segments.length % 2 !== 0) return undefined;
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < segments.length; i += 2) {
    types.push(segments[i]!);
    names.push(segments[i + 1]!);
  }
  return { type: `${match[1]}/${types.join('/')}`, name: names.join('/') };
}

class ResourceIndex {
  private readonly byId = new Map<string, Resource[]>();
  private readonly byTypeName = new Map<string, Resource[]>();
  private readonly byName = new Map<string, Resource[]>();
  /** By `symbolKey` of the symbolic id, and of provider type + symbolic name. */
  private readonly bySymbol = new Map<string, Resource[]>();
  private readonly sqlDatabases = new Map<string, Resource>();
  private sqlDatabasesIndexed = 0;

  constructor(private readonly resources: Resource[]) {
    const add = (map: Map<string, Resource[]>, key: string, resource: Resource) => {
      const list = map.get(key);
      if (list) list.push(resource);
      else map.set(key, [resource]);
    };
    for (const resource of resources) {
      add(this.byId, resource.id.toLowerCase(), resource);
      add(this.byTypeName, `${resource.type}|${resource.name}`.toLowerCase(), resource);
      add(this.byName, resource.name.split('/').pop()!.toLowerCase(), resource);
      if (resource.symbolicId !== undefined) {
        add(this.bySymbol, symbolKey(resource.symbolicId), resource);
        const parsed = parseResourceId(resource.symbolicId);
        if (parsed) add(this.bySymbol, symbolKey(`${parsed.type}|${parsed.name}`), resource);
      }
    }
  }

  /**
   * The resource whose name is given at deployment that an unknown pointer with a symbol names:
   * by symbolic id, else provider type + name, in the pointer's own unit only (the same
   * parameter of another template may be given another value), when exactly one matches.
   */
  findSymbol(symbol: string, unit: string): Resource | undefined {
    const parsed = parseResourceId(symbol);
    const keys = [symbolKey(symbol), parsed ? symbolKey(`${parsed.type}|${parsed.name}`) : undefined];
    for (const key of keys) {
      const local = (key === undefined ? [] : (this.bySymbol.get(key) ?? [])).filter(
        (candidate) => unitOf(candidate) === unit,
      );
      if (local.length === 1) return local[0];
    }
    return undefined;
  }

  /**
   * The resource an id points at: by id, else by provider type + name (ids of templates differ by
   * placeholder scope), preferring the pointer's own unit (template or resource group), and only
   * when that leaves exactly one candidate.
   */
  find(pointer: Value | undefined, unit: string): Resource | undefined {
    if (typeof pointer !== 'string' || pointer === '' || isUnknown(pointer)) return undefined;
    const parsed = parseResourceId(pointer);
    const candidateLists = [
      this.byId.get(pointer.toLowerCase().replace(/\/+$/, '')) ?? [],
      parsed ? (this.byTypeName.get(`${parsed.type}|${parsed.name}`.toLowerCase()) ?? []) : [],
    ];
    for (const candidates of candidateLists) {
      const local = candidates.filter((candidate) => unitOf(candidate) === unit);
      if (local.length === 1) return local[0];
      if (local.length === 0 && candidates.length === 1) return candidates[0];
    }
    return undefined;
  }

  /** Whether any scanned resource has this id, or the provider type and name it names (even several). */
  declares(pointer: string): boolean {
    const parsed = parseResourceId(pointer);
    return (
      (this.byId.get(pointer.toLowerCase().replace(/\/+$/, ''))?.length ?? 0) > 0 ||
      (parsed !== undefined &&
        (this.byTypeName.get(`${parsed.type}|${parsed.name}`.toLowerCase())?.length ?? 0) > 0)
    );
  }

  parentOf(resource: Resource): Resource | undefined {
    const typeParts = resource.type.split('/');
    const nameParts = resource.name.split('/');
    if (typeParts.length < 3 || nameParts.length < 2) return undefined;
    const key = `${typeParts.slice(0, -1).join('/')}|${nameParts.slice(0, -1).join('/')}`.toLowerCase();
    const candidates = this.byTypeName.get(key) ?? [];
    return candidates.find((candidate) => unitOf(candidate) === unitOf(resource)) ?? candidates[0];
  }

  /**
   * The first SQL database of that full name (`server/database`, any case) among the resources,
   * stand-ins added since the index was built included (the list only grows): indexed as far as
   * the list goes at each call, so that every datastore does not walk all the resources.
   */
  private sqlDatabase(name: string): Resource | undefined {
    for (; this.sqlDatabasesIndexed < this.resources.length; this.sqlDatabasesIndexed++) {
      const resource = this.resources[this.sqlDatabasesIndexed]!;
      if (resource.type.toLowerCase() !== SQL_DATABASE_TYPE) continue;
      const key = resource.name.toLowerCase();
      if (!this.sqlDatabases.has(key)) this.sqlDatabases.set(key, resource);
    }
    return this.sqlDatabases.get(name.toLowerCase());
  }

  /**
   * Storage, Data Lake, SQL, PostgreSQL or MySQL resources of the datastore's own unit that it names
   * by account, store or server name without saying where they live (no resource group).
   */
  datastoreTargetsByName(datastore: Resource): Resource[] {
    const targets: Resource[] = [];
    const byName = (value: Value | undefined, typePrefixes: string[]) => {
      if (typeof value !== 'string') return;
      const candidates = (this.byName.get(value.toLowerCase()) ?? []).filter(
        (r) =>
          typePrefixes.some((prefix) => r.type.toLowerCase().startsWith(prefix)) &&
          unitOf(r) === unitOf(datastore),
      );
      if (candidates.length === 1) targets.push(candidates[0]!);
    };
    for (const path of ['properties.accountName', 'properties.storageAccountName', 'properties.storeName']) {
      byName(readValue(datastore, path), [
        'microsoft.storage/storageaccounts',
        'microsoft.datalakestore/accounts',
      ]);
    }
    const server = readValue(datastore, 'properties.serverName');
    byName(server, ['microsoft.sql/servers', 'microsoft.dbforpostgresql/', 'microsoft.dbformysql/']);
    const database = readValue(datastore, 'properties.databaseName');
    if (typeof server === 'string' && typeof database === 'string') {
      const db = this.sqlDatabase(`${server}/${database}`);
      if (db) targets.push(db);
    }
    return targets.filter((target) => target.type.toLowerCase() !== DATASTORE_TYPE);
  }
}
