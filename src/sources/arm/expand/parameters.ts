/**
 * Parameter binding, ARM's first phase. Each parameter gets, in this order:
 * - the value supplied for it (a parameters file, or the deployment that runs the template), unless
 *   that value is null: "the ARM engine will interpret a null value as equivalent to no value having
 *   been supplied for the parameter" (Bicep maintainers, https://github.com/Azure/bicep/pull/11532);
 * - else its default: "The default value is used when a value isn't provided during deployment."
 *   (https://learn.microsoft.com/azure/azure-resource-manager/templates/parameters#default-value);
 * - else null when its type is nullable, directly or through `$ref`: "The nullable constraint
 *   indicates that the value may be null or omitted."
 *   (https://learn.microsoft.com/azure/azure-resource-manager/templates/definitions#nullable-constraint);
 * - else an unknown (the value is given at deployment).
 * The parts of the value whose type is secure are then replaced by unknowns, so a secret never
 * enters the model, and every value is checked against the `allowedValues` of its type and of the
 * types of its parts; null is no value and is not checked.
 */
import { ConfigurationError } from '../../../errors.js';
import { TemplateLimitError, ensureSize, sizeOf } from '../limits.js';
import { UnknownValue, type SourceLocation, type Value } from '../../../model.js';
import { childAt, entries, type JsonPath, type JsonValue } from '../jsonc.js';
import type { SuppliedParameter } from '../parameters.js';
import type { Frame } from './frame.js';
import { parameterSymbol } from '../expression/symbols.js';
import { TemplateTypes } from './types.js';

export interface ParameterValue {
  value: Value;
  locate?: () => SourceLocation;
}

/** The values given to a template from outside: a parameters file, or the deployment that runs it. */
export interface Supply {
  /** By lower-case parameter name. */
  values: Map<string, SuppliedParameter>;
  /** Set when the deployment's whole `parameters` could not be evaluated: every parameter is this. */
  unknown?: UnknownValue;
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
}

/** The parameters of one template, bound on first use. */
export class ParameterBinding {
  private readonly entries = new Map<string, ParameterEntry>();
  readonly types: TemplateTypes;
  private readonly unknownSupply: UnknownValue | undefined;
  /** The template scope its parameters with no value are named in (symbols.ts). */
  private readonly scope: string;

  constructor(
    private readonly frame: Frame,
    supply: Supply | undefined,
  ) {
    this.types = new TemplateTypes(frame.template, frame.templatePath);
    this.unknownSupply = supply?.unknown;
    this.scope = frame.expansion.newScope();
    const parameters = childAt(frame.template, frame.templatePath, 'parameters');
    for (const [name, declaration] of entries(parameters?.[0])) {
      this.entries.set(name.toLowerCase(), {
        name,
        declaration,
        path: [...parameters![1], name],
        supplied: supply?.values.get(name.toLowerCase()),
      });
    }
  }

  /** How many parameters the template declares. */
  get count(): number {
    return this.entries.size;
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
      const bound = this.bind(entry);
      const label = `parameter ${entry.name}`;
      const value = this.types.maskSecure(bound.value, entry.declaration, entry.path, label);
      // A default may reuse other parameters: each value is checked once (see variables.ts).
      if (typeof value === 'object' && value !== null) ensureSize(sizeOf(value), `parameter '${entry.name}'`);
      entry.resolved = { ...bound, value };
      return entry.resolved;
    } catch (error) {
      if (error instanceof TemplateLimitError)
        throw error.at(this.frame.doc.file, this.frame.doc.lineOf(entry.path));
      throw error;
    } finally {
      entry.resolving = false;
    }
  }

  /** Supplied (not null) > default > null when nullable > unknown. */
  private bind(entry: ParameterEntry): ParameterValue {
    const frame = this.frame;
    const supplied = entry.supplied;
    if (supplied && supplied.value !== null) return { value: supplied.value, locate: supplied.locate };
    if (!supplied && this.unknownSupply) {
      return { value: this.unknownSupply, locate: () => this.declarationLocation(entry) };
    }
    const defaultValue = childAt(entry.declaration, entry.path, 'defaultValue');
    if (defaultValue) {
      const [value, valuePath] = defaultValue;
      return {
        value: frame.within([], valuePath, () => frame.evaluate(value)),
        locate: () =>
          frame.sourceMap
            ? this.declarationLocation(entry)
            : { file: frame.doc.file, line: frame.doc.lineOf(valuePath) },
      };
    }
    if (this.types.resolve(entry.declaration, entry.path).nullable) {
      return { value: null, locate: supplied?.locate ?? (() => this.declarationLocation(entry)) };
    }
    // A value given at deployment is one value wherever it is used: names built from it (or from
    // a property or item of it) match. Secure values have none: nothing is built from a secret.
    const type = this.types.resolve(entry.declaration, entry.path).type;
    const symbol =
      type === 'string' || type === 'object' || type === 'array'
        ? parameterSymbol(entry.name, this.scope)
        : undefined;
    return {
      value: new UnknownValue(`parameter '${entry.name}' has no value: set it in a parameters file`, symbol),
      locate: () => this.declarationLocation(entry),
    };
  }

  private declarationLocation(entry: ParameterEntry): SourceLocation {
    const { sourceMap, doc } = this.frame;
    if (sourceMap) return { file: sourceMap.file, line: sourceMap.parameterLine(entry.name) ?? 1 };
    return { file: doc.file, line: doc.lineOf(entry.path) };
  }

  /** Checks every parameter value against the `allowedValues` of its type, as ARM does before deploying. */
  validate(): void {
    const { expansion, doc, sourceMap } = this.frame;
    for (const entry of this.entries.values()) {
      let resolved;
      try {
        resolved = this.value(entry.name);
      } catch (error) {
        if (error instanceof ConfigurationError && !(error instanceof TemplateLimitError)) {
          expansion.addError({ file: error.file ?? doc.file, line: error.line, message: error.message });
          continue;
        }
        throw error;
      }
      for (const violation of this.types.violations(resolved.value, entry.declaration, entry.path)) {
        const where = resolved.locate?.() ?? this.declarationLocation(entry);
        const declared = sourceMap
          ? `${sourceMap.file}:${sourceMap.parameterLine(entry.name) ?? 1}`
          : `${doc.file}:${doc.lineOf(violation.declaredAt)}`;
        const part = violation.at ? ` (${violation.at})` : '';
        expansion.addError({
          file: where.file,
          line: where.line,
          message: `parameter '${entry.name}'${part} is ${JSON.stringify(violation.value)}, which is not one of its allowed values (${violation.allowed
            .map((a) => JSON.stringify(a))
            .join(', ')}, declared at ${declared}). Use one of them.`,
        });
      }
    }
  }
}
