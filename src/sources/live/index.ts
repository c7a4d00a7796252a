import { ConfigurationError } from '../../errors.js';
import type { FileError, Resource } from '../../model.js';
import { ArmReader } from './arm-reader.js';
import { resolveCloudEndpoints } from './clouds.js';
import { asString, readFirst } from '../../rules/read.js';
import { WORKSPACE_POINTERS, WORKSPACE_SETTINGS } from '../../rules/workspace-properties.js';
import { crawlDependency, crawlWorkspace, WorkspaceReadError } from './crawler.js';
import { createCredential } from './credential.js';
import { describeWorkspaceError } from './read-errors.js';
import { RESOURCE_GRAPH_THRESHOLD, ResourceGraphReader } from './resource-graph.js';
import { idKey } from './resource-id.js';
import type { LiveDeps, LiveSettings } from './settings.js';
import { listWorkspaceIds, parseWorkspaceTargets } from './targets.js';

export type { LiveDeps, LiveSettings } from './settings.js';

const WORKSPACE_TYPE = 'microsoft.machinelearningservices/workspaces';
export { RESOURCE_GRAPH_THRESHOLD } from './resource-graph.js';

/** What a live read produced, and what it cost (for the log and the benchmark). */
export interface LiveReadResult {
  resources: Resource[];
  errors: FileError[];
  /** ARM requests sent (including SDK retries). */
  requests: number;
  /** Azure Resource Graph queries sent (pages included); 0 at or below RESOURCE_GRAPH_THRESHOLD workspaces. */
  graphQueries: number;
  workspaces: string[];
}

/**
 * Signs in and reads the workspaces named in `settings` and everything their HA depends on, as
 * normalized live resources for the same graph, rules and gate as templates. Sign-in problems and
 * a missing or wrong workspace (when one was asked for) are ConfigurationErrors with one clear
 * sentence; a dependency that cannot be read is a resource with `readError`; with several
 * workspaces, one that cannot be read is listed in `errors` and the others still stand.
 */
export async function readLive(settings: LiveSettings, deps: LiveDeps): Promise<LiveReadResult> {
  const targets = parseWorkspaceTargets(settings, deps.env);
  const endpoints = resolveCloudEndpoints(settings);
  const credential = createCredential(settings, deps, endpoints);
  // Sign in before the crawl so a sign-in problem is one message, not one per request.
  await credential.getToken(`${endpoints.armEndpoint}/.default`);
  deps.logger.debug(`signed in (${credential.method}); reading ARM at ${endpoints.armEndpoint}`);

  const reader = new ArmReader({
    credential,
    armEndpoint: endpoints.armEndpoint,
    logger: deps.logger,
    httpsAgent: deps.httpsAgent,
  });
  let ids: string[];
  if (targets.kind === 'all') {
    const scope = `/subscriptions/${targets.subscriptionId}${targets.resourceGroup ? `/resourceGroups/${targets.resourceGroup}` : ''}`;
    try {
      ids = await listWorkspaceIds(reader, targets.subscriptionId, targets.resourceGroup);
    } catch (error) {
      throw new ConfigurationError(describeWorkspaceError(error, `list in ${scope}`));
    }
    if (ids.length === 0) {
      throw new ConfigurationError(
        `no Azure Machine Learning workspace in ${scope} (or none the identity can read).`,
      );
    }
    deps.logger.info(`${ids.length} workspace(s) in ${scope}`);
  } else {
    ids = targets.ids;
  }

  let graph: ResourceGraphReader | undefined;
  if (ids.length > (deps.resourceGraphThreshold ?? RESOURCE_GRAPH_THRESHOLD)) {
    graph = new ResourceGraphReader(credential, endpoints.armEndpoint, deps.logger, deps.httpsAgent);
    const lookup = graph;
    reader.useBatchLookup((batch) => lookup.byIds(batch));
    deps.logger.info(`${ids.length} workspaces: reading resource bodies through Azure Resource Graph`);
  }
  const settled = await Promise.allSettled(ids.map((id) => crawlWorkspace(reader, id, deps.logger)));
  const byId = new Map<string, Resource>();
  const errors: FileError[] = [];
  const read: string[] = [];
  settled.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') {
      read.push(ids[index]);
      for (const resource of outcome.value) {
        const key = idKey(resource.id);
        const existing = byId.get(key);
        if (!existing || (existing.readError && !resource.readError)) byId.set(key, resource);
      }
      return;
    }
    const error = outcome.reason;
    if (error instanceof WorkspaceReadError) {
      if (targets.kind === 'ids' && ids.length === 1) throw new ConfigurationError(error.message);
      errors.push({ file: ids[index], message: error.message });
      return;
    }
    throw error;
  });
  // A project's hub holds the resources the project uses: read it (and what it depends on) too.
  for (const resource of await readHubs([...byId.values()], reader, deps)) {
    const key = idKey(resource.id);
    if (!byId.has(key)) byId.set(key, resource);
  }
  const graphNote = graph ? ` and ${graph.queries} Resource Graph queries` : '';
  deps.logger.info(
    `read ${read.length} workspace(s), ${byId.size} resources in ${reader.requests} ARM requests${graphNote}`,
  );
  return {
    resources: [...byId.values()],
    errors,
    requests: reader.requests,
    graphQueries: graph?.queries ?? 0,
    workspaces: read,
  };
}

/** The hubs of the projects among `resources` that were not read yet, each with its dependencies. */
async function readHubs(resources: Resource[], reader: ArmReader, deps: LiveDeps): Promise<Resource[]> {
  const read = new Set(resources.map((resource) => idKey(resource.id)));
  const hubs = new Map<string, string>();
  for (const resource of resources) {
    if (resource.type.toLowerCase() !== WORKSPACE_TYPE) continue;
    if (asString(readFirst(resource, WORKSPACE_SETTINGS.kind))?.toLowerCase() !== 'project') continue;
    const hub = asString(readFirst(resource, WORKSPACE_POINTERS.hub.paths));
    if (hub && !read.has(idKey(hub))) hubs.set(idKey(hub), hub);
  }
  const crawled = await Promise.all([...hubs.values()].map((id) => crawlDependency(reader, id, deps.logger)));
  return crawled.flat();
}
