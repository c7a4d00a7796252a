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
import { UnknownValue, isUnknown } from '../../../model.js';
import type { DeploymentContext } from '../expression/api.js';
import { scopeOfSchema } from '../deployment-context.js';
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
import { Frame } from './frame.js';
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
  frame.within(entry.loops, entry.path, () => {
    const inner = innerFrame(frame, entry, properties);
    if (!inner) return;
    inner.inheritedDeployed = entry.deployed;
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
): Frame | undefined {
  const { expansion } = frame;
  const context = nestedContext(frame, entry);
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

/** The deployment context of a nested deployment: its name, resource group, subscription, scope. */
function nestedContext(frame: Frame, entry: ResourceEntry): DeploymentContext {
  const context: DeploymentContext = { ...frame.deployment, deploymentName: entry.name };
  const rg = property(entry.raw, 'resourceGroup');
  if (rg !== undefined) {
    const value = frame.evaluate(rg);
    context.resourceGroupName = typeof value === 'string' ? value : `[${entry.name} resource group]`;
  }
  const sub = property(entry.raw, 'subscriptionId');
  if (sub !== undefined) {
    const value = frame.evaluate(sub);
    if (typeof value === 'string') context.subscriptionId = value;
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
  return context;
}

/** `properties.parameters` of a deployment, evaluated in the template around it. */
function passedParameters(
  frame: Frame,
  properties: JsonValue,
  propertiesPath: JsonPath,
  entry: ResourceEntry,
): Map<string, SuppliedParameter> {
  const { expansion } = frame;
  const out = new Map<string, SuppliedParameter>();
  const fallback = frame.sourceMap ? { file: frame.sourceMap.file, line: sourceLine(entry) } : undefined;
  const parameters = childAt(properties, propertiesPath, 'parameters');
  for (const [name, declaration] of entries(parameters?.[0])) {
    const value = childAt(declaration, [...parameters![1], name], 'value');
    if (value) {
      const [raw, rawPath] = value;
      out.set(name.toLowerCase(), {
        value: frame.evaluate(raw),
        locate: () => frame.valueLocation(raw, rawPath, fallback),
      });
    } else if (property(declaration, 'reference') !== undefined) {
      out.set(name.toLowerCase(), {
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
        if (!out.has(key)) out.set(key, supplied);
      }
    }
  }
  return out;
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
