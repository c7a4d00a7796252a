import { ConfigurationError } from '../../errors.js';
import { UnknownValue, type SourceLocation, type Value } from '../../model.js';
import { azdSymbol } from './expression/symbols.js';
import { setKey } from './expression/values.js';
import { entries, isJsonObject, property, propertyKey, type JsonDocument } from './jsonc.js';

/** A parameter value given from outside the template, and (on demand) the line to edit it. */
export interface SuppliedParameter {
  value: Value;
  /** Where the value is written; worked out only when a finding or an error points there. */
  locate?: () => SourceLocation;
}

/**
 * `${NAME}`, `${NAME=default}`, `${NAME:-default}`: the Azure Developer CLI (azd) fills these in
 * from its environment when it deploys (its parameters files go through envsubst). The scan never
 * reads the environment for them: a pull request could name any variable of the runner, tokens
 * included, and see its value in a finding.
 */
const AZD_PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])([^}]*))?\}/g;

/** A value with every string that holds an azd placeholder made unknown, naming the variables. */
function withoutAzdPlaceholders(parameter: string, value: Value): Value {
  if (typeof value === 'string') {
    const variables = [...value.matchAll(AZD_PLACEHOLDER)];
    if (variables.length === 0) return value;
    const named = variables
      .map(([, variable, operator, fallback]) =>
        operator ? `${variable} (azd's default: ${JSON.stringify(fallback)})` : variable,
      )
      .join(', ');
    // The variable has one value when azd deploys: names built from it match (symbols.ts).
    let symbol = '';
    let last = 0;
    for (const match of variables) {
      symbol += value.slice(last, match.index) + azdSymbol(match[1]!);
      last = match.index + match[0].length;
    }
    return new UnknownValue(
      `parameter ${parameter} is set by azd from the environment variable ${named} when it deploys`,
      symbol + value.slice(last),
    );
  }
  if (Array.isArray(value)) {
    let out: Value[] | undefined;
    value.forEach((item, index) => {
      const replaced = withoutAzdPlaceholders(parameter, item);
      if (replaced !== item) (out ??= [...value])[index] = replaced;
    });
    return out ?? value;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof UnknownValue)) {
    let out: { [key: string]: Value } | undefined;
    for (const [key, item] of Object.entries(value)) {
      const replaced = withoutAzdPlaceholders(parameter, item);
      if (replaced !== item) setKey((out ??= { ...value }), key, replaced);
    }
    return out ?? value;
  }
  return value;
}

/**
 * Reads a deployment parameters file (`{ "parameters": { "x": { "value": … } } }`). Values are
 * literal; Key Vault references are unknown (their secret is never read).
 */
export function readParametersDocument(document: JsonDocument): Map<string, SuppliedParameter> {
  const parametersKey = propertyKey(document.root, 'parameters');
  const parameters = property(document.root, 'parameters');
  if (parametersKey === undefined || !isJsonObject(parameters)) {
    throw new ConfigurationError(
      'parameters file has no "parameters" object: expected { "parameters": { "name": { "value": … } } }',
      document.file,
      1,
    );
  }
  const out = new Map<string, SuppliedParameter>();
  for (const [name, declaration] of entries(parameters)) {
    const valueKey = propertyKey(declaration, 'value');
    if (valueKey !== undefined) {
      out.set(name.toLowerCase(), {
        value: withoutAzdPlaceholders(name, property(declaration, 'value') as Value),
        locate: () => ({ file: document.file, line: document.lineOf([parametersKey, name, valueKey]) }),
      });
    } else if (property(declaration, 'reference') !== undefined) {
      out.set(name.toLowerCase(), {
        value: new UnknownValue(`parameter ${name} is a Key Vault reference`),
        locate: () => ({ file: document.file, line: document.lineOf([parametersKey, name]) }),
      });
    }
  }
  return out;
}
