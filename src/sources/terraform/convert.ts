import { isUnknown, splitPropertyPath, UnknownValue, type ObjectValue, type Value } from '../../model.js';
import { KNOWN_AFTER_APPLY } from './marks.js';
import {
  AZAPI_POINTERS,
  AZURERM,
  type ChildSpec,
  type Converter,
  type Field,
  type TypeMapping,
} from './mapping.js';
import type { ConfigIndex, ParsedAddress } from './references.js';

/**
 * Terraform resource instances (attributes with their unknown and sensitive leaves) → ARM
 * resources: type, name and id as ARM writes them, and the body the rules read. Pure: the plan
 * and its configuration in, drafts out; the caller adds source locations.
 */

/** One resource instance of one side of a plan (before or after). */
export interface Instance {
  address: string;
  parsed: ParsedAddress;
  /** Terraform type, e.g. `azurerm_storage_account`. */
  type: string;
  attributes: ObjectValue;
}

/** An ARM resource made from an instance, before locations are attached. */
export interface Draft {
  instance: Instance;
  armType: string;
  name: string;
  id: string;
  body: ObjectValue;
  /** The Terraform attribute path that sets an ARM property path (for locating it in the `.tf` file). */
  tfPathOf(armPath: string): string | undefined;
  /** azapi_update_resource: patches another resource instead of declaring one. */
  patch?: boolean;
}

export interface ConvertOptions {
  config: ConfigIndex;
  /** Subscription of the placeholder ids: one a known id in the plan names, else zeros. */
  subscription: string;
}

const PLACEHOLDER_RG = 'rg';

export function convertInstances(instances: Instance[], options: ConvertOptions): Draft[] {
  const drafts: Draft[] = [];
  const pending: PendingDraft[] = [];
  for (const instance of instances) {
    const made = instance.type.startsWith('azapi_') ? fromAzapi(instance) : fromAzurerm(instance);
    if (made) pending.push(made);
  }
  const byAddress = new Map<string, PendingDraft>();
  for (const draft of pending) byAddress.set(draft.instance.address, draft);

  // Names and ids: top-level resources first, then children once their parent is named.
  const resolveTargets = (draft: PendingDraft, tfPath: string, types: string[]): PendingDraft[] => {
    const references = options.config.referencesAt(draft.instance.parsed, tfPath);
    const lowered = types.map((type) => type.toLowerCase());
    return options.config
      .targets(references, draft.instance.parsed)
      .map((address) => byAddress.get(address))
      .filter((target): target is PendingDraft => !!target && lowered.includes(target.armType.toLowerCase()));
  };

  let left = pending;
  for (let round = 0; round < 4 && left.length > 0; round++) {
    const waiting: PendingDraft[] = [];
    for (const draft of left) {
      if (!nameAndId(draft, options, resolveTargets)) waiting.push(draft);
    }
    if (waiting.length === left.length) break;
    left = waiting;
  }
  for (const draft of left) fallbackNameAndId(draft, options);

  for (const draft of pending) {
    for (const pointer of draft.pointers) {
      const targets = resolveTargets(draft, pointer.tfPath, pointer.types);
      const ids = [...new Set(targets.map((target) => target.id!))];
      if (pointer.many ? ids.length > 0 : ids.length === 1) {
        const resolved: Value = pointer.many ? ids : ids[0]!;
        const value = pointer.convert ? convert(pointer.convert, [resolved]) : resolved;
        if (value !== undefined) setPath(draft.body, pointer.armPath, value);
      } else {
        const references = options.config.referencesAt(draft.instance.parsed, pointer.tfPath);
        const shown = [...references].sort((a, b) => b.length - a.length)[0];
        if (shown && isUnknown(getPath(draft.body, pointer.armPath))) {
          setPath(
            draft.body,
            pointer.armPath,
            new UnknownValue(`${KNOWN_AFTER_APPLY} (${pointer.tfPath} = ${shown})`),
          );
        }
      }
    }
    drafts.push({
      instance: draft.instance,
      armType: draft.armType,
      name: draft.name!,
      id: draft.id!,
      body: draft.body,
      tfPathOf: draft.tfPathOf,
      ...(draft.patch ? { patch: true } : {}),
    });
  }
  return drafts;
}

interface Pointer {
  armPath: string;
  tfPath: string;
  types: string[];
  many: boolean;
  convert?: Converter;
}

