/**
 * Secure values never leave the scan, whatever shape their type takes. Secure is a property of the
 * type wherever it is declared:
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/parameters#secure-parameters
 * "The value of a secure parameter isn't saved to the deployment history and isn't logged.", and
 * https://learn.microsoft.com/azure/azure-resource-manager/bicep/user-defined-data-types#secure-types
 * "You can mark a string or object user-defined data type as secure. The value of a secure type
 * isn't saved to the deployment history and isn't logged." Bicep compiles `@secure()` on a type,
 * on an object property or on an array item to `"type": "securestring"` / `"secureObject"` in the
 * `definitions`, `properties`, `additionalProperties`, `items` or `prefixItems` of languageVersion
 * 2.0 (https://learn.microsoft.com/azure/azure-resource-manager/templates/definitions).
 *
 * Each shape puts its secret in a storage account's `sku.name`, which the storage rule quotes in
 * its message and evidence; the test scans, renders every output and looks for the secrets.
 */
import { describe, expect, test } from '@jest/globals';
import { buildAnnotations } from '../../src/report/checkrun.js';
import { commentBody } from '../../src/report/comment.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { jobSummary } from '../../src/report/summary.js';
import { renderTable } from '../../src/report/table.js';
import { RULES } from '../../src/rules/index.js';
import { scanTemplates } from '../../src/scan.js';
import type { Logger } from '../../src/model.js';
import { DEPLOYMENT_SCHEMA, writeTree } from './scan-helper.js';

const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** One storage account whose SKU is `expression`. */
function storage(name: string, expression: string): Record<string, unknown> {
  return {
    type: 'Microsoft.Storage/storageAccounts',
    apiVersion: '2023-01-01',
    name,
    sku: { name: expression },
    kind: 'StorageV2',
  };
}

interface Shape {
  /** What the shape is, for the test name. */
  name: string;
  definitions?: Record<string, unknown>;
  parameter: Record<string, unknown>;
  /** The expression that reads the secret out of the parameter `p`. */
  read: string;
  secret: string;
  /** Supply the value from a parameters file instead of the default. */
  fromFile?: boolean;
}

const SHAPES: Shape[] = [
  {
    name: 'securestring',
    parameter: { type: 'securestring', defaultValue: 'S3cret-direct-string' },
    read: "[parameters('p')]",
    secret: 'S3cret-direct-string',
  },
  {
    name: 'secureObject',
    parameter: { type: 'secureObject', defaultValue: { sku: 'S3cret-direct-object' } },
    read: "[parameters('p').sku]",
    secret: 'S3cret-direct-object',
  },
  {
    name: '$ref to a securestring definition',
    definitions: { secretType: { type: 'securestring' } },
    parameter: { $ref: '#/definitions/secretType', defaultValue: 'S3cret-ref-string' },
    read: "[parameters('p')]",
    secret: 'S3cret-ref-string',
  },
  {
    name: '$ref chain to a secureObject definition, value from a parameters file',
    definitions: { inner: { type: 'secureObject' }, outer: { $ref: '#/definitions/inner' } },
    parameter: { $ref: '#/definitions/outer' },
    read: "[parameters('p').sku]",
    secret: 'S3cret-ref-chain-object',
    fromFile: true,
  },
  {
    name: 'securestring property of an object type',
    parameter: {
      type: 'object',
      properties: { name: { type: 'string' }, sku: { type: 'securestring' } },
      defaultValue: { name: 'visible', sku: 'S3cret-property' },
    },
    read: "[parameters('p').sku]",
    secret: 'S3cret-property',
  },
  {
    name: 'property whose $ref is secure, nested two objects deep',
    definitions: {
      secretType: { type: 'securestring' },
      credentials: { type: 'object', properties: { sku: { $ref: '#/definitions/secretType' } } },
      settings: { type: 'object', properties: { credentials: { $ref: '#/definitions/credentials' } } },
    },
    parameter: {
      $ref: '#/definitions/settings',
      defaultValue: { credentials: { sku: 'S3cret-nested-ref' } },
    },
    read: "[parameters('p').credentials.sku]",
    secret: 'S3cret-nested-ref',
  },
  {
    name: 'additionalProperties of a secure type',
    parameter: {
      type: 'object',
      additionalProperties: { type: 'securestring' },
      defaultValue: { sku: 'S3cret-additional' },
    },
    read: "[parameters('p').sku]",
    secret: 'S3cret-additional',
  },
  {
    name: 'array items of a secure type',
    parameter: { type: 'array', items: { type: 'securestring' }, defaultValue: ['S3cret-items'] },
    read: "[parameters('p')[0]]",
    secret: 'S3cret-items',
  },
  {
    name: 'prefixItems of a secure type',
    parameter: {
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'secureObject' }],
      defaultValue: ['visible', { sku: 'S3cret-prefix-items' }],
    },
    read: "[parameters('p')[1].sku]",
    secret: 'S3cret-prefix-items',
  },
];

