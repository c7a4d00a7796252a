/**
 * Resource registration: each declaration of the `resources` array (or, languageVersion 2.0,
 * object) becomes one entry per copy-loop iteration whose `condition` is not false, with its full
 * type, name and id; child resources follow their parent. Bodies are evaluated later (bodies.ts).
 */
import { ConfigurationError } from '../../../errors.js';
import { TemplateLimitError, charge } from '../limits.js';
import { UnknownValue, isUnknown, type ObjectValue } from '../../../model.js';
import { buildResourceId } from '../deployment-context.js';
import { readableSymbol } from '../expression/symbols.js';
import {
  childAt,
  entries,
  isJsonObject,
  property,
  propertyKey,
  stringProperty,
  type JsonObject,
  type JsonPath,
  type JsonValue,
} from '../jsonc.js';
import type { Frame } from './frame.js';
import { copyCount } from './values.js';
import { countResource } from './counts.js';

export interface Loop {
  name: string | undefined;
  index: number;
  kind: 'resource' | 'property' | 'variable';
}

/** One declared resource (one iteration of its copy loop). */
export interface ResourceEntry {
  frame: Frame;
  raw: JsonObject;
  /** Where the declaration is in the frame's document. */
  path: JsonPath;
  symbolicName?: string;
  type: string;
  name: string;
  id: string;
  /**
   * The name and scope were evaluated (no symbolic name or expression text standing in for them),
   * so the id is the resource's own.
   */
  nameKnown: boolean;
  /**
   * The id with the parts of the name given only at deployment written as symbols (symbols.ts),
   * when each part is known or has one: what `resourceId()` of the same values gives.
   */
  symbolicId?: string;
  /** The full name the same way, for its child resources. */
  nameSymbol?: string;
  loops: Loop[];
  deployed: true | UnknownValue;
  existing: boolean;
  body?: ObjectValue;
  evaluating?: boolean;
  /** Deployments: the template it runs has been expanded (outputs known). */
  expanded?: boolean;
  /** Its place in its frame's `entries` (declaration order). */
  index: number;
}

export function isDeploymentType(type: string): boolean {
  return type.toLowerCase() === 'microsoft.resources/deployments';
}

/** Declares the resources of a `resources` array or (languageVersion 2.0) object. */
export function registerResources(
  frame: Frame,
  resources: [JsonValue, JsonPath] | undefined,
  parent: ResourceEntry | undefined,
): void {
  if (!resources) return;
  const [value, valuePath] = resources;
  const declared: [JsonValue, JsonPath, string | undefined][] = Array.isArray(value)
    ? value.map((item, index) => [item, [...valuePath, index], undefined])
    : entries(value).map(([symbolicName, item]) => [item, [...valuePath, symbolicName], symbolicName]);
  for (const [raw, rawPath, symbolicName] of declared) {
    if (!isJsonObject(raw)) continue;
    try {
      registerResource(frame, raw, rawPath, symbolicName, parent);
    } catch (error) {
      // One bad resource is one error; the template's other resources are still evaluated.
      if (error instanceof TemplateLimitError) throw error.at(frame.doc.file, frame.doc.lineOf(rawPath));
      if (!(error instanceof ConfigurationError)) throw error;
      frame.expansion.addError(frame.errorAt(error, frame.doc.lineOf(rawPath)));
    }
  }
}

function registerResource(
  frame: Frame,
  raw: JsonObject,
  rawPath: JsonPath,
  symbolicName: string | undefined,
  parent: ResourceEntry | undefined,
): void {
  const copy = childAt(raw, rawPath, 'copy');
  const parentLoops = parent ? parent.loops : [];
  if (copy && isJsonObject(copy[0])) {
    const loopName = stringProperty(copy[0], 'name');
    const count = childAt(copy[0], copy[1], 'count');
    if (!count) {
      throw new ConfigurationError(
        `copy loop '${loopName ?? '?'}' has no count`,
        frame.doc.file,
        frame.doc.lineOf(copy[1]),
      );
    }
    frame.loops = [...parentLoops];
    frame.anchor = rawPath;
    const countValue = frame.evaluate(count[0]);
    if (isUnknown(countValue)) {
      registerInstance(
        frame,
        raw,
        rawPath,
        symbolicName,
        parent,
        [...parentLoops, { name: loopName, index: 0, kind: 'resource' }],
        countValue,
      );
      return;
    }
    const n = copyCount(frame, countValue, loopName, count[1]);
    for (let i = 0; i < n; i++) {
      registerInstance(frame, raw, rawPath, symbolicName, parent, [
        ...parentLoops,
        { name: loopName, index: i, kind: 'resource' },
      ]);
    }
    return;
  }
  registerInstance(frame, raw, rawPath, symbolicName, parent, [...parentLoops]);
}

