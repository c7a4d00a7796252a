/**
 * The ARM template function library: every built-in function by lower-case name. Function names
 * are case-insensitive in ARM, so lookups lower-case the name; `list*` names all resolve to the
 * deployment-time list function.
 */
import { ARRAY_FUNCTIONS } from './functions-array.js';
import { CIDR_FUNCTIONS } from './functions-cidr.js';
import { CORE_FUNCTIONS } from './functions-core.js';
import { DEPLOYMENT_FUNCTIONS, lookupListFunction } from './functions-deployment.js';
import { LAMBDA_FUNCTIONS } from './functions-lambda.js';
import { STRING_FUNCTIONS } from './functions-string.js';
import type { FunctionDef } from './function-types.js';

export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(
  Object.entries({
    ...CORE_FUNCTIONS,
    ...STRING_FUNCTIONS,
    ...ARRAY_FUNCTIONS,
    ...LAMBDA_FUNCTIONS,
    ...DEPLOYMENT_FUNCTIONS,
    ...CIDR_FUNCTIONS,
  }),
);

/** The built-in function called `name` (any case), or undefined when ARM has no such function. */
export function lookupFunction(name: string): FunctionDef | undefined {
  // Templates spell the same few names the same way thousands of times: remember each spelling.
  let def = bySpelling.get(name);
  if (def === undefined && !bySpelling.has(name)) {
    def = FUNCTIONS.get(name.toLowerCase()) ?? lookupListFunction(name);
    if (bySpelling.size < SPELLING_CACHE_LIMIT) bySpelling.set(name, def);
  }
  return def;
}

const SPELLING_CACHE_LIMIT = 4096;
const bySpelling = new Map<string, FunctionDef | undefined>();

/** Lower-case names of all built-in functions (list* functions are matched by prefix). */
export function builtInFunctionNames(): string[] {
  return [...FUNCTIONS.keys()].sort();
}
