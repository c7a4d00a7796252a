import { displayId, type DeploymentSettings } from './deployment-settings.js';
import { linkResources, type GraphOptions } from './graph.js';
import {
  isUnknown,
  type Finding,
  type LinkedResource,
  type Resource,
  type RuleOutcome,
  type SourceLocation,
} from './model.js';
import { RULES } from './rules/index.js';
import type { RuleContext, RuleDefinition } from './rules/types.js';

/**
 * Runs the rule catalog over resources from any source: links them (roles), applies each rule
 * whose types match, and turns outcomes into findings with resource, workspace and location.
 */
export function evaluateResources(
  resources: Resource[],
  rules: readonly RuleDefinition[] = RULES,
  options: GraphOptions = {},
): Finding[] {
  const linked = linkResources(resources, options);
  const context = buildContext(linked, options.deployment ?? {});
  const byType = new Map<string, RuleDefinition[]>();
  for (const rule of rules) {
    for (const type of rule.appliesTo) {
      const key = type.toLowerCase();
      const list = byType.get(key);
      if (list) list.push(rule);
      else byType.set(key, [rule]);
    }
  }

  const findings: Finding[] = [];
  for (const resource of linked) {
    for (const rule of byType.get(resource.type.toLowerCase()) ?? []) {
      const outcomes = rule.evaluate(resource, context);
      // A resource whose properties cannot be known: every rule that applies to it (that says
      // anything about a resource of its type and role) cannot tell.
      if (resource.readError && outcomes.length > 0)
        outcomes.splice(0, outcomes.length, unreadable(resource.readError));
      for (const outcome of outcomes) findings.push(toFinding(rule, resource, adjust(outcome, resource)));
    }
  }
  const order = new Map(rules.map((rule, index) => [rule.id, index]));
  return findings.sort(
    (a, b) =>
      (a.workspace ?? '\uffff').localeCompare(b.workspace ?? '\uffff') ||
      a.resource.type.localeCompare(b.resource.type) ||
      a.resource.name.localeCompare(b.resource.name) ||
      (order.get(a.ruleId) ?? 0) - (order.get(b.ruleId) ?? 0),
  );
}

function unreadable(reason: string): RuleOutcome {
  return { status: 'unknown', message: `Cannot tell: ${reason}`, evidence: { path: '', value: reason } };
}

/** What the engine changes for every rule alike: deployment conditions and Microsoft-managed resources. */
function adjust(outcome: RuleOutcome, resource: LinkedResource): RuleOutcome {
  if (resource.role === 'microsoftManaged') {
    return {
      ...outcome,
      status: 'info',
      message: `${outcome.message} Managed by Microsoft (resource group ${resource.resourceGroup ?? ''}); cannot be changed.`,
    };
  }
  if (
    isUnknown(resource.deployed) &&
    (outcome.status === 'pass' || outcome.status === 'fail' || outcome.status === 'warn')
  ) {
    return {
      ...outcome,
      status: 'unknown',
      message: `Deployed only if ${resource.deployed.reason}: would be ${outcome.status}. ${outcome.message}`,
    };
  }
  return outcome;
}

function toFinding(rule: RuleDefinition, resource: LinkedResource, outcome: RuleOutcome): Finding {
  // A dependency of the templates read from Azure: say so, and annotate the property that names it.
  const fromAzure = resource.origin === 'live' && resource.dependencyOf !== undefined && !resource.readError;
  const finding: Finding = {
    ruleId: rule.id,
    status: outcome.status,
    message: fromAzure ? `Read from Azure: ${outcome.message}` : outcome.message,
    resource: { type: resource.type, name: resource.name, id: resource.id, role: resource.role },
    evidence: {
      path: outcome.evidence.path,
      value: isUnknown(outcome.evidence.value) ? outcome.evidence.value.reason : outcome.evidence.value,
    },
    regression: false,
  };
  if (resource.workspace !== undefined) finding.workspace = resource.workspace;
  const referrer = resource.dependencyOf;
  const location = referrer
    ? (referrer.resource.locate?.(referrer.path) ?? locate(referrer.resource, referrer.path))
    : resource.origin !== 'template'
      ? undefined
      : resource.locate
        ? resource.locate(outcome.evidence.path)
        : locate(resource, outcome.evidence.path);
  if (location) finding.location = { file: location.file, line: location.line };
  return finding;
}

/** The line that set the value read, else the nearest parent path that has one, else the declaration. */
function locate(resource: Resource, path: string): SourceLocation | undefined {
  const locations = resource.locations ?? {};
  let current = path;
  while (current) {
    const found = locations[current];
    if (found) return found;
    const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
    current = cut > 0 ? current.slice(0, cut) : '';
  }
  return resource.source;
}

function buildContext(linked: LinkedResource[], deployment: DeploymentSettings): RuleContext {
  const byId = new Map(linked.map((resource) => [resource.id.toLowerCase(), resource]));
  const workspaces = new Map(
    linked
      .filter((resource) => resource.role === 'workspace')
      .map((resource) => [resource.name.toLowerCase(), resource] as const),
  );
  const children = new Map<string, LinkedResource[]>();
  const byType = new Map<string, LinkedResource[]>();
  for (const resource of linked) {
    const type = resource.type.toLowerCase();
    const sameType = byType.get(type);
    if (sameType) sameType.push(resource);
    else byType.set(type, [resource]);
    const cut = resource.name.lastIndexOf('/');
    if (cut < 0) continue;
    const key = childKey(resource.type, resource.name.slice(0, cut), resource.unit);
    const list = children.get(key);
    if (list) list.push(resource);
    else children.set(key, [resource]);
  }
  return {
    resources: linked,
    workspaceOf: (resource) =>
      resource.workspace ? workspaces.get(resource.workspace.toLowerCase()) : undefined,
    childrenOf: (parent, type) => children.get(childKey(type, parent.name, parent.unit)) ?? [],
    byId: (id) => byId.get(id.toLowerCase()),
    ofType: (type) => byType.get(type.toLowerCase()) ?? [],
    showId: (id) => displayId(id, deployment),
  };
}

function childKey(type: string, parentName: string, unit: string | undefined): string {
  return `${type}|${parentName}|${unit ?? ''}`.toLowerCase();
}
