/**
 * Templates built to blow up evaluation (issue 11, "exponential values"), generated in memory so
 * that nothing large is committed. Shared by __tests__/arm-template/limits.test.ts (each must end
 * with a file error naming the limit) and bench/limits.ts (each must end quickly).
 */

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

export interface HostileTemplate {
  name: string;
  /** The template text. */
  text: string;
  /** What the file error must say (the limit it names). */
  expect: RegExp;
}

/** A template whose variables `v0 … v{levels}` each build on the one before, read by a storage account. */
function chain(first: string, step: (previous: string, index: number) => string, levels = 40): string {
  const variables: Record<string, string> = { v0: first };
  for (let i = 1; i <= levels; i++) variables[`v${i}`] = step(`variables('v${i - 1}')`, i);
  return template({ variables, resources: [storage(`[string(variables('v${levels}'))]`)] });
}

function storage(tag: string, name = 'stblowup'): Record<string, unknown> {
  return {
    type: 'Microsoft.Storage/storageAccounts',
    apiVersion: '2023-01-01',
    name,
    sku: { name: 'Standard_ZRS' },
    kind: 'StorageV2',
    tags: { value: tag },
  };
}

function template(body: Record<string, unknown>): string {
  return JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', ...body }, null, 1);
}

const VALUE = /over the limit of 16,777,216 for one value/;
const WORK = /takes more than 4,000,000 steps, the limit per scanned template/;
/** Growth stops at whichever comes first: the size of the value or the work of building it. */
const GROWTH = new RegExp(`${VALUE.source}|${WORK.source}`);

/** A deployment whose nested template deploys `inner` `count` times (a copy loop of deployments). */
function fanOut(count: number, inner: Record<string, unknown>, depth: number): Record<string, unknown> {
  return {
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name: `[concat('level${depth}-', copyIndex())]`,
    copy: { name: `level${depth}`, count },
    properties: {
      mode: 'Incremental',
      expressionEvaluationOptions: { scope: 'inner' },
      template: { $schema: SCHEMA, contentVersion: '1.0.0.0', resources: [inner] },
    },
  };
}

export function hostileTemplates(): HostileTemplate[] {
  const many = (n: number, make: (i: number) => [string, unknown]) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => make(i)));
  return [
    {
      name: 'createArray doubling, 40 levels',
      text: chain("[createArray('x', 'x')]", (v) => `[createArray(${v}, ${v})]`),
      expect: VALUE,
    },
    {
      name: 'createObject doubling, 40 levels',
      text: chain("[createObject('a', 'x')]", (v) => `[createObject('l', ${v}, 'r', ${v})]`),
      expect: VALUE,
    },
    {
      name: 'union doubling, 40 levels',
      text: chain("[createObject('a', 'x')]", (v, i) => `[union(${v}, createObject('k${i}', ${v}))]`),
      expect: VALUE,
    },
    {
      name: 'literal objects doubling through variables, 40 levels',
      text: template({
        variables: {
          v0: 'x',
          ...Object.fromEntries(
            Array.from({ length: 40 }, (_, i) => [
              `v${i + 1}`,
              { l: `[variables('v${i}')]`, r: `[variables('v${i}')]` },
            ]),
          ),
        },
        resources: [storage("[variables('v40')]")],
      }),
      expect: VALUE,
    },
    {
      name: 'parameter defaults doubling, 40 levels',
      text: template({
        parameters: {
          p0: { type: 'string', defaultValue: 'x' },
          ...Object.fromEntries(
            Array.from({ length: 40 }, (_, i) => [
              `p${i + 1}`,
              { type: 'object', defaultValue: { l: `[parameters('p${i}')]`, r: `[parameters('p${i}')]` } },
            ]),
          ),
        },
        resources: [storage("[parameters('p40')]")],
      }),
      expect: VALUE,
    },
    {
      name: 'concat of arrays doubling, 40 levels',
      text: chain("[createArray('x')]", (v) => `[concat(${v}, ${v})]`),
      expect: GROWTH,
    },
    {
      name: 'replace squaring a string',
      text: chain('xxxxxxxxxx', (v) => `[replace(${v}, 'x', ${v})]`, 6),
      expect: VALUE,
    },
    {
      name: 'padLeft chain doubling',
      text: chain("[padLeft('', 16384, 'x')]", (v) => `[concat(padLeft(${v}, 16384, 'y'), ${v})]`),
      expect: GROWTH,
    },
    {
      name: 'format repeating a large argument',
      text: chain("[padLeft('', 16384, 'x')]", (v) => `[format('{0}{0}{0}{0}{0}{0}{0}{0}', ${v})]`, 8),
      expect: VALUE,
    },
    {
      name: 'a user function that calls itself three times per level',
      text: template({
        functions: [
          {
            namespace: 'ns',
            members: {
              f: {
                parameters: [{ name: 'n', type: 'int' }],
                output: {
                  type: 'int',
                  value:
                    "[if(equals(parameters('n'), 0), 1, add(add(ns.f(sub(parameters('n'), 1)), ns.f(sub(parameters('n'), 1))), ns.f(sub(parameters('n'), 1))))]",
                },
              },
            },
          },
        ],
        resources: [storage('[string(ns.f(40))]')],
      }),
      expect: WORK,
    },
    {
      name: 'copy loops nested 800 × 800 × 800 (deployments of deployments)',
      text: template({
        resources: [
          fanOut(
            800,
            fanOut(
              800,
              { ...storage('x'), name: "[concat('st', copyIndex())]", copy: { name: 's', count: 800 } },
              2,
            ),
            1,
          ),
        ],
      }),
      expect: WORK,
    },
    {
      name: 'variable copy loops nested 800 × 800 × 800',
      text: template({
        variables: {
          copy: [
            { name: 'a', count: 800, input: 'x' },
            { name: 'b', count: 800, input: "[variables('a')]" },
            { name: 'c', count: 800, input: "[variables('b')]" },
          ],
        },
        resources: [storage("[string(length(variables('c')))]")],
      }),
      expect: VALUE,
    },
    {
      name: '257 parameters',
      text: template({
        parameters: many(257, (i) => [`p${i}`, { type: 'string', defaultValue: 'x' }]),
        resources: [],
      }),
      expect: /declares 257 parameters, over ARM's limit of 256 per template/,
    },
    {
      name: '513 variables',
      text: template({ variables: many(513, (i) => [`v${i}`, 'x']), resources: [] }),
      expect: /declares 513 variables, over ARM's limit of 512 per template/,
    },
    {
      name: '65 outputs',
      text: template({
        resources: [],
        outputs: many(65, (i) => [`o${i}`, { type: 'string', value: 'x' }]),
      }),
      expect: /declares 65 outputs, over ARM's limit of 64 per template/,
    },
    {
      name: '801 resources (two copy loops)',
      text: template({
        resources: [
          { ...storage('x'), name: "[concat('a', copyIndex())]", copy: { name: 'a', count: 400 } },
          { ...storage('x'), name: "[concat('b', copyIndex())]", copy: { name: 'b', count: 401 } },
        ],
      }),
      expect: /declares more than 800 resources \(copies included\), over ARM's limit of 800 per template/,
    },
    {
      name: 'an expression longer than 24,576 characters',
      text: template({ resources: [storage(`[concat('${'x'.repeat(24_600)}')]`)] }),
      expect: /an expression of 24,612 characters is over ARM's limit of 24,576 characters/,
    },
  ];
}
