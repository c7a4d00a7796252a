import { parse as parseLenient, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConfigurationError } from '../../errors.js';

/**
 * The JSON of a saved Terraform plan (`terraform show -json tfplan`), as documented in
 * "JSON Output Format" (developer.hashicorp.com/terraform/internals/json-format): only the parts
 * this tool reads. Format versions 0.x (Terraform 0.12–0.15) and 1.x (1.0 and later; "1.2" since
 * Terraform 1.3) share these parts; a new major version is rejected, as the format asks.
 */

/** Plain JSON as the plan writes it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A resource instance in `planned_values` or `prior_state` (the "values representation"). */
export interface ValuesResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  provider_name?: string;
  values?: JsonObject | null;
  /** Same shape as `values`, `true` where the value is sensitive (format 0.2 and later). */
  sensitive_values?: Json;
}

export interface ValuesModule {
  address?: string;
  resources?: ValuesResource[];
  child_modules?: ValuesModule[];
}

/** One entry of `resource_changes` (the "change representation" wrapped with the address). */
export interface ResourceChange {
  address: string;
  module_address?: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  provider_name?: string;
  /** Set for a deposed object (create_before_destroy leftovers): not the current instance. */
  deposed?: string;
  action_reason?: string;
  previous_address?: string;
  change: {
    actions: string[];
    before: JsonObject | null;
    after: JsonObject | null;
    /** `true` where the value is known only after apply; known leaves are absent or `false`. */
    after_unknown?: Json;
    before_sensitive?: Json;
    after_sensitive?: Json;
    replace_paths?: Json[];
  };
}

/** An expression in the configuration: a constant, or the references it makes. */
export interface Expression {
  constant_value?: Json;
  references?: string[];
}

/** Expressions of a block: attribute → expression; nested blocks → arrays (or maps) of blocks. */
export type BlockExpressions = { [name: string]: Expression | BlockExpressions[] | unknown };

export interface ConfigResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  expressions?: BlockExpressions;
}

export interface ModuleCall {
  source?: string;
  expressions?: { [variable: string]: Expression };
  module?: ConfigModule;
}

export interface ConfigModule {
  resources?: ConfigResource[];
  module_calls?: { [name: string]: ModuleCall };
  outputs?: { [name: string]: { expression?: Expression; sensitive?: boolean } };
}

/** What the reader keeps of a plan. */
export interface TerraformPlan {
  file: string;
  formatVersion: string;
  terraformVersion: string;
  resourceChanges: ResourceChange[];
  plannedValues: ValuesModule | undefined;
  priorState: ValuesModule | undefined;
  configuration: ConfigModule | undefined;
  /** Terraform stopped planning on an error: the plan is partial. */
  errored: boolean;
}

/** Major versions of the JSON format this reader understands. */
const SUPPORTED_MAJORS = new Set(['0', '1']);

const HOW_TO_MAKE = 'Make it with: terraform plan -out tfplan, then terraform show -json tfplan > plan.json';

/** Decodes the bytes of a plan file: UTF-8 (with or without BOM) or UTF-16 (PowerShell's `>` on Windows). */
export function decodePlanBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return Buffer.from(bytes).toString('utf16le', 2);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const text = Buffer.from(bytes).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parses and checks the JSON of a plan. Every problem is a `ConfigurationError` naming the file
 * and, for syntax errors, the line: never the text around it, which may hold sensitive values.
 */
