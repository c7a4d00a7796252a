/**
 * Fuzzing the whole scan: random and mutated templates, parameters files, linked templates and
 * config files, each set written to a fresh folder and scanned by the bundled CLI as a child
 * process, the way users run it. Every input must end with exit code 0, 1 or 2, print no stack trace
 * and no internal error, within a capped V8 heap (`--max-old-space-size`) and a kill timeout: a
 * resource bound per input, not a timed assertion.
 *
 * `npm test` runs a short, seeded version (a few inputs, the same ones every time). `npm run fuzz`
 * runs a long one with a fresh seed (FUZZ_RUNS inputs, 300 by default; FUZZ_SEED replays a run).
 */
import { describe, expect, jest, test } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { RULES } from '../../src/rules/index.js';
import { DEPLOYMENT_SCHEMA, PARAMETERS_SCHEMA } from '../arm-template/scan-helper.js';
import {
  BUNDLED_CLI,
  openTempDir,
  REPO_ROOT,
  runBundled,
  STACK_FRAME,
  writeFiles,
} from '../hardening/harness.js';

const LONG = process.env.FUZZ_RUNS !== undefined;
const RUNS = LONG ? Number(process.env.FUZZ_RUNS) || 300 : 5;
const SEED =
  process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : LONG ? Date.now() : 20_251_129;
/** Per input: V8 heap cap (MiB) and kill timeout. */
const HEAP_MB = 256;
const KILL_MS = 30_000;

jest.setTimeout(LONG ? 24 * 3600 * 1000 : 120_000);

// ---- seeds -------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function readJsonc(file: string): Json | undefined {
  try {
    const text = readFileSync(file, 'utf8')
      .replace(/^\uFEFF/, '')
      .replace(/^\s*\/\/.*$/gm, '');
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/** Real templates to mutate: the examples, and a few ML quickstarts when the shared corpus is there. */
function seedTemplates(): Json[] {
  const seeds: Json[] = [];
  for (const example of ['examples/workspace-with-gaps', 'examples/ha-workspace']) {
    const parsed = readJsonc(path.join(REPO_ROOT, example, 'azuredeploy.json'));
    if (parsed) seeds.push(parsed);
  }
  const ml = path.join(
    REPO_ROOT,
    '../shared/corpus/quickstart-templates/quickstarts/microsoft.machinelearningservices',
  );
  if (existsSync(ml)) {
    for (const name of readdirSync(ml).sort().slice(0, 12)) {
      const parsed = readJsonc(path.join(ml, name, 'azuredeploy.json'));
      if (parsed) seeds.push(parsed);
    }
  } else {
    console.log('../shared/corpus is absent: the fuzz seeds are the examples only');
  }
  return seeds;
}

const SEEDS = seedTemplates();

// ---- arbitraries -------------------------------------------------------------------------------

const smallString = fc.string({ maxLength: 12 });
const hostileString = fc.oneof(
  smallString,
  fc.constantFrom(
    '',
    '\n::error::x',
    '\u001b[32mPASS',
    '@org/team',
    '#1',
    '../../etc/passwd',
    '/dev/zero',
    'é\u202e',
    '\u0000',
  ),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

/** ARM expressions from a small grammar: nested function calls over literals, parameters and variables. */
const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      "'a'",
      '1',
      '0',
      'true',
      'null',
      "parameters('p')",
      "variables('v')",
      'copyIndex()',
      'resourceGroup().location',
      "'[x]'",
    ),
    fc
      .tuple(
        fc.constantFrom(
          'concat',
          'createArray',
          'createObject',
          'union',
          'padLeft',
          'replace',
          'range',
          'length',
          'string',
          'json',
          'if',
          'equals',
          'toLower',
          'format',
          'split',
          'first',
          'last',
          'take',
          'skip',
          'reference',
          'resourceId',
          'uniqueString',
          'base64',
          'coalesce',
          'empty',
          'contains',
          'min',
          'max',
          'int',
          'not',
          'bogus',
        ),
        fc.array(tie('expr'), { maxLength: 3 }),
      )
      .map(([fn, args]) => `${fn}(${args.join(', ')})`),
  ),
})).expr;

const armValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  expression.map((e) => `[${e}]`),
  hostileString,
);

