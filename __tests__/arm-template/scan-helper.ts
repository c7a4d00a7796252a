import { afterAll } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger, type Resource } from '../../src/model.js';
import { discoverTemplates } from '../../src/sources/discover.js';
import { loadTemplates, type LoadOptions } from '../../src/sources/templates.js';

export const DEPLOYMENT_SCHEMA =
  'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
export const PARAMETERS_SCHEMA =
  'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';
export const SUBSCRIPTION_SCHEMA =
  'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#';

const created: string[] = [];

/** A fresh temporary folder, removed when the test file's tests are done. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes the files into a fresh temporary folder and returns its path. */
export function writeTree(files: Record<string, string>): string {
  const dir = tempDir('aml-ha-gate-arm-');
  for (const [name, text] of Object.entries(files)) {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return dir;
}

/** Discovers and loads the files of a fresh folder, as the CLI does. */
export async function scanTree(
  files: Record<string, string>,
  options: Partial<LoadOptions> = {},
  paths: string[] = ['.'],
): Promise<Awaited<ReturnType<typeof loadTemplates>> & { dir: string }> {
  const dir = writeTree(files);
  const discovered = await discoverTemplates(paths, dir);
  const result = await loadTemplates(discovered, { cwd: dir, logger: silentLogger, ...options });
  return { ...result, dir };
}

/** The one resource of the given type (fails the test when there are none or several). */
export function only(resources: Resource[], type: string): Resource {
  const found = resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
  if (found.length !== 1)
    throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(', ')}`);
  return found[0];
}

/** A template as lines joined with newlines, so tests can state line numbers. */
export function lines(...text: string[]): string {
  return text.join('\n');
}

/** An inner-scope nested deployment (what Bicep compiles a `module` to), with `parameters` passed and `template`'s sections. */
export function innerDeployment(
  name: string,
  parameters: unknown,
  template: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name,
    ...extra,
    properties: {
      mode: 'Incremental',
      expressionEvaluationOptions: { scope: 'inner' },
      parameters,
      template: { $schema: DEPLOYMENT_SCHEMA, contentVersion: '1.0.0.0', ...template },
    },
  };
}
