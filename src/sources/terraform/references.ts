import type { BlockExpressions, ConfigModule, ConfigResource, Expression } from './plan-format.js';

/**
 * The plan's `configuration` section, indexed: module calls by path, resources by module and
 * address, and the references an attribute's expression makes. Used to link what a first
 * deployment only knows after apply (`storage_account_id = azurerm_storage_account.ml.id`),
 * through `var.` and `module.` references across modules.
 */

/** A resource instance address split into its module instance and the resource part. */
export interface ParsedAddress {
  /** Module instance prefix, `module.a["k"].module.b.` (empty for the root). */
  modulePrefix: string;
  /** Module call names from the root, without instance keys: `['a', 'b']`. */
  modulePath: string[];
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** Instance key as written, `[0]` or `["k"]`, or ''. */
  key: string;
}

/** Splits `module.a["k"].module.b.azurerm_x.y[0]`; undefined when it is not a resource address. */
export function parseAddress(address: string): ParsedAddress | undefined {
  let rest = address;
  let modulePrefix = '';
  const modulePath: string[] = [];
  for (;;) {
    const match = /^module\.([A-Za-z0-9_-]+)/.exec(rest);
    if (!match) break;
    let consumed = match[0].length;
    consumed += bracketLength(rest, consumed);
    if (rest[consumed] !== '.') return undefined;
    modulePath.push(match[1]!);
    modulePrefix += rest.slice(0, consumed + 1);
    rest = rest.slice(consumed + 1);
  }
  let mode: 'managed' | 'data' = 'managed';
  if (rest.startsWith('data.')) {
    mode = 'data';
    rest = rest.slice(5);
  }
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)/.exec(rest);
  if (!match) return undefined;
  const keyLength = bracketLength(rest, match[0].length);
  return {
    modulePrefix,
    modulePath,
    mode,
    type: match[1]!,
    name: match[2]!,
    key: rest.slice(match[0].length, match[0].length + keyLength),
  };
}

/** Length of a `[...]` at `at` (quotes respected), or 0. */
function bracketLength(text: string, at: number): number {
  if (text[at] !== '[') return 0;
  let inString = false;
  for (let i = at + 1; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === ']') return i - at + 1;
  }
  return 0;
}

const NOT_FOLLOWED = new Set(['local', 'each', 'count', 'path', 'terraform', 'self', 'data']);

export class ConfigIndex {
  /** Resource address without its instance key → the instances (`a.b` → `a.b[0]`, `a.b[1]`). */
  private readonly byResource = new Map<string, string[]>();
  /** Module call address without its key → instance prefixes (`module.a` → `module.a["x"].`). */
  private readonly byModuleCall = new Map<string, Set<string>>();

