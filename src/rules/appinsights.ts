import type { RuleOutcome } from '../model.js';
import { ARTICLE, outcome, read } from './read.js';
import type { RuleDefinition } from './types.js';

export const appInsightsRetentionRule: RuleDefinition = {
  id: 'HA.AppInsights.Retention',
  title: 'Application Insights has no HA settings',
  appliesTo: ['Microsoft.Insights/components'],
  help: 'Application Insights offers no HA settings; the data retention period can be adjusted. For a DR plan, create Application Insights for the workspace in both regions.',
  source: 'Application Insights: offers no HA settings; data retention period can be adjusted.',
  helpUri: ARTICLE,
  evaluate(resource): RuleOutcome[] {
    const workspaceId = read(resource, 'properties.WorkspaceResourceId');
    if (workspaceId.kind === 'value' && typeof workspaceId.value === 'string' && workspaceId.value !== '') {
      return [
        outcome(
          'info',
          `No HA settings exist. Workspace-based: retention lives in Log Analytics workspace ${workspaceId.value.split('/').pop()}. For DR, create Application Insights in both regions.`,
          workspaceId.path,
          workspaceId.value,
        ),
      ];
    }
    if (workspaceId.kind === 'unknown') {
      // Set, but to a value known only at deployment (a Log Analytics workspace created alongside):
      // it is workspace-based, not classic.
      return [
        outcome(
          'info',
          `No HA settings exist. Workspace-based: retention lives in the Log Analytics workspace that properties.WorkspaceResourceId names (${workspaceId.reason}). For DR, create Application Insights in both regions.`,
          workspaceId.path,
          workspaceId.reason,
        ),
      ];
    }
    const retention = read(resource, 'properties.RetentionInDays');
    const days = retention.kind === 'value' ? retention.value : 90;
    return [
      outcome(
        'info',
        `No HA settings exist; retention is ${String(days)} days${retention.kind === 'missing' ? ' (default)' : ''}. Classic (non-workspace) components were retired on 2024-02-29: set properties.WorkspaceResourceId. For DR, create Application Insights in both regions.`,
        retention.path,
        retention.kind === 'value' ? retention.value : retention.kind === 'unknown' ? retention.reason : null,
      ),
    ];
  },
};
