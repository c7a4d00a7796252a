import { describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/run-cli.js';

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { NO_COLOR: '1' },
    cwd: process.cwd(),
    isTty: false,
  });
  return { code, stdout, stderr };
}

describe('aml-ha-gate workspace: usage and input errors (no network)', () => {
  test('--help prints the options and exits 0', async () => {
    const { code, stdout } = await run(['workspace', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: aml-ha-gate workspace <ID\|NAME \.\.\.\|all> \[options\]/);
    expect(stdout).toContain('--arm-endpoint URL');
  });

  test('no workspace: exit 2 with the way to name one', async () => {
    const { code, stderr } = await run(['workspace']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "aml-ha-gate: no workspace given. Use 'aml-ha-gate workspace <ID>' (or a name with --resource-group, or all); 'aml-ha-gate workspace --help' shows the options.\n",
    );
  });

  test('a name without its resource group: exit 2 before any sign-in', async () => {
    const { code, stderr } = await run([
      'workspace',
      'mlw-prod',
      '--subscription-id',
      '00000000-1111-2222-3333-444444444444',
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "aml-ha-gate: workspace 'mlw-prod' is a name: set resource-group, or pass the full resource id.\n",
    );
  });

  test('bad --auth, --cloud and unknown flags name the accepted values', async () => {
    expect((await run(['workspace', 'x', '--auth', 'password'])).stderr).toBe(
      "aml-ha-gate: invalid --auth 'password': expected one of auto, oidc, azure-cli, environment.\n",
    );
    expect((await run(['workspace', 'x', '--cloud', 'Mars'])).stderr).toBe(
      "aml-ha-gate: invalid --cloud 'Mars': expected one of AzureCloud, AzureUSGovernment, AzureChinaCloud.\n",
    );
    const unknown = await run(['workspace', 'x', '--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Run 'aml-ha-gate workspace --help' for the options.");
  });

  test('an http ARM endpoint is refused before sign-in', async () => {
    const { code, stderr } = await run([
      'workspace',
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w',
      '--arm-endpoint',
      'http://127.0.0.1:1',
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "aml-ha-gate: invalid arm-endpoint 'http://127.0.0.1:1': Azure requires https; write https://127.0.0.1:1/.\n",
    );
  });
});
