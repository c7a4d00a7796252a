import type { ParseArgsConfig } from 'node:util';
import {
  DEPLOYMENT_SETTINGS,
  validateDeploymentSettings,
  type DeploymentSettingName,
  type DeploymentSettings,
} from '../deployment-settings.js';
import { ConfigurationError } from '../errors.js';
import type { SignInSettings } from '../sources/live/dependencies.js';
import { AUTH_METHODS, CLOUDS, type LiveDeps } from '../sources/live/settings.js';
import type { CliIo } from './io.js';
import { oneOf } from './options.js';

/** How to sign in to Azure: the workspace command's flags, and `scan --read-azure`'s. */
export const SIGN_IN_FLAGS = {
  auth: { type: 'string' },
  'client-id': { type: 'string' },
  'tenant-id': { type: 'string' },
  audience: { type: 'string' },
  cloud: { type: 'string' },
  'arm-endpoint': { type: 'string' },
  'authority-host': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** Where the templates deploy: `scan`'s deployment flags (see DEPLOYMENT_SETTINGS). */
export const DEPLOYMENT_FLAGS = {
  'subscription-id': { type: 'string' },
  'resource-group': { type: 'string' },
  location: { type: 'string' },
  'tenant-id': { type: 'string' },
  'deployment-name': { type: 'string' },
  'management-group': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

type FlagValues = Partial<Record<string, string | boolean | undefined>>;

function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** The sign-in settings from the flags, with the AZURE_* environment variables as defaults. */
export function signInSettingsFrom(values: FlagValues, env: NodeJS.ProcessEnv): SignInSettings {
  return {
    clientId: stringFlag(values, 'client-id') ?? env.AZURE_CLIENT_ID,
    tenantId: stringFlag(values, 'tenant-id') ?? env.AZURE_TENANT_ID,
    auth: oneOf('--auth', stringFlag(values, 'auth'), AUTH_METHODS) ?? 'auto',
    audience: stringFlag(values, 'audience') ?? 'api://AzureADTokenExchange',
    cloud: oneOfExact('--cloud', stringFlag(values, 'cloud'), CLOUDS) ?? 'AzureCloud',
    armEndpoint: stringFlag(values, 'arm-endpoint'),
    authorityHost: stringFlag(values, 'authority-host'),
  };
}

/** The deployment settings the flags set (validated; the config file fills the rest). */
export function deploymentSettingsFrom(values: FlagValues): DeploymentSettings {
  const raw: Partial<Record<DeploymentSettingName, string>> = {};
  for (const name of Object.keys(DEPLOYMENT_SETTINGS) as DeploymentSettingName[]) {
    raw[name] = stringFlag(values, DEPLOYMENT_SETTINGS[name].flag.slice(2));
  }
  // --tenant-id also names the tenant to sign in to, which may be a domain: only a GUID is the deployment's.
  if (raw.tenantId && !DEPLOYMENT_SETTINGS.tenantId.pattern.test(raw.tenantId.trim())) delete raw.tenantId;
  return validateDeploymentSettings(raw, (name) => DEPLOYMENT_SETTINGS[name].flag);
}

/**
 * What live mode gets from a terminal: no masking, and an OIDC token only when the CLI runs
 * inside a GitHub job that granted `id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN set).
 */
export function liveDepsFor(io: CliIo, logger: LiveDeps['logger']): LiveDeps {
  const url = io.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = io.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  const oidcAvailable = Boolean(url && requestToken);
  return {
    logger,
    env: io.env,
    oidcAvailable,
    getIdToken: oidcAvailable
      ? async (audience) => {
          const response = await fetch(`${url}&audience=${encodeURIComponent(audience)}`, {
            headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
          });
          if (!response.ok) throw new Error(`the GitHub OIDC endpoint answered HTTP ${response.status}`);
          const body = (await response.json()) as { value?: unknown };
          if (typeof body.value !== 'string') throw new Error('the GitHub OIDC endpoint returned no token');
          return body.value;
        }
      : undefined,
  };
}

/** Like oneOf, for values whose accepted spelling is mixed-case (cloud names). */
export function oneOfExact<T extends string>(
  flag: string,
  value: string | undefined,
  accepted: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const match = accepted.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (!match)
    throw new ConfigurationError(`invalid ${flag} '${value}': expected one of ${accepted.join(', ')}.`);
  return match;
}
