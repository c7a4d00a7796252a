/**
 * The `functions` section: user-defined functions by `namespace.name` (lower case), each with
 * its parameter names and the raw `output.value` the evaluator runs with them bound.
 */
import type { UserFunction } from '../expression/api.js';
import { entries, property, stringProperty, type JsonObject } from '../jsonc.js';

/** Adds the template's user-defined functions to `into`. */
export function readUserFunctions(template: JsonObject, into: Map<string, UserFunction>): void {
  const functions = property(template, 'functions');
  for (const group of Array.isArray(functions) ? functions : []) {
    const namespace = stringProperty(group, 'namespace') ?? '';
    for (const [member, definition] of entries(property(group, 'members'))) {
      const declared = property(definition, 'parameters');
      const parameters = (Array.isArray(declared) ? declared : []).map((p) => ({
        name: stringProperty(p, 'name') ?? '',
      }));
      const output = property(property(definition, 'output'), 'value');
      into.set(`${namespace}.${member}`.toLowerCase(), {
        parameters,
        output: output === undefined ? null : output,
      });
    }
  }
}
