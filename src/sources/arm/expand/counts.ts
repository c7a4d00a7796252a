/**
 * ARM's limits on the size of each section of one template
 * (https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices#template-limits):
 * "256 parameters, 512 variables, 800 resources (including copy count), 64 output values". Each
 * template counts its own: "You can exceed some template limits by using a nested template."
 */
import { childAt, isJsonObject } from '../jsonc.js';
import { LIMITS, TemplateLimitError } from '../limits.js';
import type { Frame } from './frame.js';

const DOC =
  'https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices#template-limits';

/** Checks the parameters and variables (its own, not an outer template's) and outputs a template declares. */
export function checkDeclarations(frame: Frame): void {
  const outputs = childAt(frame.template, frame.templatePath, 'outputs');
  if (isJsonObject(outputs?.[0])) {
    const count = Object.keys(outputs[0]).length;
    check(frame, 'outputs', count, LIMITS.outputs, 'return an object that holds several values');
  }
  if (frame.outer) return;
  const parameters = frame.parameters.count;
  check(frame, 'parameters', parameters, LIMITS.parameters, 'combine several into an object parameter');
  const variables = frame.variables.definitions.size;
  check(frame, 'variables', variables, LIMITS.variables, 'combine several into an object');
}

/** Counts one more resource `frame` deploys, stopping at ARM's limit (copies included). */
export function countResource(frame: Frame): void {
  frame.resourceCount++;
  if (frame.resourceCount > LIMITS.resources) {
    const advice = 'deploy some of them from a nested template';
    check(frame, 'resources', frame.resourceCount, LIMITS.resources, advice, ' (copies included)');
  }
}

function check(
  frame: Frame,
  section: string,
  count: number,
  limit: number,
  advice: string,
  detail = '',
): void {
  if (count <= limit) return;
  const at = childAt(frame.template, frame.templatePath, section);
  // Resources are counted as they are declared: the count stops at the first one over.
  const how = section === 'resources' ? `more than ${limit}` : String(count);
  throw new TemplateLimitError(
    `the template declares ${how} ${section}${detail}, over ARM's limit of ${limit} per template (${DOC}): ${advice}.`,
    frame.doc.file,
    at ? frame.doc.lineOf(at[1]) : undefined,
  );
}
