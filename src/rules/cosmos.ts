import type { RuleOutcome, Value } from '../model.js';
import { ARTICLE, asBoolean, outcome, read, unknownOutcome } from './read.js';
import type { RuleDefinition } from './types.js';

const ACCOUNT = 'Microsoft.DocumentDB/databaseAccounts';

export const cosmosMultiRegionRule: RuleDefinition = {
  id: 'HA.Cosmos.MultiRegion',
  title: 'Cosmos DB spans regions with failover',
  appliesTo: [ACCOUNT],
  help: 'List at least two regions in properties.locations and set enableAutomaticFailover (or enableMultipleWriteLocations) to true. For a CMK workspace, this is the account that holds the workspace metadata.',
  source:
    'Azure Cosmos DB: with a customer-managed key, a Cosmos DB account is provisioned in your subscription, and its HA is yours.',
  helpUri: ARTICLE,
  evaluate(resource): RuleOutcome[] {
    const locations = read(resource, 'properties.locations');
    if (locations.kind === 'unknown')
      return [unknownOutcome(locations, 'how many regions the account spans')];
    const list: Value[] = locations.kind === 'value' && Array.isArray(locations.value) ? locations.value : [];
    if (list.length < 2) {
      return [
        outcome(
          'fail',
          `One region only: add a second region to properties.locations and set enableAutomaticFailover to true.`,
          locations.path,
          list.length,
        ),
      ];
    }
    const automatic = read(resource, 'properties.enableAutomaticFailover');
    const multiWrite = read(resource, 'properties.enableMultipleWriteLocations');
    if (automatic.kind === 'unknown') return [unknownOutcome(automatic, 'whether failover is automatic')];
    if (asBoolean(automatic) === true || asBoolean(multiWrite) === true) {
      return [
        outcome(
          'pass',
          `${list.length} regions with ${asBoolean(multiWrite) ? 'multiple write regions' : 'automatic failover'}.`,
          automatic.path,
          true,
        ),
      ];
    }
    return [
      outcome(
        'warn',
        `${list.length} regions but no automatic failover: set properties.enableAutomaticFailover to true.`,
        automatic.path,
        automatic.kind === 'value' ? automatic.value : null,
      ),
    ];
  },
};

export const cosmosZoneRedundancyRule: RuleDefinition = {
  id: 'HA.Cosmos.ZoneRedundancy',
  title: 'Cosmos DB regions are zone-redundant',
  appliesTo: [ACCOUNT],
  help: 'Set isZoneRedundant to true on every entry of properties.locations. Zone redundancy cannot be switched on in place for an existing region: remove and re-add the region, or add a new zone-redundant region.',
  source: 'Azure Cosmos DB high availability.',
  helpUri: 'https://learn.microsoft.com/azure/reliability/reliability-cosmos-db-nosql',
  psrule: ['Azure.Cosmos.AvailabilityZone'],
  evaluate(resource): RuleOutcome[] {
    const locations = read(resource, 'properties.locations');
    if (locations.kind === 'unknown')
      return [unknownOutcome(locations, 'whether the regions are zone-redundant')];
    const list = locations.kind === 'value' && Array.isArray(locations.value) ? locations.value : [];
    const flags = list.map((_, index) => read(resource, `properties.locations[${index}].isZoneRedundant`));
    const unknown = flags.find((flag) => flag.kind === 'unknown');
    if (unknown && unknown.kind === 'unknown')
      return [unknownOutcome(unknown, 'whether a region is zone-redundant')];
    const values = flags.map((flag) => asBoolean(flag) ?? false);
    if (values.length > 0 && values.every(Boolean))
      return [
        outcome('pass', 'Every region is zone-redundant.', 'properties.locations[].isZoneRedundant', values),
      ];
    const firstOff = values.findIndex((value) => !value);
    return [
      outcome(
        'warn',
        'Not every region is zone-redundant: set isZoneRedundant to true on each location. It cannot be switched on in place for an existing region: add a zone-redundant region, fail over, then remove the old one.',
        firstOff >= 0 ? `properties.locations[${firstOff}].isZoneRedundant` : 'properties.locations',
        values,
      ),
    ];
  },
};
