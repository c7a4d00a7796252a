import type { LinkedResource, RuleOutcome, Value } from '../model.js';
import { ARTICLE, asString, equalsIgnoreCase, isType, outcome, read, unknownOutcome } from './read.js';
import type { RuleContext, RuleDefinition } from './types.js';
import { regionHasZones } from './zones.js';

const CLUSTER = 'Microsoft.ContainerService/managedClusters';
const AGENT_POOL = 'Microsoft.ContainerService/managedClusters/agentPools';
const COMPUTE = 'Microsoft.MachineLearningServices/workspaces/computes';

interface Pool {
  name: string;
  type?: string;
  zones: Value | undefined;
}

function poolsOf(cluster: LinkedResource, context: RuleContext): Pool[] {
  const pools: Pool[] = [];
  const inline = read(cluster, 'properties.agentPoolProfiles');
  if (inline.kind === 'value' && Array.isArray(inline.value)) {
    inline.value.forEach((profile, index) => {
      const wrapped = { body: { p: profile } };
      pools.push({
        name: asString(read(wrapped, 'p.name')) ?? `agentPoolProfiles[${index}]`,
        type: asString(read(wrapped, 'p.type')),
        zones: valueOrUnknown(read(wrapped, 'p.availabilityZones')),
      });
    });
  }
  for (const child of context.childrenOf(cluster, AGENT_POOL)) {
    pools.push({
      name: child.name.split('/').pop()!,
      type: asString(read(child, 'properties.type')),
      zones: valueOrUnknown(read(child, 'properties.availabilityZones')),
    });
  }
  return pools;
}

function valueOrUnknown(result: ReturnType<typeof read>): Value | undefined {
  if (result.kind === 'value') return result.value;
  if (result.kind === 'unknown') return { unknownReason: result.reason };
  return undefined;
}

export const aksAvailabilityZonesRule: RuleDefinition = {
  id: 'HA.AKS.AvailabilityZones',
  title: 'AKS node pools span availability zones',
  appliesTo: [CLUSTER, COMPUTE],
  help: 'Create the AKS cluster with availability zones: set availabilityZones to at least two zones (e.g. ["1","2","3"]) on every VirtualMachineScaleSets node pool. Zones can only be chosen when a pool is created.',
  source: 'AKS: create the cluster with availability zones.',
  helpUri: ARTICLE,
  psrule: ['Azure.AKS.AvailabilityZone'],
  evaluate(resource, context): RuleOutcome[] {
    if (isType(resource, COMPUTE)) return evaluateCompute(resource, context);
    const location = read(resource, 'location');
    const region = asString(location);
    const pools = poolsOf(resource, context).filter(
      (pool) => !pool.type || equalsIgnoreCase(pool.type, 'VirtualMachineScaleSets'),
    );
    if (pools.length === 0) {
      return [
        outcome(
          'unknown',
          'No VirtualMachineScaleSets node pool found in the template: cannot tell its zones.',
          'properties.agentPoolProfiles',
          null,
        ),
      ];
    }
    const unknownPool = pools.find(
      (pool) =>
        pool.zones !== null &&
        typeof pool.zones === 'object' &&
        !Array.isArray(pool.zones) &&
        'unknownReason' in pool.zones,
    );
    const withoutZones = pools.filter((pool) => !Array.isArray(pool.zones) || pool.zones.length < 2);
    const evidence = pools.map((pool) => ({ pool: pool.name, availabilityZones: pool.zones ?? null }));
    if (unknownPool) {
      return [
        outcome(
          'unknown',
          `Cannot tell the zones of node pool ${unknownPool.name}: they are only known at deployment.`,
          'properties.agentPoolProfiles[].availabilityZones',
          evidence,
        ),
      ];
    }
    if (withoutZones.length === 0) {
      return [
        outcome(
          'pass',
          `Every node pool spans ${pools.map((p) => (p.zones as Value[]).length).join('/')} availability zones.`,
          'properties.agentPoolProfiles[].availabilityZones',
          evidence,
        ),
      ];
    }
    const names = withoutZones.map((pool) => pool.name).join(', ');
    // Only now does the verdict depend on the region: a pool without zones fails where zones exist.
    if (location.kind === 'unknown') {
      return [
        outcome(
          'unknown',
          `Node pool ${names} has fewer than two availability zones; whether its region has zones decides: location is ${location.reason}.`,
          'location',
          location.reason,
        ),
      ];
    }
    const hasZones = region ? regionHasZones(region) : undefined;
    if (hasZones === false) {
      return [
        outcome(
          'pass',
          `Region ${region} has no availability zones; node pool ${names} cannot use them. For HA, plan a second cluster in another region.`,
          'properties.agentPoolProfiles[].availabilityZones',
          evidence,
        ),
      ];
    }
    if (hasZones === undefined) {
      return [
        outcome(
          'unknown',
          `Node pool ${names} has fewer than two availability zones, and region ${region ?? '(not set)'} is not known to have zones or not: cannot tell.`,
          'properties.agentPoolProfiles[].availabilityZones',
          evidence,
        ),
      ];
    }
    return [
      outcome(
        'fail',
        `Node pool ${names} has no availability zones in ${region}, a region with zones: set availabilityZones: ["1", "2", "3"] (zones are chosen when a pool is created: add a zonal pool and move workloads).`,
        'properties.agentPoolProfiles[].availabilityZones',
        evidence,
      ),
    ];
  },
};

