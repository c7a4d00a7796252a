/**
 * Where a value was written, worked out on demand for the findings that need a line: values are
 * evaluated without recording where they came from, and `locateValue` walks the declaration the
 * value came from afterwards, following an expression to the one parameter (parameters file or
 * default) or literal variable behind it.
 */
import { splitPropertyPath, type SourceLocation } from '../../../model.js';
import { isExpression } from '../expression/index.js';
import {
  isJsonObject,
  propertyKey,
  stringProperty,
  type JsonObject,
  type JsonPath,
  type JsonValue,
} from '../jsonc.js';
import { BODY_SKIPPED } from './bodies.js';
import type { Frame } from './frame.js';
import { entryLine, isDeploymentType, type ResourceEntry } from './resources.js';
import { isPropertyCopy } from './values.js';

/** Traces the parameters and variables of one template (shared with its outer-scope nested templates). */
export class Locator {
  private readonly variableTraces = new Map<string, Set<string>>();
  private readonly expressionTraces = new Map<string, Set<string>>();

  /** `root`: the template whose parameters and variables expressions see. */
  constructor(private readonly root: Frame) {}

  /**
   * Where the user must edit to change the value at `path` (`sku.name`, `properties.locations[1]
   * .isZoneRedundant`) of a resource: the parameter value (parameters file or default) or the
   * variable behind the expression that set it when it depends on exactly one, else the line of
   * the nearest part of the path written in the template; `''` is the declaration.
   */
  locateValue(entry: ResourceEntry, pathText: string): SourceLocation {
    if (!pathText) return declaredAt(entry);
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
    if (rawPath === entry.path) return declaredAt(entry);
    return this.valueLocation(
      entry.frame,
      raw,
      rawPath,
      entry.frame.sourceMap ? declaredAt(entry) : undefined,
    );
  }

  /** The location of one template value of `frame`: traced through its expression, else its own line. */
  valueLocation(
    frame: Frame,
    raw: JsonValue,
    rawPath: JsonPath,
    fallback: SourceLocation | undefined,
  ): SourceLocation {
    if (typeof raw === 'string' && isExpression(raw)) {
      const sources = this.traceSources(raw, 0);
      if (sources.size === 1) {
        const location = this.sourceLocation([...sources][0]);
        if (location) return location;
      }
    }
    if (frame.sourceMap) return fallback ?? { file: frame.sourceMap.file, line: 1 };
    return { file: frame.doc.file, line: frame.doc.lineOf(rawPath) };
  }

  private sourceLocation(source: string): SourceLocation | undefined {
    const [kind, name] = [source.slice(0, 2), source.slice(2)];
    if (kind === 'p:') {
      try {
        return this.root.parameters.value(name).locate?.();
      } catch {
        return undefined;
      }
    }
    const definition = this.root.variables.definitions.get(name);
    if (!definition || this.root.sourceMap) return undefined;
    return { file: this.root.doc.file, line: this.root.doc.lineOf(definition.path) };
  }

  /** The parameters (`p:name`) and literal variables (`v:name`) an expression depends on. */
  private traceSources(expression: string, depth: number): Set<string> {
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
    const definition = this.root.variables.definitions.get(key);
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
}

/** Where a resource is declared, in the template or (compiled Bicep) in the `.bicep` source. */
export function declaredAt(entry: ResourceEntry): SourceLocation {
  const { sourceMap, doc } = entry.frame;
  return sourceMap
    ? { file: sourceMap.file, line: sourceLine(entry) }
    : { file: doc.file, line: entryLine(entry) };
}

/** Line of a resource's declaration in the Bicep source (a module's line for its deployment). */
export function sourceLine(entry: ResourceEntry): number {
  const map = entry.frame.sourceMap;
  if (!map) return entryLine(entry);
  if (isDeploymentType(entry.type)) {
    const moduleLine = map.moduleLine?.(entry.symbolicName, entry.name);
    if (moduleLine) return moduleLine;
  }
  return map.resourceLine(entry.symbolicName, entry.type, entry.name) ?? 1;
}

function collectStrings(value: JsonValue, out: string[], max: number): void {
  if (out.length >= max) return;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out, max);
  else if (isJsonObject(value)) for (const key of Object.keys(value)) collectStrings(value[key], out, max);
}
