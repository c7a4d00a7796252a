import { Agent } from 'node:https';
import type { Logger } from '../../src/model.js';
import type { LiveDeps, LiveSettings } from '../../src/sources/live/settings.js';
import { startFakeArm, type FakeArm, type FakeArmOptions } from '../helpers/fake-arm.js';
import { startFakeEntra, type FakeEntra, type FederatedCredential } from '../helpers/fake-entra.js';
import { DEFAULT_SUBJECT, GITHUB_ISSUER, startFakeOidc, type FakeOidc } from '../helpers/fake-oidc.js';
import { createTestCertificate, type TestCertificate } from '../helpers/test-tls.js';

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const CLIENT_ID = '5d3c1b2a-0f9e-4d8c-b7a6-958473625140';
export const AUDIENCE = 'api://AzureADTokenExchange';
export const MATCHING_FEDERATED: FederatedCredential = {
  issuer: GITHUB_ISSUER,
  subject: DEFAULT_SUBJECT,
  audience: AUDIENCE,
};

/** The three fake services a live read talks to, started on 127.0.0.1 for one test. */
export interface LiveWorld {
  cert: TestCertificate;
  oidc: FakeOidc;
  entra: FakeEntra;
  arm: FakeArm;
  agent: Agent;
  logs: string[];
  masked: string[];
  settings(overrides?: Partial<LiveSettings>): LiveSettings;
  deps(overrides?: Partial<LiveDeps>): LiveDeps;
  /** GitHub's OIDC token through the fake runtime endpoint (what core.getIDToken does). */
  getIdToken(audience: string): Promise<string>;
  close(): Promise<void>;
}

export async function startLiveWorld(
  arm: Omit<FakeArmOptions, 'tls' | 'acceptedTokens'>,
  options: { federated?: FederatedCredential[]; subject?: string; secrets?: string[] } = {},
): Promise<LiveWorld> {
  const cert = createTestCertificate();
  const oidc = await startFakeOidc({ subject: options.subject });
  const entra = await startFakeEntra({
    tls: cert,
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    federated: options.federated ?? [MATCHING_FEDERATED],
    secrets: options.secrets,
  });
  const fakeArm = await startFakeArm({ ...arm, tls: cert, acceptedTokens: () => entra.issued });
  const agent = new Agent({ ca: cert.cert, keepAlive: true });
  const logs: string[] = [];
  const masked: string[] = [];
  const logger: Logger = {
    debug: (message) => logs.push(`debug: ${message}`),
    info: (message) => logs.push(message),
    warning: (message) => logs.push(`warning: ${message}`),
    error: (message) => logs.push(`error: ${message}`),
  };
  const getIdToken = async (audience: string) => {
    const response = await fetch(`${oidc.url}&audience=${encodeURIComponent(audience)}`, {
      headers: { authorization: `Bearer ${oidc.requestToken}` },
    });
    if (!response.ok) throw new Error(`OIDC endpoint answered ${response.status}`);
    return ((await response.json()) as { value: string }).value;
  };
  return {
    cert,
    oidc,
    entra,
    arm: fakeArm,
    agent,
    logs,
    masked,
    getIdToken,
    settings: (overrides = {}) => ({
      workspaces: [],
      auth: 'oidc',
      audience: AUDIENCE,
      cloud: 'AzureCloud',
      clientId: CLIENT_ID,
      tenantId: TENANT_ID,
      authorityHost: entra.url,
      armEndpoint: fakeArm.url,
      ...overrides,
    }),
    deps: (overrides = {}) => ({
      logger,
      env: {},
      getIdToken,
      oidcAvailable: true,
      setSecret: (secret: string) => masked.push(secret),
      httpsAgent: agent,
      ...overrides,
    }),
    close: async () => {
      agent.destroy();
      await Promise.all([oidc.close(), entra.close(), fakeArm.close()]);
      cert.dispose();
    },
  };
}
