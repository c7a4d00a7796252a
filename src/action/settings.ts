import {
  DEPLOYMENT_SETTINGS,
  validateDeploymentSettings,
  type DeploymentSettingName,
  type DeploymentSettings,
} from '../deployment-settings.js';
import { ConfigurationError } from '../errors.js';
import type { SignInSettings } from '../sources/live/dependencies.js';
import { AUTH_METHODS, CLOUDS, type LiveSettings } from '../sources/live/settings.js';

export const MODES = ['auto', 'templates', 'workspace', 'publish'] as const;
export const SCOPES = ['changed', 'all'] as const;
export const FAIL_ON = ['regression', 'fail', 'warn', 'never'] as const;
export const UNKNOWN_AS = ['unknown', 'warn', 'fail'] as const;
export const COMMENT_MODES = ['update', 'recreate', 'off'] as const;
export const CONFIG_FROM = ['base', 'pull-request'] as const;

export type FailOn = (typeof FAIL_ON)[number];
export type UnknownAs = (typeof UNKNOWN_AS)[number];
export type CommentMode = (typeof COMMENT_MODES)[number];

/** The default `templates` globs: every JSON (sniffed for ARM schemas later), Bicep and Bicep parameters file. */
export const DEFAULT_TEMPLATE_GLOBS = ['**/*.json', '**/*.bicep', '**/*.bicepparam'];

/** Every input of the action, validated and typed. Nothing else reads inputs. */
export interface ActionSettings {
  mode: 'templates' | 'workspace' | 'publish';
  /** Globs of the files to check (templates mode). */
  templates: string[];
  /** Paths of Terraform plan JSON files or folders (templates mode), checked on every run. */
  terraformPlans: string[];
  /** Templates mode: the Bicep CLI may use the job's Azure sign-in to restore private registry modules. */
  bicepRegistrySignIn: boolean;
  scope: 'changed' | 'all';
  failOn: FailOn;
  unknownAs: UnknownAs;
  /** Path of a baseline report; absent = compare with the PR base (on a PR) or nothing. */
  baseline?: string;
  /** Path of the config file; absent = `.github/aml-ha-gate.yml` when present. */
  config?: string;
  /** On a pull request: the config file of the base commit (default) or the pull request's own. */
  configFrom: (typeof CONFIG_FROM)[number];
  comment: CommentMode;
  /** Post one-click fixes as review comments with suggested changes (templates mode, pull requests). */
  suggestions: boolean;
  checkRun: boolean;
  checkName: string;
  reportFile: string;
  sarifFile?: string;
  githubToken: string;
  /** Workspace mode only. */
  live?: LiveSettings;
  /** Templates mode: where the templates deploy, as far as the inputs say (the config file fills the rest). */
  deployment?: DeploymentSettings;
  /** Templates mode: how to sign in to read the templates' outside dependencies; absent = not read. */
  azure?: SignInSettings;
}

/** Reads one raw input by its kebab-case name ('' when unset), as `core.getInput` does. */
export type InputReader = (name: string) => string;

function choice<T extends string>(name: string, raw: string, accepted: readonly T[], fallback: T): T {
  const value = raw.trim();
  if (value === '') return fallback;
  const match = accepted.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (!match) {
    throw new ConfigurationError(
      `Invalid input '${name}': '${value}'. Expected one of: ${accepted.join(', ')}.`,
    );
  }
  return match;
}

function bool(name: string, raw: string, fallback: boolean): boolean {
  const value = raw.trim().toLowerCase();
  if (value === '') return fallback;
  if (['true', 'yes', '1', 'on'].includes(value)) return true;
  if (['false', 'no', '0', 'off'].includes(value)) return false;
  throw new ConfigurationError(`Invalid input '${name}': '${raw.trim()}'. Expected true or false.`);
}

/** Splits a newline- or comma-separated list, dropping blanks. */
export function splitList(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function optionalPath(raw: string): string | undefined {
  const value = raw.trim();
  return value === '' ? undefined : value;
}

function url(name: string, raw: string): string | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('scheme');
  } catch {
    throw new ConfigurationError(`Invalid input '${name}': '${value}'. Expected an https:// URL.`);
  }
  return value.replace(/\/+$/, '');
}

