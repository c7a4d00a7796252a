/**
 * The limits a template is evaluated within: ARM's own documented template limits, and two bounds
 * of ours that follow from them (the size of one computed value, the work spent on one scanned
 * template), so that a template built to blow up (values that reuse each other, copy loops inside
 * copy loops) ends quickly with an error naming the limit instead of running for minutes or
 * exhausting memory. A template over a limit is one file error; the other templates of the scan
 * are still evaluated.
 *
 * ARM's limits, from "Template limits"
 * (https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices#template-limits):
 * "Limit the size of your template to 4 MB, and each resource definition to 1 MB. The limits
 * apply to the final state of the template after it has been expanded with iterative resource
 * definitions, and values for variables and parameters." ... "You're also limited to: 256
 * parameters, 512 variables, 800 resources (including copy count), 64 output values, ... 24,576
 * characters in a template expression". (Older copies of the page, and "Resolve errors for job
 * size exceeded", say 256 variables; the larger, current figure is used so that no template ARM
 * accepts is rejected here.) Copy loops: "The count can't exceed 800"
 * (https://learn.microsoft.com/azure/azure-resource-manager/templates/copy-resources).
 */
import { ConfigurationError } from '../../errors.js';
import { isUnknown, type Value } from '../../model.js';

const TEMPLATE_LIMITS =
  'https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices#template-limits';

export const LIMITS = {
  /** Parameters declared by one template. */
  parameters: 256,
  /** Variables declared by one template. */
  variables: 512,
  /** Resources one template declares, copies included (`existing` ones are read, not deployed). */
  resources: 800,
  /** Outputs of one template. */
  outputs: 64,
  /** Characters in one template expression. */
  expressionLength: 24_576,
  /** Iterations of one copy loop. */
  copyCount: 800,
  /**
   * Our bound: the size of one computed value, in characters of its JSON text (a value that
   * repeats a part counts the part each time). ARM limits the whole expanded template to 4 MB,
   * measured compressed; compression of repetitive text can be large, so the bound is 16 MiB of
   * uncompressed text, four times the 4 MB, which no template of the quickstart corpus comes
   * near (bench/limits.ts prints the largest).
   */
  valueSize: 16 * 1024 * 1024,
  /**
   * Our bound: evaluation steps for one scanned template and everything it deploys (one step per
   * expression node, per value built or copied, per character of text produced). The largest
   * template of the quickstart corpus takes a small fraction of it (bench/limits.ts); the bound
   * stops a template that multiplies its work within about a second.
   */
  work: 4_000_000,
} as const;

/**
 * Steps charged for work beyond evaluating expression nodes, in proportion to what it costs
 * (measured with bench/limits.ts): running a nested or linked template, emitting a resource,
 * calling a user-defined function.
 */
export const COSTS = { template: 200, resource: 50, userFunction: 10 } as const;

/** A template over one of the limits: the whole template is rejected, as ARM would reject it. */
export class TemplateLimitError extends ConfigurationError {
  constructor(message: string, file?: string, line?: number) {
    super(message, file, line);
    this.name = 'TemplateLimitError';
  }

  /** The same error, located (the first location set wins: the innermost template's). */
  at(file: string, line: number | undefined): TemplateLimitError {
    return this.file ? this : new TemplateLimitError(this.message, file, line);
  }
}

/** Work spent on one scanned template, against `LIMITS.work`. */
export class WorkBudget {
  used = 0;
  /** The largest value checked against the size limit (for bench/limits.ts). */
  largestValue = 0;
  /** Nested and linked deployments run so far (for the error message). */
  deployments = 0;
  constructor(readonly limit: number = LIMITS.work) {}
}

/** The budget work is charged to now (read by the evaluator's hot loop; set by `withBudget`). */
export let active: WorkBudget | undefined;

/** Runs `body` charging its work to `budget` (evaluation is synchronous: one budget at a time). */
export function withBudget<T>(budget: WorkBudget, body: () => T): T {
  const saved = active;
  active = budget;
  try {
    return body();
  } finally {
    active = saved;
  }
}

