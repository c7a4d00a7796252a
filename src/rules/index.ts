import { aksAvailabilityZonesRule, aksCreatedByWorkspaceRule, aksUptimeSlaRule } from './aks.js';
import { appInsightsRetentionRule } from './appinsights.js';
import { managedComputeRule } from './compute.js';
import { cosmosMultiRegionRule, cosmosZoneRedundancyRule } from './cosmos.js';
import {
  mysqlGeoBackupRule,
  mysqlHighAvailabilityRule,
  mysqlSingleServerRule,
  postgresGeoBackupRule,
  postgresHighAvailabilityRule,
  postgresSingleServerRule,
} from './databases.js';
import { keyVaultAvailabilityRule, keyVaultRecoverabilityRule } from './keyvault.js';
import { registryGeoReplicationRule, registryZoneRedundancyRule } from './registry.js';
import {
  containerInstancesRule,
  dataLakeGen1Rule,
  databricksRegionalDrRule,
  hdinsightHeadNodesRule,
} from './services.js';
import { sqlGeoReplicationRule, sqlZoneRedundancyRule } from './sql.js';
import { defaultStorageGeoFailoverRule, storageRedundancyRule } from './storage.js';
import type { RuleDefinition } from './types.js';
import {
  cmkCosmosDbRule,
  disasterRecoveryRule,
  registryLinkedRule,
  sharedDefaultStorageRule,
} from './workspace.js';

/** The rule catalog, in the order of docs/rules.md. Ids are stable: never rename one. */
export const RULES: readonly RuleDefinition[] = [
  disasterRecoveryRule,
  registryLinkedRule,
  sharedDefaultStorageRule,
  storageRedundancyRule,
  defaultStorageGeoFailoverRule,
  keyVaultAvailabilityRule,
  keyVaultRecoverabilityRule,
  registryGeoReplicationRule,
  registryZoneRedundancyRule,
  appInsightsRetentionRule,
  managedComputeRule,
  aksAvailabilityZonesRule,
  aksCreatedByWorkspaceRule,
  aksUptimeSlaRule,
  databricksRegionalDrRule,
  containerInstancesRule,
  hdinsightHeadNodesRule,
  dataLakeGen1Rule,
  sqlZoneRedundancyRule,
  sqlGeoReplicationRule,
  postgresHighAvailabilityRule,
  postgresGeoBackupRule,
  postgresSingleServerRule,
  mysqlHighAvailabilityRule,
  mysqlGeoBackupRule,
  mysqlSingleServerRule,
  cosmosMultiRegionRule,
  cosmosZoneRedundancyRule,
  cmkCosmosDbRule,
];

export function findRule(id: string): RuleDefinition | undefined {
  return RULES.find((rule) => rule.id === id);
}

const RULE_TYPES = new Set(RULES.flatMap((rule) => rule.appliesTo.map((type) => type.toLowerCase())));

/** Whether any rule of the catalog looks at resources of `type` (case-insensitive). */
export function hasRules(type: string): boolean {
  return RULE_TYPES.has(type.toLowerCase());
}

/**
 * Whether findings can point into resources of `type`: those rules look at, and datastores, whose
 * properties name the storage or database a finding about an outside dependency points back to.
 */
export function needsLines(type: string): boolean {
  return hasRules(type) || type.toLowerCase() === 'microsoft.machinelearningservices/workspaces/datastores';
}
