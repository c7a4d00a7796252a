/**
 * Nested and linked deployments (`Microsoft.Resources/deployments`): the template a deployment
 * runs, in its own scope (resource group, subscription, management group), with the parameters it
 * passes (inner scope) or the outer template's parameters and variables (outer scope); linked
 * templates are read from the scanned folder. The deployment's outputs become readable through
 * `reference()` in the template around it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../../../errors.js';
import { UnknownValue, isUnknown, type SourceLocation, type Value } from '../../../model.js';
import type { DeploymentContext } from '../expression/api.js';
import { findKey, isObject, typeName } from '../expression/values.js';
import { otherGroupLocation, scopeOfSchema } from '../deployment-context.js';
import {
  childAt,
  entries,
  isJsonObject,
  property,
  stringProperty,
  type JsonPath,
  type JsonValue,
} from '../jsonc.js';
import type { SuppliedParameter } from '../parameters.js';
import { chargeDeployment } from '../limits.js';
import { Frame } from './frame.js';
import type { Supply } from './parameters.js';
import { sourceLine } from './locations.js';
import { readOutputs } from './outputs.js';
import { entryLine, type ResourceEntry } from './resources.js';
import { truncate } from './values.js';

/** Nested / linked deployments deeper than this are not followed (cycles, runaway templates). */
export const MAX_DEPLOYMENT_DEPTH = 10;

/** Runs the template of deployment `entry` (declared in `frame`), once. */
export function expandDeployment(frame: Frame, entry: ResourceEntry, unit: string): void {
  if (entry.expanded || entry.existing) return;
  entry.expanded = true;
  const properties = childAt(entry.raw, entry.path, 'properties');
  if (!properties) return;
  if (frame.depth >= MAX_DEPLOYMENT_DEPTH) {
    throw new ConfigurationError(
      `nested deployments deeper than ${MAX_DEPLOYMENT_DEPTH} levels are not followed`,
      frame.doc.file,
      entryLine(entry),
    );
  }
  chargeDeployment();
  frame.within(entry.loops, entry.path, () => {
    const { context, standIn } = nestedContext(frame, entry);
    const inner = innerFrame(frame, entry, properties, context);
    if (!inner) return;
    inner.inheritedDeployed = entry.deployed;
    inner.deployedBy = entry;
    inner.scopeKnown = frame.scopeKnown && !standIn;
    inner.chain = new Set([...frame.chain, frame.doc.absolutePath]);
    inner.run(unit);
    // reference(<deployment>).outputs.x.value in the template around it.
    const outputs = readOutputs(inner);
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
  });
}

/** The frame of the template a deployment runs (nested or linked), or undefined when it cannot be read. */
function innerFrame(
  frame: Frame,
  entry: ResourceEntry,
  properties: [JsonValue, JsonPath],
  context: DeploymentContext,
): Frame | undefined {
  const { expansion } = frame;
  const template = childAt(properties[0], properties[1], 'template');
  const link = childAt(properties[0], properties[1], 'templateLink');
  const scopeText = stringProperty(property(properties[0], 'expressionEvaluationOptions'), 'scope');
  const innerScope = scopeText?.toLowerCase() === 'inner';
  const moduleMap = frame.sourceMap?.module?.(entry.symbolicName, entry.name);
  if (template && isJsonObject(template[0])) {
    const [templateValue, templatePath] = template;
    const schemaScope = stringProperty(templateValue, '$schema');
    const ctx = { ...context, scope: scopeOf(entry, schemaScope, context) };
    return innerScope
      ? new Frame(
          expansion,
          frame.doc,
          templateValue,
          templatePath,
          ctx,
          passedParameters(frame, properties[0], properties[1], entry),
          frame.depth + 1,
          undefined,
          moduleMap,
        )
      : new Frame(
          expansion,
          frame.doc,
          templateValue,
          templatePath,
          ctx,
          undefined,
          frame.depth + 1,
          frame,
          frame.sourceMap,
        );
  }
  if (!link) return undefined;
  const linked = resolveLink(frame, link[0]);
  if (!linked) {
    const specId = childAt(link[0], link[1], 'id');
    const uri =
      specId ?? childAt(link[0], link[1], 'uri') ?? childAt(link[0], link[1], 'relativePath') ?? link;
    const shown = typeof uri[0] === 'string' ? truncate(uri[0], 120) : 'templateLink';
    const what = specId
      ? `template spec ${shown} is not read (it lives in Azure, not in the repository)`
      : `linked template ${shown} is not a file in the scanned folder`;
    expansion.options.logger?.warning(
      `${frame.doc.file}:${frame.doc.lineOf(uri[1])}: ${what}; the resources it deploys are not checked`,
    );
    return undefined;
  }
  if (linked === frame.doc.absolutePath || frame.chain.has(linked)) return undefined;
  const document = expansion.options.readDocument(linked);
  expansion.linkedFiles.add(linked);
  if (!isJsonObject(document.root)) {
    throw new ConfigurationError('a template must be a JSON object', document.file, 1);
  }
  const schemaScope = stringProperty(document.root, '$schema');
  const ctx = {
    ...context,
    scope: scopeOf(entry, schemaScope, context),
    templateLinkUri: pathToFileUrl(linked),
  };
  return new Frame(
    expansion,
    document,
    document.root,
    [],
    ctx,
    passedParameters(frame, properties[0], properties[1], entry),
    frame.depth + 1,
  );
}