/** Charges `units` of work to the budget in use, if any; throws once it is spent. */
export function charge(units: number): void {
  if (active !== undefined && (active.used += units) > active.limit) overBudget();
}

/** Charges a nested or linked deployment about to run. */
export function chargeDeployment(): void {
  if (active !== undefined) active.deployments++;
  charge(COSTS.template);
}

/**
 * The error for a spent budget. Located where the budget ran out (the innermost template); when
 * that is in a nested or linked template, it says that the scanned template's deployments count
 * (a fan-out of linked templates multiplies the templates to run at each level).
 */
export function overBudget(): never {
  const { limit, deployments } = active!;
  const steps = `${limit.toLocaleString('en-US')} steps, the limit per scanned template`;
  throw new TemplateLimitError(
    deployments === 0
      ? `evaluating this template takes more than ${steps}: values that reuse each other, or copy loops inside copy loops, multiply the work. ARM limits a template to 4 MB after expansion (${TEMPLATE_LIMITS}); simplify the template.`
      : `evaluating the scanned template with the ${deployments.toLocaleString('en-US')} nested or linked deployments it had run by then takes more than ${steps}: values that reuse each other, copy loops inside copy loops, or deployments in copy loops whose templates deploy others (each level multiplies the templates to run) multiply the work. ARM limits a template to 4 MB after expansion (${TEMPLATE_LIMITS}); simplify the template.`,
  );
}

/** Throws when a value of `size` characters would be over `LIMITS.valueSize`. */
export function ensureSize(size: number, what = 'a value'): void {
  if (active !== undefined && size > active.largestValue) active.largestValue = size;
  if (size > LIMITS.valueSize) {
    throw new TemplateLimitError(
      `${what} of about ${Math.round(size).toLocaleString('en-US')} characters is over the limit of ${LIMITS.valueSize.toLocaleString('en-US')} for one value: values that build on each other (createArray(a, a), concat, union, replace, format, nested copy loops) grow exponentially. ARM limits a template to 4 MB after expansion (${TEMPLATE_LIMITS}); simplify them.`,
    );
  }
}

/**
 * Size and "holds an unknown" of the arrays and objects already measured (values are never
 * changed in place). Small values are not remembered: measuring one again costs less than
 * remembering it, and a value can only be expensive to measure if it is large.
 */
const measured = new WeakMap<object, number>();
const REMEMBERED_FROM = 512;

/**
 * About the length of `value`'s JSON text; a part that appears several times counts each time.
 * Large arrays and objects are measured once and remembered, so a value built from parts already
 * measured costs only its own items.
 */
export function sizeOf(value: Value): number {
  return Math.floor(measure(value) / 2);
}

/** Whether `value` holds an unknown anywhere; undefined when it is not remembered. */
export function measuredUnknown(value: Value): boolean | undefined {
  if (value === null || typeof value !== 'object' || isUnknown(value)) return undefined;
  const known = measured.get(value);
  return known === undefined ? undefined : known % 2 === 1;
}

/** `size * 2 + (holds an unknown ? 1 : 0)`, remembered for arrays and objects. */
function measure(value: Value): number {
  switch (typeof value) {
    case 'string':
      return (value.length + 2) * 2;
    case 'number':
      return 16;
    case 'boolean':
      return 10;
    default:
      break;
  }
  if (value === null) return 8;
  if (isUnknown(value)) return 33;
  const known = measured.get(value);
  if (known !== undefined) return known;
  let size = 2;
  let unknown = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const part = measure(value[i]);
      size += Math.floor(part / 2) + 1;
      unknown |= part % 2;
    }
  } else {
    for (const key of Object.keys(value)) {
      const part = measure(value[key]);
      size += key.length + 4 + Math.floor(part / 2);
      unknown |= part % 2;
    }
  }
  // Sizes are kept below 2^52 so that the flag bit survives.
  const result = Math.min(size, 2 ** 51) * 2 + unknown;
  if (size >= REMEMBERED_FROM) measured.set(value, result);
  return result;
}
