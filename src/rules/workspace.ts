import type { LinkedResource, RuleOutcome } from '../model.js';
import {
  ARTICLE,
  asBoolean,
  equalsIgnoreCase,
  outcome,
  read,
  readFirst,
  asString,
  unknownOutcome,
} from './read.js';
import type { RuleContext, RuleDefinition } from './types.js';
import { WORKSPACE_POINTERS, WORKSPACE_SETTINGS } from './workspace-properties.js';

const WORKSPACE = 'Microsoft.MachineLearningServices/workspaces';

export const disasterRecoveryRule: RuleDefinition = {
  id: 'HA.Workspace.DisasterRecovery',
  title: 'Azure ML has no built-in disaster recovery',
  appliesTo: [WORKSPACE],
  help: 'Azure Machine Learning itself offers no disaster-recovery option. Keep the workspace reproducible from templates, and plan a secondary workspace (with its own associated resources) in another region.',
  source: 'Azure Machine Learning itself offers no disaster-recovery option.',
  helpUri: ARTICLE,
  evaluate(resource): RuleOutcome[] {
    const location = read(resource, 'location');
    const where =
      location.kind === 'value' && typeof location.value === 'string' ? ` (${location.value})` : '';
    return [
      outcome(
        'info',
        `Azure ML has no built-in disaster recovery: keep this workspace${where} reproducible from templates and plan a secondary workspace in another region.`,
        'location',
        location.kind === 'value' ? location.value : null,
      ),
    ];
  },
};

const workspaceIndexes = new WeakMap<RuleContext, Map<string, LinkedResource[]>>();

/** The scanned workspaces by name (lower case), once per scan. */
function workspacesByName(context: RuleContext): Map<string, LinkedResource[]> {
  let index = workspaceIndexes.get(context);
  if (!index) {
    index = new Map();
    for (const workspace of context.ofType(WORKSPACE)) {
      const key = workspace.name.toLowerCase();
      const list = index.get(key);
      if (list) list.push(workspace);
      else index.set(key, [workspace]);
    }
    workspaceIndexes.set(context, index);
  }
  return index;
}

/**
 * A project workspace (AI Foundry hub/project) uses its hub's associated resources: the outcome
 * for its registry, judged through the hub, or undefined when it is not a project.
 */
function registryThroughHub(resource: LinkedResource, context: RuleContext): RuleOutcome | undefined {
  if (!equalsIgnoreCase(asString(readFirst(resource, WORKSPACE_SETTINGS.kind)), 'Project')) return undefined;
  const hubId = readFirst(resource, WORKSPACE_POINTERS.hub.paths);
  if (hubId.kind === 'unknown') return unknownOutcome(hubId, 'which hub the project uses');
  const id = asString(hubId);
  if (!id) return undefined;
  // By id, else by name (a hub declared in another scanned template has a placeholder-scoped id).
  const named = workspacesByName(context).get((id.split('/').pop() ?? '').toLowerCase()) ?? [];
  const hub = context.byId(id) ?? (named.length === 1 ? named[0] : undefined);
  if (!hub) {
    return outcome(
      'unknown',
      `Project workspace: it uses the container registry of its hub ${id.split('/').pop()} (${context.showId(id)}), which is not in the scanned templates: scan the template that creates it, or run workspace mode.`,
      hubId.path,
      id,
    );
  }
  if (hub.readError)
    return outcome(
      'unknown',
      `Project workspace: cannot tell its hub's registry: ${hub.readError}`,
      hubId.path,
      id,
    );
  // The project's images go to the hub's registry: judge the hub's own setting, not its existence.
  const hubRegistry = readFirst(hub, WORKSPACE_POINTERS.containerRegistry.paths);
  if (hubRegistry.kind === 'unknown') {
    return outcome(
      'unknown',
      `Project workspace: it uses the container registry of its hub ${hub.name}, and which registry the hub uses is ${hubRegistry.reason}.`,
      hubId.path,
      hub.id,
    );
  }
  if (hubRegistry.kind === 'value' && typeof hubRegistry.value === 'string' && hubRegistry.value !== '') {
    return outcome(
      'pass',
      `Project workspace: it uses the container registry of its hub ${hub.name}.`,
      hubId.path,
      hub.id,
    );
  }
  return outcome(
    'warn',
    `Project workspace: it uses the container registry of its hub ${hub.name}, which names none: Azure ML will create one by itself when it first builds an image, outside your HA settings (no geo-replication). Set properties.containerRegistry on the hub to a Premium registry with a replica.`,
    hubId.path,
    hub.id,
  );
}

