import type { LinkedResource, RuleOutcome } from '../model.js';

/** What a rule may look at besides the resource itself: the other resources that were scanned. */
export interface RuleContext {
  /** Every resource of the scan, linked (roles assigned). */
  readonly resources: readonly LinkedResource[];
  /** The workspace resource a resource serves, when it serves one. */
  workspaceOf(resource: LinkedResource): LinkedResource | undefined;
  /** Direct children of `parent` of type `type` (case-insensitive; name `${parent.name}/x`, same unit). */
  childrenOf(parent: LinkedResource, type: string): LinkedResource[];
  /** Every resource of type `type` (case-insensitive), from an index built once per scan. */
  ofType(type: string): readonly LinkedResource[];
  /** Find a resource by id (case-insensitive; ids of templates and live compare the same way). */
  byId(id: string): LinkedResource | undefined;
  /** An id as messages show it: a placeholder subscription or resource group as `<subscription>`, … */
  showId(id: string): string;
}

/**
 * One rule of the catalog (docs/rules.md). `evaluate` is pure: the same resource and context give
 * the same outcomes. Returning `[]` means the rule does not apply to that resource.
 */
export interface RuleDefinition {
  /** Stable id, e.g. `HA.Storage.Redundancy`. Never renamed. */
  id: string;
  /** Short title for tables and SARIF `shortDescription`. */
  title: string;
  /** Resource types it applies to (case-insensitive), e.g. `Microsoft.Storage/storageAccounts`. */
  appliesTo: readonly string[];
  /** Help text: what the article asks and what to write instead (SARIF `help`, README). */
  help: string;
  /** The sentence or section of the article it enforces. */
  source: string;
  /** Link to the guidance. */
  helpUri: string;
  /** Related PSRule for Azure rule names. */
  psrule?: readonly string[];
  evaluate(resource: LinkedResource, context: RuleContext): RuleOutcome[];
}
