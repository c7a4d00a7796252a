import type { Agent } from 'node:https';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { TokenCredential } from '@azure/identity';
import type { Logger, ObjectValue } from '../../model.js';
import { parseResourceId } from './resource-id.js';

/**
 * Above this many workspaces, bodies come from Azure Resource Graph: one query per wave of the
 * crawl (workspaces, then their dependencies, then what computes and datastores point at)
 * instead of one GET per resource. At or below it, plain ARM GETs are as fast and exact.
 */
export const RESOURCE_GRAPH_THRESHOLD = 5;

/** Ids per query: keeps the KQL text well under Resource Graph's query length limit. */
const IDS_PER_QUERY = 200;

/**
 * Reads resource bodies by id through Azure Resource Graph (`@azure/arm-resourcegraph` 5, on the
 * same `@azure/core-rest-pipeline` as the ARM client, whose retry policy honours 429 Retry-After).
 * Resource Graph returns only what the identity may read, so an id it does not return is read
 * again with a GET, which gives the real 403 / 404.
 */
export class ResourceGraphReader {
  /** Queries sent (pages included). */
  queries = 0;
  private readonly client: ResourceGraphClient;

  constructor(
    credential: TokenCredential,
    armEndpoint: string,
    private readonly logger: Logger,
    httpsAgent?: Agent,
  ) {
    // `endpoint` alone keeps the public cloud's token scope: ask for this cloud's ARM explicitly.
    this.client = new ResourceGraphClient(credential, {
      endpoint: armEndpoint,
      credentials: { scopes: [`${armEndpoint}/.default`] },
      ...(httpsAgent ? { agent: httpsAgent } : {}),
    });
  }

  /** Bodies of the given ids (those the identity can read), across their subscriptions. */
  async byIds(ids: readonly string[]): Promise<ObjectValue[]> {
    const bodies: ObjectValue[] = [];
    for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
      const chunk = ids.slice(start, start + IDS_PER_QUERY);
      const subscriptions = [
        ...new Set(chunk.map((id) => parseResourceId(id)?.subscriptionId).filter((s): s is string => !!s)),
      ];
      if (subscriptions.length === 0) continue;
      const list = chunk.map((id) => `'${id.replace(/'/g, "\\'")}'`).join(', ');
      bodies.push(
        ...(await this.query(
          subscriptions,
          `Resources | where id in~ (${list}) | project id, name, type, location, kind, sku, zones, tags, identity, managedBy, properties`,
        )),
      );
    }
    return bodies;
  }

  /** Runs a query over subscriptions, following `$skipToken` pages. */
  async query(subscriptions: string[], query: string): Promise<ObjectValue[]> {
    const rows: ObjectValue[] = [];
    let skipToken: string | undefined;
    do {
      this.queries += 1;
      const response = await this.client.resources({
        subscriptions,
        query,
        options: { resultFormat: 'objectArray', top: 1000, ...(skipToken ? { skipToken } : {}) },
      });
      const data: unknown = response.data;
      if (Array.isArray(data)) {
        for (const row of data) if (row && typeof row === 'object') rows.push(row as ObjectValue);
      }
      skipToken = response.skipToken || undefined;
    } while (skipToken);
    this.logger.debug(`Resource Graph: ${rows.length} rows for ${subscriptions.length} subscription(s)`);
    return rows;
  }
}