const clusterIndexes = new WeakMap<RuleContext, Map<string, LinkedResource[]>>();

/** The scanned clusters by the last segment of their name (lower case), in scan order, once per scan. */
function clustersByLastName(context: RuleContext): Map<string, LinkedResource[]> {
  let index = clusterIndexes.get(context);
  if (!index) {
    index = new Map();
    for (const cluster of context.ofType(CLUSTER)) {
      const name = cluster.name.toLowerCase();
      const key = name.slice(name.lastIndexOf('/') + 1);
      const list = index.get(key);
      if (list) list.push(cluster);
      else index.set(key, [cluster]);
    }
    clusterIndexes.set(context, index);
  }
  return index;
}

/** An AML compute that attaches a cluster: the cluster's own finding covers it when it was scanned. */
function evaluateCompute(resource: LinkedResource, context: RuleContext): RuleOutcome[] {
  const computeType = asString(read(resource, 'properties.computeType'));
  if (!equalsIgnoreCase(computeType, 'AKS') && !equalsIgnoreCase(computeType, 'Kubernetes')) return [];
  const target = read(resource, 'properties.resourceId');
  if (target.kind === 'unknown') return [unknownOutcome(target, 'which cluster the compute attaches')];
  if (target.kind !== 'value' || typeof target.value !== 'string' || target.value === '') return [];
  if (/\/providers\/Microsoft\.Kubernetes\/connectedClusters\//i.test(target.value)) {
    return [
      outcome(
        'unknown',
        'Arc-enabled Kubernetes compute (not AKS): its availability zones are outside what Azure reports here. Check the cluster itself.',
        target.path,
        target.value,
      ),
    ];
  }
  const id = target.value.toLowerCase();
  const cluster =
    context.byId(id) ??
    clustersByLastName(context)
      .get(id.slice(id.lastIndexOf('/') + 1))
      ?.find((r) => id.endsWith(`/${r.name.toLowerCase()}`));
  if (cluster) return [];
  return [
    outcome(
      'unknown',
      `The attached cluster ${target.value.split('/').pop()} was not scanned: cannot tell its zones. Scan its template too, or use workspace mode.`,
      target.path,
      target.value,
    ),
  ];
}

export const aksCreatedByWorkspaceRule: RuleDefinition = {
  id: 'HA.AKS.CreatedByWorkspace',
  title: 'AKS is attached, not created by Azure ML',
  appliesTo: [COMPUTE],
  help: 'Cross-region HA is not supported for an AKS cluster created through Azure ML studio, SDK or CLI, and creating AKS from Azure ML is a legacy (v1) feature. Create the cluster yourself with availability zones and attach it (properties.resourceId).',
  source:
    'AKS: if the cluster was created from Azure ML studio, SDK or CLI, cross-region HA is not supported.',
  helpUri: ARTICLE,
  evaluate(resource): RuleOutcome[] {
    const computeType = asString(read(resource, 'properties.computeType'));
    if (!equalsIgnoreCase(computeType, 'AKS')) return [];
    const target = read(resource, 'properties.resourceId');
    if (target.kind === 'unknown')
      return [unknownOutcome(target, 'whether the AKS cluster is attached or created by Azure ML')];
    if (target.kind === 'value' && typeof target.value === 'string' && target.value !== '') return [];
    return [
      outcome(
        'warn',
        'AKS compute created by Azure ML (no properties.resourceId): cross-region HA is not supported for it, and creating AKS from Azure ML is a legacy (v1) feature. Create a cluster with availability zones and attach it.',
        target.path,
        null,
      ),
    ];
  },
};

export const aksUptimeSlaRule: RuleDefinition = {
  id: 'HA.AKS.UptimeSLA',
  title: 'AKS control plane has the uptime SLA',
  appliesTo: [CLUSTER],
  help: 'Set sku.tier to Standard (or Premium): the Free tier has no financially backed uptime SLA for the control plane.',
  source: 'Beyond the article: AKS control-plane SLA.',
  helpUri: 'https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers',
  psrule: ['Azure.AKS.UptimeSLA'],
  evaluate(resource): RuleOutcome[] {
    const tier = read(resource, 'sku.tier');
    if (tier.kind === 'unknown') return [unknownOutcome(tier, 'the AKS pricing tier')];
    const value = asString(tier);
    if (value && ['standard', 'premium', 'paid'].includes(value.toLowerCase())) {
      return [outcome('pass', `Control plane on the ${value} tier, with the uptime SLA.`, tier.path, value)];
    }
    return [
      outcome(
        'warn',
        `Control plane on the ${value ?? 'Free (default)'} tier: no uptime SLA. Set sku.tier to Standard.`,
        tier.path,
        value ?? null,
      ),
    ];
  },
};