/** Everything a run shows: table, Markdown, JSON, SARIF, annotations, comment, job summary, logs. */
async function everyOutput(
  files: Record<string, string>,
): Promise<{ text: string; storageFindings: number }> {
  const dir = writeTree(files);
  const logs: string[] = [];
  const logger: Logger = {
    debug: (m) => void logs.push(m),
    info: (m) => void logs.push(m),
    warning: (m) => void logs.push(m),
    error: (m) => void logs.push(m),
  };
  const report = await scanTemplates({
    paths: ['.'],
    cwd: dir,
    failOn: 'fail',
    unknownAs: 'unknown',
    logger,
    now: new Date('2026-01-01'),
  });
  const markdown = renderMarkdown(report, RULES, {});
  const text = [
    renderTable(report, { color: false, width: 400 }),
    markdown,
    renderJson(report),
    renderSarif(report, RULES),
    JSON.stringify(buildAnnotations(report)),
    commentBody(markdown, 'AML HA gate'),
    jobSummary(markdown),
    ...logs,
  ].join('\n');
  return {
    text,
    storageFindings: report.findings.filter((f) => f.ruleId === 'HA.Storage.Redundancy').length,
  };
}

describe('secure values in every shape stay out of every output', () => {
  test.each(SHAPES.map((shape) => [shape.name, shape] as const))('%s', async (_name, shape) => {
    const template = json({
      $schema: DEPLOYMENT_SCHEMA,
      languageVersion: '2.0',
      ...(shape.definitions ? { definitions: shape.definitions } : {}),
      parameters: { p: shape.parameter },
      resources: { st: storage('stsecure', shape.read) },
    });
    const files: Record<string, string> = { 'main.json': template };
    if (shape.fromFile)
      files['main.parameters.json'] = json({ parameters: { p: { value: { sku: shape.secret } } } });
    const { text, storageFindings } = await everyOutput(files);
    // The storage account was evaluated and judged (so the secret had a way out) ...
    expect(storageFindings).toBe(1);
    expect(text).toContain('stsecure');
    // ... and its secret is nowhere.
    expect(text).not.toContain(shape.secret);
  });

  test('a secure output of a module (its type a $ref to a secure definition) stays secret in the caller', async () => {
    const template = json({
      $schema: DEPLOYMENT_SCHEMA,
      languageVersion: '2.0',
      resources: {
        keys: {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'keys',
          properties: {
            mode: 'Incremental',
            expressionEvaluationOptions: { scope: 'inner' },
            template: {
              $schema: DEPLOYMENT_SCHEMA,
              languageVersion: '2.0',
              definitions: {
                secretType: { type: 'securestring' },
                bundle: { type: 'object', properties: { sku: { $ref: '#/definitions/secretType' } } },
              },
              resources: {},
              outputs: {
                bundle: { $ref: '#/definitions/bundle', value: { sku: 'S3cret-output' } },
              },
            },
          },
        },
        st: storage('stsecure', "[reference('keys').outputs.bundle.value.sku]"),
      },
    });
    const { text, storageFindings } = await everyOutput({ 'main.json': template });
    expect(storageFindings).toBe(1);
    expect(text).not.toContain('S3cret-output');
  });

  test('control: a value that is not secure is shown (the outputs above could have shown a secret)', async () => {
    const template = json({
      $schema: DEPLOYMENT_SCHEMA,
      parameters: { p: { type: 'string', defaultValue: 'Visible-sku' } },
      resources: [storage('stplain', "[parameters('p')]")],
    });
    const { text } = await everyOutput({ 'main.json': template });
    expect(text).toContain('Visible-sku');
  });
});
