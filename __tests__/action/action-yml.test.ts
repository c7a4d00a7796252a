import { describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseSettings } from '../../src/action/settings.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const manifest = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
  name: string;
  description: string;
  branding: { icon: string; color: string };
  runs: { using: string; main: string };
  inputs: Record<string, { description?: string; default?: string }>;
  outputs: Record<string, { description?: string }>;
};

describe('action.yml', () => {
  // GitHub's own schema for action metadata (runtimes, required keys, branding icons and colours)
  // checks action.yml in readme-workflows.test.ts; what it does not check is here.
  test('is fit for the Marketplace: a description under 125 characters, a name, branding', () => {
    expect(manifest.description.length).toBeLessThan(125);
    expect(manifest.description).not.toContain('\n');
    expect(manifest.name).toBe('AML HA gate');
    expect(manifest.branding).toEqual({ icon: 'shield', color: 'blue' });
  });

  test('declares the inputs and outputs of the pull-request and live-mode issues, each described with a default', () => {
    expect(Object.keys(manifest.inputs).sort()).toEqual(
      [
        'mode',
        'templates',
        'terraform-plan',
        'bicep-registry-sign-in',
        'scope',
        'fail-on',
        'unknown-as',
        'baseline',
        'config',
        'config-from',
        'comment',
        'check-run',
        'check-name',
        'report-file',
        'sarif-file',
        'github-token',
        'workspace',
        'resource-group',
        'subscription-id',
        'client-id',
        'tenant-id',
        'auth',
        'audience',
        'cloud',
        'arm-endpoint',
        'authority-host',
        'location',
        'deployment-name',
        'management-group',
      ].sort(),
    );
    for (const [name, input] of Object.entries(manifest.inputs)) {
      expect([name, typeof input.description, typeof input.default]).toEqual([name, 'string', 'string']);
    }
    expect(Object.keys(manifest.outputs).sort()).toEqual(
      [
        'verdict',
        'failures',
        'warnings',
        'regressions',
        'unknown',
        'report-file',
        'sarif-file',
        'comment-url',
        'check-run-url',
      ].sort(),
    );
    expect(manifest.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  test('every default parses (the runner passes them all)', () => {
    const defaults = (name: string) =>
      String(manifest.inputs[name]?.default ?? '').replace('${{ github.token }}', 'tok');
    const settings = parseSettings(defaults, {}, 'pull_request');
    expect(settings).toMatchObject({
      mode: 'templates',
      scope: 'changed',
      failOn: 'regression',
      comment: 'update',
      checkRun: true,
      githubToken: 'tok',
    });
  });

  test('the generator prints one row per input and output', () => {
    const tables = execFileSync(process.execPath, ['scripts/readme-inputs.mjs', '--print'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    for (const name of [...Object.keys(manifest.inputs), ...Object.keys(manifest.outputs)])
      expect(tables).toContain(`| \`${name}\` |`);
  });

  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const hasMarkers = readme.includes('<!-- inputs:start -->');
  if (!hasMarkers)
    console.warn('README inputs check skipped: README.md has no <!-- inputs:start --> markers yet');
  (hasMarkers ? test : test.skip)("README.md's inputs/outputs tables match action.yml", () => {
    const check = spawnSync(process.execPath, ['scripts/readme-inputs.mjs', '--check'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
