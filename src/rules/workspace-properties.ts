import type { Role } from '../model.js';

/**
 * Every workspace property the graph, the rules and the live crawler read, with the names the
 * platform accepts for it, in one place. Checked against the Microsoft.MachineLearningServices
 * REST API specs of every api-version from 2018-03-01-preview to 2026-05-15-preview
 * (azure-rest-api-specs, as generated into Azure/bicep-types-az
 * `generated/machinelearningservices/microsoft.machinelearningservices/<version>/types.md`,
 * commit 1f896de2db966ad91e8f7d7d981e11d32e4f5d8d). ARM matches property names without case, and
 * so does `read()`.
 */

/** A property of a workspace that names another resource, and what that resource is to it. */
export interface WorkspacePointer {
  /** Short name used in messages ("default storage", "CMK key vault"). */
  what: string;
  /** Paths to read, first match wins: the spec name, then the aliases. */
  paths: readonly string[];
  /** The role the resource it names gets. */
  role: Role;
  /** The type it names when the value is not a readable id (an unresolved expression). */
  type: string;
  /** A list of ids (preview-only plural properties) rather than one id. */
  list?: true;
}

/**
 * The properties that name a workspace's dependencies.
 *
 * - `storageAccount`, `keyVault`, `containerRegistry`, `applicationInsights`: every api-version
 *   (2018-03-01-preview … 2026-05-15-preview).
 * - `encryption.keyVaultProperties.keyVaultArmId`: every version with `encryption`
 *   (2020-01-01 onwards); the type is `KeyVaultProperties` or, in the stable versions 2022-05-01 …
 *   2025-09-01 and previews 2022-02-01 … 2023-04-01, `EncryptionKeyVaultProperties`: same name.
 * - `encryption.cosmosDbResourceId` / `searchAccountResourceId` / `storageAccountResourceId`
 *   (bring-your-own CMK resources): previews 2022-01-01, 2023-06-01 and later, stable 2025-12-01
 *   and later. The `…ArmId` spellings (`cosmosDbArmId`, `storageAccountArmId`, `searchAccountArmId`)
 *   are in no spec version, but the Azure ML Python SDK's own workspace template writes them
 *   (azure-sdk-for-python `sdk/ml/azure-ai-ml/azure/ai/ml/_arm_deployments/arm_templates/workspace_base.json`,
 *   `"cosmosDbArmId"`, `"storageAccountArmId"`, `"SearchAccountArmId"`), and the service accepts
 *   them: they mean bring-your-own just the same.
 * - `hubResourceId` (a Project's hub): previews 2023-04-01 and later, stable 2024-04-01 and later.
 * - `storageAccounts`, `keyVaults`, `containerRegistries` (lists, hub workspaces): previews
 *   2023-04-01 and later only; linked the same way as the singular properties.
 */
export const WORKSPACE_POINTERS = {
  storageAccount: {
    what: 'default storage',
    paths: ['properties.storageAccount'],
    role: 'defaultStorage',
    type: 'Microsoft.Storage/storageAccounts',
  },
  keyVault: {
    what: 'key vault',
    paths: ['properties.keyVault'],
    role: 'keyVault',
    type: 'Microsoft.KeyVault/vaults',
  },
  containerRegistry: {
    what: 'container registry',
    paths: ['properties.containerRegistry'],
    role: 'containerRegistry',
    type: 'Microsoft.ContainerRegistry/registries',
  },
  applicationInsights: {
    what: 'Application Insights',
    paths: ['properties.applicationInsights'],
    role: 'applicationInsights',
    type: 'Microsoft.Insights/components',
  },
  cmkKeyVault: {
    what: 'CMK key vault',
    paths: ['properties.encryption.keyVaultProperties.keyVaultArmId'],
    role: 'keyVault',
    type: 'Microsoft.KeyVault/vaults',
  },
  cosmosDb: {
    what: 'Cosmos DB account',
    paths: ['properties.encryption.cosmosDbResourceId', 'properties.encryption.cosmosDbArmId'],
    role: 'cosmosDb',
    type: 'Microsoft.DocumentDB/databaseAccounts',
  },
  cmkStorage: {
    what: 'CMK storage account',
    paths: ['properties.encryption.storageAccountResourceId', 'properties.encryption.storageAccountArmId'],
    role: 'datastore',
    type: 'Microsoft.Storage/storageAccounts',
  },
  hub: {
    what: 'hub',
    paths: ['properties.hubResourceId'],
    role: 'workspace',
    type: 'Microsoft.MachineLearningServices/workspaces',
  },
  storageAccounts: {
    what: 'storage account',
    paths: ['properties.storageAccounts'],
    role: 'defaultStorage',
    type: 'Microsoft.Storage/storageAccounts',
    list: true,
  },
  keyVaults: {
    what: 'key vault',
    paths: ['properties.keyVaults'],
    role: 'keyVault',
    type: 'Microsoft.KeyVault/vaults',
    list: true,
  },
  containerRegistries: {
    what: 'container registry',
    paths: ['properties.containerRegistries'],
    role: 'containerRegistry',
    type: 'Microsoft.ContainerRegistry/registries',
    list: true,
  },
} as const satisfies Record<string, WorkspacePointer>;

export type WorkspacePointerName = keyof typeof WORKSPACE_POINTERS;

/**
 * Workspace settings the rules read that name no resource.
 *
 * - `kind` (`Default`, `Hub`, `Project`, `FeatureStore`): a top-level string in every version.
 * - `encryption.status`: every version with `encryption` (2020-01-01 onwards).
 * - `enableServiceSideCMKEncryption`: previews 2024-07-01 and later, stable 2025-06-01 and later.
 * - `searchAccountResourceId` / `searchAccountArmId`: a CMK search service (no HA rule reads it).
 */
export const WORKSPACE_SETTINGS = {
  kind: ['kind'],
  encryptionStatus: ['properties.encryption.status'],
  serviceSideCmk: ['properties.enableServiceSideCMKEncryption'],
  cmkSearch: ['properties.encryption.searchAccountResourceId', 'properties.encryption.searchAccountArmId'],
} as const satisfies Record<string, readonly string[]>;
