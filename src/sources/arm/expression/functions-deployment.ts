/**
 * Functions about where the template is deployed: resource ids, resourceGroup(), subscription(),
 * tenant(), managementGroup(), deployment(), environment(), reference(), every list* function,
 * providers(), pickZones() and the clock (utcNow, dateTimeAdd, epoch conversions). What only
 * Azure knows at deployment comes back as an unknown naming the expression.
 */
import { isUnknown, type ObjectValue, type Value } from '../../../model.js';
import type { DeploymentContext } from './api.js';
import { addDuration, DateFailure, formatDate, parseDate } from './dates.js';
import { fail, int, str, type CallContext, type FunctionDef, type FunctionTable } from './function-types.js';
import { cloneValue, DeploymentTimeUnknown, markPartial } from './values.js';

/** reference() results: the partial copy of each declared value (values are never changed in place). */
const partialCopies = new WeakMap<object, Value>();

/** `Microsoft.Network/virtualNetworks/subnets` + names → `providers/Microsoft.Network/virtualNetworks/v/subnets/s`. */
function providerPath(ctx: CallContext, type: string, names: string[]): string {
  const segments = type.split('/').filter((s) => s !== '');
  if (segments.length < 2)
    fail(ctx, `needs a resource type such as 'Microsoft.Storage/storageAccounts', not '${type}'`);
  const [namespace, ...types] = segments;
  const nameSegments = names.flatMap((name) => name.split('/'));
  if (nameSegments.length !== types.length) {
    fail(
      ctx,
      `was given ${nameSegments.length} name segment(s) for resource type '${type}', which needs ${types.length}; give one name per type segment`,
    );
  }
  return `providers/${namespace}/${types.map((t, i) => `${t}/${nameSegments[i]}`).join('/')}`;
}

/** Splits the arguments at the resource type (the first argument containing '/'). */
function splitAtType(
  ctx: CallContext,
  args: Value[],
  maxLeading: number,
): { leading: string[]; type: string; names: string[] } {
  const values = args.map((_, i) => str(ctx, args, i));
  const typeIndex = values.findIndex((v) => v.includes('/'));
  if (typeIndex < 0) fail(ctx, "needs a resource type argument such as 'Microsoft.Storage/storageAccounts'");
  if (typeIndex > maxLeading) {
    fail(ctx, `takes at most ${maxLeading} argument(s) before the resource type, but was given ${typeIndex}`);
  }
  const names = values.slice(typeIndex + 1);
  if (names.length === 0) fail(ctx, `needs the resource name after the resource type '${values[typeIndex]}'`);
  return { leading: values.slice(0, typeIndex), type: values[typeIndex], names };
}

function subscriptionPath(d: DeploymentContext, subscriptionId = d.subscriptionId): string {
  return `/subscriptions/${subscriptionId}`;
}

function managementGroupPath(name: string): string {
  return `/providers/Microsoft.Management/managementGroups/${name}`;
}

function deploymentTime(ctx: CallContext): DeploymentTimeUnknown {
  return new DeploymentTimeUnknown(ctx.text);
}

/** Known part of `subscription()`; its display name is only known to Azure. */
function subscriptionObject(d: DeploymentContext): ObjectValue {
  return {
    id: subscriptionPath(d),
    subscriptionId: d.subscriptionId,
    tenantId: d.tenantId,
    displayName: new DeploymentTimeUnknown('subscription().displayName'),
  };
}

const listFunction: FunctionDef = {
  min: 0,
  max: Infinity,
  unknowns: 'self',
  call: (_args, ctx) => deploymentTime(ctx),
};

/** `list*` functions (listKeys, listSecrets, listAccountSas, …) are all deployment-time values. */
export function lookupListFunction(name: string): FunctionDef | undefined {
  return /^list/i.test(name) ? listFunction : undefined;
}

function dateCall<T>(ctx: CallContext, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof DateFailure) return fail(ctx, error.message);
    throw error;
  }
}

