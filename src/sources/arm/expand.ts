import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../../errors.js';
import {
  UnknownValue,
  isUnknown,
  splitPropertyPath,
  type FileError,
  type Logger,
  type ObjectValue,
  type Resource,
  type SourceLocation,
  type Value,
} from '../../model.js';
import type { DeploymentContext, ExpressionScope, UserFunction } from './expression/api.js';
import { evaluateTemplateString, isExpression } from './expression/index.js';
import { setKey } from './expression/values.js';
import { buildResourceId, otherGroupLocation, scopeOfSchema } from './deployment-context.js';
import {
  entries,
  isJsonObject,
  property,
  propertyKey,
  stringProperty,
  type JsonDocument,
  type JsonObject,
  type JsonPath,
  type JsonValue,
} from './jsonc.js';
import type { SuppliedParameter } from './parameters.js';

/** ARM's limit on the iterations of one copy loop. */
export const COPY_LIMIT = 800;
/** Nested / linked deployments deeper than this are not followed (cycles, runaway templates). */
const MAX_DEPLOYMENT_DEPTH = 10;

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
}

type ParameterValue = { value: Value; locate?: () => SourceLocation };

interface ParameterEntry {
  name: string;
  declaration: JsonValue;
  /** Where the declaration is in the document. */
  path: JsonPath;
  /** Resolved on first use. */
  resolved?: ParameterValue;
  resolving?: boolean;
  supplied?: SuppliedParameter;
  secure: boolean;
}

interface VariableDefinition {
  name: string;
  value: JsonValue;
  path: JsonPath;
  /** A `variables.copy` entry: the loop that builds the variable. */
  copy?: JsonObject;
}

interface Loop {
  name: string | undefined;
  index: number;
  kind: 'resource' | 'property' | 'variable';
}

interface ResourceEntry {
  frame: Frame;
  raw: JsonObject;
  /** Where the declaration is in the frame's document. */
  path: JsonPath;
  symbolicName?: string;
  type: string;
  name: string;
  id: string;
  loops: Loop[];
  deployed: true | UnknownValue;
  existing: boolean;
  body?: ObjectValue;
  evaluating?: boolean;
  /** Deployments: the template it runs has been expanded (outputs known). */
  expanded?: boolean;
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A child value and where it is: `[value, path]`, or undefined when absent. */
function at(
  parent: JsonValue | undefined,
  parentPath: JsonPath,
  name: string,
): [JsonValue, JsonPath] | undefined {
  const key = propertyKey(parent, name);
  return key === undefined ? undefined : [(parent as JsonObject)[key], [...parentPath, key]];
}

/** The shared state of one expansion (all frames of one top-level template). */
class Expansion {
  readonly resources: Resource[] = [];
  readonly errors: FileError[] = [];
  readonly linkedFiles = new Set<string>();
  readonly localCopies = new Map<string, string | undefined>();
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
 *
 * Values are evaluated without recording where they came from; `locateValue` works a path's line
 * out afterwards, for the findings that need one, by walking the declaration the value came from.
 * Evaluated values are shared, never copied: nothing downstream changes them in place.
 */
class Frame implements ExpressionScope {
  readonly parameters = new Map<string, ParameterEntry>();
  readonly variableDefinitions = new Map<string, VariableDefinition>();
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
  /** The declaration being evaluated: errors without a line of their own point at it. */
  private anchor: JsonPath | undefined;