/** Links that point at the machine, outside the folder, at the template itself, or nowhere. */
const hostileLink = fc.constantFrom<Json>(
  { relativePath: 'linked.json' },
  { relativePath: '/dev/zero' },
  { relativePath: '../../../../etc/hostname' },
  { relativePath: 'main.json' },
  { uri: 'file:///dev/urandom' },
  { uri: 'https://raw.githubusercontent.com/o/r/main/..%2F..%2Fx.json' },
  { relativePath: "[concat('lin', 'ked.json')]" },
  { id: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Resources/templateSpecs/z/versions/1' },
  { relativePath: 7 },
);

type Mutation = (doc: Record<string, Json>) => void;

function randomPath(
  doc: Json,
  choices: number[],
): { parent: Record<string, Json> | Json[]; key: string | number } | undefined {
  let current: Json = doc;
  let parent: Record<string, Json> | Json[] | undefined;
  let key: string | number | undefined;
  for (const choice of choices) {
    if (current === null || typeof current !== 'object') break;
    const keys: (string | number)[] = Array.isArray(current)
      ? current.map((_, i) => i)
      : Object.keys(current);
    if (keys.length === 0) break;
    parent = current;
    key = keys[choice % keys.length]!;
    current = (current as Record<string | number, Json>)[key]!;
  }
  return parent !== undefined && key !== undefined ? { parent, key } : undefined;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), armValue)
    .map(([choices, value]): Mutation => (doc) => {
      const at = randomPath(doc, choices);
      if (at) (at.parent as Record<string | number, Json>)[at.key] = value;
    }),
  fc.array(fc.nat(), { minLength: 1, maxLength: 5 }).map((choices): Mutation => (doc) => {
    const at = randomPath(doc, choices);
    if (!at) return;
    if (Array.isArray(at.parent)) at.parent.splice(at.key as number, 1);
    else delete at.parent[at.key as string];
  }),
  armValue.map(
    (value): Mutation =>
      (doc) =>
        void (doc.resources = value),
  ),
  fc
    .tuple(
      fc.oneof(
        fc.integer({ min: -2, max: 2000 }),
        expression.map((e) => `[${e}]`),
      ),
      fc.boolean(),
    )
    .map(([count, nested]): Mutation => (doc) => {
      const resources = Array.isArray(doc.resources) ? doc.resources : (doc.resources = []);
      resources.push({
        type: 'Microsoft.Storage/storageAccounts',
        apiVersion: '2022-09-01',
        name: "[concat('st', copyIndex())]",
        sku: { name: nested ? "[variables('v')]" : 'Standard_LRS' },
        copy: { name: 'loop', count },
      });
    }),
  hostileLink.map((templateLink): Mutation => (doc) => {
    const resources = Array.isArray(doc.resources) ? doc.resources : (doc.resources = []);
    resources.push({
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: 'linked',
      properties: {
        mode: 'Incremental',
        templateLink,
        parametersLink: { relativePath: 'main.parameters.json' },
      },
    });
  }),
  fc.dictionary(fc.string({ maxLength: 6 }), armValue, { maxKeys: 4 }).map(
    (variables): Mutation =>
      (doc) =>
        void (doc.variables = {
          ...(doc.variables as Record<string, Json>),
          ...variables,
          v: variables.v ?? "[variables('v')]",
        }),
  ),
);

/** Mutations of the text itself: cuts, stray bytes, a byte order mark, duplicated keys. */
const textMutation = fc.oneof(
  fc.constant((text: string) => text),
  fc.nat().map((n) => (text: string) => text.slice(0, n % (text.length + 1))),
  fc
    .tuple(fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }))
    .map(([n, junk]) => (text: string) => {
      const at = n % (text.length + 1);
      return text.slice(0, at) + junk + text.slice(at);
    }),
  fc.constant((text: string) => `\uFEFF${text}`),
  fc.constant((text: string) => text.replace('"resources"', '"resources": 1, "Resources"')),
  fc.constant((text: string) => text.replace('"$schema"', '"\\u0024schema"')),
);

const template = fc
  .tuple(fc.nat(), fc.array(mutation, { maxLength: 4 }), textMutation, fc.boolean())
  .map(([seedIndex, mutations, mutateText, pretty]) => {
    const base =
      SEEDS.length > 0 ? (structuredClone(SEEDS[seedIndex % SEEDS.length]) as Record<string, Json>) : {};
    if (SEEDS.length === 0)
      Object.assign(base, { $schema: DEPLOYMENT_SCHEMA, contentVersion: '1.0.0.0', resources: [] });
    for (const apply of mutations) apply(base);
    return mutateText(JSON.stringify(base, null, pretty ? 2 : undefined));
  });

const parametersFile = fc.option(
  fc
    .tuple(
      fc.dictionary(fc.constantFrom('workspaceName', 'location', 'storageSku', 'p', 'x'), armValue, {
        maxKeys: 4,
      }),
      textMutation,
    )
    .map(([values, mutateText]) =>
      mutateText(
        JSON.stringify({
          $schema: PARAMETERS_SCHEMA,
          contentVersion: '1.0.0.0',
          parameters: Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value }])),
        }),
      ),
    ),
  { nil: undefined },
);

const globText = fc
  .array(fc.constantFrom('*', '?', '[', ']', '{', '}', ',', '!', 'H', 'A', '.', 's', 't', '/', '\\', ' '), {
    maxLength: 24,
  })
  .map((chars) => chars.join(''));

const yamlScalar = fc.oneof(
  globText,
  smallString,
  fc.constantFrom('2027-01-01', 'not-a-date', 'off', 'fail', 'warn', 'info', '~', '[]', '{}'),
);