/** The scope a nested template deploys at: its `resourceGroup`/`subscriptionId`, else its `$schema`. */
function scopeOf(
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

/**
 * The deployment context of a nested deployment: its name, resource group, subscription, scope;
 * `standIn` when its resource group or subscription could not be evaluated.
 */
function nestedContext(frame: Frame, entry: ResourceEntry): { context: DeploymentContext; standIn: boolean } {
  const context: DeploymentContext = { ...frame.deployment, deploymentName: entry.name };
  let standIn = false;
  const rg = property(entry.raw, 'resourceGroup');
  if (rg !== undefined) {
    const value = frame.evaluate(rg);
    const name = typeof value === 'string' ? value : `[${entry.name} resource group]`;
    // Another resource group has a location of its own, which no setting gives.
    if (name.toLowerCase() !== context.resourceGroupName.toLowerCase())
      context.resourceGroupLocation = otherGroupLocation(name);
    context.resourceGroupName = name;
    if (typeof value !== 'string') standIn = true;
  }
  const sub = property(entry.raw, 'subscriptionId');
  if (sub !== undefined) {
    const value = frame.evaluate(sub);
    if (typeof value === 'string') context.subscriptionId = value;
    else standIn = true;
  }
  const scope = property(entry.raw, 'scope');
  if (scope !== undefined) {
    const value = frame.evaluate(scope);
    const match = typeof value === 'string' ? /managementGroups\/([^/]+)/i.exec(value) : null;
    if (match) {
      context.managementGroup = match[1];
      context.scope = 'managementGroup';
    } else if (typeof value === 'string' && value.replace(/^\//, '') === '') context.scope = 'tenant';
  }
  return { context, standIn };
}

/**
 * `properties.parameters` of a deployment, evaluated in the template around it. An entry is
 * `{ "value": … }`, a Key Vault `{ "reference": … }`, or one expression that gives either (or null:
 * no value), which Bicep writes for a module argument that may be left out:
 * `"x": "[if(c, createObject('value', v), null())]"`. The whole `parameters` may be one
 * expression too.
 */
function passedParameters(
  frame: Frame,
  properties: JsonValue,
  propertiesPath: JsonPath,
  entry: ResourceEntry,
): Supply {
  const { expansion } = frame;
  const values = new Map<string, SuppliedParameter>();
  const supply: Supply = { values };
  const fallback = frame.sourceMap ? { file: frame.sourceMap.file, line: sourceLine(entry) } : undefined;
  /** The entry's own line: the expression is the line to edit, whatever it reads. */
  const lineOf = (rawPath: JsonPath) => () =>
    fallback ?? { file: frame.doc.file, line: frame.doc.lineOf(rawPath) };
  const parameters = childAt(properties, propertiesPath, 'parameters');
  if (parameters && typeof parameters[0] === 'string') {
    const evaluated = frame.evaluate(parameters[0]);
    if (isUnknown(evaluated)) {
      supply.unknown = new UnknownValue(
        `the parameters deployment '${entry.name}' passes are not known: ${evaluated.reason}`,
      );
    } else if (evaluated !== null) {
      if (!isObject(evaluated)) throw notAnObject(frame, entry, 'parameters', evaluated, parameters[1]);
      for (const [name, passed] of Object.entries(evaluated)) {
        addEvaluated(frame, entry, values, name, passed, parameters[1], lineOf(parameters[1]));
      }
    }
  }
  for (const [name, declaration] of entries(parameters?.[0])) {
    const declarationPath = [...parameters![1], name];
    if (typeof declaration === 'string') {
      const passed = frame.evaluate(declaration);
      addEvaluated(frame, entry, values, name, passed, declarationPath, lineOf(declarationPath));
      continue;
    }
    const value = childAt(declaration, declarationPath, 'value');
    if (value) {
      const [raw, rawPath] = value;
      values.set(name.toLowerCase(), {
        value: frame.evaluate(raw),
        locate: () => frame.valueLocation(raw, rawPath, fallback),
      });
    } else if (property(declaration, 'reference') !== undefined) {
      values.set(name.toLowerCase(), {
        value: new UnknownValue(`parameter ${name} is a Key Vault reference`),
      });
    }
  }
  const link = property(properties, 'parametersLink');
  if (link !== undefined) {
    const file = resolveLink(frame, link);
    if (file) {
      const document = expansion.options.readDocument(file);
      for (const [key, supplied] of expansion.options.readParameters(document)) {
        if (!values.has(key)) values.set(key, supplied);
      }
    }
  }
  return supply;
}

/** One evaluated parameter entry: `{ value }`, `{ reference }`, null (not supplied) or unknown. */
function addEvaluated(
  frame: Frame,
  entry: ResourceEntry,
  values: Map<string, SuppliedParameter>,
  name: string,
  passed: Value,
  path: JsonPath,
  locate: () => SourceLocation,
): void {
  if (passed === null) return;
  if (isUnknown(passed)) {
    values.set(name.toLowerCase(), { value: passed, locate });
    return;
  }
  if (!isObject(passed)) throw notAnObject(frame, entry, `parameter '${name}'`, passed, path);
  const valueKey = findKey(passed, 'value');
  if (valueKey !== undefined) values.set(name.toLowerCase(), { value: passed[valueKey], locate });
  else if (findKey(passed, 'reference') !== undefined)
    values.set(name.toLowerCase(), {
      value: new UnknownValue(`parameter ${name} is a Key Vault reference`),
      locate,
    });
}

function notAnObject(
  frame: Frame,
  entry: ResourceEntry,
  what: string,
  value: Value,
  path: JsonPath,
): ConfigurationError {
  return new ConfigurationError(
    `deployment '${entry.name}' passes ${what} as ${typeName(value)}: ARM expects an object ({ "name": { "value": … } } for all parameters, { "value": … } for one)`,
    frame.doc.file,
    frame.doc.lineOf(path),
  );
}

/** The local file a `templateLink`/`parametersLink` points at, or undefined when it is not local. */
function resolveLink(frame: Frame, link: JsonValue): string | undefined {
  const relative = property(link, 'relativePath');
  if (relative !== undefined) {
    const value = frame.evaluate(relative);
    if (typeof value === 'string')
      return path.resolve(path.dirname(frame.doc.absolutePath), value.split(/[?#]/)[0]);
  }
  const uriRaw = property(link, 'uri');
  if (uriRaw === undefined) return undefined;
  const uri = frame.evaluate(uriRaw);
  if (typeof uri !== 'string') return undefined;
  if (/^https?:/i.test(uri)) return localCopyOf(frame, uri);
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
function localCopyOf(frame: Frame, uri: string): string | undefined {
  const { expansion } = frame;
  let segments: string[];
  try {
    segments = new URL(uri).pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const base = path.dirname(frame.doc.absolutePath);
  const key = `${base}\n${segments.join('/')}`;
  if (expansion.localCopies.has(key)) return expansion.localCopies.get(key);
  let found: string | undefined;
  for (let i = 0; i < segments.length && !found; i++) {
    const candidate = path.resolve(base, ...segments.slice(i));
    if (expansion.options.fileExists?.(candidate)) found = candidate;
  }
  expansion.localCopies.set(key, found);
  return found;
}

/** The `file://` URL of a local path (`deployment().properties.templateLink.uri` of a template). */
export function pathToFileUrl(absolutePath: string): string {
  return new URL(`file://${absolutePath.startsWith('/') ? '' : '/'}${absolutePath.split(path.sep).join('/')}`)
    .href;
}
