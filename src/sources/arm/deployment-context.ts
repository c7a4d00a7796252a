import {
  PLACEHOLDER_LOCATION,
  PLACEHOLDER_RESOURCE_GROUP,
  PLACEHOLDER_SUBSCRIPTION,
  type DeploymentSettings,
} from '../../deployment-settings.js';
import { UnknownValue, type ObjectValue } from '../../model.js';
import type { DeploymentContext, DeploymentScope } from './expression/api.js';

/**
 * Placeholder deployment the templates are evaluated in, unless the user sets its parts. The ids
 * and names keep their placeholder values (so resources still get names, and names stay stable
 * from run to run); the location is unknown, since verdicts depend on it.
 */
export const DEFAULT_DEPLOYMENT: DeploymentContext = {
  scope: 'resourceGroup',
  subscriptionId: PLACEHOLDER_SUBSCRIPTION,
  tenantId: '00000000-0000-0000-0000-000000000000',
  resourceGroupName: PLACEHOLDER_RESOURCE_GROUP,
  resourceGroupLocation: PLACEHOLDER_LOCATION,
  managementGroup: 'mg',
  deploymentName: 'deployment',
  environment: azureCloudEnvironment(),
};

/** `resourceGroup().location` inside a nested deployment to another resource group: only Azure knows it. */
export function otherGroupLocation(resourceGroup: string): UnknownValue {
  return new UnknownValue(
    `the location of resource group ${resourceGroup}, which a nested deployment targets (the location setting is the deployment's own resource group's)`,
  );
}

/** The deployment context for what the user set: each setting replaces its placeholder. */
export function deploymentContextFor(settings: DeploymentSettings): DeploymentContext {
  const context: DeploymentContext = { ...DEFAULT_DEPLOYMENT };
  if (settings.subscriptionId) context.subscriptionId = settings.subscriptionId;
  if (settings.resourceGroup) context.resourceGroupName = settings.resourceGroup;
  if (settings.location) context.resourceGroupLocation = settings.location;
  if (settings.tenantId) context.tenantId = settings.tenantId;
  if (settings.deploymentName) context.deploymentName = settings.deploymentName;
  if (settings.managementGroup) context.managementGroup = settings.managementGroup;
  return context;
}

/** `environment()` of the public Azure cloud, so host names built from it resolve. */
function azureCloudEnvironment(): ObjectValue {
  return {
    name: 'AzureCloud',
    gallery: 'https://gallery.azure.com/',
    graph: 'https://graph.windows.net/',
    portal: 'https://portal.azure.com',
    graphAudience: 'https://graph.windows.net/',
    activeDirectoryDataLake: 'https://datalake.azure.net/',
    batch: 'https://batch.core.windows.net/',
    media: 'https://rest.media.azure.net',
    sqlManagement: 'https://management.core.windows.net:8443/',
    vmImageAliasDoc:
      'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json',
    resourceManager: 'https://management.azure.com/',
    authentication: {
      loginEndpoint: 'https://login.microsoftonline.com/',
      audiences: ['https://management.core.windows.net/', 'https://management.azure.com/'],
      tenant: 'common',
      identityProvider: 'AAD',
    },
    suffixes: {
      acrLoginServer: '.azurecr.io',
      azureDatalakeAnalyticsCatalogAndJob: 'azuredatalakeanalytics.net',
      azureDatalakeStoreFileSystem: 'azuredatalakestore.net',
      azureFrontDoorEndpointSuffix: 'azurefd.net',
      keyvaultDns: '.vault.azure.net',
      sqlServerHostname: '.database.windows.net',
      storage: 'core.windows.net',
    },
  };
}

/** Deployment scope of a template, from its `$schema`. */
export function scopeOfSchema(schema: string | undefined): DeploymentScope {
  const lower = (schema ?? '').toLowerCase();
  if (lower.includes('subscriptiondeploymenttemplate')) return 'subscription';
  if (lower.includes('managementgroupdeploymenttemplate')) return 'managementGroup';
  if (lower.includes('tenantdeploymenttemplate')) return 'tenant';
  return 'resourceGroup';
}

/** Id of the scope a deployment runs at (`/subscriptions/…/resourceGroups/rg`, …). */
export function scopeId(context: DeploymentContext): string {
  switch (context.scope) {
    case 'resourceGroup':
      return `/subscriptions/${context.subscriptionId}/resourceGroups/${context.resourceGroupName}`;
    case 'subscription':
      return `/subscriptions/${context.subscriptionId}`;
    case 'managementGroup':
      return `/providers/Microsoft.Management/managementGroups/${context.managementGroup}`;
    case 'tenant':
      return '';
  }
}

/**
 * Resource id as ARM builds it: `<scope>/providers/<namespace>/<type1>/<name1>/<type2>/<name2>`.
 * `extensionScope` is the id of the resource an extension resource (`scope` property) is attached to.
 */
export function buildResourceId(
  context: DeploymentContext,
  type: string,
  name: string,
  extensionScope?: string,
): string {
  const typeParts = type.split('/');
  const nameParts = name.split('/');
  if (
    !extensionScope &&
    context.scope === 'subscription' &&
    type.toLowerCase() === 'microsoft.resources/resourcegroups'
  ) {
    return `/subscriptions/${context.subscriptionId}/resourceGroups/${name}`;
  }
  if (!extensionScope && type.toLowerCase() === 'microsoft.resources/subscriptions')
    return `/subscriptions/${name}`;
  let tail: string;
  if (typeParts.length - 1 === nameParts.length) {
    tail = typeParts[0];
    for (let i = 1; i < typeParts.length; i++) tail += `/${typeParts[i]}/${nameParts[i - 1]}`;
  } else tail = `${type}/${name}`;
  const prefix = extensionScope !== undefined ? extensionScope.replace(/\/$/, '') : scopeId(context);
  return `${prefix}/providers/${tail}`;
}
