import type { RuleOutcome } from '../model.js';
import { ARTICLE, asString, outcome, read, unknownOutcome } from './read.js';
import type { RuleDefinition } from './types.js';

export const databricksRegionalDrRule: RuleDefinition = {
  id: 'HA.Databricks.RegionalDR',
  title: 'Databricks needs a regional DR plan',
  appliesTo: ['Microsoft.Databricks/workspaces'],
  help: 'Azure Databricks clusters and the Databricks File System need regional disaster recovery planned by you: a secondary workspace in another region, with code, jobs and data replicated to it.',
  source:
    'Azure Databricks: regional disaster recovery for Databricks clusters; Databricks File System: as Databricks.',
  helpUri: 'https://learn.microsoft.com/azure/databricks/scenarios/howto-regional-disaster-recovery',
  evaluate(resource): RuleOutcome[] {
    const location = asString(read(resource, 'location'));
    return [
      outcome(
        'info',
        `Plan regional DR for Databricks clusters and DBFS: a secondary workspace in another region than ${location ?? 'this one'}.`,
        'location',
        location ?? null,
      ),
    ];
  },
};

export const containerInstancesRule: RuleDefinition = {
  id: 'HA.ContainerInstances.Orchestrator',
  title: 'Container instances need an orchestrator for failover',
  appliesTo: ['Microsoft.ContainerInstance/containerGroups'],
  help: 'A container group has no failover of its own (at most it is pinned to one zone); an orchestrator must provide failover. For production inference, use AKS with availability zones or a managed online endpoint.',
  source: 'Container Instances: an orchestrator is responsible for failover.',
  helpUri: ARTICLE,
  evaluate(resource): RuleOutcome[] {
    const zones = read(resource, 'zones');
    const value = zones.kind === 'value' ? zones.value : zones.kind === 'unknown' ? zones.reason : null;
    const pinned = Array.isArray(value) && value.length > 0 ? ` (pinned to zone ${value.join(', ')})` : '';
    return [
      outcome(
        'warn',
        `Container group with no failover of its own${pinned}: an orchestrator must provide failover. Use AKS with zones or a managed online endpoint for production.`,
        'zones',
        value,
      ),
    ];
  },
};

export const hdinsightHeadNodesRule: RuleDefinition = {
  id: 'HA.HDInsight.HeadNodes',
  title: 'HDInsight runs two head nodes',
  appliesTo: ['Microsoft.HDInsight/clusters'],
  help: 'HDInsight provides HA through two head nodes: keep the headnode role at targetInstanceCount 2 (the service default).',
  source: 'HDInsight: the HA services supported by HDInsight.',
  helpUri: 'https://learn.microsoft.com/azure/hdinsight/hdinsight-high-availability-components',
  evaluate(resource): RuleOutcome[] {
    const roles = read(resource, 'properties.computeProfile.roles');
    if (roles.kind === 'unknown') return [unknownOutcome(roles, 'how many head nodes the cluster has')];
    const list = roles.kind === 'value' && Array.isArray(roles.value) ? roles.value : [];
    const index = list.findIndex(
      (role) => asString(read({ body: { r: role } }, 'r.name'))?.toLowerCase() === 'headnode',
    );
    const zones = read(resource, 'zones');
    const zonal =
      zones.kind === 'value' && Array.isArray(zones.value) && zones.value.length > 0
        ? ` Zonal (zone ${zones.value.join(', ')}).`
        : ' Not zonal.';
    const path =
      index >= 0
        ? `properties.computeProfile.roles[${index}].targetInstanceCount`
        : 'properties.computeProfile.roles';
    if (index < 0)
      return [outcome('pass', `Head nodes unset: the service runs its fixed 2.${zonal}`, path, null)];
    const count = read(resource, path);
    if (count.kind === 'unknown') return [unknownOutcome(count, 'how many head nodes the cluster has')];
    if (count.kind === 'missing')
      return [outcome('pass', `Head node count unset: the service runs its fixed 2.${zonal}`, path, null)];
    const value = Number(count.value);
    if (value >= 2) return [outcome('pass', `${value} head nodes.${zonal}`, path, count.value)];
    return [
      outcome(
        'fail',
        `Only ${String(count.value)} head node: HDInsight HA needs 2. Set targetInstanceCount of the headnode role to 2.${zonal}`,
        path,
        count.value,
      ),
    ];
  },
};

export const dataLakeGen1Rule: RuleDefinition = {
  id: 'HA.DataLakeGen1.Retired',
  title: 'Data Lake Storage Gen1 is retired',
  appliesTo: ['Microsoft.DataLakeStore/accounts'],
  help: 'Azure Data Lake Storage Gen1 was retired on 2024-02-29. Move the data to ADLS Gen2 (a storage account with hierarchical namespace) with ZRS or GZRS.',
  source: 'Data Lake Storage Gen1: its own HA/DR guidance (the service has since been retired).',
  helpUri:
    'https://learn.microsoft.com/azure/storage/blobs/data-lake-storage-migrate-gen1-to-gen2-azure-portal',
  evaluate(resource): RuleOutcome[] {
    return [
      outcome(
        'fail',
        'Data Lake Storage Gen1 was retired on 2024-02-29: move to ADLS Gen2 (StorageV2 with isHnsEnabled) with Standard_ZRS or Standard_GZRS.',
        'type',
        resource.type,
      ),
    ];
  },
};
