/**
 * What one top-level expansion shares across its templates (the scanned template, the nested and
 * linked templates it deploys): the options, the resources and errors found so far, the linked
 * files reached, and the types the public entry point exposes.
 */
import type { FileError, Logger, Resource } from '../../../model.js';
import type { DeploymentContext } from '../expression/api.js';
import type { JsonDocument } from '../jsonc.js';
import { WorkBudget } from '../limits.js';
import type { SuppliedParameter } from '../parameters.js';
import type { ResourceEntry } from './resources.js';

/**
 * A compiled Bicep file's way back to its source: findings must point at the `.bicep` file, at
 * the line of the `resource` declaration or the `param` that set the value.
 */
export interface SourceMap {
  /** Display path of the `.bicep` file. */
  file: string;
  resourceLine(symbolicName: string | undefined, type: string, name: string | undefined): number | undefined;
  parameterLine(name: string): number | undefined;
  /** The source map of the module a nested deployment compiles, by the deployment's symbolic name or name. */
  module?(symbolicName: string | undefined, name: string | undefined): SourceMap | undefined;
  /** Line of the `module` declaration that compiles to this deployment. */
  moduleLine?(symbolicName: string | undefined, name: string | undefined): number | undefined;
}

/** A template document, possibly compiled from Bicep. */
export type TemplateDocument = JsonDocument & { sourceMap?: SourceMap };

export interface ExpandOptions {
  /** The deployment the template runs in; `templateLinkUri` is set per file by the expander. */
  deployment: DeploymentContext;
  /** The top-level scanned template (Resource.unit). */
  unit: string;
  /** Values from a parameters file, keyed by lower-case name. */
  parameters?: Map<string, SuppliedParameter>;
  /** Reads and parses a linked template or parameters file (throws ConfigurationError). */
  readDocument(absolutePath: string): JsonDocument;
  /** Parses a parameters document into supplied values (throws ConfigurationError). */
  readParameters(document: JsonDocument): Map<string, SuppliedParameter>;
  /** Notes for the user (linked templates that cannot be followed). */
  logger?: Logger;
  /** Whether a file exists (maps linked templates published on the web to the copy beside the template). */
  fileExists?(absolutePath: string): boolean;
  /**
   * Resource types whose findings may need lines (`Resource.locate`); resources of other types
   * are emitted without it, so their templates are not kept in memory. Default: every type.
   */
  locatable?(type: string): boolean;
}

export interface ExpandResult {
  resources: Resource[];
  errors: FileError[];
  /** Absolute paths of the templates reached through `templateLink` (not to be scanned on their own). */
  linkedFiles: Set<string>;
  /** Evaluation steps taken and the largest value built, against limits.ts (benchmarks read them). */
  work?: { steps: number; largestValue: number };
}

/** The shared state of one expansion (all frames of one top-level template). */
export class Expansion {
  readonly resources: Resource[] = [];
  /** The declaration each emitted resource comes from (for the deployment order of redeclared ones). */
  readonly declarations = new WeakMap<Resource, ResourceEntry>();
  readonly errors: FileError[] = [];
  readonly linkedFiles = new Set<string>();
  /** Linked template URLs already mapped to a local file (or to none). */
  readonly localCopies = new Map<string, string | undefined>();
  /** The work this template and everything it deploys may take (limits.ts). */
  readonly budget = new WorkBudget();
  private readonly errorKeys = new Set<string>();
  private scopes = 0;
  constructor(readonly options: ExpandOptions) {}

  /**
   * A new template scope: what its parameters with no value are named by (symbols.ts), so that
   * a nested template's own parameter is never taken for the outer one of the same name.
   */
  newScope(): string {
    return `${this.options.unit}#${this.scopes++}`;
  }

  addError(error: FileError): void {
    // The same mistake repeated in several resources of a file is reported once, at its first line.
    const key = `${error.file}\n${error.message}`;
    if (this.errorKeys.has(key)) return;
    this.errorKeys.add(key);
    this.errors.push(error);
  }
}
