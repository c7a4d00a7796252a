/**
 * Azure regions with availability zones, and regions known to have none (Microsoft's list of
 * regions with availability zones, 2025). A region in neither list is reported as unknown.
 */
const WITH_ZONES = new Set([
  'australiaeast',
  'austriaeast',
  'belgiumcentral',
  'brazilsouth',
  'canadacentral',
  'centralindia',
  'centralus',
  'chilecentral',
  'chinanorth3',
  'eastasia',
  'eastus',
  'eastus2',
  'francecentral',
  'germanywestcentral',
  'indonesiacentral',
  'israelcentral',
  'italynorth',
  'japaneast',
  'japanwest',
  'koreacentral',
  'malaysiawest',
  'mexicocentral',
  'newzealandnorth',
  'northeurope',
  'norwayeast',
  'polandcentral',
  'qatarcentral',
  'southafricanorth',
  'southcentralus',
  'southeastasia',
  'spaincentral',
  'swedencentral',
  'switzerlandnorth',
  'uaenorth',
  'uksouth',
  'usgovvirginia',
  'westeurope',
  'westus2',
  'westus3',
]);

const WITHOUT_ZONES = new Set([
  'australiacentral',
  'australiacentral2',
  'australiasoutheast',
  'brazilsoutheast',
  'canadaeast',
  'francesouth',
  'germanynorth',
  'jioindiacentral',
  'jioindiawest',
  'koreasouth',
  'northcentralus',
  'norwaywest',
  'southafricawest',
  'southindia',
  'swedensouth',
  'switzerlandwest',
  'uaecentral',
  'ukwest',
  'westcentralus',
  'westindia',
  'westus',
  'usgovarizona',
  'usgovtexas',
]);

export function normalizeRegion(region: string): string {
  return region.replace(/\s+/g, '').toLowerCase();
}

/** true: the region has availability zones; false: it has none; undefined: not known here. */
export function regionHasZones(region: string): boolean | undefined {
  const name = normalizeRegion(region);
  if (WITH_ZONES.has(name)) return true;
  if (WITHOUT_ZONES.has(name)) return false;
  return undefined;
}