  constructor(
    private readonly root: ConfigModule | undefined,
    /** Every resource instance address the plan has, to expand a reference without an index. */
    instances: readonly string[],
  ) {
    for (const instance of instances) {
      const parsed = parseAddress(instance);
      if (!parsed) continue;
      const base = instance.slice(0, instance.length - parsed.key.length);
      const list = this.byResource.get(base);
      if (list) list.push(instance);
      else this.byResource.set(base, [instance]);
      let prefix = '';
      for (const match of parsed.modulePrefix.matchAll(/module\.[A-Za-z0-9_-]+(\[[^\]]*\])?\./g)) {
        const call = `${prefix}${match[0].slice(0, match[0].length - 1 - (match[1]?.length ?? 0))}`;
        prefix += match[0];
        const prefixes = this.byModuleCall.get(call);
        if (prefixes) prefixes.add(prefix);
        else this.byModuleCall.set(call, new Set([prefix]));
      }
    }
  }

  /** The configuration of the module at a call path (`['a', 'b']`; `[]` is the root). */
  module(path: readonly string[]): ConfigModule | undefined {
    let current = this.root;
    for (const name of path) current = current?.module_calls?.[name]?.module;
    return current;
  }

  /** `source` of each module call along the path, from the root down. */
  sources(path: readonly string[]): (string | undefined)[] {
    const result: (string | undefined)[] = [];
    let current = this.root;
    for (const name of path) {
      const call = current?.module_calls?.[name];
      result.push(call?.source);
      current = call?.module;
    }
    return result;
  }

  resource(parsed: ParsedAddress): ConfigResource | undefined {
    const address = `${parsed.mode === 'data' ? 'data.' : ''}${parsed.type}.${parsed.name}`;
    return this.module(parsed.modulePath)?.resources?.find((r) => r.address === address);
  }

  /** References of the expression at a Terraform attribute path (`encryption.0.key_vault_id`). */
  referencesAt(parsed: ParsedAddress, tfPath: string): string[] {
    let node: unknown = this.resource(parsed)?.expressions;
    for (const segment of tfPath.split('.')) {
      if (node === undefined || node === null) return [];
      node = Array.isArray(node) ? node[Number(segment)] : (node as BlockExpressions)[segment];
    }
    const references = (node as Expression | undefined)?.references;
    return Array.isArray(references) ? references : [];
  }

  /**
   * The resource instances an expression's references lead to: directly, through `var.` (the
   * module call's argument in the parent), and through `module.x.out` (the child's output).
   * `local.` values are not in the plan's configuration, so they are not followed.
   */
  targets(
    references: readonly string[],
    parsed: Pick<ParsedAddress, 'modulePrefix' | 'modulePath'>,
  ): string[] {
    const found = new Set<string>();
    this.follow(references, parsed.modulePrefix, parsed.modulePath, found, 0);
    return [...found];
  }

  private follow(
    references: readonly string[],
    prefix: string,
    path: readonly string[],
    found: Set<string>,
    depth: number,
  ): void {
    if (depth > 32) return;
    // The list repeats each traversal shortened step by step; follow only the longest forms.
    const sorted = [...new Set(references)].sort((a, b) => b.length - a.length);
    const followed: string[] = [];
    for (const reference of sorted) {
      if (followed.some((longer) => longer.startsWith(`${reference}.`) || longer.startsWith(`${reference}[`)))
        continue;
      followed.push(reference);
      const head = reference.split(/[.[]/)[0]!;
      if (NOT_FOLLOWED.has(head)) continue;
      if (head === 'var') {
        if (path.length === 0) continue;
        const variable = /^var\.([A-Za-z0-9_-]+)/.exec(reference)?.[1];
        const parentPath = path.slice(0, -1);
        const call = this.module(parentPath)?.module_calls?.[path[path.length - 1]!];
        const expression = variable ? call?.expressions?.[variable] : undefined;
        if (expression?.references)
          this.follow(expression.references, parentPrefix(prefix), parentPath, found, depth + 1);
        continue;
      }
      if (head === 'module') {
        const match = /^module\.([A-Za-z0-9_-]+)/.exec(reference);
        if (!match) continue;
        const keyLength = bracketLength(reference, match[0].length);
        const afterKey = match[0].length + keyLength;
        const output = /^\.([A-Za-z0-9_-]+)/.exec(reference.slice(afterKey))?.[1];
        if (!output) continue;
        const childPath = [...path, match[1]!];
        const expression = this.module(childPath)?.outputs?.[output]?.expression;
        if (!expression?.references) continue;
        const childPrefixes = keyLength
          ? [`${prefix}${reference.slice(0, afterKey)}.`]
          : this.moduleInstances(`${prefix}module.${match[1]}`);
        for (const childPrefix of childPrefixes)
          this.follow(expression.references, childPrefix, childPath, found, depth + 1);
        continue;
      }
      const resource = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)/.exec(reference);
      if (!resource) continue;
      const keyLength = bracketLength(reference, resource[0].length);
      const base = `${prefix}${resource[0]}`;
      if (keyLength) {
        found.add(`${base}${reference.slice(resource[0].length, resource[0].length + keyLength)}`);
        continue;
      }
      for (const instance of this.byResource.get(base) ?? []) found.add(instance);
    }
  }

  /** Instance prefixes (`module.a[0].`) of a module call, from the instances in the plan. */
  private moduleInstances(call: string): string[] {
    return [...(this.byModuleCall.get(call) ?? [])];
  }
}

/** `module.a["k"].module.b.` → `module.a["k"].` */
function parentPrefix(prefix: string): string {
  const trimmed = prefix.slice(0, -1);
  const index = trimmed.lastIndexOf('module.');
  return index <= 0 ? '' : trimmed.slice(0, index);
}