export const DEPLOYMENT_FUNCTIONS: FunctionTable = {
  resourceid: {
    symbols: 'text',
    min: 2,
    max: Infinity,
    call: (args, ctx) => {
      const d = ctx.scope.deployment;
      const { leading, type, names } = splitAtType(ctx, args, 2);
      const path = providerPath(ctx, type, names);
      if (leading.length === 2) return `/subscriptions/${leading[0]}/resourceGroups/${leading[1]}/${path}`;
      if (leading.length === 1) return `${subscriptionPath(d)}/resourceGroups/${leading[0]}/${path}`;
      switch (d.scope) {
        case 'resourceGroup':
          return `${subscriptionPath(d)}/resourceGroups/${d.resourceGroupName}/${path}`;
        case 'subscription':
          return `${subscriptionPath(d)}/${path}`;
        case 'managementGroup':
          return `${managementGroupPath(d.managementGroup)}/${path}`;
        case 'tenant':
          return `/${path}`;
      }
    },
  },
  subscriptionresourceid: {
    symbols: 'text',
    min: 2,
    max: Infinity,
    call: (args, ctx) => {
      const { leading, type, names } = splitAtType(ctx, args, 1);
      return `${subscriptionPath(ctx.scope.deployment, leading[0])}/${providerPath(ctx, type, names)}`;
    },
  },
  tenantresourceid: {
    symbols: 'text',
    min: 2,
    max: Infinity,
    call: (args, ctx) => {
      const { type, names } = splitAtType(ctx, args, 0);
      return `/${providerPath(ctx, type, names)}`;
    },
  },
  managementgroupresourceid: {
    symbols: 'text',
    min: 2,
    max: Infinity,
    call: (args, ctx) => {
      const { leading, type, names } = splitAtType(ctx, args, 1);
      return `${managementGroupPath(leading[0] ?? ctx.scope.deployment.managementGroup)}/${providerPath(ctx, type, names)}`;
    },
  },
  extensionresourceid: {
    symbols: 'text',
    min: 3,
    max: Infinity,
    call: (args, ctx) => {
      const base = str(ctx, args, 0).replace(/\/+$/, '');
      const { type, names } = splitAtType(ctx, args.slice(1), 0);
      return `${base}/${providerPath(ctx, type, names)}`;
    },
  },
  resourcegroup: {
    min: 0,
    max: 0,
    call: (_args, ctx) => {
      const d = ctx.scope.deployment;
      return {
        id: `${subscriptionPath(d)}/resourceGroups/${d.resourceGroupName}`,
        name: d.resourceGroupName,
        type: 'Microsoft.Resources/resourceGroups',
        location: d.resourceGroupLocation,
        managedBy: new DeploymentTimeUnknown('resourceGroup().managedBy'),
        tags: new DeploymentTimeUnknown('resourceGroup().tags'),
        properties: { provisioningState: 'Succeeded' },
      };
    },
  },
  subscription: { min: 0, max: 0, call: (_args, ctx) => subscriptionObject(ctx.scope.deployment) },
  tenant: {
    min: 0,
    max: 0,
    call: (_args, ctx) => {
      const d = ctx.scope.deployment;
      return {
        id: `/tenants/${d.tenantId}`,
        tenantId: d.tenantId,
        countryCode: new DeploymentTimeUnknown('tenant().countryCode'),
        displayName: new DeploymentTimeUnknown('tenant().displayName'),
      };
    },
  },
  managementgroup: {
    min: 0,
    max: 1,
    call: (args, ctx) => {
      const name = args.length ? str(ctx, args, 0) : ctx.scope.deployment.managementGroup;
      return {
        id: managementGroupPath(name),
        name,
        type: 'Microsoft.Management/managementGroups',
        properties: {
          displayName: new DeploymentTimeUnknown(`${ctx.text}.properties.displayName`),
          tenantId: ctx.scope.deployment.tenantId,
        },
      };
    },
  },
  deployment: {
    min: 0,
    max: 0,
    call: (_args, ctx) => {
      const d = ctx.scope.deployment;
      const result: ObjectValue = {
        name: d.deploymentName,
        properties: markPartial({
          templateLink:
            d.templateLinkUri === undefined
              ? new DeploymentTimeUnknown(`${ctx.text}.properties.templateLink`)
              : { uri: d.templateLinkUri },
          mode: 'Incremental',
        }),
      };
      if (d.scope !== 'resourceGroup') result.location = d.resourceGroupLocation;
      // Properties ARM adds at deployment (template, parameters, provisioningState, …) read as unknown.
      return markPartial(result);
    },
  },
  environment: {
    min: 0,
    max: 0,
    call: (_args, ctx) => {
      const env = ctx.scope.deployment.environment;
      return env === undefined ? deploymentTime(ctx) : cloneValue(env);
    },
  },
  reference: {
    min: 1,
    max: 3,
    call: (args, ctx) => {
      const target = args[0];
      if (typeof target !== 'string')
        return fail(ctx, 'needs a resource name or resource id as its first argument');
      const apiVersion = args.length >= 2 ? args[1] : undefined;
      let full = false;
      if (args.length === 3) {
        const mode = str(ctx, args, 2);
        if (mode.toLowerCase() !== 'full') fail(ctx, `third argument must be 'Full', not '${mode}'`);
        full = true;
      }
      const value = ctx.scope.reference(target, apiVersion, full);
      if (isUnknown(value) || value === null || typeof value !== 'object') return value;
      // The declared properties, marked partial (the service adds more): a marked copy, once per value.
      let partial = partialCopies.get(value);
      if (partial === undefined) {
        partial = markPartial(cloneValue(value));
        partialCopies.set(value, partial);
      }
      return partial;
    },
  },
  providers: { min: 1, max: 2, call: (_args, ctx) => deploymentTime(ctx) },
  pickzones: {
    min: 3,
    max: 5,
    call: (args, ctx) => {
      str(ctx, args, 0);
      str(ctx, args, 1);
      str(ctx, args, 2);
      return new DeploymentTimeUnknown(ctx.text);
    },
  },
  utcnow: { min: 0, max: 1, call: (_args, ctx) => deploymentTime(ctx) },
  datetimeadd: {
    min: 2,
    max: 3,
    call: (args, ctx) =>
      dateCall(ctx, () =>
        formatDate(
          addDuration(parseDate(str(ctx, args, 0)), str(ctx, args, 1)),
          args.length === 3 ? str(ctx, args, 2) : undefined,
        ),
      ),
  },
  datetimetoepoch: {
    min: 1,
    max: 1,
    call: (args, ctx) => dateCall(ctx, () => Math.floor(parseDate(str(ctx, args, 0)).getTime() / 1000)),
  },
  datetimefromepoch: {
    min: 1,
    max: 1,
    call: (args, ctx) => formatDate(new Date(int(ctx, args, 0) * 1000), undefined),
  },
};
