import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node } from 'jsonc-parser';
import { ConfigurationError } from '../../errors.js';
import {
  UnknownValue,
  isUnknown,
  type FileError,
  type Logger,
  type ObjectValue,
  type Resource,
  type SourceLocation,
  type Value,
} from '../../model.js';
import type { DeploymentContext, ExpressionScope, UserFunction } from './expression/api.js';
import { evaluateTemplateString, isExpression } from './expression/index.js';
import { buildResourceId, scopeOfSchema } from './deployment-context.js';
import { entries, plainValue, property, stringProperty, unmask, type JsonDocument } from './jsonc.js';
import type { SuppliedParameter } from './parameters.js';

/** ARM's limit on the iterations of one copy loop. */
export const COPY_LIMIT = 800;
/** Nested / linked deployments deeper than this are not followed (cycles, runaway templates). */
const MAX_DEPLOYMENT_DEPTH = 10;
/** Sub-paths recorded for one value that came whole from a parameter or variable. */
const MAX_DEEP_LOCATIONS = 200;

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
export interface TemplateDocument extends JsonDocument {
  sourceMap?: SourceMap;
}

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
}

export interface ExpandResult {
  resources: Resource[];
  errors: FileError[];
  /** Absolute paths of the templates reached through `templateLink` (not to be scanned on their own). */
  linkedFiles: Set<string>;
}

interface ParameterEntry {
  name: string;
  declaration: Node;
  /** Resolved on first use. */
  resolved?: { value: Value; location?: SourceLocation };
  resolving?: boolean;
  supplied?: SuppliedParameter;
  secure: boolean;
}

interface Loop {
  name: string | undefined;
  index: number;
  kind: 'resource' | 'property' | 'variable';
}

interface ResourceEntry {
  frame: Frame;
  node: Node;
  symbolicName?: string;
  type: string;
  name: string;
  id: string;
  loops: Loop[];
  deployed: true | UnknownValue;
  existing: boolean;
  line: number;
  body?: ObjectValue;
  locations?: Record<string, SourceLocation>;
  evaluating?: boolean;
  /** Deployments: the template it runs has been expanded (outputs known). */
  expanded?: boolean;
}

interface EvalTarget {
  path: string;
  locations?: Record<string, SourceLocation>;
  /** Location used for bicep-compiled templates when no parameter set the value. */
  fallback?: SourceLocation;
}

const BODY_SKIPPED = new Set([
  'copy',
  'condition',
  'dependson',
  'resources',
  'comments',
  'existing',
  'import',
]);

/** Evaluation that records no locations (names, conditions, counts, variables). */
const NO_TARGET: EvalTarget = { path: '' };

/** The target of a child value: the same when nothing is recorded, else one with the longer path. */
function child(target: EvalTarget, path: string): EvalTarget {
  return target.locations ? { path, locations: target.locations, fallback: target.fallback } : NO_TARGET;
}

