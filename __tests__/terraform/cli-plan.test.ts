import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import type { Report } from '../../src/model.js';

const repoRoot = resolve(import.meta.dirname, '../..');

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { NO_COLOR: '1' },
    cwd: repoRoot,
    isTty: false,
  });
  return { code, stdout, stderr };
}

describe('aml-ha-gate scan on a Terraform plan', () => {
  test('the example plan: a regression on the line of the .tf file that makes it', async () => {
    const { code, stdout } = await run([
      'scan',
      'examples/terraform-workspace/plan.json',
      '--fail-on',
      'regression',
    ]);
    expect(code).toBe(1);
    const line =
      readFileSync(join(repoRoot, 'examples/terraform-workspace/main.tf'), 'utf8')
        .split('\n')
        .findIndex((text) => text.includes('account_replication_type')) + 1;
    expect(stdout).toContain(`at examples/terraform-workspace/main.tf:${line}`);
    expect(stdout).toMatch(/FAIL\*\s+HA\.Storage\.Redundancy\s+stmlwstf/);
    expect(stdout).toContain('Terraform replaces azurerm_storage_account.ml');
  });

  test('npm start scans the plan beside the ARM examples', async () => {
    const { code, stdout } = await run(['scan', 'examples', '--fail-on', 'never', '--format', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    const workspaces = new Set(report.findings.map((f) => f.workspace).filter(Boolean));
    expect(workspaces).toEqual(new Set(['mlws-dev', 'mlws-prod', 'mlws-tf']));
    expect(report.summary.regressions).toBe(1);
  });

  test('a state file given instead of a plan: listed as an error naming the file, exit code 1', async () => {
    const { code, stdout } = await run([
      'scan',
      '__tests__/terraform/fixtures/real/terraform.tfstate',
      '--format',
      'json',
    ]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as Report;
    expect(report.errors).toEqual([
      {
        file: '__tests__/terraform/fixtures/real/terraform.tfstate',
        message: expect.stringMatching(/is a Terraform state file \(terraform\.tfstate\), not a plan/),
      },
    ]);
  });
});
