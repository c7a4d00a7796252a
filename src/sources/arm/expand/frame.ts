/**
 * One template being evaluated (the scanned template, or a nested or linked one): the scope its
 * expressions see. It wires ARM's phases, each in its own module, in the order ARM runs them:
 * parameters are bound and checked (parameters.ts), variables and user functions are read
 * (variables.ts, functions.ts), resources are declared with their copy loops and conditions
 * (resources.ts), their bodies evaluated and emitted (bodies.ts), nested and linked deployments
 * run (deployments.ts), outputs computed (outputs.ts); lines are worked out on demand
 * (locations.ts). ARM's limits on each section are checked as they are read (counts.ts).
 *
 * Evaluated values are shared, never copied: nothing downstream changes them in place.
 */
import { ConfigurationError } from '../../../errors.js';
import { UnknownValue, isUnknown, type SourceLocation, type Value } from '../../../model.js';
import type { DeploymentContext, ExpressionScope, UserFunction } from '../expression/api.js';
import { childAt, type JsonObject, type JsonPath, type JsonValue } from '../jsonc.js';
import { TemplateLimitError } from '../limits.js';
import { emit, evaluateEntry } from './bodies.js';
import { checkDeclarations } from './counts.js';
import { expandDeployment } from './deployments.js';
import type { Expansion, SourceMap, TemplateDocument } from './expansion.js';
import { readUserFunctions } from './functions.js';
import { Locator } from './locations.js';
import { ParameterBinding, type Supply } from './parameters.js';
import {
  findEntry,
  isDeploymentType,
  registerResources,
  type Loop,
  type ResourceEntry,
} from './resources.js';
import { evaluateTemplateText, evaluateValue } from './values.js';
import { Variables } from './variables.js';

export class Frame implements ExpressionScope {
  readonly parameters: ParameterBinding;
  readonly variables: Variables;
  readonly userFunctions: Map<string, UserFunction>;
  readonly locator: Locator;
  /** Templates on the way to this one (a linked template never links back into its own chain). */
  chain: ReadonlySet<string> = new Set();
  /** The copy loops around the value being evaluated, innermost last. */
  loops: Loop[] = [];
  /** Declared resources, in declaration order (copies expanded). */
  readonly entries: ResourceEntry[] = [];
  /** Resources it deploys (not `existing`), against ARM's limit (counts.ts). */
  resourceCount = 0;
  /** Deployed status inherited from the deployment that runs this template. */
  inheritedDeployed: true | UnknownValue = true;
  /** The resource group and subscription it deploys to are known (not stand-ins). */
  scopeKnown = true;
  /** The deployment that runs this template (none for the scanned template). */
  deployedBy: ResourceEntry | undefined;
  /** The top-level template being scanned, once `run` starts. */
  unit: string | undefined;
  /** The declaration being evaluated: errors without a line of their own point at it. */
  anchor: JsonPath | undefined;

  constructor(
    readonly expansion: Expansion,
    readonly doc: TemplateDocument,
    readonly template: JsonObject,
    /** Where the template is in `doc` (`[]`, or a nested deployment's `properties.template`). */
    readonly templatePath: JsonPath,
    readonly deployment: DeploymentContext,
    supplied: Supply | undefined,
    readonly depth: number,
    /** Outer-scope nested templates see the parameters and variables of the template around them. */
    readonly outer?: Frame,
    readonly sourceMap: SourceMap | undefined = doc.sourceMap,
  ) {
    this.parameters = outer ? outer.parameters : new ParameterBinding(this, supplied);
    this.variables = outer ? outer.variables : new Variables(this);
    this.locator = outer ? outer.locator : new Locator(this);
    this.userFunctions = outer ? outer.userFunctions : new Map();
    if (!outer) readUserFunctions(template, this.userFunctions);
  }

  // ---- ExpressionScope -------------------------------------------------------------------------

  parameter(name: string): Value {
    return this.parameters.value(name).value;
  }

