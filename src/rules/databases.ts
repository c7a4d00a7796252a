import type { RuleOutcome } from '../model.js';
import { asString, equalsIgnoreCase, outcome, read, unknownOutcome } from './read.js';
import type { RuleDefinition } from './types.js';

type Engine = 'PostgreSQL' | 'MySQL';

const FLEXIBLE: Record<Engine, string> = {
  PostgreSQL: 'Microsoft.DBforPostgreSQL/flexibleServers',
  MySQL: 'Microsoft.DBforMySQL/flexibleServers',
};
const SINGLE: Record<Engine, string> = {
  PostgreSQL: 'Microsoft.DBforPostgreSQL/servers',
  MySQL: 'Microsoft.DBforMySQL/servers',
};
const DOCS: Record<Engine, string> = {
  PostgreSQL: 'https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-high-availability',
  MySQL: 'https://learn.microsoft.com/azure/mysql/flexible-server/concepts-high-availability',
};

function highAvailabilityRule(engine: Engine, id: string, psrule: string): RuleDefinition {
  const inPlace =
    engine === 'PostgreSQL'
      ? 'Zone-redundant HA can be added to an existing server.'
      : 'Zone-redundant HA can only be chosen when the server is created: plan a new server and migrate.';
  return {
    id,
    title: `${engine} flexible server has zone-redundant HA`,
    appliesTo: [FLEXIBLE[engine]],
    help: `Set properties.highAvailability.mode to ZoneRedundant (not on the Burstable tier, which has no HA). ${inPlace}`,
    source: `Additional datastores: Azure Database for ${engine} is in your subscription and its HA is yours.`,
    helpUri: DOCS[engine],
    psrule: [psrule],
    evaluate(resource): RuleOutcome[] {
      const tier = read(resource, 'sku.tier');
      if (equalsIgnoreCase(asString(tier), 'Burstable')) {
        return [
          outcome(
            'fail',
            `Burstable tier: no high availability is possible. Use GeneralPurpose or MemoryOptimized with highAvailability.mode ZoneRedundant. ${inPlace}`,
            tier.path,
            asString(tier),
          ),
        ];
      }
      const mode = read(resource, 'properties.highAvailability.mode');
      if (mode.kind === 'unknown') return [unknownOutcome(mode, 'the high-availability mode')];
      const value = asString(mode);
      if (equalsIgnoreCase(value, 'ZoneRedundant'))
        return [outcome('pass', 'Zone-redundant high availability.', mode.path, value)];
      if (equalsIgnoreCase(value, 'SameZone')) {
        return [
          outcome(
            'warn',
            `Same-zone standby only: a zone outage takes both down. Use ZoneRedundant. ${inPlace}`,
            mode.path,
            value,
          ),
        ];
      }
      return [
        outcome(
          'fail',
          `High availability is ${value ?? 'not set (Disabled)'}: set properties.highAvailability.mode to ZoneRedundant. ${inPlace}`,
          mode.path,
          value ?? null,
        ),
      ];
    },
  };
}

function geoBackupRule(engine: Engine, id: string, psrule: string): RuleDefinition {
  return {
    id,
    title: `${engine} flexible server has geo-redundant backup`,
    appliesTo: [FLEXIBLE[engine]],
    help: 'Set properties.backup.geoRedundantBackup to Enabled (chosen when the server is created) so a backup can be restored in the paired region.',
    source: `${engine} business continuity.`,
    helpUri: DOCS[engine],
    psrule: [psrule],
    evaluate(resource): RuleOutcome[] {
      const backup = read(resource, 'properties.backup.geoRedundantBackup');
      if (backup.kind === 'unknown') return [unknownOutcome(backup, 'whether backups are geo-redundant')];
      const value = asString(backup);
      if (equalsIgnoreCase(value, 'Enabled'))
        return [outcome('pass', 'Geo-redundant backup enabled.', backup.path, value)];
      return [
        outcome(
          'warn',
          `Geo-redundant backup is ${value ?? 'not set (Disabled)'}: set properties.backup.geoRedundantBackup to Enabled when creating the server.`,
          backup.path,
          value ?? null,
        ),
      ];
    },
  };
}

function singleServerRule(engine: Engine, id: string, retired: string, psrule?: string): RuleDefinition {
  return {
    id,
    title: `${engine} single server is retired`,
    appliesTo: [SINGLE[engine]],
    help: `Azure Database for ${engine} single server was retired on ${retired}: migrate to a flexible server with zone-redundant high availability.`,
    source: `Azure Database for ${engine} (single server since retired in favour of flexible server).`,
    helpUri: DOCS[engine],
    ...(psrule ? { psrule: [psrule] } : {}),
    evaluate(resource): RuleOutcome[] {
      return [
        outcome(
          'fail',
          `${engine} single server was retired on ${retired}: migrate to ${FLEXIBLE[engine]} with highAvailability.mode ZoneRedundant.`,
          'type',
          resource.type,
        ),
      ];
    },
  };
}

export const postgresHighAvailabilityRule = highAvailabilityRule(
  'PostgreSQL',
  'HA.PostgreSQL.HighAvailability',
  'Azure.PostgreSQL.ZoneRedundantHA',
);
export const postgresGeoBackupRule = geoBackupRule(
  'PostgreSQL',
  'HA.PostgreSQL.GeoRedundantBackup',
  'Azure.PostgreSQL.GeoRedundantBackup',
);
export const postgresSingleServerRule = singleServerRule(
  'PostgreSQL',
  'HA.PostgreSQL.SingleServerRetired',
  '2025-03-28',
);
export const mysqlHighAvailabilityRule = highAvailabilityRule(
  'MySQL',
  'HA.MySQL.HighAvailability',
  'Azure.MySQL.ZoneRedundantHA',
);
export const mysqlGeoBackupRule = geoBackupRule(
  'MySQL',
  'HA.MySQL.GeoRedundantBackup',
  'Azure.MySQL.GeoRedundantBackup',
);
export const mysqlSingleServerRule = singleServerRule(
  'MySQL',
  'HA.MySQL.SingleServerRetired',
  '2024-09-16',
  'Azure.MySQL.UseFlexible',
);
