import { ConfigurationError } from './errors.js';
import { UnknownValue } from './model.js';

/**
 * Where the templates are deployed, as far as the user told us: the subscription, resource group
 * and its location, tenant, deployment name and management group. What is not set stays a
 * placeholder (see `DEFAULT_DEPLOYMENT`): placeholders may name things (a `uniqueString()` of a
 * placeholder id still groups resources), but no verdict may depend on one.
 */
export interface DeploymentSettings {
  subscriptionId?: string;
  resourceGroup?: string;
  location?: string;
  tenantId?: string;
  deploymentName?: string;
  managementGroup?: string;
}

export type DeploymentSettingName = keyof DeploymentSettings;

/** How each setting is written: action input, CLI flag, key under `deployment:` in the config file. */
export const DEPLOYMENT_SETTINGS: Record<
  DeploymentSettingName,
  { input: string; flag: string; config: string; what: string; pattern: RegExp; expected: string }
> = {
  subscriptionId: {
    input: 'subscription-id',
    flag: '--subscription-id',
    config: 'subscriptionId',
    what: 'the subscription the templates deploy to',
    pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    expected: 'a subscription id (a GUID)',
  },
  resourceGroup: {
    input: 'resource-group',
    flag: '--resource-group',
    config: 'resourceGroup',
    what: 'the resource group the templates deploy to',
    pattern: /^[-\w.()]{0,89}[-\w()]$/u,
    expected: 'a resource group name (letters, digits, - _ . ( ), at most 90, not ending in .)',
  },
  location: {
    input: 'location',
    flag: '--location',
    config: 'location',
    what: "the resource group's location",
    pattern: /^[A-Za-z][A-Za-z0-9 ]{1,39}$/,
    expected: 'an Azure region such as westeurope',
  },
  tenantId: {
    input: 'tenant-id',
    flag: '--tenant-id',
    config: 'tenantId',
    what: 'the tenant',
    pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    expected: 'a tenant id (a GUID)',
  },
  deploymentName: {
    input: 'deployment-name',
    flag: '--deployment-name',
    config: 'deploymentName',
    what: 'the deployment name',
    pattern: /^[-\w.()]{1,64}$/,
    expected: 'a deployment name (letters, digits, - _ . ( ), at most 64)',
  },
  managementGroup: {
    input: 'management-group',
    flag: '--management-group',
    config: 'managementGroup',
    what: 'the management group',
    pattern: /^[-\w.()]{1,90}$/,
    expected: 'a management group id (letters, digits, - _ . ( ), at most 90)',
  },
};

/** The sentence that says where a setting is set, for messages about a placeholder. */
export function howToSet(name: DeploymentSettingName): string {
  const setting = DEPLOYMENT_SETTINGS[name];
  return `set ${setting.what} (action input ${setting.input}, CLI ${setting.flag}, or deployment.${setting.config} in .github/aml-ha-gate.yml)`;
}

/** The subscription id templates are evaluated in when none is set: the nil GUID, never a real subscription. */
export const PLACEHOLDER_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
/** The resource group name templates are evaluated in when none is set. */
export const PLACEHOLDER_RESOURCE_GROUP = 'rg';
/**
 * `resourceGroup().location` (and `deployment().location`) when no location is set: unknown, so
 * that a verdict depending on the region says which setting decides it instead of guessing.
 */
export const PLACEHOLDER_LOCATION = new UnknownValue(
  `the deployment's location, a placeholder: ${howToSet('location')}`,
);

const SCOPE = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?/i;

/**
 * The settings whose placeholder an id was built from (`subscriptionId`, `resourceGroup`), or
 * `[]` when it names a real scope and may be read from Azure.
 */
export function placeholderScopeOf(id: string, settings: DeploymentSettings): DeploymentSettingName[] {
  const match = SCOPE.exec(id.trim());
  if (!match) return [];
  const [, subscription, group] = match;
  const parts: DeploymentSettingName[] = [];
  const subscriptionIsPlaceholder = subscription!.toLowerCase() === PLACEHOLDER_SUBSCRIPTION;
  if (subscriptionIsPlaceholder) parts.push('subscriptionId');
  const sameSubscription =
    subscriptionIsPlaceholder || subscription!.toLowerCase() === settings.subscriptionId?.toLowerCase();
  if (
    group !== undefined &&
    !settings.resourceGroup &&
    sameSubscription &&
    group.toLowerCase() === PLACEHOLDER_RESOURCE_GROUP
  )
    parts.push('resourceGroup');
  return parts;
}

/** An id as messages show it: placeholder segments as `<subscription>` and `<resource group>`. */
export function displayId(id: string, settings: DeploymentSettings): string {
  const parts = placeholderScopeOf(id, settings);
  if (parts.length === 0) return id;
  return id.replace(
    SCOPE,
    (_whole: string, subscription: string, group: string | undefined) =>
      `/subscriptions/${parts.includes('subscriptionId') ? '<subscription>' : subscription}` +
      (group === undefined
        ? ''
        : `/resourceGroups/${parts.includes('resourceGroup') ? '<resource group>' : group}`),
  );
}

/**
 * Checks the values (trimmed; empty = not set); `source(name)` says where a value came from for
 * the error ("input 'location'", "--location", "deployment.location in x.yml").
 */
export function validateDeploymentSettings(
  raw: Partial<Record<DeploymentSettingName, string | undefined>>,
  source: (name: DeploymentSettingName) => string,
): DeploymentSettings {
  const settings: DeploymentSettings = {};
  for (const name of Object.keys(DEPLOYMENT_SETTINGS) as DeploymentSettingName[]) {
    const value = raw[name]?.trim();
    if (!value) continue;
    const { pattern, expected } = DEPLOYMENT_SETTINGS[name];
    if (!pattern.test(value)) {
      throw new ConfigurationError(`invalid ${source(name)} '${value}': expected ${expected}.`);
    }
    settings[name] = value;
  }
  return settings;
}

/** The first settings win, setting by setting (flags or inputs over the config file). */
export function mergeDeploymentSettings(...layers: (DeploymentSettings | undefined)[]): DeploymentSettings {
  const merged: DeploymentSettings = {};
  for (const layer of [...layers].reverse()) {
    for (const [name, value] of Object.entries(layer ?? {}) as [DeploymentSettingName, string][]) {
      if (value) merged[name] = value;
    }
  }
  return merged;
}