interface PendingDraft {
  instance: Instance;
  armType: string;
  body: ObjectValue;
  pointers: Pointer[];
  tfPathOf(armPath: string): string | undefined;
  /** Own name (last segment), when known. */
  ownName?: string;
  /** How the parent is found: an attribute holding its id or name. */
  parent?: { tfPath: string; value: Value | undefined; type: string; infix?: string };
  name?: string;
  id?: string;
  resourceGroup?: string;
  patch?: boolean;
}

type Resolver = (draft: PendingDraft, tfPath: string, types: string[]) => PendingDraft[];

/** Sets `name` and `id` when the parent (if any) is known; false to wait for it. */
function nameAndId(draft: PendingDraft, options: ConvertOptions, resolve: Resolver): boolean {
  const known = knownId(draft.instance.attributes);
  const own = draft.ownName ?? draft.instance.address;
  if (!draft.parent) {
    draft.name = own;
    draft.id = known ?? buildId(draft.armType, own, resourceGroupOf(draft), options.subscription);
    return true;
  }
  const { value, type, infix, tfPath } = draft.parent;
  let parentName: string | undefined;
  let parentId: string | undefined;
  if (typeof value === 'string' && value !== '') {
    if (value.startsWith('/')) {
      parentId = value;
      parentName = namesInId(value, type);
    } else parentName = value;
  } else {
    const [target, ...others] = resolve(draft, tfPath, [type]);
    if (target && others.length === 0) {
      if (!target.name || !target.id) return false;
      parentName = target.name;
      parentId = target.id;
    }
  }
  if (!parentName) return false;
  const middle = infix ? `${infix}/` : '';
  draft.name = `${parentName}/${middle}${own}`;
  draft.id =
    known ??
    (parentId
      ? `${parentId}${childTail(type, draft.armType, infix)}/${own}`
      : buildId(draft.armType, draft.name, resourceGroupOf(draft), options.subscription));
  return true;
}

/** A child whose parent could not be found: named after its Terraform address, under its own type. */
function fallbackNameAndId(draft: PendingDraft, options: ConvertOptions): void {
  const own = draft.ownName ?? draft.instance.address;
  draft.name = `${draft.instance.address}/${own}`;
  draft.id =
    knownId(draft.instance.attributes) ??
    buildId(draft.armType, draft.name, resourceGroupOf(draft), options.subscription);
}

function knownId(attributes: ObjectValue): string | undefined {
  const id = attributes.id;
  return typeof id === 'string' && id.startsWith('/subscriptions/') ? id : undefined;
}

function resourceGroupOf(draft: PendingDraft): string {
  if (draft.resourceGroup) return draft.resourceGroup;
  const group = draft.instance.attributes.resource_group_name;
  return typeof group === 'string' && group !== '' ? group : PLACEHOLDER_RG;
}

/** `/subscriptions/s/resourceGroups/g/providers/NS/t1/n1/t2/n2` for a type and an ARM name. */
export function buildId(armType: string, name: string, resourceGroup: string, subscription: string): string {
  const types = armType.split('/');
  const names = name.split('/');
  let tail = types[0]!;
  for (let i = 1; i < types.length; i++) tail += `/${types[i]}/${names[i - 1] ?? names[names.length - 1]}`;
  return `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/${tail}`;
}

function lastTypeSegment(armType: string): string {
  return armType.split('/').pop()!;
}

/** The type segments between a parent type and its child's, with the fixed infix names. */
function childTail(parentType: string, childType: string, infix?: string): string {
  const extra = childType.split('/').slice(parentType.split('/').length);
  if (extra.length === 2 && infix) return `/${extra[0]}/${infix}/${extra[1]}`;
  return `/${extra[extra.length - 1]}`;
}

/** The ARM name (`ws`, `srv/db`) an id gives for a resource of `type`. */
function namesInId(id: string, type: string): string | undefined {
  const match = /\/providers\/[^/]+\/(.+)$/i.exec(id.replace(/\/+$/, ''));
  if (!match) return undefined;
  const segments = match[1]!.split('/');
  const depth = type.split('/').length - 1;
  const names: string[] = [];
  for (let i = 1; i < segments.length && names.length < depth; i += 2) names.push(segments[i]!);
  return names.length === depth ? names.join('/') : undefined;
}

// ---------------------------------------------------------------------------------------------
// azurerm: the mapping table

