import { isUnknown, type LinkedResource, type Resource, type Role, type Value } from './model.js';
import { read } from './rules/read.js';

const WORKSPACE_TYPE = 'microsoft.machinelearningservices/workspaces';
const COMPUTE_TYPE = 'microsoft.machinelearningservices/workspaces/computes';
const DATASTORE_TYPE = 'microsoft.machinelearningservices/workspaces/datastores';

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

/** The workspace property that points at each associated resource, and the role it gives. */
const WORKSPACE_POINTERS: [string, Role][] = [
  ['properties.storageAccount', 'defaultStorage'],
  ['properties.keyVault', 'keyVault'],
  ['properties.containerRegistry', 'containerRegistry'],
  ['properties.applicationInsights', 'applicationInsights'],
  ['properties.encryption.keyVaultProperties.keyVaultArmId', 'keyVault'],
  ['properties.encryption.cosmosDbResourceId', 'cosmosDb'],
];

/**
 * Gives each resource its role towards a workspace (docs/rules.md, "Roles"): through the
 * workspace's own properties, its computes and datastores, by id (or provider type + name when the
 * ids differ only by placeholder scope), and by the lone-workspace rule for data resources.
 */
export function linkResources(resources: Resource[]): LinkedResource[] {
  const index = new ResourceIndex(resources);
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

  const workspaces = resources.filter((r) => r.type.toLowerCase() === WORKSPACE_TYPE);
  for (const workspace of workspaces) {
    assign(workspace, 'workspace', workspace.name);
    for (const [path, role] of WORKSPACE_POINTERS) {
      const target = index.find(readValue(workspace, path), unitOf(workspace));
      if (target && target !== workspace) assign(target, role, workspace.name);
    }
  }

  for (const resource of resources) {
    const type = resource.type.toLowerCase();
    if (type !== COMPUTE_TYPE && type !== DATASTORE_TYPE) continue;
    const workspaceName = resource.name.split('/')[0];
    const role: Role = type === COMPUTE_TYPE ? 'compute' : 'datastore';
    assign(resource, role, workspaceName);
    for (const target of type === COMPUTE_TYPE
      ? [index.find(readValue(resource, 'properties.resourceId'), unitOf(resource))]
      : index.datastoreTargets(resource)) {
      if (target) assign(target, role, workspaceName);
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

  return resources.map((resource) => {
    const entry = assigned.get(resource);
    const workspacesServed = entry ? [...entry.workspaces].sort() : [];
    let role: Role = entry?.role ?? 'unlinked';
    if (resource.resourceGroup && /^azureml-rg-/i.test(resource.resourceGroup)) role = 'microsoftManaged';
    const linked: LinkedResource = { ...resource, role, workspaces: workspacesServed };
    if (workspacesServed[0] !== undefined && role !== 'unlinked') linked.workspace = workspacesServed[0];
    return linked;
  });
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
    }
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
      this.byId.get(pointer.toLowerCase()) ?? [],
      parsed ? (this.byTypeName.get(`${parsed.type}|${parsed.name}`.toLowerCase()) ?? []) : [],
    ];
    for (const candidates of candidateLists) {
      const local = candidates.filter((candidate) => unitOf(candidate) === unit);
      if (local.length === 1) return local[0];
      if (local.length === 0 && candidates.length === 1) return candidates[0];
    }
    return undefined;
  }

  parentOf(resource: Resource): Resource | undefined {
    const typeParts = resource.type.split('/');
    const nameParts = resource.name.split('/');
    if (typeParts.length < 3 || nameParts.length < 2) return undefined;
    const key = `${typeParts.slice(0, -1).join('/')}|${nameParts.slice(0, -1).join('/')}`.toLowerCase();
    const candidates = this.byTypeName.get(key) ?? [];
    return candidates.find((candidate) => unitOf(candidate) === unitOf(resource)) ?? candidates[0];
  }

  /** Storage, Data Lake, SQL, PostgreSQL or MySQL resources a datastore's properties name. */
  datastoreTargets(datastore: Resource): Resource[] {
    const targets: Resource[] = [];
    for (const path of [
      'properties.resourceId',
      'properties.storageAccountResourceId',
      'properties.serverResourceId',
    ]) {
      const found = this.find(readValue(datastore, path), unitOf(datastore));
      if (found) targets.push(found);
    }
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
      const db = this.resources.find(
        (r) =>
          r.type.toLowerCase() === 'microsoft.sql/servers/databases' &&
          r.name.toLowerCase() === `${server}/${database}`.toLowerCase(),
      );
      if (db) targets.push(db);
    }
    return targets.filter((target) => target.type.toLowerCase() !== DATASTORE_TYPE);
  }
}
