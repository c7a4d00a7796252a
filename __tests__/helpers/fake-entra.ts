import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestCertificate } from './test-tls.js';

/** A federated identity credential as configured on an app registration. */
export interface FederatedCredential {
  issuer: string;
  subject: string;
  audience: string;
}

export interface TokenRequest {
  tenant: string;
  clientId?: string;
  clientAssertion?: string;
  clientAssertionType?: string;
  grantType?: string;
  scope?: string;
}

/** Entra ID's token endpoint (and OpenID metadata) over HTTPS on 127.0.0.1. */
export interface FakeEntra {
  /** Value for authority-host. */
  url: string;
  tokenRequests: TokenRequest[];
  /** Access tokens handed out, in order (ARM accepts only these). */
  issued: string[];
  close(): Promise<void>;
}

export interface FakeEntraOptions {
  tls: Pick<TestCertificate, 'key' | 'cert'>;
  tenantId: string;
  clientId: string;
  /** Federated credentials of the app; a GitHub token must match one (iss, sub, aud). */
  federated: FederatedCredential[];
  /** Client secrets of the app (for environment credentials); none by default. */
  secrets?: string[];
}

function claimsOf(jwt: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from((jwt ?? '').split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return {};
  }
}

export async function startFakeEntra(options: FakeEntraOptions): Promise<FakeEntra> {
  const tokenRequests: TokenRequest[] = [];
  const issued: string[] = [];
  let base = '';
  const server: Server = createServer(
    { key: options.tls.key, cert: options.tls.cert },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', base);
        const json = (status: number, body: unknown) =>
          response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        const metadata = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
        if (request.method === 'GET' && metadata) {
          const tenant = metadata[1];
          json(200, {
            issuer: `${base}/${tenant}/v2.0`,
            authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
            token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
            end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
            jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
            response_types_supported: ['code', 'id_token', 'token'],
            token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
          });
          return;
        }
        const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
        if (request.method === 'POST' && token) {
          const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
          const entry: TokenRequest = {
            tenant: token[1],
            clientId: form.get('client_id') ?? undefined,
            clientAssertion: form.get('client_assertion') ?? undefined,
            clientAssertionType: form.get('client_assertion_type') ?? undefined,
            grantType: form.get('grant_type') ?? undefined,
            scope: form.get('scope') ?? undefined,
          };
          tokenRequests.push(entry);
          const error = (code: string, status = 400, name = 'invalid_client') =>
            json(status, {
              error: name,
              error_description: `${code}: ${describe(code)} Trace ID: 0000 Correlation ID: 0000 Timestamp: 2026-01-01 00:00:00Z`,
              error_codes: [Number(code.slice(6))],
            });
          if (entry.tenant !== options.tenantId) return error('AADSTS90002', 400, 'invalid_request');
          if (entry.clientId !== options.clientId) return error('AADSTS700016', 400, 'unauthorized_client');
          const secret = form.get('client_secret');
          if (secret !== null) {
            if (!(options.secrets ?? []).includes(secret)) return error('AADSTS7000215');
            const accessToken = `arm-access-${issued.length + 1}-${Math.random().toString(36).slice(2)}`;
            issued.push(accessToken);
            return json(200, {
              token_type: 'Bearer',
              expires_in: 3599,
              ext_expires_in: 3599,
              access_token: accessToken,
            });
          }
          const claims = claimsOf(entry.clientAssertion);
          const match = options.federated.some(
            (credential) =>
              credential.issuer === claims.iss &&
              credential.subject === claims.sub &&
              credential.audience === claims.aud,
          );
          if (!match) return error('AADSTS70021');
          const accessToken = `arm-access-${issued.length + 1}-${Math.random().toString(36).slice(2)}`;
          issued.push(accessToken);
          json(200, {
            token_type: 'Bearer',
            expires_in: 3599,
            ext_expires_in: 3599,
            access_token: accessToken,
          });
          return;
        }
        json(404, { error: 'not_found', error_description: `no route ${request.method} ${url.pathname}` });
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    tokenRequests,
    issued,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function describe(code: string): string {
  switch (code) {
    case 'AADSTS70021':
      return 'No matching federated identity record found for presented assertion.';
    case 'AADSTS7000215':
      return 'Invalid client secret provided.';
    case 'AADSTS700016':
      return 'Application with identifier was not found in the directory.';
    default:
      return 'Tenant not found.';
  }
}
