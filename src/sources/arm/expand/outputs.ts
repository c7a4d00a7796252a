/**
 * The `outputs` section, as a deployment reports it (`{ name: { type, value } }`): what
 * `reference(<deployment>).outputs.x.value` reads in the template around it. The parts of an
 * output whose type is secure (its `type`, or the `$ref` type of the output or of its parts) stay
 * unknown; an output that cannot be evaluated is unknown, not an error (ARM evaluates outputs
 * after deploying, with runtime values this scan does not have).
 */
import { ConfigurationError } from '../../../errors.js';
import { TemplateLimitError } from '../limits.js';
import { UnknownValue, type ObjectValue, type Value } from '../../../model.js';
import { setKey } from '../expression/values.js';
import { childAt, entries, isJsonObject, property, stringProperty } from '../jsonc.js';
import { TemplateTypes } from './types.js';
import type { Frame } from './frame.js';

export function readOutputs(frame: Frame): ObjectValue | undefined {
  const outputs = childAt(frame.template, frame.templatePath, 'outputs');
  if (!outputs || !isJsonObject(outputs[0])) return undefined;
  const out: ObjectValue = {};
  const types = new TemplateTypes(frame.template, frame.templatePath);
  for (const [name, declaration] of entries(outputs[0])) {
    const raw = property(declaration, 'value');
    const path = [...outputs[1], name];
    const type = stringProperty(declaration, 'type') ?? types.resolve(declaration, path).type ?? 'string';
    let value: Value;
    frame.anchor = path;
    try {
      value = raw === undefined ? new UnknownValue(`output ${name} has no value`) : frame.evaluate(raw);
    } catch (error) {
      if (!(error instanceof ConfigurationError) || error instanceof TemplateLimitError) throw error;
      value = new UnknownValue(`output ${name}: ${error.message}`);
    } finally {
      frame.anchor = undefined;
    }
    value = types.maskSecure(value, declaration, path, `output ${name}`);
    setKey(out, name, { type, value });
  }
  return out;
}