/** A config file the gate accepts: real rule ids, random globs, a reason each. */
const validConfig = fc
  .tuple(
    fc.dictionary(
      fc.constantFrom(...RULES.map((rule) => rule.id)),
      fc.constantFrom('off', 'fail', 'warn', 'info'),
      {
        maxKeys: 3,
      },
    ),
    fc.array(
      fc.record({
        rule: fc.oneof(fc.constantFrom(...RULES.map((rule) => rule.id), 'HA.*', '*'), globText),
        resource: globText,
        reason: fc.constant('fuzz'),
      }),
      { maxLength: 40 },
    ),
  )
  .map(([rules, suppressions]) =>
    [
      'rules:',
      ...Object.entries(rules).map(([id, value]) => `  ${id}: ${value}`),
      'suppressions:',
      ...suppressions.map(
        (entry) =>
          `  - {${Object.entries(entry)
            .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
            .join(', ')}}`,
      ),
    ].join('\n'),
  );

/** A config file with anything in it: wrong keys and values, aliases, deep nesting, noise. */
const hostileConfig = fc.oneof(
  fc
    .tuple(
      fc.dictionary(fc.oneof(fc.constantFrom('HA.Storage.Redundancy', 'HA.X'), smallString), yamlScalar, {
        maxKeys: 3,
      }),
      fc.array(
        fc.record(
          {
            rule: yamlScalar,
            resource: yamlScalar,
            workspace: yamlScalar,
            reason: yamlScalar,
            expires: yamlScalar,
          },
          { requiredKeys: [] },
        ),
        { maxLength: 40 },
      ),
    )
    .map(([rules, suppressions]) =>
      [
        'rules:',
        ...Object.entries(rules).map(([id, value]) => `  ${JSON.stringify(id)}: ${JSON.stringify(value)}`),
        'suppressions:',
        ...suppressions.map(
          (entry) =>
            `  - {${Object.entries(entry)
              .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
              .join(', ')}}`,
        ),
      ].join('\n'),
    ),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    'a: &a [x, x]\nb: &b [*a, *a]\nsuppressions: [*b]\n',
    'suppressions:\n  - &s {rule: "*", resource: "*", reason: r}\n  - *s\n',
    `${'['.repeat(5000)}`,
    'rules: {HA.X: off}\nrules: {HA.Y: off}\n',
  ),
);

/** Mostly no config file (so that templates get evaluated), else a valid one or a hostile one. */
const configFile = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: validConfig, weight: 2 },
  { arbitrary: hostileConfig, weight: 1 },
);

const fileName = fc.oneof(
  fc.constant('main.json'),
  fc.constantFrom('main template.json', 'mäin.json', 'a\nb.json', 'x\u001b[1m.json', '-rf.json'),
);

const input = fc.record({
  name: fileName,
  main: template,
  linked: fc.option(template, { nil: undefined }),
  parameters: parametersFile,
  config: configFile,
});

// ---- the property ------------------------------------------------------------------------------

const haveBundle = existsSync(BUNDLED_CLI);
(haveBundle ? describe : describe.skip)('fuzzing the scan (bundled CLI, capped heap, kill timeout)', () => {
  test(`${RUNS} random inputs (seed ${SEED}) end with 0, 1 or 2, one-line errors, within the bounds`, async () => {
    const codes = new Map<number | null, number>();
    let slowest = { ms: 0, dir: '' };
    await fc.assert(
      fc.asyncProperty(input, async ({ name, main, linked, parameters, config }) => {
        const dir = openTempDir('aml-ha-gate-fuzz-');
        const files: Record<string, string> = { [name]: main };
        if (linked !== undefined) files['linked.json'] = linked;
        if (parameters !== undefined) files[name.replace(/\.json$/, '.parameters.json')] = parameters;
        if (config !== undefined) files['.github/aml-ha-gate.yml'] = config;
        writeFiles(dir, files);
        const started = Date.now();
        const run = await runBundled(['scan', '.', '--format', 'json'], {
          cwd: dir,
          maxOldSpaceMb: HEAP_MB,
          killAfterMs: KILL_MS,
        });
        const ms = Date.now() - started;
        if (ms > slowest.ms) slowest = { ms, dir };
        codes.set(run.code, (codes.get(run.code) ?? 0) + 1);
        const context = `input in ${dir}\nstderr: ${run.stderr.slice(0, 2000)}`;
        expect({ timedOut: run.timedOut, signal: run.signal, context }).toEqual({
          timedOut: false,
          signal: null,
          context,
        });
        expect({ code: [0, 1, 2].includes(run.code ?? -1), context }).toEqual({ code: true, context });
        expect(run.stderr).not.toMatch(STACK_FRAME);
        expect(run.stdout).not.toMatch(STACK_FRAME);
        expect(run.stderr).not.toMatch(/internal error/);
        if (run.code !== 2) {
          const report = JSON.parse(run.stdout) as { verdict: string };
          expect(['pass', 'fail']).toContain(report.verdict);
        } else {
          // A usage or input error: one line saying what to fix.
          expect(run.stderr.split('\n').filter((line) => line.startsWith('aml-ha-gate: '))).toHaveLength(1);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: !LONG, verbose: LONG ? 1 : 0 },
    );
    if (LONG) {
      const byCode = [...codes].map(([code, count]) => `exit ${code}: ${count}`).join(', ');
      console.log(`fuzz: ${RUNS} inputs, seed ${SEED}; ${byCode}; slowest ${slowest.ms} ms (${slowest.dir})`);
    }
  });
});
