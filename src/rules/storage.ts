import type { LinkedResource, RuleOutcome } from '../model.js';
import { ARTICLE, outcome, read, unknownOutcome } from './read.js';
import type { RuleDefinition } from './types.js';

export type Redundancy = 'LRS' | 'ZRS' | 'GZRS' | 'RAGZRS' | 'GRS' | 'RAGRS';

/** Redundancy by SKU suffix, so new families (StandardV2_, PremiumV2_) are understood too. */
export function storageRedundancy(sku: string): Redundancy | undefined {
  const match = /^(?:Standard|Premium|StandardV2|PremiumV2)_(LRS|ZRS|GZRS|RAGZRS|GRS|RAGRS)$/i.exec(
    sku.trim(),
  );
  return match ? (match[1]!.toUpperCase() as Redundancy) : undefined;
}

const ROLE_WORDS: Record<string, string> = {
  defaultStorage: 'Default storage',
  datastore: 'Datastore storage',
  microsoftManaged: 'Microsoft-managed storage',
};

/** The SKU as written: `sku.name`, or the legacy 2015-era `properties.accountType`. */
function readSku(resource: LinkedResource) {
  const sku = read(resource, 'sku.name');
  if (sku.kind !== 'missing') return sku;
  const legacy = read(resource, 'properties.accountType');
  return legacy.kind !== 'missing' ? legacy : sku;
}

export const storageRedundancyRule: RuleDefinition = {
  id: 'HA.Storage.Redundancy',
  title: 'Storage account is zone-redundant',
  appliesTo: ['Microsoft.Storage/storageAccounts'],
  help: 'Use a zone-redundant SKU (Standard_ZRS, or Standard_GZRS / Standard_RAGZRS for storage that is not a workspace default store). LRS keeps every copy in one datacenter; GRS adds a copy in another region but none across zones in the primary one.',
  source:
    'Azure Storage: configure HA through storage redundancy (LRS, ZRS, GRS, GZRS and read-access variants).',
  helpUri: ARTICLE,
  psrule: ['Azure.Storage.UseReplication'],
  evaluate(resource): RuleOutcome[] {
    const who = ROLE_WORDS[resource.role] ?? 'Storage account';
    const sku = readSku(resource);
    if (sku.kind === 'unknown') return [unknownOutcome(sku, `the redundancy of ${resource.name}`)];
    if (sku.kind === 'missing' || typeof sku.value !== 'string') {
      return [
        outcome(
          'unknown',
          `${who} ${resource.name} sets no sku.name: cannot tell its redundancy. Set sku.name to Standard_ZRS.`,
          'sku.name',
          null,
        ),
      ];
    }
    const redundancy = storageRedundancy(sku.value);
    const ideal = resource.role === 'defaultStorage' ? 'Standard_ZRS' : 'Standard_ZRS or Standard_GZRS';
    switch (redundancy) {
      case 'ZRS':
      case 'GZRS':
      case 'RAGZRS':
        return [outcome('pass', `${who} uses ${sku.value}: zone-redundant.`, sku.path, sku.value)];
      case 'LRS':
        return [
          outcome('fail', `${who} uses ${sku.value}: no zone redundancy. Use ${ideal}.`, sku.path, sku.value),
        ];
      case 'GRS':
      case 'RAGRS':
        return [
          outcome(
            'warn',
            `${who} uses ${sku.value}: a copy in another region, but no zone redundancy in the primary region. Use ${ideal}.`,
            sku.path,
            sku.value,
          ),
        ];
      default:
        return [
          outcome(
            'unknown',
            `${who} uses SKU ${sku.value}, whose redundancy is not recognised. Use ${ideal}.`,
            sku.path,
            sku.value,
          ),
        ];
    }
  },
};

export const defaultStorageGeoFailoverRule: RuleDefinition = {
  id: 'HA.Storage.DefaultStorageGeoFailover',
  title: 'Workspace default storage does not count on geo-failover',
  appliesTo: ['Microsoft.Storage/storageAccounts'],
  help: "Azure Machine Learning does not support failing over the workspace's default storage account: a geo-redundant SKU (GRS, GZRS, RA-GRS, RA-GZRS) gives no workspace failover. Use Standard_ZRS for the default store and plan a second workspace for regional DR.",
  source:
    'Important: Azure Machine Learning does not support default storage-account failover using geo-redundant storage (GRS, GZRS, RA-GRS, RA-GZRS).',
  helpUri: ARTICLE,
  evaluate(resource): RuleOutcome[] {
    if (resource.role !== 'defaultStorage') return [];
    const sku = readSku(resource);
    if (sku.kind === 'unknown') return [unknownOutcome(sku, 'whether the default storage is geo-redundant')];
    const value = sku.kind === 'value' && typeof sku.value === 'string' ? sku.value : undefined;
    const redundancy = value ? storageRedundancy(value) : undefined;
    if (redundancy === 'GRS' || redundancy === 'RAGRS' || redundancy === 'GZRS' || redundancy === 'RAGZRS') {
      return [
        outcome(
          'warn',
          `Default storage uses ${value}: Azure ML does not support failing over the default storage account, so the geo copy gives the workspace no failover. Don't count on account failover; use Standard_ZRS and plan a secondary workspace.`,
          sku.path,
          value,
        ),
      ];
    }
    return [
      outcome(
        'pass',
        `Default storage uses ${value ?? 'no geo-redundant SKU'}: not relying on geo-failover.`,
        sku.path,
        value ?? null,
      ),
    ];
  },
};
