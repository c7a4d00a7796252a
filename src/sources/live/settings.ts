import type { Agent } from 'node:https';
import type { Logger } from '../../model.js';

/** How live mode signs in to Azure (the action's `auth` input, the CLI's `--auth`). */
export const AUTH_METHODS = ['auto', 'oidc', 'azure-cli', 'environment'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** Sovereign clouds with built-in endpoints; others (Azure Stack) use `armEndpoint` and `authorityHost`. */
export const CLOUDS = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const;
export type CloudName = (typeof CLOUDS)[number];

/** Validated live-mode settings, from the action's inputs or the CLI's flags. */
export interface LiveSettings {
  /** Raw entries: full workspace ids, workspace names (with resourceGroup + subscriptionId), or `all`. */
  workspaces: string[];
  resourceGroup?: string;
  subscriptionId?: string;
  clientId?: string;
  tenantId?: string;
  auth: AuthMethod;
  /** Audience of the GitHub OIDC token. Default `api://AzureADTokenExchange`. */
  audience: string;
  cloud: CloudName;
  armEndpoint?: string;
  authorityHost?: string;
}

/** What live mode needs from its host (the action or the CLI), passed in so tests use real servers. */
export interface LiveDeps {
  logger: Logger;
  /** GitHub OIDC token for an audience (the action passes core.getIDToken); absent in the CLI. */
  getIdToken?: (audience: string) => Promise<string>;
  /** Whether the job has an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL set). */
  oidcAvailable?: boolean;
  /** Masks a secret in the runner's logs (core.setSecret); a no-op in the CLI. */
  setSecret?: (secret: string) => void;
  env: NodeJS.ProcessEnv;
  /**
   * HTTPS agent for every request to Entra ID and ARM (added by live mode, optional): lets
   * in-process tests trust their fake servers' certificate. Unset, Node's default agent is used
   * (which honours NODE_EXTRA_CA_CERTS).
   */
  httpsAgent?: Agent;
  /**
   * More workspaces than this are read through Azure Resource Graph (added by live mode,
   * optional; default RESOURCE_GRAPH_THRESHOLD = 5). Benchmarks and tests set it to compare paths.
   */
  resourceGraphThreshold?: number;
}