export function readPlan(text: string, file: string): TerraformPlan {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    throw syntaxError(text, file);
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new ConfigurationError(
      `is not the JSON of a Terraform plan (not a JSON object). ${HOW_TO_MAKE}`,
      file,
    );
  }
  const plan = root as Record<string, unknown>;
  if (typeof plan.lineage === 'string' && plan.format_version === undefined) {
    throw new ConfigurationError(
      `is a Terraform state file (terraform.tfstate), not a plan: the gate needs the planned changes. ${HOW_TO_MAKE}`,
      file,
    );
  }
  const formatVersion = typeof plan.format_version === 'string' ? plan.format_version : undefined;
  if (formatVersion === undefined) {
    throw new ConfigurationError(
      `has no format_version: it is not the JSON of a Terraform plan. ${HOW_TO_MAKE}`,
      file,
    );
  }
  const major = formatVersion.split('.')[0]!;
  if (!SUPPORTED_MAJORS.has(major)) {
    throw new ConfigurationError(
      `is a plan in JSON format ${formatVersion}, which this version of aml-ha-gate cannot read (it reads formats 0.x and 1.x, Terraform 0.12 and later). Update aml-ha-gate, or write the plan with the Terraform version your pipeline used before.`,
      file,
    );
  }
  const isPlan =
    plan.planned_values !== undefined ||
    plan.resource_changes !== undefined ||
    plan.configuration !== undefined;
  if (!isPlan) {
    const what =
      plan.values !== undefined
        ? 'is the JSON of a Terraform state (terraform show -json without a plan file), not of a plan'
        : 'has no planned_values or resource_changes: it is not the JSON of a Terraform plan';
    throw new ConfigurationError(`${what}. ${HOW_TO_MAKE}`, file);
  }
  const changes = plan.resource_changes;
  if (changes !== undefined && !Array.isArray(changes)) {
    throw new ConfigurationError(
      `resource_changes is not a list: the file is not a plan written by terraform show -json.`,
      file,
    );
  }
  const resourceChanges = ((changes as unknown[] | undefined) ?? []).filter(isResourceChange);
  if (changes && resourceChanges.length !== (changes as unknown[]).length) {
    throw new ConfigurationError(
      `${(changes as unknown[]).length - resourceChanges.length} entries of resource_changes lack address, type or change.actions: the file is not a plan written by terraform show -json.`,
      file,
    );
  }
  return {
    file,
    formatVersion,
    terraformVersion: typeof plan.terraform_version === 'string' ? plan.terraform_version : 'unknown',
    resourceChanges,
    plannedValues: rootModule(plan.planned_values),
    priorState: rootModule((plan.prior_state as { values?: unknown } | undefined)?.values),
    configuration: rootModule(plan.configuration),
    errored: plan.errored === true,
  };
}

function rootModule(section: unknown): ValuesModule | undefined {
  const root = (section as { root_module?: unknown } | null | undefined)?.root_module;
  return root && typeof root === 'object' ? (root as ValuesModule) : undefined;
}

function isResourceChange(entry: unknown): entry is ResourceChange {
  const candidate = entry as Partial<ResourceChange> | null;
  return (
    !!candidate &&
    typeof candidate.address === 'string' &&
    typeof candidate.type === 'string' &&
    typeof candidate.name === 'string' &&
    Array.isArray(candidate.change?.actions)
  );
}

/** Where the JSON breaks, by line only: a truncated file is named as such. */
function syntaxError(text: string, file: string): ConfigurationError {
  const errors: ParseError[] = [];
  parseLenient(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (text.trim() === '') return new ConfigurationError(`is empty. ${HOW_TO_MAKE}`, file);
  if (!first) return new ConfigurationError(`is not valid JSON. ${HOW_TO_MAKE}`, file);
  const line = lineAt(text, first.offset);
  const endsEarly = ['UnexpectedEndOfString', 'UnexpectedEndOfComment', 'UnexpectedEndOfNumber'];
  const atEnd =
    first.offset + first.length >= text.trimEnd().length - 1 ||
    endsEarly.includes(printParseErrorCode(first.error));
  if (atEnd) {
    return new ConfigurationError(
      `ends before the JSON does (line ${line}): the file is truncated. Write it again with terraform show -json tfplan > plan.json and check that the step finished.`,
      file,
      line,
    );
  }
  return new ConfigurationError(
    `is not valid JSON (${printParseErrorCode(first.error)} at line ${line}): it is not a plan written by terraform show -json. ${HOW_TO_MAKE}`,
    file,
    line,
  );
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