function pathJoin(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The shared state of one expansion (all frames of one top-level template). */
class Expansion {
  readonly resources: Resource[] = [];
  readonly errors: FileError[] = [];
  readonly linkedFiles = new Set<string>();
  readonly localCopies = new Map<string, string | undefined>();
  readonly locationCache = new Map<JsonDocument, SourceLocation[]>();
  private readonly errorKeys = new Set<string>();
  constructor(readonly options: ExpandOptions) {}

  addError(error: FileError): void {
    // The same mistake repeated in several resources of a file is reported once, at its first line.
    const key = `${error.file}\n${error.message}`;
    if (this.errorKeys.has(key)) return;
    this.errorKeys.add(key);
    this.errors.push(error);
  }
}

/**
 * One template being evaluated: its parameters, variables, functions, copy-loop stack and
 * resources. It is the `ExpressionScope` the evaluator calls back into.
 */
class Frame implements ExpressionScope {
  readonly parameters = new Map<string, ParameterEntry>();
  readonly variableNodes = new Map<string, { name: string; node: Node; copy?: Node }>();
  private readonly variableValues = new Map<string, Value>();
  private readonly variableStack: string[] = [];
  private readonly variableTraces = new Map<string, Set<string>>();
  private readonly expressionTraces = new Map<string, Set<string>>();
  /** Templates on the way to this one (a linked template never links back into its own chain). */
  chain: ReadonlySet<string> = new Set();
  loops: Loop[] = [];
  readonly entries: ResourceEntry[] = [];
  readonly userFunctions: Map<string, UserFunction>;
  /** Deployed status inherited from the deployment that runs this template. */
  inheritedDeployed: true | UnknownValue = true;
  /** The top-level template being scanned, once `run` starts. */
  unit: string | undefined;

  constructor(
    readonly expansion: Expansion,
    readonly doc: TemplateDocument,
    readonly template: Node,
    readonly deployment: DeploymentContext,
    supplied: Map<string, SuppliedParameter> | undefined,
    readonly depth: number,
    /** Outer-scope nested templates see the parameters and variables of the template around them. */
    readonly outer?: Frame,
    readonly sourceMap: SourceMap | undefined = doc.sourceMap,
  ) {
    this.userFunctions = outer ? outer.userFunctions : new Map();
    if (outer) return;
    for (const [name, declaration] of entries(property(template, 'parameters'))) {
      const type = (stringProperty(declaration, 'type') ?? '').toLowerCase();
      this.parameters.set(name.toLowerCase(), {
        name,
        declaration,
        supplied: supplied?.get(name.toLowerCase()),
        secure: type === 'securestring' || type === 'secureobject',
      });
    }
    for (const [name, node] of entries(property(template, 'variables'))) {
      if (name.toLowerCase() === 'copy' && node.type === 'array') {
        for (const spec of node.children ?? []) {
          const loopName = stringProperty(spec, 'name');
          if (loopName)
            this.variableNodes.set(loopName.toLowerCase(), { name: loopName, node: spec, copy: spec });
        }
      } else this.variableNodes.set(name.toLowerCase(), { name, node });
    }
    const functions = property(template, 'functions');
    for (const group of functions?.type === 'array' ? (functions.children ?? []) : []) {
      const namespace = stringProperty(group, 'namespace') ?? '';
      for (const [member, definition] of entries(property(group, 'members'))) {
        const parameters = (property(definition, 'parameters')?.children ?? []).map((p) => ({
          name: stringProperty(p, 'name') ?? '',
        }));
        const outputNode = property(property(definition, 'output'), 'value');
        this.userFunctions.set(`${namespace}.${member}`.toLowerCase(), {
          parameters,
          output: outputNode ? plainValue(outputNode, doc.masked) : null,
        });
      }
    }
  }

  // ---- ExpressionScope -------------------------------------------------------------------------

  parameter(name: string): Value {
    return this.parameterEntry(name).value;
  }

  variable(name: string): Value {
    if (this.outer) return this.outer.variable(name);
    const key = name.toLowerCase();
    const cached = this.variableValues.get(key);
    if (cached !== undefined) return cached;
    const definition = this.variableNodes.get(key);
    if (!definition) {
      throw new ConfigurationError(`variable '${name}' is not defined`, this.doc.file);
    }
    if (this.variableStack.includes(key)) {
      const cycle = [...this.variableStack.slice(this.variableStack.indexOf(key)), key]
        .map((k) => this.variableNodes.get(k)?.name ?? k)
        .join(' → ');
      throw new ConfigurationError(
        `variables form a cycle: ${cycle}. Break the cycle by computing one of them without the others.`,
        this.doc.file,
        this.lineOf(this.variableNodes.get(this.variableStack[this.variableStack.indexOf(key)])!.node),
      );
    }
    this.variableStack.push(key);
    const savedLoops = this.loops;
    this.loops = [];
    try {
      const value = definition.copy
        ? this.evaluateCopyLoop(definition.copy, NO_TARGET, 'variable')
        : this.evaluate(definition.node, NO_TARGET);
      this.variableValues.set(key, value);
      return value;
    } finally {
      this.loops = savedLoops;
      this.variableStack.pop();
    }
  }

  copyIndex(loopName: string | undefined): number | undefined {
    if (loopName === undefined) {
      for (let i = this.loops.length - 1; i >= 0; i--)
        if (this.loops[i].kind === 'resource') return this.loops[i].index;
      return this.loops.length > 0 ? this.loops[this.loops.length - 1].index : undefined;
    }
    const lower = loopName.toLowerCase();
    for (let i = this.loops.length - 1; i >= 0; i--) {
      if (this.loops[i].name?.toLowerCase() === lower) return this.loops[i].index;
    }
    return undefined;
  }

  reference(target: Value, _apiVersion: Value | undefined, full: boolean): Value {
    if (typeof target !== 'string') {
      return isUnknown(target)
        ? target
        : new UnknownValue('reference() to a resource that is not named by a string');
    }
    const entry = this.findEntry(target);
    if (!entry) return new UnknownValue(`reference('${target}'): resource not declared in this template`);
    const body = entry.frame.evaluateEntry(entry);
    if (!body) return new UnknownValue(`reference('${target}'): resource refers to itself`);
    if (isDeploymentType(entry.type) && !entry.expanded && entry.frame.unit !== undefined) {
      // Its outputs are needed now: expand it ahead of its turn (once).
      entry.frame.expandDeployment(entry, entry.frame.unit);
    }
    if (full) return { ...body, resourceId: entry.id };
    return body.properties ?? {};
  }

  // ---- parameters ------------------------------------------------------------------------------

  private parameterEntry(name: string): { value: Value; location?: SourceLocation } {
    if (this.outer) return this.outer.parameterEntry(name);
    const entry = this.parameters.get(name.toLowerCase());
    if (!entry) {
      throw new ConfigurationError(`parameter '${name}' is not declared in the template`, this.doc.file);
    }
    if (entry.resolved) return entry.resolved;
    if (entry.resolving) {
      throw new ConfigurationError(
        `parameter '${entry.name}' has a default value that refers to itself`,
        this.doc.file,
      );
    }
    entry.resolving = true;
    try {
      entry.resolved = this.resolveParameter(entry);
      return entry.resolved;
    } finally {
      entry.resolving = false;
    }
  }

  private resolveParameter(entry: ParameterEntry): { value: Value; location?: SourceLocation } {
    const defaultNode = property(entry.declaration, 'defaultValue');
    let value: Value;
    let location: SourceLocation | undefined;
    if (entry.supplied) {
      value = entry.supplied.value;
      location = entry.supplied.location;
    } else if (defaultNode) {
      const saved = this.loops;
      this.loops = [];
      try {
        value = this.evaluate(defaultNode, NO_TARGET);
      } finally {
        this.loops = saved;
      }
      location = this.sourceMap ? this.declarationLocation(entry) : this.locate(defaultNode, undefined);
    } else if (property(entry.declaration, 'nullable')?.value === true) {
      value = null;
      location = this.declarationLocation(entry);
    } else {
      value = new UnknownValue(`parameter '${entry.name}' has no value: set it in a parameters file`);
      location = this.declarationLocation(entry);
    }
    if (entry.secure && !isEmptyValue(value)) value = new UnknownValue(`secure parameter ${entry.name}`);
    return { value, location };
  }

  private declarationLocation(entry: ParameterEntry): SourceLocation {
    if (this.sourceMap) {
      return { file: this.sourceMap.file, line: this.sourceMap.parameterLine(entry.name) ?? 1 };
    }
    return { file: this.doc.file, line: this.lineOf(entry.declaration) };
  }

  /** Checks every parameter value against its `allowedValues`, as ARM does before deploying. */
  validateParameters(): void {
    for (const entry of this.parameters.values()) {
      const allowedNode = property(entry.declaration, 'allowedValues');
      let resolved;
      try {
        resolved = this.parameterEntry(entry.name);
      } catch (error) {
        if (error instanceof ConfigurationError) {
          this.expansion.addError({
            file: error.file ?? this.doc.file,
            line: error.line,
            message: error.message,
          });
          continue;
        }
        throw error;
      }
      if (!allowedNode || allowedNode.type !== 'array' || entry.secure) continue;
      const allowed = plainValue(allowedNode, this.doc.masked) as unknown[];
      const values =
        Array.isArray(resolved.value) && !allowed.some(Array.isArray) ? resolved.value : [resolved.value];
      for (const value of values) {
        if (containsUnknown(value)) continue;
        if (!allowed.some((candidate) => sameValue(candidate, value))) {
          const where = resolved.location ?? this.declarationLocation(entry);
          const declared = this.sourceMap
            ? `${this.sourceMap.file}:${this.sourceMap.parameterLine(entry.name) ?? 1}`
            : `${this.doc.file}:${this.lineOf(allowedNode)}`;
          this.expansion.addError({
            file: where.file,
            line: where.line,
            message: `parameter '${entry.name}' is ${JSON.stringify(value)}, which is not one of its allowed values (${allowed
              .map((a) => JSON.stringify(a))
              .join(', ')}, declared at ${declared}). Use one of them.`,
          });
        }
      }
    }
  }

  // ---- evaluation ------------------------------------------------------------------------------

  /** One shared (read-only) location object per line of this file: thousands of paths point at few lines. */
  private locationAt(line: number): SourceLocation {
    let byLine = this.expansion.locationCache.get(this.doc);
    if (!byLine) {
      byLine = [];
      this.expansion.locationCache.set(this.doc, byLine);
    }
    return (byLine[line] ??= { file: this.doc.file, line });
  }

  lineOf(node: Node): number {
    return this.doc.lines.lineAt(node.offset);
  }

  /** Evaluates a template value (expressions, property copy loops), recording where each path was set. */
  evaluate(node: Node, target: EvalTarget): Value {
    switch (node.type) {
      case 'string': {
        const raw = node.value as string;
        const text = this.doc.masked ? unmask(raw) : raw;
        if (text.charCodeAt(0) !== 0x5b /* [ */) {
          if (target.locations) this.record(target, node, undefined, text);
          return text;
        }
        const value = this.evaluateString(text);
        if (target.locations) this.record(target, node, isExpression(text) ? text : undefined, value);
        return value;
      }
      case 'number':
      case 'boolean':
      case 'null': {
        const value = node.value as Value;
        this.record(target, node, undefined, value);
        return value;
      }
      case 'array': {
        if (target.locations && target.path)
          target.locations[target.path] = this.locate(node, target.fallback);
        return (node.children ?? []).map((item, i) =>
          this.evaluate(item, target.locations ? child(target, `${target.path}[${i}]`) : NO_TARGET),
        );
      }
      case 'object': {
        if (target.locations && target.path)
          target.locations[target.path] = this.locate(node, target.fallback);
        const out: ObjectValue = {};
        for (const [rawKey, valueNode] of entries(node)) {
          if (rawKey.toLowerCase() === 'copy' && isPropertyCopy(valueNode)) {
            for (const spec of valueNode.children ?? []) {
              const name = stringProperty(spec, 'name') ?? 'copy';
              out[name] = this.evaluateCopyLoop(
                spec,
                target.locations ? child(target, pathJoin(target.path, name)) : NO_TARGET,
                'property',
              );
            }
            continue;
          }
          let key = rawKey;
          if (rawKey.charCodeAt(0) === 0x5b) {
            const evaluated = this.evaluateString(rawKey);
            key = typeof evaluated === 'string' ? evaluated : rawKey;
          }
          out[key] = this.evaluate(
            valueNode,
            target.locations ? child(target, pathJoin(target.path, key)) : NO_TARGET,
          );
        }
        return out;
      }
      default:
        return null;
    }
  }

  /** A template string: literal, `[[`-escaped or an expression. Failures become UnknownValue. */
  evaluateString(text: string): Value {
    try {
      return evaluateTemplateString(text, this);
    } catch (error) {
      if (error instanceof ConfigurationError) throw error;
      const message = describe(error);
      if (/\breference\s*\(/i.test(text) && /doesn't exist/.test(message)) {
        // reference() gives the declared properties; runtime ones (endpoints, keys) exist only once deployed.
        return new UnknownValue(`${truncate(text)}: a runtime property of a deployed resource`);
      }
      return new UnknownValue(`${truncate(text)}: ${message}`);
    }
  }

  /** `copy: [{ name, count, input }]` in properties and variables, or a `variables.copy` entry. */
  evaluateCopyLoop(spec: Node, target: EvalTarget, kind: Loop['kind']): Value {
    const name = stringProperty(spec, 'name');
    const countNode = property(spec, 'count');
    const inputNode = property(spec, 'input');
    if (!countNode || !inputNode) {
      throw new ConfigurationError(
        `copy loop '${name ?? '?'}' needs both "count" and "input"`,
        this.doc.file,
        this.lineOf(spec),
      );
    }
    const count = this.evaluate(countNode, NO_TARGET);
    if (isUnknown(count)) return new UnknownValue(`copy loop '${name}' count: ${count.reason}`);
    const n = this.copyCount(count, name, countNode);
    const items: Value[] = [];
    for (let i = 0; i < n; i++) {
      this.loops.push({ name, index: i, kind });
      try {
        items.push(
          this.evaluate(inputNode, target.locations ? child(target, `${target.path}[${i}]`) : NO_TARGET),
        );
      } finally {
        this.loops.pop();
      }
    }
    return items;
  }

  copyCount(count: Value, name: string | undefined, node: Node): number {
    const n = typeof count === 'string' && /^\d+$/.test(count) ? Number(count) : count;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw new ConfigurationError(
        `copy loop '${name ?? '?'}' count is ${JSON.stringify(count)}: it must be a whole number from 0 to ${COPY_LIMIT}`,
        this.doc.file,
        this.lineOf(node),
      );
    }
    if (n > COPY_LIMIT) {
      throw new ConfigurationError(
        `copy loop '${name ?? '?'}' count is ${n}, above ARM's limit of ${COPY_LIMIT} iterations`,
        this.doc.file,
        this.lineOf(node),
      );
    }
    return n;
  }

  // ---- locations -------------------------------------------------------------------------------

  private record(target: EvalTarget, node: Node, expression: string | undefined, value: Value): void {
    if (!target.locations || !target.path) return;
    const location = this.locate(node, target.fallback, expression);
    target.locations[target.path] = location;
    if (expression && value !== null && typeof value === 'object' && !isUnknown(value)) {
      recordDeep(target.locations, target.path, value, location, { count: 0 });
    }
  }

  /**
   * Where the user must edit to change a value: the parameter value (parameters file or default)
   * or the variable behind an expression when it depends on exactly one, else the value's own line.
   */
  locate(node: Node, fallback: SourceLocation | undefined, expression?: string): SourceLocation {
    if (expression) {
      const sources = this.traceSources(expression, 0);
      if (sources.size === 1) {
        const only = [...sources][0];
        const location = this.sourceLocation(only);
        if (location) return location;
      }
    }
    if (this.sourceMap) return fallback ?? { file: this.sourceMap.file, line: 1 };
    return this.locationAt(this.lineOf(node));
  }

  private sourceLocation(source: string): SourceLocation | undefined {
    const [kind, name] = [source.slice(0, 2), source.slice(2)];
    if (kind === 'p:') {
      try {
        return this.parameterEntry(name).location;
      } catch {
        return undefined;
      }
    }
    const definition = this.variableNodes.get(name);
    if (!definition) return undefined;
    if (this.sourceMap) return undefined;
    return this.locationAt(this.lineOf(definition.node));
  }

  /** The parameters (`p:name`) and literal variables (`v:name`) an expression depends on. */
  private traceSources(expression: string, depth: number): Set<string> {
    if (this.outer) return this.outer.traceSources(expression, depth);
    if (depth === 0) {
      let cached = this.expressionTraces.get(expression);
      if (!cached) {
        cached = this.traceSourcesUncached(expression, depth);
        this.expressionTraces.set(expression, cached);
      }
      return cached;
    }
    return this.traceSourcesUncached(expression, depth);
  }

  private traceSourcesUncached(expression: string, depth: number): Set<string> {
    const sources = new Set<string>();
    if (!/parameters|variables/i.test(expression)) return sources;
    if (depth > 8) return sources;
    for (const match of expression.matchAll(/\bparameters\s*\(\s*'([^']*)'\s*\)/gi)) {
      sources.add(`p:${match[1].toLowerCase()}`);
    }
    for (const match of expression.matchAll(/\bvariables\s*\(\s*'([^']*)'\s*\)/gi)) {
      for (const source of this.traceVariable(match[1].toLowerCase(), depth + 1)) sources.add(source);
    }
    return sources;
  }

  private traceVariable(key: string, depth: number): Set<string> {
    const cached = this.variableTraces.get(key);
    if (cached) return cached;
    const result = new Set<string>();
    this.variableTraces.set(key, result);
    const definition = this.variableNodes.get(key);
    if (!definition || definition.copy) return result;
    const node = definition.node;
    if (node.type === 'string' && isExpression(node.value as string)) {
      for (const source of this.traceSources(node.value as string, depth)) result.add(source);
    } else if (node.type !== 'object' && node.type !== 'array') {
      result.add(`v:${key}`);
    } else {
      const texts: string[] = [];
      collectStrings(node, texts, 50);
      const inner = new Set<string>();
      for (const text of texts)
        if (isExpression(text)) for (const s of this.traceSources(text, depth)) inner.add(s);
      if (inner.size === 0) result.add(`v:${key}`);
      else for (const s of inner) result.add(s);
    }
    return result;
  }

  // ---- resources -------------------------------------------------------------------------------

  findEntry(target: string): ResourceEntry | undefined {
    const lower = target.toLowerCase();
    const all = this.allEntries();
    return (
      all.find((e) => e.id.toLowerCase() === lower) ??
      all.find((e) => e.symbolicName?.toLowerCase() === lower) ??
      all.find((e) => e.name.toLowerCase() === lower) ??
      (lower.includes('/providers/') ? all.find((e) => lower.endsWith(providerTail(e.id))) : undefined)
    );
  }

  private allEntries(): ResourceEntry[] {
    return this.outer ? [...this.entries, ...this.outer.allEntries()] : this.entries;
  }

  /** Declares the resources of a `resources` array or (languageVersion 2.0) object. */
  registerResources(resourcesNode: Node | undefined, parent: ResourceEntry | undefined): void {
    if (!resourcesNode) return;
    const declared: [Node, string | undefined][] =
      resourcesNode.type === 'array'
        ? (resourcesNode.children ?? []).map((node) => [node, undefined])
        : entries(resourcesNode).map(([symbolicName, node]) => [node, symbolicName]);
    for (const [node, symbolicName] of declared) {
      try {
        this.registerResource(node, symbolicName, parent);
      } catch (error) {
        // One bad resource is one error; the template's other resources are still evaluated.
        if (!(error instanceof ConfigurationError)) throw error;
        this.expansion.addError({
          file: error.file ?? this.doc.file,
          line: error.line ?? this.lineOf(node),
          message: error.message,
        });
      }
    }
  }

  private registerResource(
    node: Node,
    symbolicName: string | undefined,
    parent: ResourceEntry | undefined,
  ): void {
    if (node.type !== 'object') return;
    const line = this.lineOf(
      symbolicName ? (node.parent?.children?.[0] ?? node) : (property(node, 'name') ?? node),
    );
    const copy = property(node, 'copy');
    const parentLoops = parent ? parent.loops : [];
    if (copy && copy.type === 'object') {
      const loopName = stringProperty(copy, 'name');
      const countNode = property(copy, 'count');
      if (!countNode) {
        throw new ConfigurationError(
          `copy loop '${loopName ?? '?'}' has no count`,
          this.doc.file,
          this.lineOf(copy),
        );
      }
      this.loops = [...parentLoops];
      const count = this.evaluate(countNode, NO_TARGET);
      if (isUnknown(count)) {
        this.registerInstance(
          node,
          symbolicName,
          parent,
          [...parentLoops, { name: loopName, index: 0, kind: 'resource' }],
          line,
          count,
        );
        return;
      }
      const n = this.copyCount(count, loopName, countNode);
      for (let i = 0; i < n; i++) {
        this.registerInstance(
          node,
          symbolicName,
          parent,
          [...parentLoops, { name: loopName, index: i, kind: 'resource' }],
          line,
        );
      }
      return;
    }
    this.registerInstance(node, symbolicName, parent, [...parentLoops], line);
  }

  private registerInstance(
    node: Node,
    symbolicName: string | undefined,
    parent: ResourceEntry | undefined,
    loops: Loop[],
    line: number,
    unknownCount?: UnknownValue,
  ): void {
    this.loops = loops;
    try {
      let deployed: true | UnknownValue = parent ? parent.deployed : this.inheritedDeployed;
      if (unknownCount) deployed = new UnknownValue(`copy count unknown: ${unknownCount.reason}`);
      const conditionNode = property(node, 'condition');
      if (conditionNode) {
        const condition = this.evaluate(conditionNode, NO_TARGET);
        if (condition === false || condition === 'false' || condition === 'False') return;
        if (isUnknown(condition)) deployed = new UnknownValue(`condition ${condition.reason}`);
      }
      const typeNode = property(node, 'type');
      const typeValue = typeNode ? this.evaluate(typeNode, NO_TARGET) : undefined;
      if (typeof typeValue !== 'string') {
        throw new ConfigurationError('resource has no "type"', this.doc.file, line);
      }
      let type = typeValue;
      if (parent && !(type.includes('/') && type.split('/')[0].includes('.')))
        type = `${parent.type}/${type}`;
      const nameNode = property(node, 'name');
      const nameValue = nameNode ? this.evaluate(nameNode, NO_TARGET) : undefined;
      let name: string;
      if (typeof nameValue === 'string') name = nameValue;
      else if (symbolicName) name = symbolicName;
      else if (nameNode?.type === 'string') name = nameNode.value as string;
      else throw new ConfigurationError('resource has no "name"', this.doc.file, line);
      const segments = type.split('/').length - 1;
      if (parent && name.split('/').length < segments) name = `${parent.name}/${name}`;
      const existingNode = property(node, 'existing');
      const existing = existingNode?.type === 'boolean' && existingNode.value === true;
      const extensionScope = this.extensionScope(node);
      const entry: ResourceEntry = {
        frame: this,
        node,
        symbolicName,
        type,
        name,
        id: buildResourceId(this.deployment, type, name, extensionScope),
        loops,
        deployed,
        existing,
        line,
      };
      this.entries.push(entry);
      this.registerResources(property(node, 'resources'), entry);
    } finally {
      this.loops = [];
    }
  }

  private extensionScope(node: Node): string | undefined {
    const scopeNode = property(node, 'scope');
    if (!scopeNode) return undefined;
    const scope = this.evaluate(scopeNode, NO_TARGET);
    if (typeof scope !== 'string') return undefined;
    if (scope.startsWith('/')) return scope;
    const referenced = this.findEntry(scope);
    if (referenced) return referenced.id;
    // languageVersion 2.0 writes `Microsoft.X/type/name` relative to the deployment scope.
    return buildResourceId(
      this.deployment,
      scope.split('/').slice(0, 2).join('/'),
      scope.split('/').slice(2).join('/'),
    ).replace(/\/$/, '');
  }

  /** Line of a resource's declaration in the Bicep source (a module's line for its deployment). */
  private sourceLine(entry: ResourceEntry): number {
    const map = this.sourceMap;
    if (!map) return entry.line;
    if (isDeploymentType(entry.type)) {
      const moduleLine = map.moduleLine?.(entry.symbolicName, entry.name);
      if (moduleLine) return moduleLine;
    }
    return map.resourceLine(entry.symbolicName, entry.type, entry.name) ?? 1;
  }

  /** The evaluated body of a declared resource (memoized); undefined while it is being evaluated. */
  evaluateEntry(entry: ResourceEntry): ObjectValue | undefined {
    if (entry.body) return entry.body;
    if (entry.evaluating) return undefined;
    entry.evaluating = true;
    const saved = this.loops;
    this.loops = entry.loops;
    try {
      const locations: Record<string, SourceLocation> = {};
      const fallback: SourceLocation = this.sourceMap
        ? {
            file: this.sourceMap.file,
            line: this.sourceLine(entry),
          }
        : { file: this.doc.file, line: entry.line };
      const body: ObjectValue = {};
      const isDeployment = entry.type.toLowerCase() === 'microsoft.resources/deployments';
      for (const [key, valueNode] of entries(entry.node)) {
        const lower = key.toLowerCase();
        if (BODY_SKIPPED.has(lower)) continue;
        if (lower === 'name') {
          body.name = entry.name.split('/').pop() ?? entry.name;
          locations.name = this.locate(
            valueNode,
            fallback,
            isExpression(String(valueNode.value)) ? String(valueNode.value) : undefined,
          );
          continue;
        }
        if (lower === 'type') {
          body.type = entry.type;
          continue;
        }
        if (isDeployment && lower === 'properties') {
          body.properties = this.evaluateDeploymentProperties(valueNode, {
            path: 'properties',
            locations,
            fallback,
          });
          continue;
        }
        body[key] = this.evaluate(valueNode, { path: key, locations, fallback });
      }
      entry.body = body;
      entry.locations = locations;
      return body;
    } finally {
      this.loops = saved;
      entry.evaluating = false;
    }
  }

  private evaluateDeploymentProperties(node: Node, target: EvalTarget): ObjectValue {
    const out: ObjectValue = {};
    for (const [key, valueNode] of entries(node)) {
      const lower = key.toLowerCase();
      if (lower === 'template' || lower === 'parameters') continue;
      out[key] = this.evaluate(
        valueNode,
        target.locations ? child(target, pathJoin(target.path, key)) : NO_TARGET,
      );
    }
    return out;
  }

  /** Evaluates every declared resource, emits the deployed ones and expands nested deployments. */
  emit(unit: string): void {
    for (const entry of this.entries) {
      try {
        const body = this.evaluateEntry(entry);
        if (!body) continue;
        if (entry.existing) continue;
        const sourceFile = this.sourceMap ? this.sourceMap.file : this.doc.file;
        const sourceLine = this.sourceMap ? this.sourceLine(entry) : entry.line;
        this.expansion.resources.push({
          type: entry.type,
          name: entry.name,
          id: entry.id,
          body,
          deployed: entry.deployed,
          origin: 'template',
          source: { file: sourceFile, line: sourceLine },
          locations: entry.locations,
          unit,
        });
        if (isDeploymentType(entry.type) && !entry.expanded) this.expandDeployment(entry, unit);
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error;
        this.expansion.addError({
          file: error.file ?? this.doc.file,
          line: error.line ?? entry.line,
          message: error.message,
        });
      }
    }
  }

  // ---- nested and linked deployments ----------------------------------------------------------

  expandDeployment(entry: ResourceEntry, unit: string): void {
    if (entry.expanded || entry.existing) return;
    entry.expanded = true;
    const properties = property(entry.node, 'properties');
    if (!properties) return;
    if (this.depth >= MAX_DEPLOYMENT_DEPTH) {
      throw new ConfigurationError(
        `nested deployments deeper than ${MAX_DEPLOYMENT_DEPTH} levels are not followed`,
        this.doc.file,
        entry.line,
      );
    }
    const saved = this.loops;
    this.loops = entry.loops;
    try {
      const context = this.nestedContext(entry);
      const templateNode = property(properties, 'template');
      const linkNode = property(properties, 'templateLink');
      const scopeText = stringProperty(property(properties, 'expressionEvaluationOptions'), 'scope');
      const inner = scopeText?.toLowerCase() === 'inner';
      const moduleMap = this.sourceMap?.module?.(entry.symbolicName, entry.name);
      let frame: Frame;
      if (templateNode && templateNode.type === 'object') {
        const schemaScope = stringProperty(templateNode, '$schema');
        const ctx = { ...context, scope: this.innerScope(entry, schemaScope, context) };
        frame = inner
          ? new Frame(
              this.expansion,
              this.doc,
              templateNode,
              ctx,
              this.passedParameters(properties, entry),
              this.depth + 1,
              undefined,
              moduleMap,
            )
          : new Frame(
              this.expansion,
              this.doc,
              templateNode,
              ctx,
              undefined,
              this.depth + 1,
              this,
              this.sourceMap,
            );
      } else if (linkNode) {
        const linked = this.resolveLink(linkNode);
        if (!linked) {
          const uriNode = property(linkNode, 'uri') ?? property(linkNode, 'relativePath') ?? linkNode;
          const shown = uriNode.type === 'string' ? truncate(String(uriNode.value), 120) : 'templateLink';
          this.expansion.options.logger?.warning(
            `${this.doc.file}:${this.lineOf(uriNode)}: linked template ${shown} is not a file in the scanned folder; the resources it deploys are not checked`,
          );
          return;
        }
        if (linked === this.doc.absolutePath || this.chain.has(linked)) return;
        const document = this.expansion.options.readDocument(linked);
        this.expansion.linkedFiles.add(linked);
        const schemaScope = stringProperty(document.root, '$schema');
        const ctx = {
          ...context,
          scope: this.innerScope(entry, schemaScope, context),
          templateLinkUri: pathToFileUrl(linked),
        };
        frame = new Frame(
          this.expansion,
          document,
          document.root,
          ctx,
          this.passedParameters(properties, entry),
          this.depth + 1,
        );
      } else return;
      frame.inheritedDeployed = entry.deployed;
      frame.chain = new Set([...this.chain, this.doc.absolutePath]);
      frame.run(unit);
      // reference(<deployment>).outputs.x.value in the template around it.
      const outputs = frame.outputs();
      const declared = entry.body?.properties;
      if (
        outputs &&
        declared &&
        typeof declared === 'object' &&
        !Array.isArray(declared) &&
        !isUnknown(declared)
      ) {
        declared.outputs = outputs;
      }
    } finally {
      this.loops = saved;
    }
  }

  private innerScope(
    entry: ResourceEntry,
    schema: string | undefined,
    context: DeploymentContext,
  ): DeploymentContext['scope'] {
    if (property(entry.node, 'resourceGroup')) return 'resourceGroup';
    if (property(entry.node, 'subscriptionId') && context.scope !== 'resourceGroup') return 'subscription';
    const fromSchema = scopeOfSchema(schema);
    return schema ? fromSchema : context.scope;
  }

  private nestedContext(entry: ResourceEntry): DeploymentContext {
    const context: DeploymentContext = { ...this.deployment, deploymentName: entry.name };
    const rg = property(entry.node, 'resourceGroup');
    if (rg) {
      const value = this.evaluate(rg, NO_TARGET);
      context.resourceGroupName = typeof value === 'string' ? value : `[${entry.name} resource group]`;
    }
    const sub = property(entry.node, 'subscriptionId');
    if (sub) {
      const value = this.evaluate(sub, NO_TARGET);
      if (typeof value === 'string') context.subscriptionId = value;
    }
    const scope = property(entry.node, 'scope');
    if (scope) {
      const value = this.evaluate(scope, NO_TARGET);
      const match = typeof value === 'string' ? /managementGroups\/([^/]+)/i.exec(value) : null;
      if (match) {
        context.managementGroup = match[1];
        context.scope = 'managementGroup';
      } else if (typeof value === 'string' && value.replace(/^\//, '') === '') context.scope = 'tenant';
    }
    return context;
  }

  /** `properties.parameters` of a deployment, evaluated in this (the outer) template. */
  private passedParameters(properties: Node, entry: ResourceEntry): Map<string, SuppliedParameter> {
    const out = new Map<string, SuppliedParameter>();
    const fallback = this.sourceMap ? { file: this.sourceMap.file, line: this.sourceLine(entry) } : undefined;
    for (const [name, node] of entries(property(properties, 'parameters'))) {
      const valueNode = property(node, 'value');
      if (valueNode) {
        const value = this.evaluate(valueNode, NO_TARGET);
        const expression = valueNode.type === 'string' ? (valueNode.value as string) : undefined;
        out.set(name.toLowerCase(), {
          value,
          location: this.locate(
            valueNode,
            fallback,
            expression && isExpression(expression) ? expression : undefined,
          ),
        });
      } else if (property(node, 'reference')) {
        out.set(name.toLowerCase(), {
          value: new UnknownValue(`parameter ${name} is a Key Vault reference`),
        });
      }
    }
    const link = property(properties, 'parametersLink');
    if (link) {
      const file = this.resolveLink(link);
      if (file) {
        const document = this.expansion.options.readDocument(file);
        for (const [key, supplied] of this.expansion.options.readParameters(document)) {
          if (!out.has(key)) out.set(key, supplied);
        }
      }
    }
    return out;
  }

  /** The local file a `templateLink`/`parametersLink` points at, or undefined when it is not local. */
  private resolveLink(link: Node): string | undefined {
    const relative = property(link, 'relativePath');
    if (relative) {
      const value = this.evaluate(relative, NO_TARGET);
      if (typeof value === 'string')
        return path.resolve(path.dirname(this.doc.absolutePath), value.split(/[?#]/)[0]);
    }
    const uriNode = property(link, 'uri');
    if (!uriNode) return undefined;
    const uri = this.evaluate(uriNode, NO_TARGET);
    if (typeof uri !== 'string') return undefined;
    if (/^https?:/i.test(uri)) return this.localCopyOf(uri);
    if (!uri.toLowerCase().startsWith('file:')) return undefined;
    try {
      return fileURLToPath(uri.split(/[?#]/)[0]);
    } catch {
      return undefined;
    }
  }

  /**
   * A linked template published on the web (`_artifactsLocation` set to the repository's raw
   * GitHub URL) is usually the file beside this one in the same repository: the longest tail of
   * the URL's path that exists under this template's folder.
   */
  private localCopyOf(uri: string): string | undefined {
    let segments: string[];
    try {
      segments = new URL(uri).pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return undefined;
    }
    const base = path.dirname(this.doc.absolutePath);
    const key = `${base}\n${segments.join('/')}`;
    if (this.expansion.localCopies.has(key)) return this.expansion.localCopies.get(key);
    let found: string | undefined;
    for (let i = 0; i < segments.length && !found; i++) {
      const candidate = path.resolve(base, ...segments.slice(i));
      if (this.expansion.options.fileExists?.(candidate)) found = candidate;
    }
    this.expansion.localCopies.set(key, found);
    return found;
  }

  /** The template's `outputs` as a deployment reports them (`{ name: { type, value } }`). */
  outputs(): ObjectValue | undefined {
    const outputsNode = property(this.template, 'outputs');
    if (!outputsNode || outputsNode.type !== 'object') return undefined;
    const out: ObjectValue = {};
    for (const [name, node] of entries(outputsNode)) {
      const valueNode = property(node, 'value');
      const type = stringProperty(node, 'type') ?? 'string';
      let value: Value;
      try {
        value = valueNode
          ? this.evaluate(valueNode, NO_TARGET)
          : new UnknownValue(`output ${name} has no value`);
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error;
        value = new UnknownValue(`output ${name}: ${error.message}`);
      }
      if (/^secure/i.test(type)) value = new UnknownValue(`secure output ${name}`);
      out[name] = { type, value };
    }
    return out;
  }

  /** Validates the parameters, declares and emits the resources of this template. */
  run(unit: string): void {
    this.unit = unit;
    this.validateParameters();
    try {
      this.registerResources(property(this.template, 'resources'), undefined);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      this.expansion.addError({
        file: error.file ?? this.doc.file,
        line: error.line,
        message: error.message,
      });
    }
    this.emit(unit);
  }
}

function isDeploymentType(type: string): boolean {
  return type.toLowerCase() === 'microsoft.resources/deployments';
}

function providerTail(id: string): string {
  const index = id.toLowerCase().lastIndexOf('/providers/');
  return index < 0 ? id.toLowerCase() : id.slice(index).toLowerCase();
}

function isPropertyCopy(node: Node): boolean {
  return (
    node.type === 'array' &&
    (node.children ?? []).length > 0 &&
    (node.children ?? []).every(
      (spec) => property(spec, 'name') !== undefined && property(spec, 'input') !== undefined,
    )
  );
}

function isEmptyValue(value: Value): boolean {
  if (value === '' || value === null) return true;
  return (
    typeof value === 'object' && !Array.isArray(value) && !isUnknown(value) && Object.keys(value).length === 0
  );
}

function containsUnknown(value: Value): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

function recordDeep(
  locations: Record<string, SourceLocation>,
  base: string,
  value: Value,
  location: SourceLocation,
  budget: { count: number },
): void {
  if (budget.count > MAX_DEEP_LOCATIONS || value === null || typeof value !== 'object' || isUnknown(value))
    return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      budget.count++;
      locations[`${base}[${i}]`] = location;
      recordDeep(locations, `${base}[${i}]`, item, location, budget);
    });
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    budget.count++;
    locations[`${base}.${key}`] = location;
    recordDeep(locations, `${base}.${key}`, item, location, budget);
  }
}

function collectStrings(node: Node, out: string[], max: number): void {
  if (out.length >= max) return;
  if (node.type === 'string') out.push(node.value as string);
  for (const child of node.children ?? []) collectStrings(child, out, max);
}

function pathToFileUrl(absolutePath: string): string {
  return new URL(`file://${absolutePath.startsWith('/') ? '' : '/'}${absolutePath.split(path.sep).join('/')}`)
    .href;
}

/**
 * Expands one top-level template the way ARM would deploy it: parameters (parameters file >
 * default > unknown), variables, conditions, copy loops, child resources, nested and linked
 * deployments. Returns the deployed resources with the line each value was set on; problems are
 * `FileError`s and never stop the other resources.
 */
export function expandTemplate(document: TemplateDocument, options: ExpandOptions): ExpandResult {
  const expansion = new Expansion(options);
  const schema = stringProperty(document.root, '$schema');
  const deployment: DeploymentContext = {
    ...options.deployment,
    scope: scopeOfSchema(schema),
    templateLinkUri: pathToFileUrl(document.absolutePath),
  };
  if (document.root.type !== 'object') {
    return {
      resources: [],
      errors: [{ file: document.file, line: 1, message: 'a template must be a JSON object' }],
      linkedFiles: expansion.linkedFiles,
    };
  }
  const frame = new Frame(expansion, document, document.root, deployment, options.parameters, 0);
  try {
    frame.run(options.unit);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    expansion.addError({ file: error.file ?? document.file, line: error.line, message: error.message });
  }
  return { resources: expansion.resources, errors: expansion.errors, linkedFiles: expansion.linkedFiles };
}
