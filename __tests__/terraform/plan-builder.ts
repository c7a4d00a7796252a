/**
 * Builds the JSON of a Terraform plan (`terraform show -json tfplan`, format 1.2 as Terraform
 * 1.3–1.11 write it) from a short description, so that tests state only what matters to them.
 * The shape follows the real output of Terraform 1.11.4 kept in `fixtures/real/` (a test checks
 * that the two have the same keys in the same places): `planned_values` with nested
 * `child_modules`, `resource_changes` whose `after` omits what is known only after apply and marks
 * it `true` in `after_unknown`, sensitive leaves `true` in `after_sensitive` / `before_sensitive` /
 * `sensitive_values` (their values stay in clear text, as Terraform writes them), `prior_state`,
 * and `configuration` with module calls, outputs and expression references.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface PlanResource {
  /** Full address: `module.ml.module.ws.azurerm_machine_learning_workspace.this`. */
  address: string;
  /** Known values after the change (null: deleted). Unknown paths are removed from it. */
  after?: JsonObject | null;
  before?: JsonObject | null;
  /** Attribute paths known only after apply (`id`, `encryption.0.key_vault_id`). */
  unknown?: string[];
  /** Attribute paths marked sensitive, after and before. */
  sensitive?: string[];
  actions?: string[];
  actionReason?: string;
  /** Configuration expressions: attribute → references, or a constant. */
  expressions?: Record<string, Json>;
  provider?: string;
  mode?: 'managed' | 'data';
}

export interface PlanModuleCall {
  source: string;
  /** Arguments of the call: variable → references. */
  arguments?: Record<string, string[]>;
  /** Outputs of the module: name → references. */
  outputs?: Record<string, string[]>;
}

export interface PlanSpec {
  resources: PlanResource[];
  /** Module calls by path of call names: `ml`, `ml.ws`. */
  modules?: Record<string, PlanModuleCall>;
  formatVersion?: string;
  terraformVersion?: string;
}

const AZURERM = 'registry.terraform.io/hashicorp/azurerm';
const AZAPI = 'registry.terraform.io/azure/azapi';

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function split(path: string): (string | number)[] {
  return path.split('.').map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/** Removes a path from a value (lists keep a null in its place, as `terraform show` does). */
function omit(value: JsonObject, path: string): void {
  const segments = split(path);
  let current: Json = value;
  for (const segment of segments.slice(0, -1)) {
    if (current === null || typeof current !== 'object') return;
    current = (current as Record<string, Json>)[segment as string] ?? null;
  }
  const last = segments[segments.length - 1]!;
  if (Array.isArray(current)) current[last as number] = null;
  else if (current && typeof current === 'object') delete (current as JsonObject)[last as string];
}

/** A marks object (`true` at each path) with empty containers for the value's blocks and lists. */
function marks(value: Json | undefined, paths: string[], emptyFor: 'unknown' | 'sensitive'): Json {
  const result: JsonObject = {};
  // Containers of the value appear as empty objects / lists of `false`, as Terraform writes them.
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (Array.isArray(item))
        result[key] = item.map((entry) => (entry && typeof entry === 'object' ? {} : false));
      else if (item && typeof item === 'object') result[key] = {};
    }
  }
  void emptyFor;
  for (const path of paths) {
    const segments = split(path);
    let current: Json = result;
    segments.forEach((segment, index) => {
      const last = index === segments.length - 1;
      const container = current as Record<string | number, Json>;
      if (last) container[segment] = true;
      else {
        if (
          container[segment] === undefined ||
          typeof container[segment] !== 'object' ||
          container[segment] === null
        )
          container[segment] = typeof segments[index + 1] === 'number' ? [] : {};
        current = container[segment]!;
      }
    });
  }
  return result;
}

function parseAddress(address: string): {
  module: string;
  type: string;
  name: string;
  index?: Json;
  local: string;
} {
  const match = /^((?:module\.[^.]+\.)*)(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[(.+)\])?$/.exec(address);
  if (!match) throw new Error(`bad address ${address}`);
  const index = match[5] === undefined ? undefined : (JSON.parse(match[5]) as Json);
  return {
    module: match[1]!.replace(/\.$/, ''),
    type: match[3]!,
    name: match[4]!,
    ...(index !== undefined ? { index } : {}),
    local: `${match[2] ?? ''}${match[3]}.${match[4]}`,
  };
}

function providerOf(resource: PlanResource, type: string): string {
  return resource.provider ?? (type.startsWith('azapi_') ? AZAPI : AZURERM);
}

function valuesModule(entries: { address: string; module: string; resource: JsonObject }[]): JsonObject {
  const root: JsonObject = {};
  const modules = new Map<string, JsonObject>();
  modules.set('', root);
  const ensure = (address: string): JsonObject => {
    const existing = modules.get(address);
    if (existing) return existing;
    const parentAddress = address.replace(/\.?module\.[^.]+$/, '');
    const parent = ensure(parentAddress);
    const created: JsonObject = { resources: [], address };
    ((parent.child_modules ??= []) as Json[]).push(created);
    modules.set(address, created);
    return created;
  };
  for (const entry of entries) ((ensure(entry.module).resources ??= []) as Json[]).push(entry.resource);
  return root;
}

