/**
 * Parameter binding, ARM's first phase: each parameter gets the value supplied for it (parameters
 * file, or the deployment that runs the template), else its default, else null when it may be
 * null, else an unknown; then every value is checked against its `allowedValues`.
 */
import { ConfigurationError } from '../../../errors.js';
import { UnknownValue, isUnknown, type SourceLocation, type Value } from '../../../model.js';
import { childAt, entries, property, stringProperty, type JsonPath, type JsonValue } from '../jsonc.js';
import type { SuppliedParameter } from '../parameters.js';
import type { Frame } from './frame.js';

export interface ParameterValue {
  value: Value;
  locate?: () => SourceLocation;
}

interface ParameterEntry {
  name: string;
  declaration: JsonValue;
  /** Where the declaration is in the document. */
  path: JsonPath;
  /** Resolved on first use. */
  resolved?: ParameterValue;
  resolving?: boolean;
  supplied?: SuppliedParameter;
  secure: boolean;
}

/** The parameters of one template, bound on first use. */
export class ParameterBinding {
  private readonly entries = new Map<string, ParameterEntry>();

  constructor(
    private readonly frame: Frame,
    supplied: Map<string, SuppliedParameter> | undefined,
  ) {
    const parameters = childAt(frame.template, frame.templatePath, 'parameters');
    for (const [name, declaration] of entries(parameters?.[0])) {
      const type = (stringProperty(declaration, 'type') ?? '').toLowerCase();
      this.entries.set(name.toLowerCase(), {
        name,
        declaration,
        path: [...parameters![1], name],
        supplied: supplied?.get(name.toLowerCase()),
        secure: type === 'securestring' || type === 'secureobject',
      });
    }
  }

  /** `parameters('name')`: the bound value and where it was set. */
  value(name: string): ParameterValue {
    const entry = this.entries.get(name.toLowerCase());
    if (!entry) {
      throw new ConfigurationError(
        `parameter '${name}' is not declared in the template`,
        this.frame.doc.file,
      );
    }
    if (entry.resolved) return entry.resolved;
    if (entry.resolving) {
      throw new ConfigurationError(
        `parameter '${entry.name}' has a default value that refers to itself`,
        this.frame.doc.file,
      );
    }
    entry.resolving = true;
    try {
      entry.resolved = this.resolve(entry);
      return entry.resolved;
    } finally {
      entry.resolving = false;
    }
  }

  private resolve(entry: ParameterEntry): ParameterValue {
    const frame = this.frame;
    const defaultValue = childAt(entry.declaration, entry.path, 'defaultValue');
    let resolved: ParameterValue;
    if (entry.supplied) {
      resolved = { value: entry.supplied.value, locate: entry.supplied.locate };
    } else if (defaultValue) {
      const [value, valuePath] = defaultValue;
      resolved = {
        value: frame.within([], valuePath, () => frame.evaluate(value)),
        locate: () =>
          frame.sourceMap
            ? this.declarationLocation(entry)
            : { file: frame.doc.file, line: frame.doc.lineOf(valuePath) },
      };
    } else if (property(entry.declaration, 'nullable') === true) {
      resolved = { value: null, locate: () => this.declarationLocation(entry) };
    } else {
      resolved = {
        value: new UnknownValue(`parameter '${entry.name}' has no value: set it in a parameters file`),
        locate: () => this.declarationLocation(entry),
      };
    }
    if (entry.secure && !isEmptyValue(resolved.value))
      resolved = { ...resolved, value: new UnknownValue(`secure parameter ${entry.name}`) };
    return resolved;
  }

  private declarationLocation(entry: ParameterEntry): SourceLocation {
    const { sourceMap, doc } = this.frame;
    if (sourceMap) return { file: sourceMap.file, line: sourceMap.parameterLine(entry.name) ?? 1 };
    return { file: doc.file, line: doc.lineOf(entry.path) };
  }

  /** Checks every parameter value against its `allowedValues`, as ARM does before deploying. */
  validate(): void {
    const { expansion, doc, sourceMap } = this.frame;
    for (const entry of this.entries.values()) {
      let resolved;
      try {
        resolved = this.value(entry.name);
      } catch (error) {
        if (error instanceof ConfigurationError) {
          expansion.addError({ file: error.file ?? doc.file, line: error.line, message: error.message });
          continue;
        }
        throw error;
      }
      const allowedValues = childAt(entry.declaration, entry.path, 'allowedValues');
      if (!allowedValues || !Array.isArray(allowedValues[0]) || entry.secure) continue;
      const allowed = allowedValues[0];
      const values =
        Array.isArray(resolved.value) && !allowed.some(Array.isArray) ? resolved.value : [resolved.value];
      for (const value of values) {
        if (containsUnknown(value)) continue;
        if (!allowed.some((candidate) => sameValue(candidate, value))) {
          const where = resolved.locate?.() ?? this.declarationLocation(entry);
          const declared = sourceMap
            ? `${sourceMap.file}:${sourceMap.parameterLine(entry.name) ?? 1}`
            : `${doc.file}:${doc.lineOf(allowedValues[1])}`;
          expansion.addError({
            file: where.file,
            line: where.line,
            message: `parameter '${entry.name}' is ${JSON.stringify(value)}, which is not one of its allowed values (${allowed
              .map((a) => JSON.stringify(a))
              .join(', ')}, declared at ${declared}). Use one of them.`,
          });
        }
      }
    }
  }
}

function isEmptyValue(value: Value): boolean {
  if (value === '' || value === null) return true;
  return (
    typeof value === 'object' && !Array.isArray(value) && !isUnknown(value) && Object.keys(value).length === 0
  );
}

function containsUnknown(value: Value): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}
