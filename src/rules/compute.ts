import type { RuleOutcome } from '../model.js';
import { ARTICLE, asString, outcome, read, unknownOutcome } from './read.js';
import type { RuleDefinition } from './types.js';

export const managedComputeRule: RuleDefinition = {
  id: 'HA.Compute.ManagedCompute',
  title: 'Compute instances and clusters are Microsoft-managed, not HA',
  appliesTo: ['Microsoft.MachineLearningServices/workspaces/computes'],
  help: 'Compute instances and compute clusters are Microsoft-managed development environments and are not highly available by default; a compute instance is a single VM. Keep them reproducible (setup scripts, environments in code) and create them again in the secondary region when needed.',
  source: 'Compute instance / compute cluster: managed by Microsoft, not HA by default.',
  helpUri: ARTICLE,
  evaluate(resource): RuleOutcome[] {
    const type = read(resource, 'properties.computeType');
    if (type.kind === 'unknown') return [unknownOutcome(type, 'the compute type')];
    const value = asString(type);
    if (value?.toLowerCase() === 'computeinstance') {
      return [
        outcome(
          'info',
          'Compute instance: a single Microsoft-managed VM, not highly available. Keep it reproducible from setup scripts.',
          type.path,
          value,
        ),
      ];
    }
    if (value?.toLowerCase() === 'amlcompute') {
      return [
        outcome(
          'info',
          'Compute cluster: Microsoft-managed, not highly available by default. Be ready to recreate it in a secondary workspace.',
          type.path,
          value,
        ),
      ];
    }
    return [];
  },
};