export const registryLinkedRule: RuleDefinition = {
  id: 'HA.Workspace.RegistryLinked',
  title: 'Workspace names its container registry',
  appliesTo: [WORKSPACE],
  help: 'Set properties.containerRegistry to a Premium registry you create with geo-replication. Without it, Azure ML creates a registry on its own when it first builds an image, outside your HA settings (no geo-replication).',
  source: 'Container Registry: choose the Premium registry SKU for geo-replication.',
  helpUri: ARTICLE,
  evaluate(resource, context): RuleOutcome[] {
    const registry = readFirst(resource, WORKSPACE_POINTERS.containerRegistry.paths);
    if (registry.kind === 'unknown') return [unknownOutcome(registry, 'which registry the workspace uses')];
    if (registry.kind === 'value' && typeof registry.value === 'string' && registry.value !== '') {
      return [outcome('pass', 'The workspace names its container registry.', registry.path, registry.value)];
    }
    const throughHub = registryThroughHub(resource, context);
    if (throughHub) return [throughHub];
    return [
      outcome(
        'warn',
        'No properties.containerRegistry: Azure ML will create a registry by itself when it first builds an image, outside your HA settings (no geo-replication). Create a Premium registry with a replica and set properties.containerRegistry.',
        registry.path,
        null,
      ),
    ];
  },
};

const defaultStorages = new WeakMap<RuleContext, Map<string, LinkedResource>>();

/** Workspace name → the first resource that is the default storage of a workspace of that name, once per scan. */
function defaultStorageOf(context: RuleContext): Map<string, LinkedResource> {
  let byWorkspace = defaultStorages.get(context);
  if (!byWorkspace) {
    byWorkspace = new Map();
    for (const resource of context.resources) {
      if (resource.role !== 'defaultStorage') continue;
      for (const name of resource.workspaces) if (!byWorkspace.has(name)) byWorkspace.set(name, resource);
    }
    defaultStorages.set(context, byWorkspace);
  }
  return byWorkspace;
}

export const sharedDefaultStorageRule: RuleDefinition = {
  id: 'HA.Workspace.SharedDefaultStorage',
  title: 'Each workspace has its own default storage',
  appliesTo: [WORKSPACE],
  help: 'Create a separate storage account for the default storage of each workspace.',
  source: 'Create a separate storage account for the default storage of each workspace.',
  helpUri: ARTICLE,
  evaluate(resource, context): RuleOutcome[] {
    const storage = readFirst(resource, WORKSPACE_POINTERS.storageAccount.paths);
    if (storage.kind === 'unknown') return [unknownOutcome(storage, 'whether the default storage is shared')];
    if (storage.kind !== 'value' || typeof storage.value !== 'string') return [];
    const target = context.byId(storage.value) ?? defaultStorageOf(context).get(resource.name);
    const sharers = target
      ? target.workspaces.filter((name) => name.toLowerCase() !== resource.name.toLowerCase())
      : [];
    if (sharers.length > 0) {
      return [
        outcome(
          'warn',
          `Its default storage ${target!.name} also serves workspace ${sharers.join(', ')}: create a separate storage account for the default storage of each workspace.`,
          storage.path,
          storage.value,
        ),
      ];
    }
    return [
      outcome(
        'pass',
        'Its default storage account serves no other scanned workspace.',
        storage.path,
        storage.value,
      ),
    ];
  },
};

export const cmkCosmosDbRule: RuleDefinition = {
  id: 'HA.Workspace.CmkCosmosDb',
  title: 'Where the data of a CMK workspace lives',
  appliesTo: [WORKSPACE],
  help: 'With a customer-managed key, Azure ML stores workspace metadata in Cosmos DB: in service-side mode none is created in your subscription; with your own account (encryption.cosmosDbResourceId, or cosmosDbArmId as the Azure ML SDK writes it) its HA is yours (HA.Cosmos.*); in classic mode Azure ML creates Cosmos DB, AI Search and Storage in a Microsoft-managed resource group (azureml-rg-<workspace>_<guid>) that only Microsoft can modify.',
  source:
    'Cosmos DB: when the workspace is deployed with a customer-managed key, a Cosmos DB account is also provisioned.',
  helpUri: ARTICLE,
  evaluate(resource): RuleOutcome[] {
    const status = readFirst(resource, WORKSPACE_SETTINGS.encryptionStatus);
    if (status.kind === 'unknown')
      return [unknownOutcome(status, 'whether the workspace uses a customer-managed key')];
    if (!equalsIgnoreCase(asString(status), 'Enabled')) return [];
    const serviceSide = readFirst(resource, WORKSPACE_SETTINGS.serviceSideCmk);
    if (asBoolean(serviceSide) === true) {
      return [
        outcome(
          'info',
          'Customer-managed key, service-side mode: Azure ML creates no Cosmos DB in your subscription; nothing to make HA there.',
          serviceSide.path,
          true,
        ),
      ];
    }
    const cosmos = readFirst(resource, WORKSPACE_POINTERS.cosmosDb.paths);
    if (cosmos.kind === 'unknown')
      return [unknownOutcome(cosmos, 'which Cosmos DB account holds the workspace data')];
    if (cosmos.kind === 'value' && typeof cosmos.value === 'string' && cosmos.value !== '') {
      return [
        outcome(
          'info',
          `Customer-managed key with your own Cosmos DB account (${cosmos.value.split('/').pop()}): its HA is yours; HA.Cosmos.* apply to it.`,
          cosmos.path,
          cosmos.value,
        ),
      ];
    }
    return [
      outcome(
        'info',
        'Customer-managed key, classic mode: Azure ML creates Cosmos DB, AI Search and Storage in a Microsoft-managed resource group (azureml-rg-<workspace>_<guid>) that only Microsoft can modify.',
        status.path,
        'Enabled',
      ),
    ];
  },
};
