/**
 * Template expansion, the public entry point: one scanned template (and the nested and linked
 * templates it deploys) in, the resources ARM would deploy out. The phases live in `expand/`,
 * one module each, in the order ARM runs them (see expand/frame.ts).
 */
import { ConfigurationError } from '../../errors.js';
import type { Resource } from '../../model.js';
import type { DeploymentContext } from './expression/api.js';
import { scopeOfSchema } from './deployment-context.js';
import { isJsonObject, stringProperty } from './jsonc.js';
import { pathToFileUrl } from './expand/deployments.js';
import {
  Expansion,
  type ExpandOptions,
  type ExpandResult,
  type TemplateDocument,
} from './expand/expansion.js';
import { Frame } from './expand/frame.js';
import { TemplateLimitError, withBudget } from './limits.js';
import { mergeRedeclared } from './expand/merge.js';
import { DeploymentOrder } from './expand/order.js';

export type { ExpandOptions, ExpandResult, SourceMap, TemplateDocument } from './expand/expansion.js';
export { COPY_LIMIT } from './expand/values.js';

/**
 * Expands one top-level template the way ARM would deploy it: parameters (parameters file >
 * default > unknown), variables, conditions, copy loops, child resources, nested and linked
 * deployments. Returns the deployed resources, each able to tell the line any of its values was
 * set on, one per id (a resource declared again later is merged, expand/merge.ts); problems are
 * `FileError`s and never stop the other resources. A template over one of the limits (limits.ts)
 * is one error and no resources, as ARM would reject it whole.
 */
export function expandTemplate(document: TemplateDocument, options: ExpandOptions): ExpandResult {
  const expansion = new Expansion(options);
  if (!isJsonObject(document.root)) {
    return {
      resources: [],
      errors: [{ file: document.file, line: 1, message: 'a template must be a JSON object' }],
      linkedFiles: expansion.linkedFiles,
    };
  }
  const schema = stringProperty(document.root, '$schema');
  const deployment: DeploymentContext = {
    ...options.deployment,
    scope: scopeOfSchema(schema),
    templateLinkUri: pathToFileUrl(document.absolutePath),
  };
  const supply = options.parameters ? { values: options.parameters } : undefined;
  const frame = new Frame(expansion, document, document.root, [], deployment, supply, 0);
  try {
    return withBudget(expansion.budget, () => {
      try {
        frame.run(options.unit);
      } catch (error) {
        if (!(error instanceof ConfigurationError) || error instanceof TemplateLimitError) throw error;
        expansion.addError({ file: error.file ?? document.file, line: error.line, message: error.message });
      }
      const order = new DeploymentOrder();
      const entry = (resource: Resource) => expansion.declarations.get(resource)!;
      const resources = mergeRedeclared(expansion.resources, {
        known: (resource) => entry(resource).nameKnown,
        template: (resource) => entry(resource).frame,
        before: (a, b) => order.compare(entry(a), entry(b)),
      });
      return {
        resources,
        errors: expansion.errors,
        linkedFiles: expansion.linkedFiles,
        work: workOf(expansion),
      };
    });
  } catch (error) {
    if (!(error instanceof TemplateLimitError)) throw error;
    // ARM rejects a template over a limit as a whole: none of its resources are deployed.
    const limit = { file: error.file ?? document.file, line: error.line, message: error.message };
    return {
      resources: [],
      errors: [...expansion.errors, limit],
      linkedFiles: expansion.linkedFiles,
      work: workOf(expansion),
    };
  }
}

function workOf(expansion: Expansion): ExpandResult['work'] {
  return { steps: expansion.budget.used, largestValue: expansion.budget.largestValue };
}
