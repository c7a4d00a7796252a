import { MAX_PLAN_BYTES, readRegularBytes } from '../../file-access.js';
import path from 'node:path';
import { ConfigurationError, describeError } from '../../errors.js';
import {
  isUnknown,
  type FileError,
  type Finding,
  type Logger,
  type ObjectValue,
  type Resource,
  type Value,
} from '../../model.js';
import type { DiscoveredFile } from '../discover.js';
import { childDrafts, convertInstances, type Draft, type Instance } from './convert.js';
import { TerraformLocator } from './locate.js';
import { AZURERM, isMappedType } from './mapping.js';
import { withMarks } from './marks.js';
import { decodePlanBytes, readPlan, type TerraformPlan, type ValuesModule } from './plan-format.js';
import { ConfigIndex, parseAddress } from './references.js';

/**
 * The Terraform plan source: the JSON of saved plans (`terraform show -json tfplan`) → the same
 * `Resource[]` the ARM source makes, for the state after the plan and for the state before it (the
 * plan's own baseline: what gets worse is a regression, with no scan of a base branch).
 */
export interface TerraformScan {
  /** Resources as the plan leaves them. */
  resources: Resource[];
  /** The same resources as they are now (updates, replacements, deletions, no-ops). */
  before: Resource[];
  errors: FileError[];
  /** For the reader: what the plan deletes or replaces, which findings carry no line and why. */
  notes: string[];
  /** Ids of `resources` (lowercase): the findings the plan's own `before` judges. */
  ids: Set<string>;
  /** Ids of resources the plan replaces (delete, then create) → the plan's words for it. */
  replaced: Map<string, string>;
  plans: number;
}

export interface TerraformLoadOptions {
  cwd: string;
  logger: Logger;
}

const PLACEHOLDER_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** Reads each plan file; a file that cannot be read or is not a plan is one `FileError`, the others still count. */
export function loadTerraformPlans(files: DiscoveredFile[], options: TerraformLoadOptions): TerraformScan {
  const scan: TerraformScan = {
    resources: [],
    before: [],
    errors: [],
    notes: [],
    ids: new Set(),
    replaced: new Map(),
    plans: 0,
  };
  for (const file of files) {
    let plan: TerraformPlan;
    try {
      // A regular file within the plan limit: a FIFO or a device is refused, never waited on.
      const bytes = readRegularBytes(file.absolutePath, {
        file: file.path,
        maxBytes: MAX_PLAN_BYTES,
        limitName: 'for a Terraform plan',
      });
      plan = readPlan(decodePlanBytes(bytes), file.path);
    } catch (error) {
      scan.errors.push(
        error instanceof ConfigurationError
          ? {
              file: error.file ?? file.path,
              ...(error.line ? { line: error.line } : {}),
              message: error.message,
            }
          : { file: file.path, message: `could not read the plan: ${describeError(error)}` },
      );
      continue;
    }
    scan.plans++;
    options.logger.debug(
      `${file.path}: Terraform ${plan.terraformVersion}, JSON format ${plan.formatVersion}, ${plan.resourceChanges.length} resource changes`,
    );
    if (plan.errored) {
      scan.errors.push({
        file: file.path,
        message:
          'Terraform stopped planning on an error, so the plan is partial: its findings cover only what was planned. Fix the errors terraform plan reported and plan again.',
      });
    }
    addPlan(plan, path.dirname(file.absolutePath), options.cwd, scan);
  }
  return scan;
}

function addPlan(plan: TerraformPlan, rootDir: string, cwd: string, scan: TerraformScan): void {
  const after: Instance[] = [];
  const before: Instance[] = [];
  const actions = new Map<string, string[]>();

  if (plan.resourceChanges.length > 0) {
    for (const change of plan.resourceChanges) {
      if (change.mode !== 'managed' || change.deposed || !isMappedType(change.type)) continue;
      const parsed = parseAddress(change.address);
      if (!parsed) continue;
      actions.set(change.address, change.change.actions);
      const { after: afterValue, before: beforeValue } = change.change;
      if (afterValue && typeof afterValue === 'object') {
        const attributes = withMarks(afterValue, change.change.after_unknown, change.change.after_sensitive);
        after.push({
          address: change.address,
          parsed,
          type: change.type,
          attributes: attributes as ObjectValue,
        });
      }
      if (beforeValue && typeof beforeValue === 'object') {
        const attributes = withMarks(beforeValue, undefined, change.change.before_sensitive);
        before.push({
          address: change.address,
          parsed,
          type: change.type,
          attributes: attributes as ObjectValue,
        });
      }
    }
  } else {
    // A plan without resource_changes (format 0.1 with no change): planned values and prior state.
    collectValues(plan.plannedValues, after);
    collectValues(plan.priorState, before);
  }

  const config = new ConfigIndex(plan.configuration, [
    ...new Set([...after, ...before].map((instance) => instance.address)),
  ]);
  const subscription = subscriptionOf([...after, ...before]) ?? PLACEHOLDER_SUBSCRIPTION;
  const locator = new TerraformLocator(rootDir, config, cwd);
  const unplaced = new Map<string, string[]>();
  const addresses = new Map<Resource, string>();

  const toResources = (instances: Instance[]): Resource[] => {
    const drafts = convertInstances(instances, { config, subscription });
    const withChildren: Draft[] = [];
    for (const draft of drafts) {
      withChildren.push(draft);
      if (!draft.patch && AZURERM[draft.instance.type]?.children)
        withChildren.push(...childDrafts(draft, draft.instance));
    }
    return applyPatches(withChildren).map((draft) => {
      const resource = toResource(draft, plan.file, locator, unplaced);
      addresses.set(resource, draft.instance.address);
      return resource;
    });
  };

  const afterResources = toResources(after);
  scan.before.push(...toResources(before));
  scan.resources.push(...afterResources);
  for (const resource of afterResources) scan.ids.add(resource.id.toLowerCase());

  // What the plan deletes or replaces, in Terraform's words.
  const deleted: string[] = [];
  const replacedAddresses: string[] = [];
  for (const [address, list] of actions) {
    if (!list.includes('delete')) continue;
    if (list.includes('create')) replacedAddresses.push(address);
    else deleted.push(address);
  }
  for (const resource of afterResources) {
    const address = addresses.get(resource);
    if (address && replacedAddresses.includes(address)) {
      const order =
        actions.get(address)![0] === 'create'
          ? 'create the new one, then delete the old'
          : 'delete, then create';
      scan.replaced.set(resource.id.toLowerCase(), `Terraform replaces ${address} (${order}).`);
    }
  }
  if (replacedAddresses.length > 0)
    scan.notes.push(
      `${plan.file}: Terraform replaces ${replacedAddresses.join(', ')} (the old resource is deleted).`,
    );
  if (deleted.length > 0)
    scan.notes.push(
      `${plan.file}: Terraform deletes ${deleted.join(', ')}; its findings are gone from this report.`,
    );
  for (const [reason, addresses] of unplaced) {
    scan.notes.push(`${plan.file}: the findings of ${addresses.join(', ')} carry no line: ${reason}.`);
  }
}

