import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A GitHub Actions OIDC token endpoint (what ACTIONS_ID_TOKEN_REQUEST_URL points at) on 127.0.0.1. */
export interface FakeOidc {
  /** Value for ACTIONS_ID_TOKEN_REQUEST_URL. */
  url: string;
  /** Value for ACTIONS_ID_TOKEN_REQUEST_TOKEN (the runtime's bearer token). */
  requestToken: string;
  /** Every token handed out, in order. */
  issued: string[];
  requests: Array<{ audience: string | null; authorization: string | undefined }>;
  close(): Promise<void>;
}

export interface FakeOidcOptions {
  issuer?: string;
  subject?: string;
}

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
export const DEFAULT_SUBJECT = 'repo:contoso/ml-platform:ref:refs/heads/main';

/** An unsigned JWT with GitHub's claims: Entra ID (the fake) reads its iss/sub/aud. */
export function githubToken(claims: { iss: string; sub: string; aud: string }, serial: number): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = {
    ...claims,
    jti: `jti-${serial}`,
    iat: now,
    nbf: now,
    exp: now + 300,
    repository: 'contoso/ml-platform',
  };
  return `${encode({ alg: 'RS256', typ: 'JWT', kid: 'fake' })}.${encode(payload)}.c2lnbmF0dXJlLSR7c2VyaWFsfQ`;
}

export async function startFakeOidc(options: FakeOidcOptions = {}): Promise<FakeOidc> {
  const requestToken = `runtime-${Math.random().toString(36).slice(2)}`;
  const issued: string[] = [];
  const requests: FakeOidc['requests'] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const audience = url.searchParams.get('audience');
    requests.push({ audience, authorization: request.headers.authorization });
    if (request.headers.authorization !== `Bearer ${requestToken}`) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"bad runtime token"}');
      return;
    }
    const token = githubToken(
      {
        iss: options.issuer ?? GITHUB_ISSUER,
        sub: options.subject ?? DEFAULT_SUBJECT,
        aud: audience ?? 'https://github.com/contoso',
      },
      issued.length + 1,
    );
    issued.push(token);
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ count: 1, value: token }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/_apis/distributedtask/hubs/build/plans/p/jobs/j/idtoken?api-version=2.0`,
    requestToken,
    issued,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