/** The plan JSON for a spec. */
export function buildPlan(spec: PlanSpec): JsonObject {
  const planned: { address: string; module: string; resource: JsonObject }[] = [];
  const prior: { address: string; module: string; resource: JsonObject }[] = [];
  const changes: Json[] = [];
  const configByModule = new Map<string, Json[]>();

  for (const resource of spec.resources) {
    const parsed = parseAddress(resource.address);
    const provider = providerOf(resource, parsed.type);
    const mode = resource.mode ?? 'managed';
    const before = resource.before === undefined ? null : resource.before;
    const after = resource.after === undefined ? null : clone(resource.after);
    const unknown = resource.unknown ?? [];
    const sensitive = resource.sensitive ?? [];
    if (after) for (const path of unknown) omit(after, path);
    const actions =
      resource.actions ??
      (before === null
        ? ['create']
        : after === null
          ? ['delete']
          : JSON.stringify(before) === JSON.stringify(after) && unknown.length === 0
            ? ['no-op']
            : ['update']);
    const head: JsonObject = {
      address: resource.address,
      mode,
      type: parsed.type,
      name: parsed.name,
      ...(parsed.index !== undefined ? { index: parsed.index } : {}),
      provider_name: provider,
    };
    if (after) {
      planned.push({
        address: resource.address,
        module: parsed.module,
        resource: {
          ...head,
          schema_version: 0,
          values: after,
          sensitive_values: marks(after, sensitive, 'sensitive'),
        },
      });
    }
    if (before) {
      prior.push({
        address: resource.address,
        module: parsed.module,
        resource: {
          ...head,
          schema_version: 0,
          values: before,
          sensitive_values: marks(before, sensitive, 'sensitive'),
        },
      });
    }
    changes.push({
      address: resource.address,
      ...(parsed.module ? { module_address: parsed.module } : {}),
      mode,
      type: parsed.type,
      name: parsed.name,
      ...(parsed.index !== undefined ? { index: parsed.index } : {}),
      provider_name: provider,
      change: {
        actions,
        before,
        after,
        after_unknown: after ? marks(resource.after ?? {}, unknown, 'unknown') : {},
        before_sensitive: before ? marks(before, sensitive, 'sensitive') : false,
        after_sensitive: after ? marks(after, sensitive, 'sensitive') : false,
      },
      ...(resource.actionReason ? { action_reason: resource.actionReason } : {}),
    });
    const configModule = parsed.module.replace(/\[[^\]]*\]/g, '');
    const list = configByModule.get(configModule) ?? [];
    if (!list.some((entry) => (entry as JsonObject).address === parsed.local)) {
      list.push({
        address: parsed.local,
        mode,
        type: parsed.type,
        name: parsed.name,
        provider_config_key: parsed.type.split('_')[0]!,
        expressions: (resource.expressions ?? {}) as JsonObject,
        schema_version: 0,
      });
    }
    configByModule.set(configModule, list);
  }

  const configModule = (path: string[]): JsonObject => {
    const address = path.map((name) => `module.${name}`).join('.');
    const module: JsonObject = {};
    const resources = configByModule.get(address);
    if (resources) module.resources = resources;
    const calls: JsonObject = {};
    for (const [key, call] of Object.entries(spec.modules ?? {})) {
      const callPath = key.split('.');
      if (callPath.length !== path.length + 1 || callPath.slice(0, -1).join('.') !== path.join('.')) continue;
      const child = configModule(callPath);
      if (call.outputs) {
        child.outputs = Object.fromEntries(
          Object.entries(call.outputs).map(([name, references]) => [name, { expression: { references } }]),
        );
      }
      calls[callPath[callPath.length - 1]!] = {
        source: call.source,
        expressions: Object.fromEntries(
          Object.entries(call.arguments ?? {}).map(([name, references]) => [name, { references }]),
        ),
        module: child,
      };
    }
    if (Object.keys(calls).length > 0) module.module_calls = calls;
    return module;
  };

  const plan: JsonObject = {
    format_version: spec.formatVersion ?? '1.2',
    terraform_version: spec.terraformVersion ?? '1.11.4',
    planned_values: { root_module: valuesModule(planned) },
    resource_changes: changes,
  };
  if (prior.length > 0)
    plan.prior_state = {
      format_version: '1.0',
      terraform_version: spec.terraformVersion ?? '1.11.4',
      values: { root_module: valuesModule(prior) },
    };
  plan.configuration = {
    provider_config: { azurerm: { name: 'azurerm', full_name: AZURERM, expressions: { features: [{}] } } },
    root_module: configModule([]),
  };
  plan.timestamp = '2025-06-02T09:14:03Z';
  plan.applyable = true;
  plan.complete = true;
  plan.errored = false;
  return plan;
}

/** `{ references: [...] }` with the shortened forms Terraform adds (`a.b.id` → also `a.b`). */
export function ref(...targets: string[]): Json {
  const references: string[] = [];
  for (const target of targets) {
    references.push(target);
    const parts = target.split('.');
    if (parts[0] === 'module' && parts.length > 2) references.push(parts.slice(0, 2).join('.'));
    else if (parts[0] !== 'var' && parts[0] !== 'local' && parts.length > 2)
      references.push(parts.slice(0, 2).join('.'));
  }
  return { references };
}

export function constant(value: Json): Json {
  return { constant_value: value };
}