function fromAzurerm(instance: Instance): PendingDraft | undefined {
  const mapping = AZURERM[instance.type];
  if (!mapping) return undefined;
  const attributes = instance.attributes;
  const draft: PendingDraft = {
    instance,
    armType: mapping.armType,
    body: {},
    pointers: [],
    tfPathOf: (armPath) => tfPathFor(mapping, attributes, armPath),
  };
  const name = attributes.name;
  if (typeof name === 'string' && name !== '') draft.ownName = name;
  if (mapping.parent) {
    const tfPath = present(attributes, mapping.parent.tf);
    draft.parent = {
      tfPath,
      value: readTf(attributes, tfPath),
      type: mapping.parent.type,
      ...(mapping.parent.infix ? { infix: mapping.parent.infix } : {}),
    };
  }
  applyFields(mapping.fields, attributes, draft.body, '', draft.pointers, '');
  return draft;
}

/** Children declared as blocks of their parent (registry georeplications), as pending drafts too. */
export function childDrafts(parent: Draft, instance: Instance): Draft[] {
  const mapping = AZURERM[instance.type];
  const result: Draft[] = [];
  for (const spec of mapping?.children ?? []) {
    const items = readTf(instance.attributes, spec.tf);
    if (!Array.isArray(items)) continue;
    items.forEach((item, index) => {
      const attributes =
        item !== null && typeof item === 'object' && !Array.isArray(item) && !isUnknown(item) ? item : {};
      const own =
        typeof attributes[spec.nameFrom] === 'string' ? (attributes[spec.nameFrom] as string) : String(index);
      const body: ObjectValue = {};
      applyFields(spec.fields, attributes, body, '', [], '');
      result.push({
        instance,
        armType: spec.armType,
        name: `${parent.name}/${own}`,
        id: `${parent.id}/${lastTypeSegment(spec.armType)}/${own}`,
        body,
        tfPathOf: (armPath) => childTfPath(spec, index, armPath),
      });
    });
  }
  return result;
}

function childTfPath(spec: ChildSpec, index: number, armPath: string): string {
  const field = spec.fields.find(
    (candidate) => candidate.arm === armPath && typeof candidate.tf === 'string',
  );
  return `${spec.tf}.${index}${field ? `.${firstAlternative(field.tf as string)}` : ''}`;
}

function applyFields(
  fields: Field[],
  attributes: ObjectValue,
  body: ObjectValue,
  armPrefix: string,
  pointers: Pointer[],
  tfPrefix: string,
): void {
  for (const field of fields) {
    const armPath = `${armPrefix}${field.arm}`;
    if (field.value !== undefined) {
      setPath(body, armPath, field.value);
      continue;
    }
    const paths = (Array.isArray(field.tf) ? field.tf : [field.tf!]).map((tf) => present(attributes, tf));
    const inputs = paths.map((tf) => readTf(attributes, tf));
    if (field.each) {
      const items = inputs[0];
      if (isUnknown(items)) setPath(body, armPath, items);
      else if (Array.isArray(items)) {
        const mapped = items.map((item) => {
          if (isUnknown(item) || item === null || typeof item !== 'object' || Array.isArray(item))
            return item;
          const out: ObjectValue = {};
          applyFields(field.each!, item, out, '', [], '');
          return out;
        });
        setPath(body, armPath, mapped);
      }
      continue;
    }
    if (
      field.pointsTo &&
      inputs.some((input) => isUnknown(input) || (field.many && containsUnknown(input)))
    ) {
      pointers.push({
        armPath,
        tfPath: `${tfPrefix}${paths[0]}`,
        types: field.pointsTo,
        many: field.many === true,
        ...(field.convert ? { convert: field.convert } : {}),
      });
    }
    if (inputs.every((input) => input === undefined)) continue;
    const value = field.convert ? convert(field.convert, inputs) : inputs[0];
    if (value !== undefined) setPath(body, armPath, value);
  }
}

function containsUnknown(value: Value | undefined): boolean {
  return Array.isArray(value) && value.some((item) => isUnknown(item));
}

