/** A plain-object ExpressionScope for the expression tests (the scope is an interface; no mocks). */
import { UnknownValue, type ObjectValue, type Value } from '../../src/model.js';
import type {
  DeploymentContext,
  ExpressionScope,
  UserFunction,
} from '../../src/sources/arm/expression/api.js';

export interface TestScopeOptions {
  parameters?: ObjectValue;
  variables?: ObjectValue;
  copy?: Record<string, number>;
  /** Index of the current (unnamed) copy loop. */
  copyIndex?: number;
  references?: Record<string, Value>;
  deployment?: Partial<DeploymentContext>;
  userFunctions?: Record<string, UserFunction>;
}

export const TEST_DEPLOYMENT: DeploymentContext = {
  scope: 'resourceGroup',
  subscriptionId: '00000000-0000-0000-0000-000000000001',
  tenantId: '00000000-0000-0000-0000-0000000000aa',
  resourceGroupName: 'rg-test',
  resourceGroupLocation: 'westeurope',
  managementGroup: 'mg-test',
  deploymentName: 'deploy-test',
};

function lookup(values: ObjectValue, name: string, what: string): Value {
  const key = Object.keys(values).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? new UnknownValue(`${what} '${name}' has no value`) : values[key];
}

export function testScope(options: TestScopeOptions = {}): ExpressionScope {
  return {
    parameter: (name) => lookup(options.parameters ?? {}, name, 'parameter'),
    variable: (name) => lookup(options.variables ?? {}, name, 'variable'),
    copyIndex: (loop) => (loop === undefined ? options.copyIndex : options.copy?.[loop]),
    reference: (target) => {
      const value = typeof target === 'string' ? options.references?.[target] : undefined;
      return value === undefined
        ? new UnknownValue(`reference('${String(target)}') is outside the template`)
        : value;
    },
    deployment: { ...TEST_DEPLOYMENT, ...options.deployment },
    userFunctions: options.userFunctions
      ? new Map(Object.entries(options.userFunctions).map(([k, v]) => [k.toLowerCase(), v]))
      : undefined,
  };
}