  constructor(
    readonly expansion: Expansion,
    readonly doc: TemplateDocument,
    readonly template: JsonObject,
    /** Where the template is in `doc` (`[]`, or a nested deployment's `properties.template`). */
    readonly templatePath: JsonPath,
    readonly deployment: DeploymentContext,
    supplied: Map<string, SuppliedParameter> | undefined,
    readonly depth: number,
    /** Outer-scope nested templates see the parameters and variables of the template around them. */
    readonly outer?: Frame,
    readonly sourceMap: SourceMap | undefined = doc.sourceMap,
  ) {
    this.userFunctions = outer ? outer.userFunctions : new Map();
    if (outer) return;
    const parameters = at(template, templatePath, 'parameters');
    for (const [name, declaration] of entries(parameters?.[0])) {
      const type = (stringProperty(declaration, 'type') ?? '').toLowerCase();
      this.parameters.set(name.toLowerCase(), {
        name,
        declaration,
        path: [...parameters![1], name],
        supplied: supplied?.get(name.toLowerCase()),
        secure: type === 'securestring' || type === 'secureobject',
      });
    }
    const variables = at(template, templatePath, 'variables');
    for (const [name, value] of entries(variables?.[0])) {
      const variablePath = [...variables![1], name];
      if (name.toLowerCase() === 'copy' && Array.isArray(value)) {
        value.forEach((spec, index) => {
          const loopName = stringProperty(spec, 'name');
          if (loopName && isJsonObject(spec))
            this.variableDefinitions.set(loopName.toLowerCase(), {
              name: loopName,
              value: spec,
              path: [...variablePath, index],
              copy: spec,
            });
        });
      } else this.variableDefinitions.set(name.toLowerCase(), { name, value, path: variablePath });
    }
    const functions = property(template, 'functions');
    for (const group of Array.isArray(functions) ? functions : []) {
      const namespace = stringProperty(group, 'namespace') ?? '';
      for (const [member, definition] of entries(property(group, 'members'))) {
        const declared = property(definition, 'parameters');
        const parameters = (Array.isArray(declared) ? declared : []).map((p) => ({
          name: stringProperty(p, 'name') ?? '',
        }));
        const output = property(property(definition, 'output'), 'value');
        this.userFunctions.set(`${namespace}.${member}`.toLowerCase(), {
          parameters,
          output: output === undefined ? null : output,
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
    const definition = this.variableDefinitions.get(key);
    if (!definition) {
      throw new ConfigurationError(`variable '${name}' is not defined`, this.doc.file);
    }
    if (this.variableStack.includes(key)) {
      const cycle = [...this.variableStack.slice(this.variableStack.indexOf(key)), key]
        .map((k) => this.variableDefinitions.get(k)?.name ?? k)
        .join(' → ');
      throw new ConfigurationError(
        `variables form a cycle: ${cycle}. Break the cycle by computing one of them without the others.`,
        this.doc.file,
        this.doc.lineOf(
          this.variableDefinitions.get(this.variableStack[this.variableStack.indexOf(key)])!.path,
        ),
      );
    }
    this.variableStack.push(key);
    const savedLoops = this.loops;
    const savedAnchor = this.anchor;
    this.loops = [];
    this.anchor = definition.path;
    try {
      const value = definition.copy
        ? this.evaluateCopyLoop(definition.copy, 'variable')
        : this.evaluate(definition.value);
      this.variableValues.set(key, value);
      return value;
    } finally {
      this.loops = savedLoops;
      this.anchor = savedAnchor;
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

  private parameterEntry(name: string): ParameterValue {
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

  private resolveParameter(entry: ParameterEntry): ParameterValue {
    const defaultValue = at(entry.declaration, entry.path, 'defaultValue');
    let resolved: ParameterValue;
    if (entry.supplied) {
      resolved = { value: entry.supplied.value, locate: entry.supplied.locate };
    } else if (defaultValue) {
      const [value, valuePath] = defaultValue;
      const savedLoops = this.loops;
      const savedAnchor = this.anchor;
      this.loops = [];
      this.anchor = valuePath;
      try {
        resolved = {
          value: this.evaluate(value),
          locate: () =>
            this.sourceMap
              ? this.declarationLocation(entry)
              : { file: this.doc.file, line: this.doc.lineOf(valuePath) },
        };
      } finally {
        this.loops = savedLoops;
        this.anchor = savedAnchor;
      }
    } else if (property(entry.declaration, 'nullable') === true) {
      resolved = { value: null, locate: () => this.declarationLocation(entry) };
    } else {
      resolved = {
        value: new UnknownValue(`parameter '${entry.name}' has no value: set it in a parameters file`),
        locate: () => this.declarationLocation(entry),
      };
    }
    if (entry.secure && !isEmptyValue(resolved.value))
      resolved = { ...resolved, value: new UnknownValue(`secure parameter ${entry.name}`) };
    return resolved;
  }

  private declarationLocation(entry: ParameterEntry): SourceLocation {
    if (this.sourceMap) {
      return { file: this.sourceMap.file, line: this.sourceMap.parameterLine(entry.name) ?? 1 };
    }
    return { file: this.doc.file, line: this.doc.lineOf(entry.path) };
  }

  /** Checks every parameter value against its `allowedValues`, as ARM does before deploying. */
  validateParameters(): void {
    for (const entry of this.parameters.values()) {
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
      const allowedValues = at(entry.declaration, entry.path, 'allowedValues');
      if (!allowedValues || !Array.isArray(allowedValues[0]) || entry.secure) continue;
      const allowed = allowedValues[0];
      const values =
        Array.isArray(resolved.value) && !allowed.some(Array.isArray) ? resolved.value : [resolved.value];
      for (const value of values) {
        if (containsUnknown(value)) continue;
        if (!allowed.some((candidate) => sameValue(candidate, value))) {
          const where = resolved.locate?.() ?? this.declarationLocation(entry);
          const declared = this.sourceMap
            ? `${this.sourceMap.file}:${this.sourceMap.parameterLine(entry.name) ?? 1}`
            : `${this.doc.file}:${this.doc.lineOf(allowedValues[1])}`;
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

  /** Line of the declaration being evaluated, for errors found inside it. */
  private anchorLine(): number | undefined {
    return this.anchor ? this.doc.lineOf(this.anchor) : undefined;
  }

  /**
   * Evaluates a template value: expressions, `[[` escapes, expression keys and property copy
   * loops. A part without any of them comes back as the very same object (copy on write), so
   * literal blocks are neither copied nor kept twice.
   */
  evaluate(value: JsonValue): Value {
    if (typeof value === 'string') {
      return value.charCodeAt(0) === 0x5b /* [ */ ? this.evaluateString(value) : value;
    }
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      let out: Value[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        const evaluated = this.evaluate(item);
        if (out) out.push(evaluated);
        else if (evaluated !== item) {
          out = value.slice(0, i) as Value[];
          out.push(evaluated);
        }
      }
      return out ?? (value as Value[]);
    }
    let out: ObjectValue | undefined;
    const keys = Object.keys(value);
    for (let k = 0; k < keys.length; k++) {
      const rawKey = keys[k];
      const item = value[rawKey];
      if (rawKey.length === 4 && rawKey.toLowerCase() === 'copy' && isPropertyCopy(item)) {
        out ??= copyKeys(value, keys, k);
        for (const spec of item) {
          const name = stringProperty(spec, 'name') ?? 'copy';
          setKey(out, name, this.evaluateCopyLoop(spec, 'property'));
        }
        continue;
      }
      let key = rawKey;
      if (rawKey.charCodeAt(0) === 0x5b) {
        const evaluated = this.evaluateString(rawKey);
        key = typeof evaluated === 'string' ? evaluated : rawKey;
      }
      const evaluated = this.evaluate(item);
      if (out) setKey(out, key, evaluated);
      else if (key !== rawKey || evaluated !== item) {
        out = copyKeys(value, keys, k);
        setKey(out, key, evaluated);
      }
    }
    return out ?? (value as ObjectValue);
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
  evaluateCopyLoop(spec: JsonObject, kind: Loop['kind']): Value {
    const name = stringProperty(spec, 'name');
    const count = property(spec, 'count');
    const input = property(spec, 'input');
    if (count === undefined || input === undefined) {
      throw new ConfigurationError(
        `copy loop '${name ?? '?'}' needs both "count" and "input"`,
        this.doc.file,
        this.anchorLine(),
      );
    }
    const countValue = this.evaluate(count);
    if (isUnknown(countValue)) return new UnknownValue(`copy loop '${name}' count: ${countValue.reason}`);
    const n = this.copyCount(countValue, name, this.anchor);
    const items: Value[] = [];
    for (let i = 0; i < n; i++) {
      this.loops.push({ name, index: i, kind });
      try {
        items.push(this.evaluate(input));
      } finally {
        this.loops.pop();
      }
    }
    return items;
  }

  copyCount(count: Value, name: string | undefined, where: JsonPath | undefined): number {
    const n = typeof count === 'string' && /^\d+$/.test(count) ? Number(count) : count;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw new ConfigurationError(
        `copy loop '${name ?? '?'}' count is ${JSON.stringify(count)}: it must be a whole number from 0 to ${COPY_LIMIT}`,
        this.doc.file,
        where ? this.doc.lineOf(where) : undefined,
      );
    }
    if (n > COPY_LIMIT) {
      throw new ConfigurationError(
        `copy loop '${name ?? '?'}' count is ${n}, above ARM's limit of ${COPY_LIMIT} iterations`,
        this.doc.file,
        where ? this.doc.lineOf(where) : undefined,
      );
    }
    return n;
  }

  // ---- locations (worked out on demand) -------------------------------------------------------

  /** The declaration line of a resource: its `name` (or, languageVersion 2.0, its symbolic name). */
  entryLine(entry: ResourceEntry): number {
    return this.declarationLine(entry.raw, entry.path, entry.symbolicName);
  }

  /** Where a resource is declared, in the template or (compiled Bicep) in the `.bicep` source. */
  private declaredAt(entry: ResourceEntry): SourceLocation {
    return this.sourceMap
      ? { file: this.sourceMap.file, line: this.sourceLine(entry) }
      : { file: this.doc.file, line: this.entryLine(entry) };
  }

  /**
   * Where the user must edit to change the value at `path` (`sku.name`, `properties.locations[1]
   * .isZoneRedundant`) of a resource: the parameter value (parameters file or default) or the
   * variable behind the expression that set it when it depends on exactly one, else the line of
   * the nearest part of the path written in the template; `''` is the declaration.
   */
  locateValue(entry: ResourceEntry, pathText: string): SourceLocation {
    if (!pathText) return this.declaredAt(entry);
    const segments = splitPropertyPath(pathText);
    let raw: JsonValue = entry.raw;
    let rawPath: JsonPath = entry.path;
    for (let i = 0; i < segments.length; i++) {
      if (typeof raw === 'string') break; // an expression set everything below
      const segment = segments[i];
      if (typeof segment === 'number') {
        if (!Array.isArray(raw) || segment >= raw.length) break;
        raw = raw[segment];
        rawPath = [...rawPath, segment];
        continue;
      }
      if (!isJsonObject(raw)) break;
      const key = propertyKey(raw, segment);
      if (key !== undefined && !(rawPath === entry.path && BODY_SKIPPED.has(key.toLowerCase()))) {
        raw = raw[key];
        rawPath = [...rawPath, key];
        continue;
      }
      // A property copy loop builds the array `segment`: its items come from the loop's `input`.
      const copyKey = propertyKey(raw, 'copy');
      const copy = copyKey === undefined ? undefined : raw[copyKey];
      if (copyKey === undefined || !isPropertyCopy(copy)) break;
      const lower = segment.toLowerCase();
      const index = copy.findIndex(
        (spec) => (stringProperty(spec, 'name') ?? 'copy').toLowerCase() === lower,
      );
      if (index < 0) break;
      const spec = copy[index] as JsonObject;
      const inputKey = propertyKey(spec, 'input')!;
      if (typeof segments[i + 1] === 'number') {
        raw = spec[inputKey];
        rawPath = [...rawPath, copyKey, index, inputKey];
        i++;
      } else {
        raw = spec;
        rawPath = [...rawPath, copyKey, index];
        break;
      }
    }
    if (rawPath === entry.path) return this.declaredAt(entry);
    return this.valueLocation(raw, rawPath, this.sourceMap ? this.declaredAt(entry) : undefined);
  }

  /** The location of one template value: traced through its expression, else its own line. */
  valueLocation(raw: JsonValue, rawPath: JsonPath, fallback: SourceLocation | undefined): SourceLocation {
    if (typeof raw === 'string' && isExpression(raw)) {
      const sources = this.traceSources(raw, 0);
      if (sources.size === 1) {
        const location = this.sourceLocation([...sources][0]);
        if (location) return location;
      }
    }
    if (this.sourceMap) return fallback ?? { file: this.sourceMap.file, line: 1 };
    return { file: this.doc.file, line: this.doc.lineOf(rawPath) };
  }

  private sourceLocation(source: string): SourceLocation | undefined {
    if (this.outer) return this.outer.sourceLocation(source);
    const [kind, name] = [source.slice(0, 2), source.slice(2)];
    if (kind === 'p:') {
      try {
        return this.parameterEntry(name).locate?.();
      } catch {
        return undefined;
      }
    }
    const definition = this.variableDefinitions.get(name);
    if (!definition || this.sourceMap) return undefined;
    return { file: this.doc.file, line: this.doc.lineOf(definition.path) };
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
    const definition = this.variableDefinitions.get(key);
    if (!definition || definition.copy) return result;
    const value = definition.value;
    if (typeof value === 'string' && isExpression(value)) {
      for (const source of this.traceSources(value, depth)) result.add(source);
    } else if (value === null || typeof value !== 'object') {
      result.add(`v:${key}`);
    } else {
      const texts: string[] = [];
      collectStrings(value, texts, 50);
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
  registerResources(resources: [JsonValue, JsonPath] | undefined, parent: ResourceEntry | undefined): void {
    if (!resources) return;
    const [value, valuePath] = resources;
    const declared: [JsonValue, JsonPath, string | undefined][] = Array.isArray(value)
      ? value.map((item, index) => [item, [...valuePath, index], undefined])
      : entries(value).map(([symbolicName, item]) => [item, [...valuePath, symbolicName], symbolicName]);
    for (const [raw, rawPath, symbolicName] of declared) {
      if (!isJsonObject(raw)) continue;
      try {
        this.registerResource(raw, rawPath, symbolicName, parent);
      } catch (error) {
        // One bad resource is one error; the template's other resources are still evaluated.
        if (!(error instanceof ConfigurationError)) throw error;
        this.expansion.addError({
          file: error.file ?? this.doc.file,
          line: error.line ?? this.doc.lineOf(rawPath),
          message: error.message,
        });
      }
    }
  }

  private registerResource(
    raw: JsonObject,
    rawPath: JsonPath,
    symbolicName: string | undefined,
    parent: ResourceEntry | undefined,
  ): void {
    const copy = at(raw, rawPath, 'copy');
    const parentLoops = parent ? parent.loops : [];
    if (copy && isJsonObject(copy[0])) {
      const loopName = stringProperty(copy[0], 'name');
      const count = at(copy[0], copy[1], 'count');
      if (!count) {
        throw new ConfigurationError(
          `copy loop '${loopName ?? '?'}' has no count`,
          this.doc.file,
          this.doc.lineOf(copy[1]),
        );
      }
      this.loops = [...parentLoops];
      this.anchor = rawPath;
      const countValue = this.evaluate(count[0]);
      if (isUnknown(countValue)) {
        this.registerInstance(
          raw,
          rawPath,
          symbolicName,
          parent,
          [...parentLoops, { name: loopName, index: 0, kind: 'resource' }],
          countValue,
        );
        return;
      }
      const n = this.copyCount(countValue, loopName, count[1]);
      for (let i = 0; i < n; i++) {
        this.registerInstance(raw, rawPath, symbolicName, parent, [
          ...parentLoops,
          { name: loopName, index: i, kind: 'resource' },
        ]);
      }
      return;
    }
    this.registerInstance(raw, rawPath, symbolicName, parent, [...parentLoops]);
  }

  private registerInstance(
    raw: JsonObject,
    rawPath: JsonPath,
    symbolicName: string | undefined,
    parent: ResourceEntry | undefined,
    loops: Loop[],
    unknownCount?: UnknownValue,
  ): void {
    this.loops = loops;
    this.anchor = rawPath;
    try {
      let deployed: true | UnknownValue = parent ? parent.deployed : this.inheritedDeployed;
      if (unknownCount) deployed = new UnknownValue(`copy count unknown: ${unknownCount.reason}`);
      const condition = property(raw, 'condition');
      if (condition !== undefined) {
        const value = this.evaluate(condition);
        if (value === false || value === 'false' || value === 'False') return;
        if (isUnknown(value)) deployed = new UnknownValue(`condition ${value.reason}`);
      }
      const typeRaw = property(raw, 'type');
      const typeValue = typeRaw === undefined ? undefined : this.evaluate(typeRaw);
      if (typeof typeValue !== 'string') {
        throw new ConfigurationError(
          'resource has no "type"',
          this.doc.file,
          this.declarationLine(raw, rawPath, symbolicName),
        );
      }
      let type = typeValue;
      if (parent && !(type.includes('/') && type.split('/')[0].includes('.')))
        type = `${parent.type}/${type}`;
      const nameRaw = property(raw, 'name');
      const nameValue = nameRaw === undefined ? undefined : this.evaluate(nameRaw);
      let name: string;
      if (typeof nameValue === 'string') name = nameValue;
      else if (symbolicName) name = symbolicName;
      else if (typeof nameRaw === 'string') name = nameRaw;
      else
        throw new ConfigurationError(
          'resource has no "name"',
          this.doc.file,
          this.declarationLine(raw, rawPath, symbolicName),
        );
      const segments = type.split('/').length - 1;
      if (parent && name.split('/').length < segments) name = `${parent.name}/${name}`;
      const existing = property(raw, 'existing') === true;
      const extensionScope = this.extensionScope(raw);
      const entry: ResourceEntry = {
        frame: this,
        raw,
        path: rawPath,
        symbolicName,
        type,
        name,
        id: buildResourceId(this.deployment, type, name, extensionScope),
        loops,
        deployed,
        existing,
      };
      this.entries.push(entry);
      this.registerResources(at(raw, rawPath, 'resources'), entry);
    } finally {
      this.loops = [];
      this.anchor = undefined;
    }
  }

  private declarationLine(raw: JsonObject, rawPath: JsonPath, symbolicName: string | undefined): number {
    const name = symbolicName ? undefined : propertyKey(raw, 'name');
    return this.doc.lineOf(name === undefined ? rawPath : [...rawPath, name]);
  }

  private extensionScope(raw: JsonObject): string | undefined {
    const scopeRaw = property(raw, 'scope');
    if (scopeRaw === undefined) return undefined;
    const scope = this.evaluate(scopeRaw);
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
    if (!map) return this.entryLine(entry);
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
    const savedLoops = this.loops;
    const savedAnchor = this.anchor;
    this.loops = entry.loops;
    this.anchor = entry.path;
    try {
      const body: ObjectValue = {};
      const isDeployment = isDeploymentType(entry.type);
      for (const key of Object.keys(entry.raw)) {
        const lower = key.toLowerCase();
        if (BODY_SKIPPED.has(lower)) continue;
        if (lower === 'name') {
          body.name = entry.name.split('/').pop() ?? entry.name;
          continue;
        }
        if (lower === 'type') {
          body.type = entry.type;
          continue;
        }
        const value = entry.raw[key];
        if (isDeployment && lower === 'properties') {
          body.properties = this.evaluateDeploymentProperties(value);
          continue;
        }
        setKey(body, key, this.evaluate(value));
      }
      entry.body = body;
      return body;
    } finally {
      this.loops = savedLoops;
      this.anchor = savedAnchor;
      entry.evaluating = false;
    }
  }

  private evaluateDeploymentProperties(value: JsonValue): ObjectValue {
    const out: ObjectValue = {};
    for (const [key, item] of entries(value)) {
      const lower = key.toLowerCase();
      if (lower === 'template' || lower === 'parameters') continue;
      setKey(out, key, this.evaluate(item));
    }
    return out;
  }

  /** Evaluates every declared resource, emits the deployed ones and expands nested deployments. */
  emit(unit: string): void {
    const locatable = this.expansion.options.locatable;
    for (const entry of this.entries) {
      try {
        const body = this.evaluateEntry(entry);
        if (!body) continue;
        if (entry.existing) continue;
        const resource: Resource = {
          type: entry.type,
          name: entry.name,
          id: entry.id,
          body,
          deployed: entry.deployed,
          origin: 'template',
          unit,
        };
        if (!locatable || locatable(entry.type)) resource.locate = (path) => this.locateValue(entry, path);
        this.expansion.resources.push(resource);
        if (isDeploymentType(entry.type) && !entry.expanded) this.expandDeployment(entry, unit);
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error;
        this.expansion.addError({
          file: error.file ?? this.doc.file,
          line: error.line ?? this.entryLine(entry),
          message: error.message,
        });
      }
    }
  }

  // ---- nested and linked deployments ----------------------------------------------------------

  expandDeployment(entry: ResourceEntry, unit: string): void {
    if (entry.expanded || entry.existing) return;
    entry.expanded = true;
    const properties = at(entry.raw, entry.path, 'properties');
    if (!properties) return;
    if (this.depth >= MAX_DEPLOYMENT_DEPTH) {
      throw new ConfigurationError(
        `nested deployments deeper than ${MAX_DEPLOYMENT_DEPTH} levels are not followed`,
        this.doc.file,
        this.entryLine(entry),
      );
    }
    const savedLoops = this.loops;
    const savedAnchor = this.anchor;
    this.loops = entry.loops;
    this.anchor = entry.path;
    try {
      const context = this.nestedContext(entry);
      const template = at(properties[0], properties[1], 'template');
      const link = at(properties[0], properties[1], 'templateLink');
      const scopeText = stringProperty(property(properties[0], 'expressionEvaluationOptions'), 'scope');
      const inner = scopeText?.toLowerCase() === 'inner';
      const moduleMap = this.sourceMap?.module?.(entry.symbolicName, entry.name);
      let frame: Frame;
      if (template && isJsonObject(template[0])) {
        const [templateValue, templatePath] = template;
        const schemaScope = stringProperty(templateValue, '$schema');
        const ctx = { ...context, scope: this.innerScope(entry, schemaScope, context) };
        frame = inner
          ? new Frame(
              this.expansion,
              this.doc,
              templateValue,
              templatePath,
              ctx,
              this.passedParameters(properties[0], properties[1], entry),
              this.depth + 1,
              undefined,
              moduleMap,
            )
          : new Frame(
              this.expansion,
              this.doc,
              templateValue,
              templatePath,
              ctx,
              undefined,
              this.depth + 1,
              this,
              this.sourceMap,
            );
      } else if (link) {
        const linked = this.resolveLink(link[0]);
        if (!linked) {
          const specId = at(link[0], link[1], 'id');
          const uri = specId ?? at(link[0], link[1], 'uri') ?? at(link[0], link[1], 'relativePath') ?? link;
          const shown = typeof uri[0] === 'string' ? truncate(uri[0], 120) : 'templateLink';
          const what = specId
            ? `template spec ${shown} is not read (it lives in Azure, not in the repository)`
            : `linked template ${shown} is not a file in the scanned folder`;
          this.expansion.options.logger?.warning(
            `${this.doc.file}:${this.doc.lineOf(uri[1])}: ${what}; the resources it deploys are not checked`,
          );
          return;
        }
        if (linked === this.doc.absolutePath || this.chain.has(linked)) return;
        const document = this.expansion.options.readDocument(linked);
        this.expansion.linkedFiles.add(linked);
        if (!isJsonObject(document.root)) {
          throw new ConfigurationError('a template must be a JSON object', document.file, 1);
        }
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
          [],
          ctx,
          this.passedParameters(properties[0], properties[1], entry),
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
      this.loops = savedLoops;
      this.anchor = savedAnchor;
    }
  }

  private innerScope(
    entry: ResourceEntry,
    schema: string | undefined,
    context: DeploymentContext,
  ): DeploymentContext['scope'] {
    if (property(entry.raw, 'resourceGroup') !== undefined) return 'resourceGroup';
    if (property(entry.raw, 'subscriptionId') !== undefined && context.scope !== 'resourceGroup')
      return 'subscription';
    const fromSchema = scopeOfSchema(schema);
    return schema ? fromSchema : context.scope;
  }

  private nestedContext(entry: ResourceEntry): DeploymentContext {
    const context: DeploymentContext = { ...this.deployment, deploymentName: entry.name };
    const rg = property(entry.raw, 'resourceGroup');
    if (rg !== undefined) {
      const value = this.evaluate(rg);
      const name = typeof value === 'string' ? value : `[${entry.name} resource group]`;
      // Another resource group has a location of its own, which no setting gives.
      if (name.toLowerCase() !== context.resourceGroupName.toLowerCase())
        context.resourceGroupLocation = otherGroupLocation(name);
      context.resourceGroupName = name;
    }
    const sub = property(entry.raw, 'subscriptionId');
    if (sub !== undefined) {
      const value = this.evaluate(sub);
      if (typeof value === 'string') context.subscriptionId = value;
    }
    const scope = property(entry.raw, 'scope');
    if (scope !== undefined) {
      const value = this.evaluate(scope);
      const match = typeof value === 'string' ? /managementGroups\/([^/]+)/i.exec(value) : null;
      if (match) {
        context.managementGroup = match[1];
        context.scope = 'managementGroup';
      } else if (typeof value === 'string' && value.replace(/^\//, '') === '') context.scope = 'tenant';
    }
    return context;
  }

  /** `properties.parameters` of a deployment, evaluated in this (the outer) template. */
  private passedParameters(
    properties: JsonValue,
    propertiesPath: JsonPath,
    entry: ResourceEntry,
  ): Map<string, SuppliedParameter> {
    const out = new Map<string, SuppliedParameter>();
    const fallback = this.sourceMap ? { file: this.sourceMap.file, line: this.sourceLine(entry) } : undefined;
    const parameters = at(properties, propertiesPath, 'parameters');
    for (const [name, declaration] of entries(parameters?.[0])) {
      const value = at(declaration, [...parameters![1], name], 'value');
      if (value) {
        const [raw, rawPath] = value;
        out.set(name.toLowerCase(), {
          value: this.evaluate(raw),
          locate: () => this.valueLocation(raw, rawPath, fallback),
        });
      } else if (property(declaration, 'reference') !== undefined) {
        out.set(name.toLowerCase(), {
          value: new UnknownValue(`parameter ${name} is a Key Vault reference`),
        });
      }
    }
    const link = property(properties, 'parametersLink');
    if (link !== undefined) {
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
  private resolveLink(link: JsonValue): string | undefined {
    const relative = property(link, 'relativePath');
    if (relative !== undefined) {
      const value = this.evaluate(relative);
      if (typeof value === 'string')
        return path.resolve(path.dirname(this.doc.absolutePath), value.split(/[?#]/)[0]);
    }
    const uriRaw = property(link, 'uri');
    if (uriRaw === undefined) return undefined;
    const uri = this.evaluate(uriRaw);
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
    const outputs = at(this.template, this.templatePath, 'outputs');
    if (!outputs || !isJsonObject(outputs[0])) return undefined;
    const out: ObjectValue = {};
    for (const [name, declaration] of entries(outputs[0])) {
      const raw = property(declaration, 'value');
      const type = stringProperty(declaration, 'type') ?? 'string';
      let value: Value;
      this.anchor = [...outputs[1], name];
      try {
        value = raw === undefined ? new UnknownValue(`output ${name} has no value`) : this.evaluate(raw);
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error;
        value = new UnknownValue(`output ${name}: ${error.message}`);
      } finally {
        this.anchor = undefined;
      }
      if (/^secure/i.test(type)) value = new UnknownValue(`secure output ${name}`);
      setKey(out, name, { type, value });
    }
    return out;
  }

  /** Validates the parameters, declares and emits the resources of this template. */
  run(unit: string): void {
    this.unit = unit;
    this.validateParameters();
    try {
      this.registerResources(at(this.template, this.templatePath, 'resources'), undefined);
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

/** A `copy` property that is a list of property loops (`[{ name, count, input }]`). */
function isPropertyCopy(value: JsonValue | undefined): value is JsonObject[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((spec) => property(spec, 'name') !== undefined && property(spec, 'input') !== undefined)
  );
}

/** A new object with the first `count` properties of `value` (keys in `keys` order). */
function copyKeys(value: JsonObject, keys: string[], count: number): ObjectValue {
  const out: ObjectValue = {};
  for (let i = 0; i < count; i++) setKey(out, keys[i], value[keys[i]] as Value);
  return out;
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

function collectStrings(value: JsonValue, out: string[], max: number): void {
  if (out.length >= max) return;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out, max);
  else if (isJsonObject(value)) for (const key of Object.keys(value)) collectStrings(value[key], out, max);
}

function pathToFileUrl(absolutePath: string): string {
  return new URL(`file://${absolutePath.startsWith('/') ? '' : '/'}${absolutePath.split(path.sep).join('/')}`)
    .href;
}

/**
 * Expands one top-level template the way ARM would deploy it: parameters (parameters file >
 * default > unknown), variables, conditions, copy loops, child resources, nested and linked
 * deployments. Returns the deployed resources, each able to tell the line any of its values was
 * set on; problems are `FileError`s and never stop the other resources.
 */
export function expandTemplate(document: TemplateDocument, options: ExpandOptions): ExpandResult {
  const expansion = new Expansion(options);
  if (!isJsonObject(document.root)) {
    return {
      resources: [],
      errors: [{ file: document.file, line: 1, message: 'a template must be a JSON object' }],
      linkedFiles: expansion.linkedFiles,
    };
  }
  const schema = stringProperty(document.root, '$schema');
  const deployment: DeploymentContext = {
    ...options.deployment,
    scope: scopeOfSchema(schema),
    templateLinkUri: pathToFileUrl(document.absolutePath),
  };
  const frame = new Frame(expansion, document, document.root, [], deployment, options.parameters, 0);
  try {
    frame.run(options.unit);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    expansion.addError({ file: error.file ?? document.file, line: error.line, message: error.message });
  }
  return { resources: expansion.resources, errors: expansion.errors, linkedFiles: expansion.linkedFiles };
}
