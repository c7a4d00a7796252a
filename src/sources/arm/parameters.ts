import { ConfigurationError } from '../../errors.js';
import { UnknownValue, type SourceLocation, type Value } from '../../model.js';
import { entries, isJsonObject, property, propertyKey, type JsonDocument } from './jsonc.js';

/** A parameter value given from outside the template, and (on demand) the line to edit it. */
export interface SuppliedParameter {
  value: Value;
  /** Where the value is written; worked out only when a finding or an error points there. */
  locate?: () => SourceLocation;
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
        value: property(declaration, 'value') as Value,
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