/** The ARM property path → the Terraform attribute that sets it (longest field prefix). */
function tfPathFor(mapping: TypeMapping, attributes: ObjectValue, armPath: string): string | undefined {
  if (mapping.evidence?.[armPath]) return mapping.evidence[armPath];
  let best: { field: Field; rest: string } | undefined;
  for (const field of mapping.fields) {
    if (!field.tf) continue;
    if (armPath === field.arm || armPath.startsWith(`${field.arm}.`) || armPath.startsWith(`${field.arm}[`)) {
      if (!best || field.arm.length > best.field.arm.length)
        best = { field, rest: armPath.slice(field.arm.length) };
    }
  }
  if (!best) return undefined;
  const tf = Array.isArray(best.field.tf) ? best.field.tf[best.field.tf.length - 1]! : best.field.tf!;
  const base = present(attributes, tf);
  if (!best.field.each) return base;
  const item = /^\[(\d+)\]\.?(.*)$/.exec(best.rest);
  if (!item) return base;
  const sub = best.field.each.find(
    (candidate) => candidate.arm === item[2] && typeof candidate.tf === 'string',
  );
  return `${base}.${item[1]}${sub ? `.${firstAlternative(sub.tf as string)}` : ''}`;
}

function firstAlternative(tf: string): string {
  return tf.split('|')[0]!;
}

/** The alternative (`zones|availability_zones`) the attributes hold, else the first. */
function present(attributes: ObjectValue, tf: string): string {
  const alternatives = tf.split('|');
  return alternatives.find((candidate) => readTf(attributes, candidate) !== undefined) ?? alternatives[0]!;
}

/** Reads `a.0.b` from the attributes; `undefined` when absent or null. */
export function readTf(attributes: ObjectValue, tfPath: string): Value | undefined {
  let current: Value | undefined = attributes;
  for (const segment of tfPath.split('.')) {
    if (current === undefined || current === null) return undefined;
    if (isUnknown(current)) return current;
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (typeof current === 'object') current = (current as ObjectValue)[segment];
    else return undefined;
  }
  return current === null ? undefined : current;
}

function convert(converter: Converter, inputs: (Value | undefined)[]): Value | undefined {
  const unknown = inputs.find((input) => isUnknown(input));
  if (unknown !== undefined && converter !== 'blockPresent') return unknown;
  const [first] = inputs;
  switch (converter) {
    case 'enabledDisabled':
      return typeof first === 'boolean' ? (first ? 'Enabled' : 'Disabled') : first;
    case 'joinUnderscore':
      return inputs.every((input) => typeof input === 'string') ? inputs.join('_') : undefined;
    case 'blockPresent':
      if (isUnknown(first)) return first;
      return Array.isArray(first) && first.length > 0 ? 'Enabled' : undefined;
    case 'flexibleSkuName': {
      if (typeof first !== 'string') return first;
      const match = /^(B|GP|MO)_(.+)$/.exec(first);
      return match ? match[2]! : first;
    }
    case 'flexibleSkuTier': {
      if (typeof first !== 'string') return undefined;
      const prefix = first.split('_')[0];
      return prefix === 'B'
        ? 'Burstable'
        : prefix === 'GP'
          ? 'GeneralPurpose'
          : prefix === 'MO'
            ? 'MemoryOptimized'
            : undefined;
    }
    case 'storageAccountName': {
      const value = Array.isArray(first) ? first[0] : first;
      if (typeof value !== 'string') return value;
      const fromId = /\/storageAccounts\/([^/]+)/i.exec(value);
      if (fromId) return fromId[1]!;
      const fromUrl = /^https?:\/\/([a-z0-9]+)\.(?:blob|dfs|file)\./i.exec(value);
      return fromUrl ? fromUrl[1]! : undefined;
    }
    case 'hdinsightRoles':
      return hdinsightRoles(first);
  }
}

