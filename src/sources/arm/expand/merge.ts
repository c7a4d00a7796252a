/**
 * One resource per id. A deployment may declare the same resource more than once (a module
 * creates a workspace, a later module updates it): Azure ends with one resource, each PUT setting
 * the properties it writes, in deployment order. This step runs after expansion, on the resources
 * of one scanned template (one deployment; two scanned templates are two deployments and are not
 * merged), and is pure: the order comes from `before`.
 *
 * Merging: objects merge property by property (names case-insensitive, the later declaration's
 * value wins); arrays, strings, numbers and unknowns are replaced whole; a null does not erase an
 * earlier value (an update that leaves a property out, or passes null for it, does not unset it).
 * Each path is located where its winning value is written.
 */
import { isUnknown, splitPropertyPath, type ObjectValue, type Resource, type Value } from '../../../model.js';
import { findKey, isObject, setKey } from '../expression/values.js';

/** What merging needs to know about where each resource was declared. */
export interface Declarations {
  /** Its id is its own (name and scope evaluated, not stand-ins that may coincide). */
  known(resource: Resource): boolean;
  /**
   * The template that declares it: ARM rejects a template that declares one resource twice, so
   * such ids (placeholder parameter values, usually) are left as they are.
   */
  template(resource: Resource): object;
  /** Deployment order: negative when `a` is deployed first. */
  before(a: Resource, b: Resource): number;
}

/**
 * Resources with the same known id (case-insensitive), each declared by a different template of
 * the deployment, merged into one at the place of the first.
 */
export function mergeRedeclared(resources: Resource[], declarations: Declarations): Resource[] {
  // Most deployments declare each resource once: find out without building a group per resource.
  const first = new Map<string, Resource>();
  const groups = new Map<string, Resource[]>();
  for (const resource of resources) {
    if (!declarations.known(resource)) continue;
    const key = resource.id.toLowerCase();
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, resource);
    else {
      const group = groups.get(key);
      if (group) group.push(resource);
      else groups.set(key, [earlier, resource]);
    }
  }
  for (const [key, group] of groups) {
    if (new Set(group.map(declarations.template)).size !== group.length) groups.delete(key);
  }
  if (groups.size === 0) return resources;
  const out: Resource[] = [];
  for (const resource of resources) {
    const group = declarations.known(resource) ? groups.get(resource.id.toLowerCase()) : undefined;
    if (!group) out.push(resource);
    else if (group[0] === resource) out.push(merge([...group].sort(declarations.before)));
  }
  return out;
}

/** Declarations of one resource, in deployment order, as one resource. */
function merge(declarations: Resource[]): Resource {
  const last = declarations[declarations.length - 1];
  let body: ObjectValue = {};
  for (const declaration of declarations) body = mergeObjects(body, declaration.body);
  const deployed = declarations.some((d) => d.deployed === true) ? true : last.deployed;
  const merged: Resource = { ...last, body, deployed };
  if (declarations.every((d) => d.locate)) {
    merged.locate = (path) => {
      // The declaration whose value won: the last one that writes something there.
      for (let i = declarations.length - 1; i >= 0; i--) {
        const value = valueAt(declarations[i].body, path);
        if (value !== undefined && value !== null) return declarations[i].locate!(path);
      }
      return last.locate!(path);
    };
  }
  return merged;
}

function mergeObjects(earlier: ObjectValue, later: ObjectValue): ObjectValue {
  const out: ObjectValue = { ...earlier };
  for (const key of Object.keys(later)) {
    const value = later[key];
    const existing = findKey(out, key);
    if (existing === undefined) {
      setKey(out, key, value);
      continue;
    }
    if (value === null) continue;
    const previous = out[existing];
    if (existing !== key) delete out[existing];
    setKey(out, key, isObject(previous) && isObject(value) ? mergeObjects(previous, value) : value);
  }
  return out;
}

/** The value at a property path (`properties.locations[1].x`), undefined when absent. */
function valueAt(body: ObjectValue, path: string): Value | undefined {
  let current: Value | undefined = body;
  for (const segment of splitPropertyPath(path)) {
    if (current === undefined || current === null || isUnknown(current)) return current;
    if (typeof segment === 'number') {
      current = Array.isArray(current) ? current[segment] : undefined;
      continue;
    }
    if (!isObject(current)) return undefined;
    const key = findKey(current, segment);
    current = key === undefined ? undefined : current[key];
  }
  return current;
}
