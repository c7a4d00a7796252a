import type { RuleOutcome } from '../model.js';
import { ARTICLE, asString, outcome, read, sameLocation, unknownOutcome, type Read } from './read.js';
import type { RuleDefinition } from './types.js';

const REGISTRY = 'Microsoft.ContainerRegistry/registries';
const REPLICATION = 'Microsoft.ContainerRegistry/registries/replications';

export const registryGeoReplicationRule: RuleDefinition = {
  id: 'HA.Registry.GeoReplication',
  title: 'Container registry is geo-replicated',
  appliesTo: [REGISTRY],
  help: 'Use the Premium SKU and add a registries/replications resource in another region, so images for training and inference survive a regional outage.',
  source: 'Container Registry: choose the Premium registry SKU for geo-replication.',
  helpUri: ARTICLE,
  psrule: ['Azure.ACR.MinSku', 'Azure.ACR.GeoReplica'],
  evaluate(resource, context): RuleOutcome[] {
    const sku = read(resource, 'sku.name');
    if (sku.kind === 'unknown') return [unknownOutcome(sku, `the SKU of ${resource.name}`)];
    const name = asString(sku);
    if (!name)
      return [
        outcome(
          'unknown',
          'The registry sets no sku.name: cannot tell. Use Premium with a replica in another region.',
          sku.path,
          null,
        ),
      ];
    if (name.toLowerCase() !== 'premium') {
      return [
        outcome(
          'fail',
          `Registry SKU is ${name}: geo-replication needs Premium. Set sku.name to Premium and add a replica in another region.`,
          sku.path,
          name,
        ),
      ];
    }
    const home = read(resource, 'location');
    const replicas = context.childrenOf(resource, REPLICATION);
    const locations = replicas.map((replica) => read(replica, 'location'));
    // A replica whose location is the same unknown as the registry's (both the deployment's
    // placeholder location, say) is in the same region, whatever that region is.
    const sameAsHome = (location: Read) =>
      home.kind === 'unknown' && location.kind === 'unknown' && location.reason === home.reason;
    const undecided = locations.filter((location) => !sameAsHome(location));
    if (home.kind === 'unknown' && undecided.length > 0)
      return [unknownOutcome(home, 'whether the replicas are in another region than the registry')];
    const unknown = undecided.find((location) => location.kind === 'unknown');
    const homeName = asString(home);
    const elsewhere = undecided
      .map((location) => asString(location))
      .filter(
        (location): location is string =>
          location !== undefined && (!homeName || !sameLocation(location, homeName)),
      );
    if (elsewhere.length > 0) {
      return [
        outcome(
          'pass',
          `Premium registry replicated to ${elsewhere.join(', ')}.`,
          'replications[].location',
          elsewhere,
        ),
      ];
    }
    if (unknown && unknown.kind === 'unknown')
      return [unknownOutcome(unknown, 'where the registry replica is')];
    return [
      outcome(
        'warn',
        `Premium registry with no replica in another region${homeName ? ` than ${homeName}` : ''}: add a Microsoft.ContainerRegistry/registries/replications resource in a second region.`,
        'replications[].location',
        locations.map(
          (location) => asString(location) ?? (location.kind === 'unknown' ? location.reason : null),
        ),
      ),
    ];
  },
};

export const registryZoneRedundancyRule: RuleDefinition = {
  id: 'HA.Registry.ZoneRedundancy',
  title: 'Container registry zone redundancy',
  appliesTo: [REGISTRY],
  help: 'Azure Container Registry is zone-redundant by default in regions with availability zones, for every SKU and for Premium replicas; the zoneRedundancy property may still read Disabled.',
  source: 'Beyond the article (same intent): ACR zone redundancy is now the default.',
  helpUri: 'https://learn.microsoft.com/azure/container-registry/zone-redundancy',
  evaluate(resource): RuleOutcome[] {
    const zone = read(resource, 'properties.zoneRedundancy');
    const location = asString(read(resource, 'location'));
    const value = zone.kind === 'value' ? zone.value : zone.kind === 'unknown' ? zone.reason : null;
    return [
      outcome(
        'info',
        `ACR is zone-redundant by default in regions with availability zones${location ? ` (${location})` : ''}, for every SKU; zoneRedundancy reads ${value ?? 'unset'}.`,
        zone.path,
        value,
      ),
    ];
  },
};
