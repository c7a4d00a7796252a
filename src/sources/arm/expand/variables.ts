/**
 * The `variables` section: each variable is evaluated once, on first use, with no copy loop
 * around it; `variables.copy` entries build arrays; a variable that needs itself is a cycle.
 */
import { ConfigurationError } from '../../../errors.js';
import type { Value } from '../../../model.js';
import {
  childAt,
  entries,
  isJsonObject,
  stringProperty,
  type JsonObject,
  type JsonPath,
  type JsonValue,
} from '../jsonc.js';
import { ensureSize, sizeOf } from '../limits.js';
import type { Frame } from './frame.js';
import { evaluateCopyLoop } from './values.js';

export interface VariableDefinition {
  name: string;
  value: JsonValue;
  path: JsonPath;
  /** A `variables.copy` entry: the loop that builds the variable. */
  copy?: JsonObject;
}

/** The variables of one template, evaluated lazily. */
export class Variables {
  /** Definitions by lower-case name. */
  readonly definitions = new Map<string, VariableDefinition>();
  private readonly values = new Map<string, Value>();
  /** Variables being evaluated, outermost first (to name a cycle). */
  private readonly stack: string[] = [];

  constructor(private readonly frame: Frame) {
    const variables = childAt(frame.template, frame.templatePath, 'variables');
    for (const [name, value] of entries(variables?.[0])) {
      const variablePath = [...variables![1], name];
      if (name.toLowerCase() === 'copy' && Array.isArray(value)) {
        value.forEach((spec, index) => {
          const loopName = stringProperty(spec, 'name');
          if (loopName && isJsonObject(spec))
            this.definitions.set(loopName.toLowerCase(), {
              name: loopName,
              value: spec,
              path: [...variablePath, index],
              copy: spec,
            });
        });
      } else this.definitions.set(name.toLowerCase(), { name, value, path: variablePath });
    }
  }

  /** `variables('name')`. */
  value(name: string): Value {
    const frame = this.frame;
    const key = name.toLowerCase();
    const cached = this.values.get(key);
    if (cached !== undefined) return cached;
    const definition = this.definitions.get(key);
    if (!definition) {
      throw new ConfigurationError(`variable '${name}' is not defined`, frame.doc.file);
    }
    if (this.stack.includes(key)) {
      const cycle = [...this.stack.slice(this.stack.indexOf(key)), key]
        .map((k) => this.definitions.get(k)?.name ?? k)
        .join(' → ');
      throw new ConfigurationError(
        `variables form a cycle: ${cycle}. Break the cycle by computing one of them without the others.`,
        frame.doc.file,
        frame.doc.lineOf(this.definitions.get(this.stack[this.stack.indexOf(key)])!.path),
      );
    }
    this.stack.push(key);
    try {
      const value = frame.within([], definition.path, () => {
        const evaluated = definition.copy
          ? evaluateCopyLoop(frame, definition.copy, 'variable')
          : frame.evaluate(definition.value);
        // Variables are how a template reuses a value: each is checked once, so that no chain of
        // them can build something exponential out of literal objects.
        if (typeof evaluated === 'object' && evaluated !== null)
          ensureSize(sizeOf(evaluated), `variable '${definition.name}'`);
        return evaluated;
      });
      this.values.set(key, value);
      return value;
    } finally {
      this.stack.pop();
    }
  }
}
