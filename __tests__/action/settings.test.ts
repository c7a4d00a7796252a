import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunContext } from '../../src/action/context.js';
import { DEFAULT_TEMPLATE_GLOBS, parseSettings } from '../../src/action/settings.js';
import { ConfigurationError } from '../../src/errors.js';

const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('parseSettings', () => {
  test('defaults: templates mode, changed scope on pull requests, all elsewhere', () => {
    const pr = parseSettings(inputs({}), {}, 'pull_request');
    expect(pr).toMatchObject({
      mode: 'templates',
      scope: 'changed',
      failOn: 'regression',
      unknownAs: 'unknown',
      comment: 'update',
      checkRun: true,
      checkName: 'AML HA gate',
      reportFile: 'aml-ha-report.json',
      configFrom: 'base',
      bicepRegistrySignIn: false,
    });
    expect(pr.templates).toEqual(DEFAULT_TEMPLATE_GLOBS);
    expect(parseSettings(inputs({ 'bicep-registry-sign-in': 'true' }), {}, 'push').bicepRegistrySignIn).toBe(
      true,
    );
    expect(() => parseSettings(inputs({ 'bicep-registry-sign-in': 'yes please' }), {}, 'push')).toThrow(
      /bicep-registry-sign-in/,
    );
    expect(parseSettings(inputs({ 'config-from': 'Pull-Request' }), {}, 'pull_request').configFrom).toBe(
      'pull-request',
    );
    expect(() => parseSettings(inputs({ 'config-from': 'head' }), {}, 'pull_request')).toThrow(
      "Invalid input 'config-from': 'head'. Expected one of: base, pull-request.",
    );
    expect(pr.sarifFile).toBeUndefined();
    expect(parseSettings(inputs({}), {}, 'pull_request_target').scope).toBe('changed');
    expect(parseSettings(inputs({}), {}, 'push').scope).toBe('all');
  });

  test('templates mode: the deployment inputs set the context; only explicit inputs, never AZURE_* variables', () => {
    const env = { AZURE_SUBSCRIPTION_ID: '99999999-2222-3333-4444-555555555555', AZURE_CLIENT_ID: 'c' };
    const plain = parseSettings(inputs({ location: 'westeurope' }), env, 'pull_request');
    expect(plain.deployment).toEqual({ location: 'westeurope' });
    // No client-id input and auth auto: the gate does not sign in, whatever the environment holds.
    expect(plain.azure).toBeUndefined();
    const set = parseSettings(
      inputs({
        'subscription-id': '11111111-2222-3333-4444-555555555555',
        'resource-group': 'rg-ml',
        'tenant-id': '72f988bf-86f1-41af-91ab-2d7cd011db47',
        'client-id': '5d3c1b2a-0f9e-4d8c-b7a6-958473625140',
      }),
      env,
      'pull_request',
    );
    expect(set.deployment).toEqual({
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      resourceGroup: 'rg-ml',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    });
    expect(set.azure).toMatchObject({ clientId: '5d3c1b2a-0f9e-4d8c-b7a6-958473625140', auth: 'auto' });
    expect(parseSettings(inputs({ auth: 'azure-cli' }), {}, 'push').azure).toMatchObject({
      auth: 'azure-cli',
    });
    expect(() => parseSettings(inputs({ location: 'West-Europe!' }), {}, 'push')).toThrow(
      "invalid input 'location' 'West-Europe!': expected an Azure region such as westeurope.",
    );
  });

  test('globs split on newlines and commas; check-run accepts false', () => {
    const s = parseSettings(
      inputs({
        templates: 'infra/**/*.json, modules/*.bicep\n\n  other/*.bicepparam ',
        'check-run': 'false',
        comment: 'RECREATE',
      }),
      {},
      'push',
    );
    expect(s.templates).toEqual(['infra/**/*.json', 'modules/*.bicep', 'other/*.bicepparam']);
    expect(s.checkRun).toBe(false);
    expect(s.comment).toBe('recreate');
  });

  test('a bad value names the input and the accepted values', () => {
    expect(() => parseSettings(inputs({ 'fail-on': 'sometimes' }), {}, 'push')).toThrow(
      new ConfigurationError(
        "Invalid input 'fail-on': 'sometimes'. Expected one of: regression, fail, warn, never.",
      ),
    );
    expect(() => parseSettings(inputs({ comment: 'yes' }), {}, 'push')).toThrow(
      /'comment'.*update, recreate, off/,
    );
    expect(() => parseSettings(inputs({ 'check-run': 'maybe' }), {}, 'push')).toThrow(
      /'check-run'.*true or false/,
    );
    expect(() => parseSettings(inputs({ mode: 'live' }), {}, 'push')).toThrow(
      /'mode'.*auto, templates, workspace, publish/,
    );
  });

  test('auto becomes workspace when a workspace is given; AZURE_* env vars fill empty ids', () => {
    const s = parseSettings(
      inputs({
        workspace:
          '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w\n',
        'client-id': 'explicit',
      }),
      { AZURE_CLIENT_ID: 'env-client', AZURE_TENANT_ID: 'env-tenant', AZURE_SUBSCRIPTION_ID: 'env-sub' },
      'schedule',
    );
    expect(s.mode).toBe('workspace');
    expect(s.live).toEqual({
      workspaces: [
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w',
      ],
      resourceGroup: undefined,
      subscriptionId: 'env-sub',
      clientId: 'explicit',
      tenantId: 'env-tenant',
      auth: 'auto',
      audience: 'api://AzureADTokenExchange',
      cloud: 'AzureCloud',
      armEndpoint: undefined,
      authorityHost: undefined,
    });
    expect(() => parseSettings(inputs({ mode: 'workspace' }), {}, 'push')).toThrow(/'workspace' is required/);
    expect(() => parseSettings(inputs({ workspace: 'w', cloud: 'Mars' }), {}, 'push')).toThrow(
      /'cloud'.*AzureCloud/,
    );
    expect(() => parseSettings(inputs({ workspace: 'w', 'arm-endpoint': 'not a url' }), {}, 'push')).toThrow(
      /'arm-endpoint'/,
    );
  });
});