  variable(name: string): Value {
    return this.variables.value(name);
  }

  copyIndex(loopName: string | undefined): number | undefined {
    const loops = this.loops;
    if (loopName === undefined) {
      for (let i = loops.length - 1; i >= 0; i--) if (loops[i].kind === 'resource') return loops[i].index;
      return loops.length > 0 ? loops[loops.length - 1].index : undefined;
    }
    const lower = loopName.toLowerCase();
    for (let i = loops.length - 1; i >= 0; i--) {
      if (loops[i].name?.toLowerCase() === lower) return loops[i].index;
    }
    return undefined;
  }

  reference(target: Value, _apiVersion: Value | undefined, full: boolean): Value {
    if (typeof target !== 'string') {
      return isUnknown(target)
        ? target
        : new UnknownValue('reference() to a resource that is not named by a string');
    }
    const entry = findEntry(this, target);
    if (!entry) return new UnknownValue(`reference('${target}'): resource not declared in this template`);
    const body = evaluateEntry(entry);
    if (!body) return new UnknownValue(`reference('${target}'): resource refers to itself`);
    if (isDeploymentType(entry.type) && !entry.expanded && entry.frame.unit !== undefined) {
      // Its outputs are needed now: expand it ahead of its turn (once).
      expandDeployment(entry.frame, entry, entry.frame.unit);
    }
    if (full) return { ...body, resourceId: entry.id };
    return body.properties ?? {};
  }

  // ---- evaluation ------------------------------------------------------------------------------

  /** Evaluates a template value (see values.ts); literal parts come back as the same objects. */
  evaluate(value: JsonValue): Value {
    return evaluateValue(this, value);
  }

  /** A template string: literal, `[[`-escaped or an expression. Failures become UnknownValue. */
  evaluateString(text: string): Value {
    return evaluateTemplateText(this, text);
  }

  /**
   * Runs `body` with the copy loops and the declaration being evaluated set, and restores them
   * after: evaluation jumps between declarations (a variable, a parameter default, a resource).
   */
  within<T>(loops: Loop[], anchor: JsonPath | undefined, body: () => T): T {
    const savedLoops = this.loops;
    const savedAnchor = this.anchor;
    this.loops = loops;
    this.anchor = anchor;
    try {
      return body();
    } catch (error) {
      // A limit is reported at the declaration being evaluated when it was reached.
      if (error instanceof TemplateLimitError) throw error.at(this.doc.file, this.anchorLine());
      throw error;
    } finally {
      this.loops = savedLoops;
      this.anchor = savedAnchor;
    }
  }

  /** Line of the declaration being evaluated, for errors found inside it. */
  anchorLine(): number | undefined {
    return this.anchor ? this.doc.lineOf(this.anchor) : undefined;
  }

  /** Where an error found in this template is, for a `FileError`. */
  errorAt(error: ConfigurationError, line?: number): { file: string; line?: number; message: string } {
    return { file: error.file ?? this.doc.file, line: error.line ?? line, message: error.message };
  }

  /** Where a value was written, traced to the parameter or variable behind it (locations.ts). */
  valueLocation(raw: JsonValue, rawPath: JsonPath, fallback: SourceLocation | undefined): SourceLocation {
    return this.locator.valueLocation(this, raw, rawPath, fallback);
  }

  // ---- the template's phases -------------------------------------------------------------------

  /** Binds and checks the parameters, declares and emits the resources of this template. */
  run(unit: string): void {
    this.unit = unit;
    checkDeclarations(this);
    this.parameters.validate();
    try {
      registerResources(this, childAt(this.template, this.templatePath, 'resources'), undefined);
    } catch (error) {
      if (error instanceof TemplateLimitError) throw error.at(this.doc.file, this.anchorLine());
      if (!(error instanceof ConfigurationError)) throw error;
      this.expansion.addError(this.errorAt(error));
    }
    emit(this, unit);
  }
}
