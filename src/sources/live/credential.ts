import {
  AzureCliCredential,
  ChainedTokenCredential,
  ClientAssertionCredential,
  EnvironmentCredential,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
} from '@azure/identity';
import { ConfigurationError } from '../../errors.js';
import type { CloudEndpoints } from './clouds.js';
import type { LiveDeps, LiveSettings } from './settings.js';
import { describeSignInError, MissingIdTokenError, type SignInContext } from './sign-in-errors.js';

/** A cached token is reused until this close to its expiry (the SDK refreshes at 2 minutes). */
const TOKEN_REUSE_MARGIN_MS = 5 * 60 * 1000;

/** A credential that masks every token it hands out and explains its failures in one sentence. */
export interface LiveCredential extends TokenCredential {
  /** Which method `auto` settled on, for the log. */
  readonly method: SignInContext['method'];
}

/**
 * Builds the credential for the chosen `auth`: OIDC is a ClientAssertionCredential whose
 * assertion is a fresh GitHub OIDC token each time Entra ID needs one (so long jobs keep working
 * after the 5-minute GitHub token expires); `auto` is OIDC when the job has an OIDC token, else
 * the Azure CLI session (left by azure/login), else environment credentials.
 */
export function createCredential(
  settings: LiveSettings,
  deps: LiveDeps,
  endpoints: CloudEndpoints,
): LiveCredential {
  const clientId = settings.clientId || deps.env.AZURE_CLIENT_ID || undefined;
  const tenantId = settings.tenantId || deps.env.AZURE_TENANT_ID || undefined;
  const common = {
    authorityHost: endpoints.authorityHost,
    // Without this a custom authority host (Azure Stack, a test server) triggers a call to the
    // public cloud's instance discovery endpoint, which fails.
    disableInstanceDiscovery: endpoints.customAuthority,
    ...(deps.httpsAgent ? { agent: deps.httpsAgent } : {}),
  };
  const context: SignInContext = {
    method: settings.auth,
    clientId,
    tenantId,
    authorityHost: endpoints.authorityHost,
  };

  const oidc = (): TokenCredential => {
    if (!clientId || !tenantId) {
      throw new ConfigurationError(
        `OIDC sign-in needs client-id and tenant-id (or AZURE_CLIENT_ID / AZURE_TENANT_ID): set ${[!clientId && 'client-id', !tenantId && 'tenant-id'].filter(Boolean).join(' and ')}.`,
      );
    }
    const getAssertion = async (): Promise<string> => {
      if (!deps.getIdToken || deps.oidcAvailable === false) {
        context.missingIdToken = 'ACTIONS_ID_TOKEN_REQUEST_URL is not set';
        throw new MissingIdTokenError(context.missingIdToken);
      }
      let token: string;
      try {
        token = await deps.getIdToken(settings.audience);
      } catch (error) {
        context.missingIdToken = error instanceof Error ? error.message.split('\n')[0] : String(error);
        throw new MissingIdTokenError(context.missingIdToken);
      }
      context.missingIdToken = undefined;
      deps.setSecret?.(token);
      context.assertion = token;
      return token;
    };
    return new ClientAssertionCredential(tenantId, clientId, getAssertion, common);
  };
  const cli = () => new AzureCliCredential({ ...(tenantId ? { tenantId } : {}), ...common });
  const environment = () => new EnvironmentCredential(common);

  let inner: TokenCredential;
  let method: SignInContext['method'] = settings.auth;
  switch (settings.auth) {
    case 'oidc':
      inner = oidc();
      break;
    case 'azure-cli':
      inner = cli();
      break;
    case 'environment':
      inner = environment();
      break;
    case 'auto':
      if (deps.oidcAvailable && deps.getIdToken && clientId && tenantId) {
        inner = oidc();
        method = 'oidc';
        context.method = 'oidc';
      } else {
        inner = new ChainedTokenCredential(cli(), environment());
      }
      break;
    default:
      throw new ConfigurationError(
        `invalid auth '${String(settings.auth)}': expected one of auto, oidc, azure-cli, environment.`,
      );
  }

  // One token per scope for the whole run: the ARM client (which asks with CAE on), the provider
  // lookups and Resource Graph share it instead of each signing in again.
  const cache = new Map<string, Promise<AccessToken | null>>();
  const fetchToken = async (
    scopes: string | string[],
    options?: GetTokenOptions,
  ): Promise<AccessToken | null> => {
    let token: AccessToken | null;
    try {
      token = await inner.getToken(scopes, options);
    } catch (error) {
      deps.logger.debug(`sign-in failed: ${error instanceof Error ? error.name : 'error'}`);
      throw new ConfigurationError(describeSignInError(error, context));
    }
    if (token?.token) deps.setSecret?.(token.token);
    return token;
  };
  return {
    method,
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      if (options?.claims) return fetchToken(scopes, options);
      const key = [scopes].flat().join(' ');
      const cached = cache.get(key);
      if (cached) {
        const token = await cached.catch(() => null);
        if (token && token.expiresOnTimestamp - Date.now() > TOKEN_REUSE_MARGIN_MS) return token;
      }
      const pending = fetchToken(scopes, options);
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
      return pending;
    },
  };
}