/**
 * Turns the raw inputs into one validated settings object, up front: a bad value fails the step
 * with a message naming the input and the accepted values, before anything is read or posted.
 * `env` supplies the AZURE_* defaults of the live-mode inputs; `eventName` the default scope.
 */
export function parseSettings(input: InputReader, env: NodeJS.ProcessEnv, eventName: string): ActionSettings {
  const workspaceRaw = input('workspace');
  const requested = choice('mode', input('mode'), MODES, 'auto');
  const workspaces = workspaceRaw
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const mode = requested === 'auto' ? (workspaces.length > 0 ? 'workspace' : 'templates') : requested;
  const isPullRequest = eventName === 'pull_request' || eventName === 'pull_request_target';
  const globs = splitList(input('templates'));
  const reportFile = input('report-file').trim() || 'aml-ha-report.json';

  const settings: ActionSettings = {
    mode,
    templates: globs.length > 0 ? globs : DEFAULT_TEMPLATE_GLOBS,
    terraformPlans: splitList(input('terraform-plan')),
    bicepRegistrySignIn: bool('bicep-registry-sign-in', input('bicep-registry-sign-in'), false),
    scope: choice('scope', input('scope'), SCOPES, isPullRequest ? 'changed' : 'all'),
    failOn: choice('fail-on', input('fail-on'), FAIL_ON, 'regression'),
    unknownAs: choice('unknown-as', input('unknown-as'), UNKNOWN_AS, 'unknown'),
    baseline: optionalPath(input('baseline')),
    config: optionalPath(input('config')),
    configFrom: choice('config-from', input('config-from'), CONFIG_FROM, 'base'),
    comment: choice('comment', input('comment'), COMMENT_MODES, 'update'),
    suggestions: bool('suggestions', input('suggestions'), true),
    checkRun: bool('check-run', input('check-run'), true),
    checkName: input('check-name').trim() || 'AML HA gate',
    reportFile,
    sarifFile: optionalPath(input('sarif-file')),
    githubToken: input('github-token').trim(),
  };

  const signIn = (): SignInSettings => ({
    clientId: optionalPath(input('client-id')) ?? optionalPath(env.AZURE_CLIENT_ID ?? ''),
    tenantId: optionalPath(input('tenant-id')) ?? optionalPath(env.AZURE_TENANT_ID ?? ''),
    auth: choice('auth', input('auth'), AUTH_METHODS, 'auto'),
    audience: input('audience').trim() || 'api://AzureADTokenExchange',
    cloud: choice('cloud', input('cloud'), CLOUDS, 'AzureCloud'),
    armEndpoint: url('arm-endpoint', input('arm-endpoint')),
    authorityHost: url('authority-host', input('authority-host')),
  });

  if (mode === 'templates') {
    // Only what the inputs say: the AZURE_* variables a later deploy step uses are not the gate's business.
    const raw: Partial<Record<DeploymentSettingName, string>> = {};
    for (const name of Object.keys(DEPLOYMENT_SETTINGS) as DeploymentSettingName[]) {
      raw[name] = input(DEPLOYMENT_SETTINGS[name].input);
    }
    // tenant-id is also the tenant to sign in to, which may be a domain: only a GUID is the deployment's.
    if (raw.tenantId && !DEPLOYMENT_SETTINGS.tenantId.pattern.test(raw.tenantId.trim())) delete raw.tenantId;
    settings.deployment = validateDeploymentSettings(
      raw,
      (name) => `input '${DEPLOYMENT_SETTINGS[name].input}'`,
    );
    // Reading dependencies from Azure is opt-in: a client-id input, or an explicit auth method.
    const auth = choice('auth', input('auth'), AUTH_METHODS, 'auto');
    if (input('client-id').trim() !== '' || auth !== 'auto') settings.azure = signIn();
  }

  if (mode === 'workspace') {
    if (workspaces.length === 0) {
      throw new ConfigurationError(
        "Input 'workspace' is required with mode: workspace. Give a workspace resource id, a name with 'resource-group' and 'subscription-id', or all.",
      );
    }
    settings.live = {
      workspaces,
      resourceGroup: optionalPath(input('resource-group')),
      subscriptionId: optionalPath(input('subscription-id')) ?? optionalPath(env.AZURE_SUBSCRIPTION_ID ?? ''),
      ...signIn(),
    };
  }
  return settings;
}
