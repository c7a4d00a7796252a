/**
 * Turns what @azure/identity throws into one sentence the user can act on. Pure: the GitHub token
 * is only decoded to quote its `iss`, `sub` and `aud` claims; the token itself is never printed.
 */

/** Who tried to sign in, to name it in the message. */
export interface SignInContext {
  method: 'oidc' | 'azure-cli' | 'environment' | 'auto';
  clientId?: string;
  tenantId?: string;
  authorityHost: string;
  /** The last GitHub OIDC token sent as client assertion (decoded for its claims only). */
  assertion?: string;
  /** Set when the job could not give an OIDC token (identity wraps the callback's error). */
  missingIdToken?: string;
}

/** Thrown by the assertion callback when the job has no OIDC token to give. */
export class MissingIdTokenError extends Error {
  constructor(readonly detail?: string) {
    super('no GitHub OIDC token');
    this.name = 'MissingIdTokenError';
  }
}

export interface TokenClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
}

/** The `iss`, `sub` and `aud` claims of a JWT, or undefined when it is not one. Never returns the token. */
export function decodeTokenClaims(token: string | undefined): TokenClaims | undefined {
  if (!token) return undefined;
  const parts = token.split('.');
  if (parts.length < 2) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const pick = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const aud = Array.isArray(payload.aud)
      ? payload.aud.filter((item) => typeof item === 'string')
      : pick(payload.aud);
    return { iss: pick(payload.iss), sub: pick(payload.sub), aud };
  } catch {
    return undefined;
  }
}

const OIDC_PERMISSION =
  "add 'permissions: id-token: write' to the workflow or job (and for pull requests from forks, note GitHub gives them no OIDC token)";

/** One line explaining why sign-in failed and what to change. */
export function describeSignInError(error: unknown, context: SignInContext): string {
  const text = errorText(error);
  const app = `application ${context.clientId ?? '(no client-id)'} in tenant ${context.tenantId ?? '(no tenant-id)'}`;
  if (context.missingIdToken !== undefined || error instanceof MissingIdTokenError) {
    const detail = context.missingIdToken || (error as MissingIdTokenError).detail;
    return `sign-in with GitHub OIDC failed: this job has no OIDC token${detail ? ` (${detail})` : ''}; ${OIDC_PERMISSION}.`;
  }
  const aadsts = /AADSTS(\d+)/.exec(text)?.[0];
  if (aadsts === 'AADSTS70021' || aadsts === 'AADSTS700213' || aadsts === 'AADSTS700211') {
    const claims = decodeTokenClaims(context.assertion);
    const audience = Array.isArray(claims?.aud) ? claims?.aud.join(', ') : claims?.aud;
    return (
      `Entra ID rejected the GitHub OIDC token (${aadsts}): no federated credential on ${app} matches ` +
      `issuer '${claims?.iss ?? '?'}', subject '${claims?.sub ?? '?'}', audience '${audience ?? '?'}'. ` +
      `Add a federated credential with exactly these values (App registration > Certificates & secrets > Federated credentials), or fix client-id / tenant-id.`
    );
  }
  if (aadsts === 'AADSTS700016') {
    return `Entra ID does not know ${app} (AADSTS700016): check client-id and tenant-id (the app registration's Application (client) ID and Directory (tenant) ID).`;
  }
  if (aadsts === 'AADSTS90002' || aadsts === 'AADSTS900023' || aadsts === 'AADSTS90023') {
    return `tenant '${context.tenantId ?? ''}' was not found at ${context.authorityHost} (${aadsts}): check tenant-id and the cloud / authority-host.`;
  }
  if (aadsts === 'AADSTS700024' || aadsts === 'AADSTS50027') {
    return `Entra ID rejected the GitHub OIDC token as expired or malformed (${aadsts}); re-run the job, and check the audience input ('${decodeTokenClaims(context.assertion)?.aud ?? 'api://AzureADTokenExchange'}').`;
  }
  if (aadsts) {
    return `sign-in to ${context.authorityHost} failed (${aadsts}): ${firstSentence(afterCode(text, aadsts))} Check client-id, tenant-id and the federated credential.`;
  }
  const network =
    /\b(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN|CERT_[A-Z_]+|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\b/.exec(
      text,
    )?.[1];
  if (network) {
    return `could not reach the sign-in endpoint ${context.authorityHost} (${network}): check the cloud / authority-host input and the network.`;
  }
  if (context.method === 'auto') {
    return (
      `no Azure credential found: no GitHub OIDC token (${OIDC_PERMISSION}), no Azure CLI session ('az login' or azure/login), ` +
      `and no AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH in the environment.`
    );
  }
  if (context.method === 'azure-cli') {
    return /not installed|could not be found|not recognized/i.test(text)
      ? `the Azure CLI is not installed: install it and run 'az login' (in a workflow, run azure/login first), or use auth: oidc.`
      : `no Azure CLI session: run 'az login' (in a workflow, run azure/login first) or use auth: oidc. (${firstSentence(text)})`;
  }
  if (context.method === 'environment') {
    return `no usable environment credential: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH), or use auth: oidc. (${firstSentence(text)})`;
  }
  return `sign-in to Azure failed: ${firstSentence(text)}`;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const nested = (error as { errors?: unknown[] }).errors;
    const inner = Array.isArray(nested) ? nested.map(errorText).join(' ') : '';
    const code = (error as { code?: unknown }).code;
    return `${error.message}${typeof code === 'string' ? ` ${code}` : ''} ${inner}`.trim();
  }
  return String(error);
}

function afterCode(text: string, code: string): string {
  const index = text.indexOf(code);
  return text.slice(index + code.length).replace(/^[:\s]+/, '');
}

function firstSentence(text: string): string {
  const line = text.split(/\r?\n/).find((candidate) => candidate.trim() !== '') ?? text;
  const sentence = /^(.*?[.!?])(\s|$)/.exec(line.trim())?.[1] ?? line.trim();
  return sentence.length > 240 ? `${sentence.slice(0, 237)}...` : sentence;
}
