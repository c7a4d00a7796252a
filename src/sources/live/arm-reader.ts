import type { Agent } from 'node:https';
import type { TokenCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import type { Logger, ObjectValue } from '../../model.js';
import { apiVersionFor, pickNewestStableVersion } from './api-versions.js';
import { Semaphore } from './limit.js';
import { isApiVersionRejection } from './read-errors.js';
import { idKey, parseResourceId } from './resource-id.js';

export interface ArmReaderOptions {
  credential: TokenCredential;
  /** ARM endpoint without trailing slash; also the token scope (`${armEndpoint}/.default`). */
  armEndpoint: string;
  logger: Logger;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  httpsAgent?: Agent;
}

/** A resource group as listed by ARM. */
export interface ResourceGroupSummary {
  id: string;
  name: string;
  managedBy?: string;
}

export const DEFAULT_CONCURRENCY = 8;
/** A request ARM has not answered in this time fails (and is retried by the SDK) instead of hanging the job. */
const REQUEST_TIMEOUT_MS = 60_000;
/** How long ids wait to be looked up together (one wave of the crawl arrives within it). */
const BATCH_WINDOW_MS = 10;

/**
 * Reads ARM through `@azure/arm-resources`: `resources.getById` with the tested api-version of
 * each type (falling back once to the provider's newest stable version when ARM rejects it),
 * child collections through the same client's pipeline with `nextLink` paging. Every HTTP attempt
 * passes one semaphore, so requests are concurrent but bounded; the SDK's retry policy handles 429
 * (`Retry-After`) and 5xx. Bodies are returned exactly as ARM sent them (raw JSON), or as Azure
 * Resource Graph holds them when a batch lookup is in use.
 */
export class ArmReader {
  /** HTTP requests sent to ARM (including retries). */
  requests = 0;
  private readonly clients = new Map<string, ResourceManagementClient>();
  private readonly fallbackVersions = new Map<string, Promise<string | undefined>>();
  private readonly providerTypes = new Map<string, Promise<Map<string, string[]>>>();
  private readonly reads = new Map<string, Promise<ObjectValue>>();
  private readonly semaphore: Semaphore;
  private batchLookup?: (ids: string[]) => Promise<ObjectValue[]>;
  private batch: Array<{ id: string; resolve: (body: ObjectValue | undefined) => void }> = [];
  private batchTimer?: NodeJS.Timeout;

  constructor(private readonly options: ArmReaderOptions) {
    this.semaphore = new Semaphore(options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  get endpoint(): string {
    return this.options.armEndpoint;
  }

  /**
   * Answers `get` through `lookup` (Azure Resource Graph) in batches: the ids requested within a
   * few milliseconds of each other (one wave of the crawl) go out as one call; an id the lookup
   * does not return is read with a GET as usual (that gives the real 403 / 404).
   */
  useBatchLookup(lookup: (ids: string[]) => Promise<ObjectValue[]>): void {
    this.batchLookup = lookup;
  }

  private lookupInBatch(id: string): Promise<ObjectValue | undefined> {
    return new Promise((resolve) => {
      this.batch.push({ id, resolve });
      this.batchTimer ??= setTimeout(() => void this.flushBatch(), BATCH_WINDOW_MS);
    });
  }

  private async flushBatch(): Promise<void> {
    const waiting = this.batch;
    this.batch = [];
    this.batchTimer = undefined;
    const ids = [...new Map(waiting.map((entry) => [idKey(entry.id), entry.id])).values()];
    let found = new Map<string, ObjectValue>();
    try {
      const bodies = await this.batchLookup!(ids);
      found = new Map(
        bodies.filter((body) => typeof body.id === 'string').map((body) => [idKey(body.id as string), body]),
      );
    } catch (error) {
      this.options.logger.warning(
        `Resource Graph lookup failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); reading with ARM GETs instead.`,
      );
    }
    for (const entry of waiting) entry.resolve(found.get(idKey(entry.id)));
  }

  /** The client for a subscription (the subscription only matters for list and provider calls). */
  client(subscriptionId: string): ResourceManagementClient {
    let client = this.clients.get(subscriptionId);
    if (!client) {
      client = new ResourceManagementClient(this.options.credential, subscriptionId, {
        // `endpoint` sets both the base URL and the token scope; `$host` alone is ignored.
        endpoint: this.options.armEndpoint,
        ...(this.options.httpsAgent ? { agent: this.options.httpsAgent } : {}),
      });
      client.pipeline.addPolicy(
        {
          name: 'amlHaGateRequestBound',
          sendRequest: (request, next) =>
            this.semaphore.run(() => {
              this.requests += 1;
              return next(request);
            }),
        },
        { afterPhase: 'Retry' },
      );
      this.clients.set(subscriptionId, client);
    }
    return client;
  }

  /** GET one resource by id; throws the SDK's RestError (status, code) when ARM refuses. */
  get(id: string): Promise<ObjectValue> {
    // Workspaces often share a key vault or storage account: read each id once per run.
    const key = idKey(id);
    let pending = this.reads.get(key);
    if (!pending) {
      pending = this.read(id);
      this.reads.set(key, pending);
    }
    return pending;
  }

  private async read(id: string): Promise<ObjectValue> {
    if (this.batchLookup) {
      const body = await this.lookupInBatch(id);
      if (body) return body;
    }
    const parsed = parseResourceId(id);
    if (!parsed)
      throw new RestError(`'${id}' is not an ARM resource id`, {
        statusCode: 400,
        code: 'InvalidResourceId',
      });
    return this.withVersion(parsed.subscriptionId, parsed.type, async (version) => {
      let text: string | undefined;
      // The operation's path is `/{resourceId}`: pass the id without its leading slash.
      await this.client(parsed.subscriptionId).resources.getById(id.replace(/^\/+/, ''), version, {
        requestOptions: { timeout: REQUEST_TIMEOUT_MS },
        onResponse: (response) => {
          text = response.bodyAsText ?? undefined;
        },
      });
      return parseObject(text, id);
    });
  }

  /**
   * All items of a child collection (`…/workspaces/w/computes`), following `nextLink`. `type` is
   * the children's full type, which picks the api-version.
   */
  async list(parentId: string, childSegment: string, type: string): Promise<ObjectValue[]> {
    const parsed = parseResourceId(parentId);
    if (!parsed)
      throw new RestError(`'${parentId}' is not an ARM resource id`, {
        statusCode: 400,
        code: 'InvalidResourceId',
      });
    const client = this.client(parsed.subscriptionId);
    return this.withVersion(parsed.subscriptionId, type, async (version) => {
      const items: ObjectValue[] = [];
      let url: string | undefined =
        `${this.options.armEndpoint}${parentId.replace(/\/+$/, '')}/${childSegment}?api-version=${encodeURIComponent(version)}`;
      let pages = 0;
      while (url && pages < 200) {
        pages += 1;
        const response = await client.sendRequest(
          createPipelineRequest({ url, method: 'GET', timeout: REQUEST_TIMEOUT_MS }),
        );
        const body = parseObject(response.bodyAsText ?? undefined, url);
        if (response.status < 200 || response.status >= 300) {
          const error = (body.error ?? {}) as { code?: string; message?: string };
          throw new RestError(error.message ?? `HTTP ${response.status}`, {
            statusCode: response.status,
            code: error.code,
          });
        }
        if (Array.isArray(body.value)) {
          for (const item of body.value) {
            if (item && typeof item === 'object' && !Array.isArray(item)) items.push(item as ObjectValue);
          }
        }
        url = typeof body.nextLink === 'string' && body.nextLink !== '' ? body.nextLink : undefined;
      }
      return items;
    });
  }

  /** Resource groups of a subscription (to find a classic CMK workspace's `azureml-rg-…`). */
  async listResourceGroups(subscriptionId: string): Promise<ResourceGroupSummary[]> {
    const groups: ResourceGroupSummary[] = [];
    for await (const group of this.client(subscriptionId).resourceGroups.list({
      requestOptions: { timeout: REQUEST_TIMEOUT_MS },
    })) {
      if (group.id && group.name) groups.push({ id: group.id, name: group.name, managedBy: group.managedBy });
    }
    return groups;
  }

  /** Ids of the resources matching an ARM `$filter`, in a subscription or one of its resource groups. */
  async listResourceIds(
    subscriptionId: string,
    options: { filter?: string; resourceGroup?: string },
  ): Promise<string[]> {
    const client = this.client(subscriptionId);
    const pages = options.resourceGroup
      ? client.resources.listByResourceGroup(options.resourceGroup, {
          filter: options.filter,
          requestOptions: { timeout: REQUEST_TIMEOUT_MS },
        })
      : client.resources.list({ filter: options.filter, requestOptions: { timeout: REQUEST_TIMEOUT_MS } });
    const ids: string[] = [];
    for await (const resource of pages) if (resource.id) ids.push(resource.id);
    return ids;
  }

  /** Runs `read` with the tested api-version, or the provider's newest stable one when ARM rejects it. */
  private async withVersion<T>(
    subscriptionId: string,
    type: string,
    read: (version: string) => Promise<T>,
  ): Promise<T> {
    const key = type.toLowerCase();
    const fallback = this.fallbackVersions.get(key);
    const first =
      (fallback ? await fallback : undefined) ??
      apiVersionFor(type) ??
      (await this.newestVersion(subscriptionId, type));
    if (!first) {
      throw new RestError(`no api-version known for ${type}: the provider does not list it`, {
        statusCode: 400,
        code: 'NoRegisteredProviderFound',
      });
    }
    try {
      return await read(first);
    } catch (error) {
      if (!isApiVersionRejection(error)) throw error;
      const newest = await this.newestVersion(subscriptionId, type);
      if (!newest || newest === first) throw error;
      this.options.logger.debug(`ARM rejected api-version ${first} for ${type}; using ${newest}`);
      this.fallbackVersions.set(key, Promise.resolve(newest));
      return read(newest);
    }
  }

  private async newestVersion(subscriptionId: string, type: string): Promise<string | undefined> {
    const [namespace, ...rest] = type.split('/');
    const cacheKey = `${subscriptionId}/${namespace}`.toLowerCase();
    let types = this.providerTypes.get(cacheKey);
    if (!types) {
      types = this.client(subscriptionId)
        .providers.get(namespace, { requestOptions: { timeout: REQUEST_TIMEOUT_MS } })
        .then((provider) => {
          const map = new Map<string, string[]>();
          for (const entry of provider.resourceTypes ?? []) {
            if (entry.resourceType) map.set(entry.resourceType.toLowerCase(), entry.apiVersions ?? []);
          }
          return map;
        })
        .catch((error: unknown) => {
          this.options.logger.debug(
            `could not read provider ${namespace}: ${error instanceof Error ? error.message : String(error)}`,
          );
          return new Map<string, string[]>();
        });
      this.providerTypes.set(cacheKey, types);
    }
    const versions = (await types).get(rest.join('/').toLowerCase());
    return versions ? pickNewestStableVersion(versions) : undefined;
  }
}

function parseObject(text: string | undefined, where: string): ObjectValue {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as ObjectValue) : {};
  } catch {
    throw new RestError(`ARM returned a response that is not JSON for ${where}`, { code: 'InvalidResponse' });
  }
}
