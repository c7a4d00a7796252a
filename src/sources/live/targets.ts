import { ConfigurationError } from '../../errors.js';
import type { ArmReader } from './arm-reader.js';
import { buildResourceId, idKey, parseResourceId } from './resource-id.js';
import type { LiveSettings } from './settings.js';

const WORKSPACE_TYPE = 'Microsoft.MachineLearningServices/workspaces';

/** What the `workspace` input asks for, before any request. */
export type WorkspaceTargets =
  { kind: 'ids'; ids: string[] } | { kind: 'all'; subscriptionId: string; resourceGroup?: string };

/**
 * Validates the `workspace` entries: full ids, names (with resource-group and subscription-id),
 * or `all` (every workspace of the subscription, or of the resource group when one is given).
 * Pure; every mistake is a ConfigurationError naming the input and the fix.
 */
export function parseWorkspaceTargets(
  settings: Pick<LiveSettings, 'workspaces' | 'resourceGroup' | 'subscriptionId'>,
  env: NodeJS.ProcessEnv,
): WorkspaceTargets {
  const entries = settings.workspaces
    .flatMap((entry) => entry.split(/[\r\n]+/))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const subscriptionId = settings.subscriptionId?.trim() || env.AZURE_SUBSCRIPTION_ID?.trim() || undefined;
  const resourceGroup = settings.resourceGroup?.trim() || undefined;
  if (entries.length === 0) {
    throw new ConfigurationError(
      'no workspace given: pass a workspace resource id, a name with resource-group and subscription-id, or all.',
    );
  }
  if (entries.some((entry) => entry.toLowerCase() === 'all')) {
    if (entries.length > 1)
      throw new ConfigurationError("workspace 'all' cannot be combined with other workspaces.");
    if (!subscriptionId) {
      throw new ConfigurationError(
        'workspace all needs subscription-id (or AZURE_SUBSCRIPTION_ID) to know where to look.',
      );
    }
    return { kind: 'all', subscriptionId, resourceGroup };
  }
  const ids = entries.map((entry) => {
    if (entry.startsWith('/')) {
      const parsed = parseResourceId(entry);
      if (!parsed || parsed.type.toLowerCase() !== WORKSPACE_TYPE.toLowerCase() || !parsed.resourceGroup) {
        throw new ConfigurationError(
          `invalid workspace id '${entry}': expected /subscriptions/<id>/resourceGroups/<group>/providers/${WORKSPACE_TYPE}/<name>.`,
        );
      }
      return entry.replace(/\/+$/, '');
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{1,32}$/.test(entry)) {
      throw new ConfigurationError(
        `invalid workspace '${entry}': expected a workspace resource id or a workspace name (letters, digits, - and _).`,
      );
    }
    if (!resourceGroup || !subscriptionId) {
      const missing = [!resourceGroup && 'resource-group', !subscriptionId && 'subscription-id']
        .filter(Boolean)
        .join(' and ');
      throw new ConfigurationError(
        `workspace '${entry}' is a name: set ${missing}, or pass the full resource id.`,
      );
    }
    return buildResourceId(subscriptionId, resourceGroup, WORKSPACE_TYPE, entry);
  });
  const unique = new Map(ids.map((id) => [idKey(id), id]));
  return { kind: 'ids', ids: [...unique.values()] };
}

/** Lists the workspaces of a subscription or resource group through ARM (one paged request). */
export async function listWorkspaceIds(
  reader: ArmReader,
  subscriptionId: string,
  resourceGroup?: string,
): Promise<string[]> {
  return reader.listResourceIds(subscriptionId, {
    filter: `resourceType eq '${WORKSPACE_TYPE}'`,
    resourceGroup,
  });
}
