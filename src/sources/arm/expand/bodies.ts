/**
 * Body evaluation: each declared resource's properties evaluated in its copy-loop iteration, then
 * emitted as a `Resource` (existing resources are read, not deployed); a deployment's template
 * runs as soon as the deployment itself is emitted (deployments.ts).
 */
import { ConfigurationError } from '../../../errors.js';
import { COSTS, TemplateLimitError, charge } from '../limits.js';
import type { ObjectValue, Resource } from '../../../model.js';
import { setKey } from '../expression/values.js';
import { entries, type JsonValue } from '../jsonc.js';
import { expandDeployment } from './deployments.js';
import type { Frame } from './frame.js';
import { entryLine, isDeploymentType, type ResourceEntry } from './resources.js';

/** Keys of a declaration that are instructions to ARM, not part of the resource body. */
export const BODY_SKIPPED = new Set([
  'copy',
  'condition',
  'dependson',
  'resources',
  'comments',
  'existing',
  'import',
]);

/** The evaluated body of a declared resource (memoized); undefined while it is being evaluated. */
export function evaluateEntry(entry: ResourceEntry): ObjectValue | undefined {
  if (entry.body) return entry.body;
  if (entry.evaluating) return undefined;
  entry.evaluating = true;
  const frame = entry.frame;
  try {
    return frame.within(entry.loops, entry.path, () => {
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
          body.properties = deploymentProperties(frame, value);
          continue;
        }
        setKey(body, key, frame.evaluate(value));
      }
      entry.body = body;
      return body;
    });
  } finally {
    entry.evaluating = false;
  }
}

/** A deployment's properties without the template it runs and the parameters it passes (deployments.ts). */
function deploymentProperties(frame: Frame, value: JsonValue): ObjectValue {
  const out: ObjectValue = {};
  for (const [key, item] of entries(value)) {
    const lower = key.toLowerCase();
    if (lower === 'template' || lower === 'parameters') continue;
    setKey(out, key, frame.evaluate(item));
  }
  return out;
}

/** Evaluates every declared resource of `frame`, emits the deployed ones and expands nested deployments. */
export function emit(frame: Frame, unit: string): void {
  const { expansion } = frame;
  const locatable = expansion.options.locatable;
  for (const entry of frame.entries) {
    try {
      charge(COSTS.resource);
      const body = evaluateEntry(entry);
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
      if (entry.symbolicId !== undefined) resource.symbolicId = entry.symbolicId;
      if (!locatable || locatable(entry.type))
        resource.locate = (path) => frame.locator.locateValue(entry, path);
      expansion.resources.push(resource);
      expansion.declarations.set(resource, entry);
      if (isDeploymentType(entry.type) && !entry.expanded) expandDeployment(frame, entry, unit);
    } catch (error) {
      if (error instanceof TemplateLimitError) throw error.at(frame.doc.file, entryLine(entry));
      if (!(error instanceof ConfigurationError)) throw error;
      expansion.addError(frame.errorAt(error, entryLine(entry)));
    }
  }
}
