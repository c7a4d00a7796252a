/** The parts of an ARM resource id that live mode needs: where it lives, its full type and name. */
export interface ParsedResourceId {
  subscriptionId: string;
  /** Resource group name as written in the id; absent for subscription-level resources. */
  resourceGroup?: string;
  /** Provider namespace, e.g. `Microsoft.Storage`. */
  provider: string;
  /** Full type: `Microsoft.Sql/servers/databases`. */
  type: string;
  /** Full name as ARM writes it for children: `server/database`. */
  name: string;
}

const PREFIX = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?\/providers\/([^/]+)\/(.+)$/i;

/**
 * Splits a resource id into subscription, resource group, type and name, the way ARM itself
 * composes them (`…/providers/NS/t1/n1/t2/n2` → type `NS/t1/t2`, name `n1/n2`). Returns
 * `undefined` for anything that is not a resource id, so callers can say what is wrong.
 */
export function parseResourceId(id: string): ParsedResourceId | undefined {
  const match = PREFIX.exec(id.trim().replace(/\/+$/, ''));
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, provider, rest] = match;
  const segments = rest.split('/');
  if (segments.length % 2 !== 0 || segments.some((segment) => segment === '')) return undefined;
  const types: string[] = [];
  const names: string[] = [];
  for (let index = 0; index < segments.length; index += 2) {
    types.push(segments[index]);
    names.push(decodeURIComponent(segments[index + 1]));
  }
  return {
    subscriptionId,
    resourceGroup,
    provider,
    type: `${provider}/${types.join('/')}`,
    name: names.join('/'),
  };
}

/** `/subscriptions/s/resourceGroups/rg`: the unit a live resource was scanned in. */
export function resourceGroupId(
  parsed: Pick<ParsedResourceId, 'subscriptionId' | 'resourceGroup'>,
): string | undefined {
  return parsed.resourceGroup
    ? `/subscriptions/${parsed.subscriptionId}/resourceGroups/${parsed.resourceGroup}`
    : undefined;
}

/** Builds a top-level resource id. */
export function buildResourceId(
  subscriptionId: string,
  resourceGroup: string,
  type: string,
  name: string,
): string {
  const [provider, ...types] = type.split('/');
  const names = name.split('/');
  const path = types.map((segment, index) => `${segment}/${names[index] ?? ''}`).join('/');
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${provider}/${path}`;
}

/** Case-insensitive key for ids (ARM ids are case-insensitive and services vary the case). */
export function idKey(id: string): string {
  return id.trim().replace(/\/+$/, '').toLowerCase();
}
