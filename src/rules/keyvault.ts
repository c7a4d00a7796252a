import type { RuleOutcome } from '../model.js';
import { ARTICLE, asBoolean, outcome, read, readFirst, unknownOutcome } from './read.js';
import type { RuleContext, RuleDefinition } from './types.js';
import { WORKSPACE_POINTERS } from './workspace-properties.js';

export const keyVaultAvailabilityRule: RuleDefinition = {
  id: 'HA.KeyVault.Availability',
  title: 'Key Vault is highly available by default',
  appliesTo: ['Microsoft.KeyVault/vaults'],
  help: 'Key Vault replicates within the region (and to the paired region) by default: no action is needed for availability.',
  source: 'Key Vault: HA by default, no user action required.',
  helpUri: ARTICLE,
  evaluate(resource): RuleOutcome[] {
    return [
      outcome('pass', 'Key Vault is highly available by default: no action needed.', 'type', resource.type),
    ];
  },
};

export const keyVaultRecoverabilityRule: RuleDefinition = {
  id: 'HA.KeyVault.Recoverability',
  title: 'Key Vault has purge protection',
  appliesTo: ['Microsoft.KeyVault/vaults'],
  help: 'Set properties.enablePurgeProtection to true. Soft delete can no longer be turned off; purge protection keeps deleted secrets and keys recoverable for the retention period. A workspace encrypted with a customer-managed key requires it on the vault that holds the key.',
  source:
    'Key Vault holds the credentials for storage, registry and datastores; CMK requires soft delete and purge protection.',
  helpUri: ARTICLE,
  psrule: ['Azure.KeyVault.SoftDelete', 'Azure.KeyVault.PurgeProtect'],
  evaluate(resource, context): RuleOutcome[] {
    const purge = read(resource, 'properties.enablePurgeProtection');
    const softDelete = asBoolean(read(resource, 'properties.enableSoftDelete'));
    const softNote =
      softDelete === false
        ? ' enableSoftDelete: false is ignored: soft delete can no longer be turned off.'
        : '';
    const cmkWorkspaces = cmkKeyHolders(context).get(resource.name.toLowerCase()) ?? [];
    if (purge.kind === 'unknown')
      return [unknownOutcome(purge, `whether ${resource.name} has purge protection`)];
    const enabled = asBoolean(purge) === true;
    if (enabled) return [outcome('pass', `Purge protection is on.${softNote}`, purge.path, true)];
    const value = purge.kind === 'value' ? purge.value : null;
    if (cmkWorkspaces.length > 0) {
      return [
        outcome(
          'fail',
          `Holds the customer-managed key of workspace ${cmkWorkspaces.join(', ')} but purge protection is off: CMK requires soft delete and purge protection. Set properties.enablePurgeProtection to true.${softNote}`,
          purge.path,
          value,
        ),
      ];
    }
    return [
      outcome(
        'warn',
        `Purge protection is off: a deleted or purged secret cannot be recovered. Set properties.enablePurgeProtection to true.${softNote}`,
        purge.path,
        value,
      ),
    ];
  },
};

const holdersByContext = new WeakMap<RuleContext, Map<string, string[]>>();

/** Vault name → the CMK workspaces whose key it holds (`encryption.keyVaultProperties.keyVaultArmId`), once per scan. */
function cmkKeyHolders(context: RuleContext): Map<string, string[]> {
  let holders = holdersByContext.get(context);
  if (!holders) {
    holders = new Map();
    for (const workspace of context.resources) {
      if (workspace.role !== 'workspace') continue;
      const keyVault = readFirst(workspace, WORKSPACE_POINTERS.cmkKeyVault.paths);
      if (keyVault.kind !== 'value' || typeof keyVault.value !== 'string') continue;
      const vault = context.byId(keyVault.value)?.name ?? keyVault.value.split('/').pop()!;
      const key = vault.toLowerCase();
      holders.set(key, [...(holders.get(key) ?? []), workspace.name]);
    }
    holdersByContext.set(context, holders);
  }
  return holders;
}
