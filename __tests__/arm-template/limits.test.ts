/**
 * Templates built to blow up evaluation end with a file error that names the limit, the file and
 * the line, and the other templates of the same scan are still evaluated. The limits and the
 * documentation they follow are listed in src/sources/arm/limits.ts; how fast each case ends is
 * measured by bench/limits.ts (no timing here).
 */
import { describe, expect, test } from '@jest/globals';
import { hostileTemplates } from '../helpers/hostile-templates.js';
import { DEPLOYMENT_SCHEMA, scanTree } from './scan-helper.js';

const healthy = JSON.stringify({
  $schema: DEPLOYMENT_SCHEMA,
  resources: [
    {
      type: 'Microsoft.Storage/storageAccounts',
      apiVersion: '2023-01-01',
      name: 'sthealthy',
      sku: { name: 'Standard_ZRS' },
    },
  ],
});

describe('ARM template limits and the evaluation budget', () => {
  test.each(hostileTemplates().map((hostile) => [hostile.name, hostile] as const))(
    '%s',
    async (_name, hostile) => {
      const { resources, errors } = await scanTree({ 'hostile.json': hostile.text, 'healthy.json': healthy });
      const error = errors.find((e) => e.file === 'hostile.json');
      expect(error?.message).toMatch(hostile.expect);
      expect(error?.line).toBeGreaterThan(0);
      // The message points at the documentation of the limit it follows.
      expect(error?.message).toContain('https://learn.microsoft.com/azure/azure-resource-manager/templates/');
      // ARM rejects such a template as a whole: none of its resources are reported ...
      expect(resources.filter((r) => r.unit === 'hostile.json')).toEqual([]);
      // ... and the other template of the scan is still evaluated.
      expect(resources.map((r) => r.name)).toEqual(['sthealthy']);
      expect(errors.filter((e) => e.file !== 'hostile.json')).toEqual([]);
    },
  );

  test('a template just within the limits is evaluated (256 parameters, 512 variables, 64 outputs, 800 resources)', async () => {
    const many = (n: number, make: (i: number) => [string, unknown]) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => make(i)));
    const template = JSON.stringify({
      $schema: DEPLOYMENT_SCHEMA,
      parameters: many(256, (i) => [`p${i}`, { type: 'string', defaultValue: 'x' }]),
      variables: many(512, (i) => [`v${i}`, 'x']),
      resources: [
        {
          type: 'Microsoft.Storage/storageAccounts',
          name: "[concat('st', copyIndex())]",
          copy: { name: 'st', count: 800 },
          sku: { name: 'Standard_ZRS' },
        },
        // Read, not deployed: not counted.
        { type: 'Microsoft.KeyVault/vaults', name: 'kv', existing: true },
      ],
      outputs: many(64, (i) => [`o${i}`, { type: 'string', value: 'x' }]),
    });
    const { resources, errors } = await scanTree({ 'main.json': template });
    expect(errors).toEqual([]);
    expect(resources).toHaveLength(800);
  });

  test('a fan-out of linked templates (30 deployments a level, 4 levels) is stopped by the budget, the error saying that the deployments count', async () => {
    const level = (n: number) =>
      JSON.stringify({
        $schema: DEPLOYMENT_SCHEMA,
        resources:
          n === 4
            ? [{ type: 'Microsoft.Storage/storageAccounts', name: '[uniqueString(deployment().name)]' }]
            : [
                {
                  type: 'Microsoft.Resources/deployments',
                  apiVersion: '2022-09-01',
                  name: `[concat(deployment().name, '-', copyIndex())]`,
                  copy: { name: 'links', count: 30 },
                  properties: { mode: 'Incremental', templateLink: { relativePath: `level${n + 1}.json` } },
                },
              ],
      });
    const files = Object.fromEntries([0, 1, 2, 3, 4].map((n) => [`level${n}.json`, level(n)]));
    const { resources, errors } = await scanTree(files, {}, ['level0.json']);
    expect(resources).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /^evaluating the scanned template with the [\d,]+ nested or linked deployments it had run by then takes more than 4,000,000 steps, the limit per scanned template: .*deployments in copy loops whose templates deploy others/,
    );
    // Where the budget ran out: a deployment loop of a linked template.
    expect(errors[0]!.file).toMatch(/^level[1-3]\.json$/);
    expect(errors[0]!.line).toBeGreaterThan(0);
  });
});
