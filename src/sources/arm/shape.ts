import { ConfigurationError } from '../../errors.js';
import type { JsonDocument, JsonValue } from './jsonc.js';

/** The value of a top-level key, read case-insensitively as ARM does, with its exact key. */
function topLevel(root: Record<string, JsonValue>, name: string): [string, JsonValue] | undefined {
  if (name in root) return [name, root[name]!];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(root)) if (key.toLowerCase() === lower) return [key, value];
  return undefined;
}

function kindOf(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Whether a document is a deployment template by its `$schema`, or has `resources` at the top. */
export function looksLikeTemplate(document: JsonDocument): boolean {
  const root = document.root;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return false;
  const schema = topLevel(root, '$schema')?.[1];
  return (
    (typeof schema === 'string' && /deploymenttemplate\.json/i.test(schema)) || !!topLevel(root, 'resources')
  );
}

/**
 * Checks what ARM checks before it deploys anything, so that a template that could never deploy as
 * it stands is a file error rather than "no resources": the document is a JSON object whose
 * `resources` is an array of objects (or, with languageVersion 2.0, an object of symbolic names to
 * objects). Throws a `ConfigurationError` with the file and the line of the offending value.
 */
export function checkTemplateShape(document: JsonDocument): void {
  const root = document.root;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new ConfigurationError(
      `a template must be a JSON object with $schema, contentVersion and resources; this one is ${kindOf(root)}.`,
      document.file,
      1,
    );
  }
  const found = topLevel(root, 'resources');
  if (!found) {
    throw new ConfigurationError(
      'a template needs `resources` (an array of resources, empty when it deploys none): ARM rejects one without it.',
      document.file,
      1,
    );
  }
  const [key, resources] = found;
  if (Array.isArray(resources)) {
    resources.forEach((resource, index) => {
      if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
        throw new ConfigurationError(
          `${key}[${index}] must be a resource (an object); it is ${kindOf(resource)}.`,
          document.file,
          document.lineOf([key, index]),
        );
      }
    });
    return;
  }
  if (resources !== null && typeof resources === 'object') {
    for (const [name, resource] of Object.entries(resources)) {
      if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
        throw new ConfigurationError(
          `${key}.${name} must be a resource (an object); it is ${kindOf(resource)}.`,
          document.file,
          document.lineOf([key, name]),
        );
      }
    }
    return;
  }
  throw new ConfigurationError(
    `\`${key}\` must be an array of resources (or, with languageVersion 2.0, an object); it is ${kindOf(resources)}, so nothing in this template would be checked.`,
    document.file,
    document.lineOf([key]),
  );
}
