import type { ObjectValue, UnknownValue, Value } from '../../../model.js';

/**
 * What an ARM expression can see besides its arguments. The template expander (sources/arm)
 * implements it; the evaluator (sources/arm/expression) calls it. Anything the scope cannot know
 * comes back as an `UnknownValue`, which propagates through every function that uses it.
 */
export interface ExpressionScope {
  /** `parameters('name')`: the value (parameters file > defaultValue > UnknownValue). Names are case-insensitive. */
  parameter(name: string): Value;
  /** `variables('name')`: evaluated lazily; cycles are reported as an error. Case-insensitive. */
  variable(name: string): Value;
  /** `copyIndex()` / `copyIndex('loop')` without offset; `undefined` when not inside that loop. */
  copyIndex(loopName: string | undefined): number | undefined;
  /** `reference(...)`: declared properties of a resource in the same template, else UnknownValue. */
  reference(target: Value, apiVersion: Value | undefined, full: boolean): Value;
  /** The deployment the template runs in (resourceGroup(), subscription(), deployment(), tenant(), environment()). */
  readonly deployment: DeploymentContext;
  /** User-defined functions (`functions` section), keyed `namespace.name` in lower case. */
  readonly userFunctions?: ReadonlyMap<string, UserFunction>;
}

export type DeploymentScope = 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant';

export interface DeploymentContext {
  scope: DeploymentScope;
  subscriptionId: string;
  tenantId: string;
  resourceGroupName: string;
  /** `resourceGroup().location`; unknown while it is a placeholder (the user did not set it). */
  resourceGroupLocation: string | UnknownValue;
  managementGroup: string;
  deploymentName: string;
  /** `environment()` object; when undefined, environment() is UnknownValue. */
  environment?: ObjectValue;
  /**
   * `deployment().properties.templateLink.uri`. The expander sets it to the template's own
   * `file://` URL so that `uri(parameters('_artifactsLocation'), 'nested/x.json')` resolves to a
   * file beside it (the `_artifactsLocation` pattern); undefined = UnknownValue.
   */
  templateLinkUri?: string;
}

export interface UserFunction {
  parameters: { name: string }[];
  /** Raw `output.value` template text or JSON value to evaluate with the function's parameters bound. */
  output: unknown;
}