function registerInstance(
  frame: Frame,
  raw: JsonObject,
  rawPath: JsonPath,
  symbolicName: string | undefined,
  parent: ResourceEntry | undefined,
  loops: Loop[],
  unknownCount?: UnknownValue,
): void {
  frame.loops = loops;
  frame.anchor = rawPath;
  charge(1);
  try {
    let deployed: true | UnknownValue = parent ? parent.deployed : frame.inheritedDeployed;
    if (unknownCount) deployed = new UnknownValue(`copy count unknown: ${unknownCount.reason}`);
    const condition = property(raw, 'condition');
    if (condition !== undefined) {
      const value = frame.evaluate(condition);
      if (value === false || value === 'false' || value === 'False') return;
      if (isUnknown(value)) deployed = new UnknownValue(`condition ${value.reason}`);
    }
    const typeRaw = property(raw, 'type');
    const typeValue = typeRaw === undefined ? undefined : frame.evaluate(typeRaw);
    if (typeof typeValue !== 'string') {
      throw new ConfigurationError(
        'resource has no "type"',
        frame.doc.file,
        declarationLine(frame, raw, rawPath, symbolicName),
      );
    }
    let type = typeValue;
    if (parent && !(type.includes('/') && type.split('/')[0].includes('.'))) type = `${parent.type}/${type}`;
    const nameRaw = property(raw, 'name');
    const nameValue = nameRaw === undefined ? undefined : frame.evaluate(nameRaw);
    let name: string;
    // A name given at deployment is its symbol, shown readably (`st[parameters('env')]`).
    let nameSymbol = isUnknown(nameValue) ? nameValue.symbol : undefined;
    if (typeof nameValue === 'string') name = nameValue;
    else if (nameSymbol !== undefined) name = readableSymbol(nameSymbol);
    else if (symbolicName) name = symbolicName;
    else if (typeof nameRaw === 'string') name = nameRaw;
    else
      throw new ConfigurationError(
        'resource has no "name"',
        frame.doc.file,
        declarationLine(frame, raw, rawPath, symbolicName),
      );
    const segments = type.split('/').length - 1;
    if (parent && name.split('/').length < segments) {
      // A child's full name has a symbol when each part is known or has one, and one has one.
      const own = nameSymbol ?? (typeof nameValue === 'string' ? name : undefined);
      const above = parent.nameSymbol ?? (parent.nameKnown ? parent.name : undefined);
      nameSymbol =
        own !== undefined && above !== undefined && (nameSymbol ?? parent.nameSymbol) !== undefined
          ? `${above}/${own}`
          : undefined;
      name = `${parent.name}/${name}`;
    }
    const existing = property(raw, 'existing') === true;
    const extensionScope = extensionScopeOf(frame, raw);
    const entry: ResourceEntry = {
      frame,
      raw,
      path: rawPath,
      symbolicName,
      type,
      name,
      id: buildResourceId(frame.deployment, type, name, extensionScope),
      nameKnown: typeof nameValue === 'string' && (!parent || parent.nameKnown) && frame.scopeKnown,
      loops,
      deployed,
      existing,
      index: frame.entries.length,
    };
    if (nameSymbol !== undefined) {
      entry.nameSymbol = nameSymbol;
      entry.symbolicId = buildResourceId(frame.deployment, type, nameSymbol, extensionScope);
    }
    frame.entries.push(entry);
    if (!existing) countResource(frame);
    registerResources(frame, childAt(raw, rawPath, 'resources'), entry);
  } finally {
    frame.loops = [];
    frame.anchor = undefined;
  }
}

/** The line a declaration is known by: its `name` (or, languageVersion 2.0, its symbolic name). */
export function declarationLine(
  frame: Frame,
  raw: JsonObject,
  rawPath: JsonPath,
  symbolicName: string | undefined,
): number {
  const name = symbolicName ? undefined : propertyKey(raw, 'name');
  return frame.doc.lineOf(name === undefined ? rawPath : [...rawPath, name]);
}

/** The declaration line of a resource entry. */
export function entryLine(entry: ResourceEntry): number {
  return declarationLine(entry.frame, entry.raw, entry.path, entry.symbolicName);
}

/** The id of the resource an extension resource's `scope` names, if any. */
function extensionScopeOf(frame: Frame, raw: JsonObject): string | undefined {
  const scopeRaw = property(raw, 'scope');
  if (scopeRaw === undefined) return undefined;
  const scope = frame.evaluate(scopeRaw);
  if (typeof scope !== 'string') return undefined;
  if (scope.startsWith('/')) return scope;
  const referenced = findEntry(frame, scope);
  if (referenced) return referenced.id;
  // languageVersion 2.0 writes `Microsoft.X/type/name` relative to the deployment scope.
  return buildResourceId(
    frame.deployment,
    scope.split('/').slice(0, 2).join('/'),
    scope.split('/').slice(2).join('/'),
  ).replace(/\/$/, '');
}

/** The resource `target` names (id, symbolic name, name or provider path), here or in outer templates. */
export function findEntry(frame: Frame, target: string): ResourceEntry | undefined {
  const lower = target.toLowerCase();
  const all = allEntries(frame);
  return (
    all.find((e) => e.id.toLowerCase() === lower) ??
    all.find((e) => e.symbolicName?.toLowerCase() === lower) ??
    all.find((e) => e.name.toLowerCase() === lower) ??
    (lower.includes('/providers/') ? all.find((e) => lower.endsWith(providerTail(e.id))) : undefined)
  );
}

function allEntries(frame: Frame): ResourceEntry[] {
  return frame.outer ? [...frame.entries, ...allEntries(frame.outer)] : frame.entries;
}

function providerTail(id: string): string {
  const index = id.toLowerCase().lastIndexOf('/providers/');
  return index < 0 ? id.toLowerCase() : id.slice(index).toLowerCase();
}