function collectValues(module: ValuesModule | undefined, into: Instance[]): void {
  if (!module) return;
  for (const resource of module.resources ?? []) {
    if (resource.mode !== 'managed' || !isMappedType(resource.type) || !resource.values) continue;
    const parsed = parseAddress(resource.address);
    if (!parsed) continue;
    const attributes = withMarks(resource.values, undefined, resource.sensitive_values);
    into.push({
      address: resource.address,
      parsed,
      type: resource.type,
      attributes: attributes as ObjectValue,
    });
  }
  for (const child of module.child_modules ?? []) collectValues(child, into);
}

/** The subscription named by any known ARM id in the plan, for the placeholder ids of new resources. */
function subscriptionOf(instances: Instance[]): string | undefined {
  for (const instance of instances) {
    const id = instance.attributes.id;
    const match = typeof id === 'string' ? /^\/subscriptions\/([0-9a-f-]{36})\//i.exec(id) : null;
    if (match) return match[1];
  }
  return undefined;
}

/** azapi_update_resource bodies merged into the resource they patch; a patch of a resource not in the plan cannot be judged. */
function applyPatches(drafts: Draft[]): Draft[] {
  const patches = drafts.filter((draft) => draft.patch);
  if (patches.length === 0) return drafts;
  const kept = drafts.filter((draft) => !draft.patch);
  for (const patch of patches) {
    const target =
      kept.find((draft) => draft.id.toLowerCase() === patch.id.toLowerCase()) ??
      kept.find(
        (draft) =>
          draft.armType.toLowerCase() === patch.armType.toLowerCase() &&
          draft.name.toLowerCase() === patch.name.toLowerCase(),
      );
    if (target) mergeInto(target.body, patch.body);
    else kept.push({ ...patch, patch: true });
  }
  return kept;
}

function mergeInto(target: ObjectValue, patch: ObjectValue): void {
  for (const [key, value] of Object.entries(patch)) {
    const existing = target[key];
    if (isPlainObject(existing) && isPlainObject(value)) mergeInto(existing, value);
    else target[key] = value;
  }
}

function isPlainObject(value: Value | undefined): value is ObjectValue {
  return (
    value !== null &&
    value !== undefined &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !isUnknown(value)
  );
}

function toResource(
  draft: Draft,
  planFile: string,
  locator: TerraformLocator,
  unplaced: Map<string, string[]>,
): Resource {
  const resource: Resource = {
    type: draft.armType,
    name: draft.name,
    id: draft.id,
    body: draft.body,
    deployed: true,
    origin: 'template',
    unit: planFile,
  };
  if (draft.patch) {
    resource.readError = `${draft.instance.address} (azapi_update_resource) changes only part of ${draft.name}, which this plan does not declare: the rest of it is not in the plan. Check it in workspace mode.`;
  }
  const place = locator.place(draft.instance.parsed);
  if ('missing' in place) {
    const list = unplaced.get(place.missing);
    if (list) {
      if (!list.includes(draft.instance.address)) list.push(draft.instance.address);
    } else unplaced.set(place.missing, [draft.instance.address]);
    return resource;
  }
  resource.source = { file: place.file, line: place.block.line };
  resource.locate = (armPath) =>
    TerraformLocator.lineOf(place, armPath === '' ? undefined : draft.tfPathOf(armPath));
  return resource;
}

/** Says on each finding of a replaced resource that Terraform replaces it. */
export function markReplacements(findings: Finding[], scan: Pick<TerraformScan, 'replaced'>): Finding[] {
  if (scan.replaced.size === 0) return findings;
  return findings.map((finding) => {
    const words = scan.replaced.get(finding.resource.id.toLowerCase());
    return words ? { ...finding, message: `${finding.message} ${words}` } : finding;
  });
}
