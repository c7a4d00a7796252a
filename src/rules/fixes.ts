import type { Role } from '../model.js';

/**
 * One-click fixes: for a finding whose value is a literal, the literal that fixes it. A pull
 * request that writes `Standard_LRS` on a line gets a suggested change to `Standard_ZRS` on that
 * line (src/report/suggestions.ts decides when it applies). Only fixes that are right wherever the
 * finding fires are listed: a fix that depends on what else the resource sets (SQL zone redundancy
 * by tier, Cosmos DB regions) or that Azure only accepts at creation (MySQL HA, geo-redundant
 * backup), or whose right value depends on the account kind (Premium_LRS: ZRS only for block
 * blob and file share accounts), is left to the message.
 */
export interface LiteralFix {
  ruleId: string;
  /** The evidence path the rule reads the value at. */
  path: string;
  /** The value that is wrong (strings compare case-insensitively). */
  from: string | boolean;
  /** The value to write instead. */
  to: string | boolean;
  /** Only for resources in these roles (the right SKU for default storage is not geo-redundant). */
  roles?: readonly Role[];
  /** Not for resources in these roles. */
  exceptRoles?: readonly Role[];
  /** What the reviewer should know before accepting it. */
  note?: string;
}

const SKU_PATHS = ['sku.name', 'properties.accountType'];

const ZRS_CONVERSION =
  'Zone-redundant SKUs need a general-purpose v2 account (kind StorageV2). For an account that already exists, Azure changes LRS to ZRS by a conversion (`az storage account migration start --sku Standard_ZRS`, or the portal), not by redeploying with a new SKU: start it alongside this change.';

function storage(from: string, to: string, extra: Partial<LiteralFix> = {}): LiteralFix[] {
  return SKU_PATHS.map((path) => ({ ruleId: 'HA.Storage.Redundancy', path, from, to, ...extra }));
}

function defaultStorageGeo(from: string): LiteralFix[] {
  return SKU_PATHS.flatMap((path) =>
    ['HA.Storage.Redundancy', 'HA.Storage.DefaultStorageGeoFailover'].map((ruleId) => ({
      ruleId,
      path,
      from,
      to: 'Standard_ZRS',
      roles: ['defaultStorage'] as const,
      note: 'Azure ML cannot fail over its default storage account, so the geo copy buys the workspace nothing: zone redundancy in its region is what counts.',
    })),
  );
}

export const LITERAL_FIXES: readonly LiteralFix[] = [
  ...storage('Standard_LRS', 'Standard_ZRS', { note: ZRS_CONVERSION }),
  ...storage('Standard_GRS', 'Standard_GZRS', { exceptRoles: ['defaultStorage'] }),
  ...storage('Standard_RAGRS', 'Standard_RAGZRS', { exceptRoles: ['defaultStorage'] }),
  ...defaultStorageGeo('Standard_GRS'),
  ...defaultStorageGeo('Standard_RAGRS'),
  ...defaultStorageGeo('Standard_GZRS'),
  ...defaultStorageGeo('Standard_RAGZRS'),
  ...['Basic', 'Standard'].map((from) => ({
    ruleId: 'HA.Registry.GeoReplication',
    path: 'sku.name',
    from,
    to: 'Premium',
    note: 'Premium makes geo-replication possible; add a `Microsoft.ContainerRegistry/registries/replications` resource in a second region to get it.',
  })),
  {
    ruleId: 'HA.KeyVault.Recoverability',
    path: 'properties.enablePurgeProtection',
    from: false,
    to: true,
    note: 'Purge protection cannot be turned off again once it is on.',
  },
  ...['Disabled', 'SameZone'].map((from) => ({
    ruleId: 'HA.PostgreSQL.HighAvailability',
    path: 'properties.highAvailability.mode',
    from,
    to: 'ZoneRedundant',
    note: 'Zone-redundant HA needs the General Purpose or Memory Optimized tier and a region with availability zones; it can be added to an existing server.',
  })),
  {
    ruleId: 'HA.AKS.UptimeSLA',
    path: 'sku.tier',
    from: 'Free',
    to: 'Standard',
    note: 'The Standard tier is billed per cluster hour.',
  },
  {
    ruleId: 'HA.Cosmos.MultiRegion',
    path: 'properties.enableAutomaticFailover',
    from: false,
    to: true,
  },
];

/** The fix for a finding's rule, path, value and role, if the table has one. */
export function literalFixFor(
  ruleId: string,
  path: string,
  value: unknown,
  role: Role,
): LiteralFix | undefined {
  return LITERAL_FIXES.find(
    (fix) =>
      fix.ruleId === ruleId &&
      fix.path === path &&
      (typeof fix.from === 'string'
        ? typeof value === 'string' && value.toLowerCase() === fix.from.toLowerCase()
        : value === fix.from) &&
      (!fix.roles || fix.roles.includes(role)) &&
      (!fix.exceptRoles || !fix.exceptRoles.includes(role)),
  );
}