/** azurerm `roles { head_node {…} worker_node {…} zookeeper_node {…} }` → ARM compute profile roles. */
function hdinsightRoles(roles: Value | undefined): Value | undefined {
  if (
    roles === undefined ||
    roles === null ||
    typeof roles !== 'object' ||
    Array.isArray(roles) ||
    isUnknown(roles)
  )
    return roles;
  const result: Value[] = [];
  const names: Record<string, string> = {
    head_node: 'headnode',
    worker_node: 'workernode',
    zookeeper_node: 'zookeepernode',
    edge_node: 'edgenode',
  };
  for (const [block, armName] of Object.entries(names)) {
    const node = readTf(roles, `${block}.0`);
    if (node === undefined) continue;
    const role: ObjectValue = { name: armName };
    if (node !== null && typeof node === 'object' && !Array.isArray(node) && !isUnknown(node)) {
      const count = node.target_instance_count;
      if (count !== undefined && count !== null) role.targetInstanceCount = count;
      if (node.vm_size !== undefined && node.vm_size !== null)
        role.hardwareProfile = { vmSize: node.vm_size };
    }
    result.push(role);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// azapi: the body is the ARM body already

function fromAzapi(instance: Instance): PendingDraft | undefined {
  if (instance.type !== 'azapi_resource' && instance.type !== 'azapi_update_resource') return undefined;
  const attributes = instance.attributes;
  const typeValue = attributes.type;
  if (typeof typeValue !== 'string') return undefined;
  const armType = typeValue.split('@')[0]!;
  const rawBody = attributes.body;
  let body: ObjectValue;
  if (typeof rawBody === 'string') {
    try {
      const parsed = JSON.parse(rawBody) as Value;
      body =
        parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
          ? (parsed as ObjectValue)
          : {};
    } catch {
      body = {};
    }
  } else if (isUnknown(rawBody)) body = { properties: rawBody };
  else if (
    rawBody !== null &&
    rawBody !== undefined &&
    typeof rawBody === 'object' &&
    !Array.isArray(rawBody)
  )
    body = structuredCloneValue(rawBody);
  else body = {};
  if (attributes.location !== undefined && attributes.location !== null && attributes.location !== '')
    body.location = attributes.location;

  const draft: PendingDraft = {
    instance,
    armType,
    body,
    pointers: [],
    tfPathOf: (armPath) =>
      `body.${splitPropertyPath(armPath)
        .filter((s) => typeof s === 'string')
        .join('.')}`,
  };
  if (instance.type === 'azapi_update_resource') draft.patch = true;

  const resourceId = attributes.resource_id;
  const name = attributes.name;
  if (typeof name === 'string' && name !== '') draft.ownName = name;
  else if (typeof resourceId === 'string' && resourceId.includes('/'))
    draft.ownName = resourceId.split('/').pop()!;

  const depth = armType.split('/').length - 1;
  const parentId = attributes.parent_id;
  if (typeof parentId === 'string') {
    const group = /\/resourceGroups\/([^/]+)/i.exec(parentId)?.[1];
    if (group) draft.resourceGroup = group;
  }
  if (depth > 1) {
    const parentType = armType.split('/').slice(0, -1).join('/');
    if (typeof resourceId === 'string' && resourceId.startsWith('/')) {
      const parentOfId = resourceId.split('/').slice(0, -2).join('/');
      draft.parent = { tfPath: 'resource_id', value: parentOfId, type: parentType };
    } else draft.parent = { tfPath: 'parent_id', value: parentId, type: parentType };
  }

  // Ids in the body only known after apply: linked by the type of resource they point at.
  for (const [armPath, types] of Object.entries(AZAPI_POINTERS)) {
    if (isUnknown(getPath(body, armPath)))
      draft.pointers.push({ armPath, tfPath: 'body', types, many: false });
  }
  return draft;
}

function structuredCloneValue(value: ObjectValue): ObjectValue {
  const copy: ObjectValue = {};
  for (const [key, item] of Object.entries(value)) copy[key] = cloneValue(item);
  return copy;
}

function cloneValue(value: Value): Value {
  if (isUnknown(value) || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneValue);
  return structuredCloneValue(value);
}

// ---------------------------------------------------------------------------------------------

/** Reads an ARM dot path from a body (exact keys). */
export function getPath(body: ObjectValue, path: string): Value | undefined {
  let current: Value | undefined = body;
  for (const segment of splitPropertyPath(path)) {
    if (current === undefined || current === null) return undefined;
    if (isUnknown(current)) return current;
    if (typeof current !== 'object') return undefined;
    current = Array.isArray(current)
      ? current[segment as number]
      : (current as ObjectValue)[segment as string];
  }
  return current;
}

/** Sets an ARM dot path in a body, creating the objects on the way (an unknown on the way stays). */
export function setPath(body: ObjectValue, path: string, value: Value): void {
  const segments = path.split('.');
  let current = body;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (
      next === undefined ||
      next === null ||
      typeof next !== 'object' ||
      Array.isArray(next) ||
      isUnknown(next)
    ) {
      if (isUnknown(next)) return;
      const created: ObjectValue = {};
      current[segment] = created;
      current = created;
    } else current = next;
  }
  current[segments[segments.length - 1]!] = value;
}
