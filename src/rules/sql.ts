import type { LinkedResource, RuleOutcome } from '../model.js';
import { asBoolean, asString, isType, outcome, read, unknownOutcome } from './read.js';
import type { RuleContext, RuleDefinition } from './types.js';

const DATABASE = 'Microsoft.Sql/servers/databases';
const POOL = 'Microsoft.Sql/servers/elasticPools';
const FAILOVER_GROUP = 'Microsoft.Sql/servers/failoverGroups';

function isMaster(resource: LinkedResource): boolean {
  return isType(resource, DATABASE) && resource.name.split('/').pop()!.toLowerCase() === 'master';
}

/** What zone redundancy the tier allows, in the user's words. */
function tierAdvice(resource: LinkedResource): string {
  const tier = (
    asString(read(resource, 'sku.tier')) ??
    asString(read(resource, 'properties.edition')) ??
    ''
  ).toLowerCase();
  const sku = (asString(read(resource, 'sku.name')) ?? '').toLowerCase();
  if (tier === 'basic' || tier === 'standard' || /^(basic|s\d+)$/.test(sku)) {
    return 'The Basic and Standard (DTU) tiers cannot be zone-redundant: move to Premium, Business Critical or General Purpose.';
  }
  if (tier === 'hyperscale' || sku.startsWith('hs_'))
    return 'Hyperscale can only be made zone-redundant when the database is created.';
  if (tier === 'generalpurpose' || sku.startsWith('gp_'))
    return 'General Purpose supports zone redundancy in some regions: set properties.zoneRedundant to true.';
  return 'Premium and Business Critical support it wherever zones exist: set properties.zoneRedundant to true.';
}

export const sqlZoneRedundancyRule: RuleDefinition = {
  id: 'HA.Sql.ZoneRedundancy',
  title: 'SQL database is zone-redundant',
  appliesTo: [DATABASE, POOL],
  help: 'Set properties.zoneRedundant to true on databases and elastic pools (Premium and Business Critical everywhere zones exist, General Purpose in some regions, Hyperscale only at creation; Basic/Standard DTU tiers cannot).',
  source: 'Additional datastores: SQL Database is in your subscription and its HA is yours.',
  helpUri: 'https://learn.microsoft.com/azure/azure-sql/database/high-availability-sla',
  psrule: ['Azure.SQLDB.AZ'],
  evaluate(resource): RuleOutcome[] {
    if (isMaster(resource)) return [];
    const zone = read(resource, 'properties.zoneRedundant');
    if (zone.kind === 'unknown') return [unknownOutcome(zone, 'whether the database is zone-redundant')];
    if (asBoolean(zone) === true) return [outcome('pass', 'Zone-redundant.', zone.path, true)];
    return [
      outcome(
        'fail',
        `Not zone-redundant. ${tierAdvice(resource)}`,
        zone.path,
        zone.kind === 'value' ? zone.value : null,
      ),
    ];
  },
};

function hasGeoCopy(database: LinkedResource, context: RuleContext): boolean | 'unknown' {
  const serverName = database.name.slice(0, database.name.lastIndexOf('/') + 1).toLowerCase();
  const { servers, secondaries } = sqlIndex(context);
  const server = serverName === '' ? undefined : servers.get(serverName.slice(0, -1));
  const dbName = database.name.split('/').pop()!.toLowerCase();
  if (server) {
    for (const group of context.childrenOf(server, FAILOVER_GROUP)) {
      const listed = read(group, 'properties.databases');
      if (listed.kind === 'unknown') return 'unknown';
      if (listed.kind === 'value' && Array.isArray(listed.value)) {
        if (listed.value.some((id) => typeof id !== 'string')) return 'unknown';
        if (listed.value.some((id) => (id as string).toLowerCase().endsWith(`/databases/${dbName}`)))
          return true;
      }
    }
  }
  return (secondaries.get(dbName) ?? []).some((other) => other !== database);
}

interface SqlIndex {
  /** Server name (lower case) → the first server of that name. */
  servers: Map<string, LinkedResource>;
  /** Database name (lower case) → the geo-secondaries whose `sourceDatabaseId` ends `/databases/<name>`. */
  secondaries: Map<string, LinkedResource[]>;
}

const sqlIndexes = new WeakMap<RuleContext, SqlIndex>();

/** SQL servers by name and geo-secondaries by source database, once per scan (not per database). */
function sqlIndex(context: RuleContext): SqlIndex {
  let index = sqlIndexes.get(context);
  if (index) return index;
  index = { servers: new Map(), secondaries: new Map() };
  for (const server of context.ofType('Microsoft.Sql/servers')) {
    const key = server.name.toLowerCase();
    if (!index.servers.has(key)) index.servers.set(key, server);
  }
  for (const other of context.ofType(DATABASE)) {
    const mode = asString(read(other, 'properties.createMode'))?.toLowerCase();
    if (mode !== 'secondary' && mode !== 'onlinesecondary') continue;
    const source = asString(read(other, 'properties.sourceDatabaseId'))?.toLowerCase();
    const name = source === undefined ? undefined : /\/databases\/([^/]*)$/.exec(source)?.[1];
    if (name === undefined) continue;
    const list = index.secondaries.get(name);
    if (list) list.push(other);
    else index.secondaries.set(name, [other]);
  }
  sqlIndexes.set(context, index);
  return index;
}

export const sqlGeoReplicationRule: RuleDefinition = {
  id: 'HA.Sql.GeoReplication',
  title: 'SQL database has a geo-replica or failover group',
  appliesTo: [DATABASE],
  help: 'Add the database to a failover group (Microsoft.Sql/servers/failoverGroups) with a partner server in another region, or create an active geo-replica (createMode Secondary).',
  source: 'SQL Database business continuity.',
  helpUri:
    'https://learn.microsoft.com/azure/azure-sql/database/business-continuity-high-availability-disaster-recover-hadr-overview',
  evaluate(resource, context): RuleOutcome[] {
    if (isMaster(resource)) return [];
    const mode = asString(read(resource, 'properties.createMode'))?.toLowerCase();
    if (mode === 'secondary' || mode === 'onlinesecondary') return [];
    const copy = hasGeoCopy(resource, context);
    if (copy === 'unknown') {
      return [
        outcome(
          'unknown',
          'A failover group on the server lists databases that are only known at deployment: cannot tell whether it includes this one.',
          'failoverGroups[].databases',
          null,
        ),
      ];
    }
    if (copy)
      return [
        outcome(
          'pass',
          'In a failover group or geo-replicated.',
          'failoverGroups[].databases',
          resource.name,
        ),
      ];
    return [
      outcome(
        'warn',
        'No failover group or geo-secondary: add the database to a Microsoft.Sql/servers/failoverGroups with a partner server in another region.',
        'failoverGroups[].databases',
        null,
      ),
    ];
  },
};
