/**
 * Deployment order between two declared resources: "Resource Manager evaluates the dependencies
 * between resources, and deploys them in their dependent order"
 * (https://learn.microsoft.com/azure/azure-resource-manager/templates/resource-dependency).
 * Two resources deployed by different nested deployments are ordered by those deployments, in
 * the template where their paths split: the one whose `dependsOn` (directly or through others)
 * names the other runs later; otherwise the order they are declared in.
 */
import { ConfigurationError } from '../../../errors.js';
import { TemplateLimitError } from '../limits.js';
import { property, stringProperty } from '../jsonc.js';
import { findEntry, type ResourceEntry } from './resources.js';

export class DeploymentOrder {
  private readonly dependencies = new Map<ResourceEntry, Set<ResourceEntry>>();

  /** Negative when `a` is deployed before `b`, positive after, 0 when it cannot tell. */
  compare(a: ResourceEntry, b: ResourceEntry): number {
    const pathA = deploymentPath(a);
    const pathB = deploymentPath(b);
    let i = 0;
    while (i < pathA.length && i < pathB.length && pathA[i] === pathB[i]) i++;
    if (i === pathA.length || i === pathB.length) return pathA.length - pathB.length;
    const [x, y] = [pathA[i], pathB[i]];
    if (this.dependsOn(y, x)) return -1;
    if (this.dependsOn(x, y)) return 1;
    return x.index - y.index;
  }

  /** Whether `entry` depends on `other`, directly or through other resources of its template. */
  private dependsOn(entry: ResourceEntry, other: ResourceEntry): boolean {
    const seen = new Set<ResourceEntry>();
    const pending = [entry];
    while (pending.length > 0) {
      for (const next of this.direct(pending.pop()!)) {
        if (next === other) return true;
        if (!seen.has(next)) {
          seen.add(next);
          pending.push(next);
        }
      }
    }
    return false;
  }

  /** The resources an entry's `dependsOn` names (ids, names, symbolic names or copy loop names). */
  private direct(entry: ResourceEntry): Set<ResourceEntry> {
    let found = this.dependencies.get(entry);
    if (found) return found;
    found = new Set();
    this.dependencies.set(entry, found);
    const dependsOn = property(entry.raw, 'dependsOn');
    if (!Array.isArray(dependsOn)) return found;
    const frame = entry.frame;
    for (const item of dependsOn) {
      let target;
      try {
        target = frame.within(entry.loops, entry.path, () => frame.evaluate(item));
      } catch (error) {
        if (error instanceof ConfigurationError && !(error instanceof TemplateLimitError)) continue;
        throw error;
      }
      if (typeof target !== 'string') continue;
      const named = findEntry(frame, target);
      if (named) found.add(named);
      else {
        const lower = target.toLowerCase();
        for (const candidate of frame.entries)
          if (stringProperty(property(candidate.raw, 'copy'), 'name')?.toLowerCase() === lower)
            found.add(candidate);
      }
    }
    return found;
  }
}

/** The deployments that lead to an entry, outermost first, ending with the entry itself. */
function deploymentPath(entry: ResourceEntry): ResourceEntry[] {
  const path = [entry];
  for (let by = entry.frame.deployedBy; by; by = by.frame.deployedBy) path.unshift(by);
  return path;
}
