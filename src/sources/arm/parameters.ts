import { ConfigurationError } from '../../errors.js';
import { UnknownValue, type SourceLocation, type Value } from '../../model.js';
import { entries, plainValue, property, type JsonDocument } from './jsonc.js';

/** A parameter value given from outside the template, and the line to edit it. */
export interface SuppliedParameter {
  value: Value;
  location?: SourceLocation;
}

/**
 * Reads a deployment parameters file (`{ "parameters": { "x": { "value": … } } }`). Values are
 * literal; Key Vault references are unknown (their secret is never read).
 */
export function readParametersDocument(document: JsonDocument): Map<string, SuppliedParameter> {
  const parameters = property(document.root, 'parameters');
  if (!parameters || parameters.type !== 'object') {
    throw new ConfigurationError(
      'parameters file has no "parameters" object: expected { "parameters": { "name": { "value": … } } }',
      document.file,
      1,
    );
  }
  const out = new Map<string, SuppliedParameter>();
  for (const [name, node, keyNode] of entries(parameters)) {
    const valueNode = property(node, 'value');
    if (valueNode) {
      out.set(name.toLowerCase(), {
        value: plainValue(valueNode, document.masked) as Value,
        location: { file: document.file, line: document.lines.lineAt(valueNode.offset) },
      });
    } else if (property(node, 'reference')) {
      out.set(name.toLowerCase(), {
        value: new UnknownValue(`parameter ${name} is a Key Vault reference`),
        location: { file: document.file, line: document.lines.lineAt(keyNode.offset) },
      });
    }
  }
  return out;
}
