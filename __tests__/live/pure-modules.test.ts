import { describe, expect, test } from '@jest/globals';
import { ConfigurationError } from '../../src/errors.js';
import {
  apiVersionFor,
  canonicalType,
  pickNewestStableVersion,
} from '../../src/sources/live/api-versions.js';
import { resolveCloudEndpoints } from '../../src/sources/live/clouds.js';
import { Semaphore } from '../../src/sources/live/limit.js';
import { describeReadError, isApiVersionRejection } from '../../src/sources/live/read-errors.js';
import { buildResourceId, parseResourceId } from '../../src/sources/live/resource-id.js';
import { decodeTokenClaims, describeSignInError } from '../../src/sources/live/sign-in-errors.js';
import { parseWorkspaceTargets } from '../../src/sources/live/targets.js';
import { githubToken } from '../helpers/fake-oidc.js';

const SUB = '00000000-1111-2222-3333-444444444444';

describe('parseResourceId', () => {
  test('child resources: type and name compose the way ARM writes them', () => {
    expect(
      parseResourceId(
        `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql1/databases/sales`,
      ),
    ).toEqual({
      subscriptionId: SUB,
      resourceGroup: 'rg-data',
      provider: 'Microsoft.Sql',
      type: 'Microsoft.Sql/servers/databases',
      name: 'sql1/sales',
    });
  });
  test('lower-case segments from some services are accepted; odd segments are not ids', () => {
    expect(
      parseResourceId(`/subscriptions/${SUB}/resourcegroups/rg/providers/microsoft.insights/components/appi`)
        ?.type,
    ).toBe('microsoft.insights/components');
    expect(
      parseResourceId(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts`),
    ).toBeUndefined();
    expect(parseResourceId('mlw-prod')).toBeUndefined();
  });
  test('buildResourceId is the inverse for top-level resources', () => {
    const id = buildResourceId(SUB, 'rg', 'Microsoft.DataLakeStore/accounts', 'lake1');
    expect(id).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DataLakeStore/accounts/lake1`,
    );
    expect(parseResourceId(id)).toMatchObject({
      type: 'Microsoft.DataLakeStore/accounts',
      name: 'lake1',
      resourceGroup: 'rg',
    });
  });
});

describe('api-versions', () => {
  test('newest stable wins over newer previews; previews only when nothing else', () => {
    expect(
      pickNewestStableVersion(['2022-06-15-preview', '2015-05-01', '2020-02-02-preview', '2014-04-01']),
    ).toBe('2015-05-01');
    expect(pickNewestStableVersion(['2023-01-01-preview', '2021-01-01-preview'])).toBe('2023-01-01-preview');
    expect(pickNewestStableVersion([])).toBeUndefined();
  });
  test('types are matched case-insensitively and spelled as the rules expect', () => {
    expect(apiVersionFor('microsoft.insights/components')).toBe('2020-02-02');
    expect(canonicalType('Microsoft.ContainerService/ManagedClusters')).toBe(
      'Microsoft.ContainerService/managedClusters',
    );
    expect(canonicalType('Microsoft.Foo/bars')).toBe('Microsoft.Foo/bars');
  });
});

describe('resolveCloudEndpoints', () => {
  test('sovereign clouds map to their ARM and authority hosts', () => {
    expect(resolveCloudEndpoints({ cloud: 'AzureUSGovernment' })).toEqual({
      armEndpoint: 'https://management.usgovcloudapi.net',
      authorityHost: 'https://login.microsoftonline.us',
      customAuthority: false,
    });
    expect(resolveCloudEndpoints({ cloud: 'AzureChinaCloud' }).armEndpoint).toBe(
      'https://management.chinacloudapi.cn',
    );
  });
  test('overrides win, lose their trailing slash, and a custom authority turns instance discovery off', () => {
    expect(
      resolveCloudEndpoints({
        cloud: 'AzureCloud',
        armEndpoint: 'https://management.local.azurestack.external/',
        authorityHost: 'https://adfs.local.azurestack.external/adfs/',
      }),
    ).toEqual({
      armEndpoint: 'https://management.local.azurestack.external',
      authorityHost: 'https://adfs.local.azurestack.external/adfs',
      customAuthority: true,
    });
  });
  test('http endpoints are refused with the https spelling', () => {
    expect(() => resolveCloudEndpoints({ cloud: 'AzureCloud', armEndpoint: 'http://arm.example' })).toThrow(
      "invalid arm-endpoint 'http://arm.example': Azure requires https; write https://arm.example/.",
    );
  });
});

describe('parseWorkspaceTargets', () => {
  const id = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlw`;
  test('ids, newline-separated lists and names with resource group + subscription from the environment', () => {
    expect(parseWorkspaceTargets({ workspaces: [`${id}\n${id.replace('mlw', 'mlw2')}\n`] }, {})).toEqual({
      kind: 'ids',
      ids: [id, id.replace('mlw', 'mlw2')],
    });
    expect(
      parseWorkspaceTargets({ workspaces: ['mlw'], resourceGroup: 'rg' }, { AZURE_SUBSCRIPTION_ID: SUB }),
    ).toEqual({ kind: 'ids', ids: [id] });
  });
  test('all needs a subscription; names need a resource group', () => {
    expect(parseWorkspaceTargets({ workspaces: ['all'], subscriptionId: SUB }, {})).toEqual({
      kind: 'all',
      subscriptionId: SUB,
      resourceGroup: undefined,
    });
    expect(() => parseWorkspaceTargets({ workspaces: ['all'] }, {})).toThrow(ConfigurationError);
    expect(() => parseWorkspaceTargets({ workspaces: ['mlw'], subscriptionId: SUB }, {})).toThrow(
      "workspace 'mlw' is a name: set resource-group, or pass the full resource id.",
    );
  });
  test('an id of another type is refused', () => {
    expect(() =>
      parseWorkspaceTargets(
        {
          workspaces: [
            `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st`,
          ],
        },
        {},
      ),
    ).toThrow(/invalid workspace id .*Microsoft\.MachineLearningServices\/workspaces\/<name>/);
  });
});

describe('error sentences', () => {
  const context = {
    method: 'oidc' as const,
    clientId: 'app-1',
    tenantId: 'tenant-1',
    authorityHost: 'https://login.microsoftonline.com',
  };
  test('AADSTS70021 quotes the claims of the GitHub token and never the token', () => {
    const token = githubToken(
      {
        iss: 'https://token.actions.githubusercontent.com',
        sub: 'repo:o/r:pull_request',
        aud: 'api://AzureADTokenExchange',
      },
      7,
    );
    const message = describeSignInError(
      new Error(
        'invalid_client: AADSTS70021: No matching federated identity record found for presented assertion.',
      ),
      {
        ...context,
        assertion: token,
      },
    );
    expect(message).toContain("subject 'repo:o/r:pull_request'");
    expect(message).toContain('application app-1 in tenant tenant-1');
    expect(message).not.toContain(token.split('.')[1]);
    expect(decodeTokenClaims('not-a-jwt')).toBeUndefined();
  });
  test('auto with nothing available names all three ways to sign in', () => {
    const message = describeSignInError(new Error('ChainedTokenCredential authentication failed.'), {
      ...context,
      method: 'auto',
    });
    expect(message).toMatch(/id-token: write.*az login.*AZURE_CLIENT_SECRET/);
  });
  test('read errors are one sentence with the role to grant', () => {
    const error = Object.assign(new Error('The client does not have authorization.\n{ big: "dump" }'), {
      statusCode: 500,
      code: 'InternalServerError',
    });
    expect(describeReadError(error, '/subscriptions/s/resourceGroups/g/providers/A.B/c/d')).toBe(
      'could not read /subscriptions/s/resourceGroups/g/providers/A.B/c/d (HTTP 500 InternalServerError): The client does not have authorization.',
    );
    expect(
      isApiVersionRejection(
        Object.assign(new Error('x'), { statusCode: 400, code: 'InvalidApiVersionParameter' }),
      ),
    ).toBe(true);
    expect(
      isApiVersionRejection(Object.assign(new Error('x'), { statusCode: 400, code: 'BadRequest' })),
    ).toBe(false);
  });
});

describe('Semaphore', () => {
  test('never runs more than its size at once', async () => {
    const semaphore = new Semaphore(3);
    let active = 0;
    let peak = 0;
    const task = () =>
      semaphore.run(async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setImmediate(resolve));
        active -= 1;
      });
    await Promise.all(Array.from({ length: 20 }, task));
    expect(peak).toBe(3);
    expect(active).toBe(0);
  });
});