describe('readRunContext', () => {
  test('reads the pull request head and base from the event payload', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctx-'));
    const event = join(dir, 'event.json');
    writeFileSync(
      event,
      JSON.stringify({
        pull_request: {
          number: 12,
          head: { sha: 'h'.repeat(40), repo: { full_name: 'fork/ml' } },
          base: { sha: 'b'.repeat(40) },
        },
      }),
    );
    const context = readRunContext(
      {
        GITHUB_REPOSITORY: 'contoso/ml',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_SHA: 'm'.repeat(40),
        GITHUB_RUN_ID: '9',
        GITHUB_SERVER_URL: 'https://ghe.example',
        GITHUB_API_URL: 'https://ghe.example/api/v3/',
      },
      dir,
    );
    expect(context).toEqual({
      eventName: 'pull_request',
      owner: 'contoso',
      repo: 'ml',
      sha: 'm'.repeat(40),
      workspace: dir,
      apiUrl: 'https://ghe.example/api/v3',
      serverUrl: 'https://ghe.example',
      runUrl: 'https://ghe.example/contoso/ml/actions/runs/9',
      pullRequest: {
        number: 12,
        headSha: 'h'.repeat(40),
        baseSha: 'b'.repeat(40),
        headRepository: 'fork/ml',
      },
    });
    expect(readRunContext({ GITHUB_REPOSITORY: 'a/b' }, dir).pullRequest).toBeUndefined();
  });
});

test('readRunContext reads the workflow_run that publish mode trusts (head commit, fork branch, listed PRs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctx-'));
  const event = join(dir, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      workflow_run: {
        id: 77,
        event: 'pull_request',
        head_sha: 'h'.repeat(40),
        head_branch: 'patch-1',
        head_repository: { full_name: 'fork/ml', owner: { login: 'fork' } },
        pull_requests: [{ number: 3, head: { sha: 'h'.repeat(40) } }, { bogus: true }],
      },
    }),
  );
  const context = readRunContext(
    { GITHUB_REPOSITORY: 'contoso/ml', GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: event },
    dir,
  );
  expect(context.workflowRun).toEqual({
    id: 77,
    event: 'pull_request',
    headSha: 'h'.repeat(40),
    headBranch: 'patch-1',
    headOwner: 'fork',
    pullRequests: [{ number: 3, headSha: 'h'.repeat(40) }],
  });
  expect(context.pullRequest).toBeUndefined();
});
