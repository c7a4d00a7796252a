/**
 * Scale benchmark (`npm run bench:scale`): generated inputs at sizes N, 2N and 4N, each measured in
 * a child process of its own (peak RSS is per process), so that a step whose time grows faster
 * than its input shows as a ratio well above 2 between sizes.
 *
 * - template: one ARM template of 200, 400 and 800 resources (ARM's limit).
 * - templates: many ARM templates in one scan (up to 25 × 800 resources = 20,000: workspaces with
 *   their storage, key vault, registry, Cosmos DB, AKS, SQL and PostgreSQL, computes and
 *   datastores), timed step by step: discover → expand → graph → rules → gate → table, Markdown,
 *   JSON, SARIF, annotations.
 * - fan-out: linked templates (`templateLink.relativePath`), 30 deployments per template, 1 to 5
 *   levels deep: how far evaluation gets before the work budget stops it, how long that takes, and
 *   the error the user sees.
 * - terraform: a plan of up to 20,000 resources (module instances of a workspace with gaps).
 * - baseline: a diff of up to 20,000 findings against a baseline report of as many.
 *
 * Usage: node --expose-gc --import tsx bench/scale.ts [scenario ...] [--sizes 1,2,4]
 *   (a scenario: templates | fanout | terraform | baseline; default: all).
 * Times are CPU time (user + system) of each step: wall time on a shared machine varies. The
 * ratios between sizes are the figures to read.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateResources } from '../src/engine.js';
import { applyGate, markRegressions, parseBaselineReport } from '../src/gate.js';
import { linkResources } from '../src/graph.js';
import { silentLogger, type Finding, type Report } from '../src/model.js';
import { buildAnnotations } from '../src/report/checkrun.js';
import { COMMENT_LIMIT } from '../src/report/comment.js';
import { renderJson } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderSarif } from '../src/report/sarif.js';
import { renderTable } from '../src/report/table.js';
import { RULES, needsLines } from '../src/rules/index.js';
import { scanTemplates } from '../src/scan.js';
import { deploymentContextFor } from '../src/sources/arm/deployment-context.js';
import { discoverTemplates } from '../src/sources/discover.js';
import { loadTemplates } from '../src/sources/templates.js';
import { buildPlan } from '../__tests__/terraform/plan-builder.js';
import { workspacesWithGaps, workspaceWithGaps } from '../__tests__/terraform/scenarios.js';

const SCENARIOS = ['template', 'templates', 'fanout', 'terraform', 'baseline'] as const;
type Scenario = (typeof SCENARIOS)[number];

/** What one child process reports: time per step (ms), peak RSS, and facts about the run. */
interface Sample {
  steps: Record<string, number>;
  peakMb: number;
  facts: string;
}

// ---------------------------------------------------------------------------------------------
// Inputs

const GROUP = 16; // resources per workspace group below
const PER_TEMPLATE = 800; // ARM's limit

/** One workspace with everything around it: 16 resources, names unique per template and group. */
function workspaceGroup(t: number, g: number): unknown[] {
  const s = `t${t}g${g}`;
  const rid = (type: string, name: string) => `[resourceId('${type}', ${name})]`;
  // Every other group names its storage and cluster in another resource group, as templates that
  // split a platform over several groups do: ids differ, linking goes by type and name.
  const elsewhere = (type: string, name: string) =>
    g % 2 === 1 ? `[resourceId('rg-shared', '${type}', ${name})]` : rid(type, name);
  const named = (base: string) => `concat(variables('prefix'), '${base}${g}')`;
  const ws = `[${named('ws')}]`;
  const location = "[parameters('location')]";
  return [
    {
      type: 'Microsoft.Storage/storageAccounts',
      apiVersion: '2023-01-01',
      name: `[${named('st')}]`,
      location,
      sku: { name: "[parameters('storageSku')]" },
      kind: 'StorageV2',
      properties: { minimumTlsVersion: 'TLS1_2' },
    },
    {
      type: 'Microsoft.KeyVault/vaults',
      apiVersion: '2023-02-01',
      name: `[${named('kv')}]`,
      location,
      properties: {
        tenantId: '[subscription().tenantId]',
        sku: { family: 'A', name: 'standard' },
        enablePurgeProtection: g % 2 === 0,
      },
    },
    {
      type: 'Microsoft.ContainerRegistry/registries',
      apiVersion: '2023-07-01',
      name: `[${named('cr')}]`,
      location,
      sku: { name: g % 3 === 0 ? 'Premium' : 'Standard' },
      properties: { adminUserEnabled: false },
    },
    {
      type: 'Microsoft.ContainerRegistry/registries/replications',
      apiVersion: '2023-07-01',
      name: `[concat(${named('cr')}, '/westus')]`,
      location: 'westus',
      dependsOn: [rid('Microsoft.ContainerRegistry/registries', named('cr'))],
      properties: {},
    },
    {
      type: 'Microsoft.Insights/components',
      apiVersion: '2020-02-02',
      name: `[${named('appi')}]`,
      location,
      kind: 'web',
      properties: { Application_Type: 'web' },
    },
    {
      type: 'Microsoft.DocumentDB/databaseAccounts',
      apiVersion: '2023-04-15',
      name: `[${named('cosmos')}]`,
      location,
      properties: {
        databaseAccountOfferType: 'Standard',
        locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: false }],
      },
    },
    {
      type: 'Microsoft.ContainerService/managedClusters',
      apiVersion: '2024-02-01',
      name: `[${named('aks')}]`,
      location,
      properties: {
        dnsPrefix: s,
        agentPoolProfiles: [{ name: 'system', mode: 'System', count: 3, vmSize: 'Standard_D4s_v5' }],
      },
    },
    {
      type: 'Microsoft.DBforPostgreSQL/flexibleServers',
      apiVersion: '2022-12-01',
      name: `[${named('psql')}]`,
      location,
      sku: { name: 'Standard_D2ds_v4', tier: 'GeneralPurpose' },
      properties: { version: '15', highAvailability: { mode: 'Disabled' } },
    },
    {
      type: 'Microsoft.Sql/servers',
      apiVersion: '2023-05-01-preview',
      name: `[${named('sql')}]`,
      location,
      properties: { administratorLogin: 'admin' },
    },
    {
      type: 'Microsoft.Sql/servers/databases',
      apiVersion: '2023-05-01-preview',
      name: `[concat(${named('sql')}, '/db')]`,
      location,
      dependsOn: [rid('Microsoft.Sql/servers', named('sql'))],
      sku: { name: 'GP_Gen5_2' },
      properties: { zoneRedundant: false },
    },
    {
      type: 'Microsoft.MachineLearningServices/workspaces',
      apiVersion: '2024-04-01',
      name: ws,
      location,
      identity: { type: 'SystemAssigned' },
      dependsOn: [
        rid('Microsoft.Storage/storageAccounts', named('st')),
        rid('Microsoft.KeyVault/vaults', named('kv')),
        rid('Microsoft.ContainerRegistry/registries', named('cr')),
        rid('Microsoft.Insights/components', named('appi')),
      ],
      properties: {
        friendlyName: ws,
        storageAccount: elsewhere('Microsoft.Storage/storageAccounts', named('st')),
        keyVault: rid('Microsoft.KeyVault/vaults', named('kv')),
        containerRegistry: rid('Microsoft.ContainerRegistry/registries', named('cr')),
        applicationInsights: rid('Microsoft.Insights/components', named('appi')),
        encryption: {
          status: 'Enabled',
          keyVaultProperties: {
            keyVaultArmId: rid('Microsoft.KeyVault/vaults', named('kv')),
            keyIdentifier: 'https://kv.vault.azure.net/keys/cmk/0123',
          },
          cosmosDbResourceId: rid('Microsoft.DocumentDB/databaseAccounts', named('cosmos')),
        },
      },
    },
    {
      type: 'Microsoft.MachineLearningServices/workspaces/computes',
      apiVersion: '2024-04-01',
      name: `[concat(${named('ws')}, '/aks')]`,
      location,
      dependsOn: [rid('Microsoft.MachineLearningServices/workspaces', named('ws'))],
      properties: {
        computeType: 'AKS',
        resourceId: elsewhere('Microsoft.ContainerService/managedClusters', named('aks')),
      },
    },
    {
      type: 'Microsoft.MachineLearningServices/workspaces/computes',
      apiVersion: '2024-04-01',
      name: `[concat(${named('ws')}, '/cpu')]`,
      location,
      dependsOn: [rid('Microsoft.MachineLearningServices/workspaces', named('ws'))],
      properties: {
        computeType: 'AmlCompute',
        properties: { vmSize: 'STANDARD_DS3_V2', scaleSettings: { minNodeCount: 0, maxNodeCount: 4 } },
      },
    },
    {
      type: 'Microsoft.MachineLearningServices/workspaces/datastores',
      apiVersion: '2020-05-01-preview',
      name: `[concat(${named('ws')}, '/blob')]`,
      dependsOn: [rid('Microsoft.MachineLearningServices/workspaces', named('ws'))],
      properties: { dataStoreType: 'blob', accountName: `[${named('st')}]`, containerName: 'data' },
    },
    {
      type: 'Microsoft.MachineLearningServices/workspaces/datastores',
      apiVersion: '2020-05-01-preview',
      name: `[concat(${named('ws')}, '/sqldb')]`,
      dependsOn: [rid('Microsoft.MachineLearningServices/workspaces', named('ws'))],
      properties: { dataStoreType: 'sqldb', serverName: `[${named('sql')}]`, databaseName: 'db' },
    },
    {
      type: 'Microsoft.MachineLearningServices/workspaces/datastores',
      apiVersion: '2020-05-01-preview',
      name: `[concat(${named('ws')}, '/psql')]`,
      dependsOn: [rid('Microsoft.MachineLearningServices/workspaces', named('ws'))],
      properties: { dataStoreType: 'psql', serverName: `[${named('psql')}]`, databaseName: 'pg' },
    },
  ];
}

/** An ARM template of `count` resources (ARM's limit by default), pretty-printed as people write them. */
function bigTemplate(t: number, count = PER_TEMPLATE): string {
  const resources: unknown[] = [];
  for (let g = 0; resources.length + GROUP <= count; g++) resources.push(...workspaceGroup(t, g));
  return JSON.stringify(
    {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: {
        location: { type: 'string', defaultValue: 'eastus2' },
        storageSku: { type: 'string', defaultValue: 'Standard_LRS' },
      },
      variables: { prefix: `t${t}` },
      resources,
    },
    null,
    2,
  );
}

/**
 * Linked templates, `fanout` deployments per template, `depth` levels: `level0.json` links
 * `level1.json` `fanout` times, and so on; the last level declares a storage account. Each level is
 * one file (the same file linked `fanout` times), so the templates to evaluate number fanout^depth.
 */
function writeFanOut(dir: string, fanout: number, depth: number): void {
  for (let level = 0; level <= depth; level++) {
    const resources =
      level === depth
        ? [
            {
              type: 'Microsoft.Storage/storageAccounts',
              apiVersion: '2023-01-01',
              name: "[concat('st', uniqueString(deployment().name))]",
              location: 'eastus2',
              sku: { name: 'Standard_LRS' },
              kind: 'StorageV2',
            },
          ]
        : [
            {
              type: 'Microsoft.Resources/deployments',
              apiVersion: '2022-09-01',
              name: `[concat(deployment().name, '-${level}-', copyIndex())]`,
              copy: { name: 'links', count: fanout },
              properties: {
                mode: 'Incremental',
                templateLink: { relativePath: `level${level + 1}.json` },
              },
            },
          ];
    writeFileSync(
      path.join(dir, `level${level}.json`),
      JSON.stringify(
        {
          $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
          contentVersion: '1.0.0.0',
          resources,
        },
        null,
        2,
      ),
    );
  }
}

/** `count` findings over distinct resources, statuses spread; `shift` changes some of them. */
function findings(count: number, shift: number): Finding[] {
  const statuses = ['pass', 'fail', 'warn', 'unknown', 'info'] as const;
  return Array.from({ length: count }, (_, i) => ({
    ruleId: `HA.R${i % 23}`,
    status: statuses[(i + (i % 7 === 0 ? shift : 0)) % statuses.length]!,
    message: `finding ${i}`,
    resource: {
      type: 'Microsoft.Storage/storageAccounts',
      name: `st${i}`,
      id: `/x/st${i}`,
      role: 'defaultStorage',
    },
    workspace: `ws${i % 500}`,
    evidence: { path: 'sku.name', value: 'Standard_LRS' },
    location: { file: `t${i % 25}.json`, line: i },
    regression: false,
  }));
}

// ---------------------------------------------------------------------------------------------
// Measuring (in the child)

/** CPU time (user + system, ms): steadier than wall time on a shared machine. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function timed<T>(steps: Record<string, number>, name: string, run: () => T): T {
  const start = cpuNow();
  const result = run();
  steps[name] = (steps[name] ?? 0) + cpuNow() - start;
  return result;
}

async function timedAsync<T>(steps: Record<string, number>, name: string, run: () => Promise<T>): Promise<T> {
  const start = cpuNow();
  const result = await run();
  steps[name] = (steps[name] ?? 0) + cpuNow() - start;
  return result;
}

function renderAll(steps: Record<string, number>, report: Report): void {
  timed(steps, 'table', () => renderTable(report, { color: false }));
  timed(steps, 'markdown', () => renderMarkdown(report, RULES, {}));
  // The action's PR comment: cut to GitHub's size limit.
  timed(steps, 'comment', () => renderMarkdown(report, RULES, { maxLength: COMMENT_LIMIT }));
  timed(steps, 'json', () => renderJson(report));
  timed(steps, 'sarif', () => renderSarif(report, RULES));
  timed(steps, 'annotations', () => buildAnnotations(report));
}

/** `templates` templates of `perTemplate` resources, in one scan, step by step. */
async function measureTemplates(templates: number, perTemplate: number, dir: string): Promise<Sample> {
  for (let t = 0; t < templates; t++)
    writeFileSync(path.join(dir, `t${t}.json`), bigTemplate(t, perTemplate));
  const steps: Record<string, number> = {};
  const now = new Date();
  const files = await timedAsync(steps, 'discover', () => discoverTemplates([dir], dir));
  const loaded = await timedAsync(steps, 'expand', () =>
    loadTemplates(files, {
      cwd: dir,
      deployment: deploymentContextFor({}),
      logger: silentLogger,
      locatable: needsLines,
    }),
  );
  timed(steps, 'graph', () => linkResources(loaded.resources, {}));
  const all = timed(steps, 'graph+rules+lines', () => evaluateResources(loaded.resources, RULES, {}));
  const report = timed(steps, 'gate', () =>
    applyGate(all, loaded.errors, {
      mode: 'templates',
      failOn: 'fail',
      unknownAs: 'unknown',
      now,
      version: 'bench',
    }),
  );
  renderAll(steps, report);
  const workspaces = new Set(report.findings.map((f) => f.workspace).filter(Boolean)).size;
  return {
    steps,
    peakMb: 0,
    facts: `${templates} templates, ${loaded.resources.length} resources, ${report.findings.length} findings, ${workspaces} workspaces, ${loaded.errors.length} errors`,
  };
}

async function measureFanOut(depth: number, dir: string): Promise<Sample> {
  writeFanOut(dir, 30, depth);
  const steps: Record<string, number> = {};
  const report = await timedAsync(steps, 'scan', () =>
    scanTemplates({
      paths: ['level0.json'],
      cwd: dir,
      failOn: 'fail',
      unknownAs: 'unknown',
      logger: silentLogger,
      now: new Date(),
    }),
  );
  renderAll(steps, report);
  const error = report.errors[0];
  return {
    steps,
    peakMb: 0,
    facts: `30-way fan-out, ${depth} level${depth === 1 ? '' : 's'} (${(30 ** depth).toLocaleString('en-US')} leaf templates): ${report.findings.length} findings; ${
      error ? `error ${error.file}:${error.line ?? '?'}: ${error.message}` : 'no error'
    }`,
  };
}

async function measureTerraform(size: number, dir: string): Promise<Sample> {
  const spec = workspacesWithGaps(Math.round((5000 * size) / workspaceWithGaps().resources.length));
  writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(buildPlan(spec)));
  const steps: Record<string, number> = {};
  const report = await timedAsync(steps, 'scan', () =>
    scanTemplates({
      paths: ['plan.json'],
      cwd: dir,
      failOn: 'regression',
      unknownAs: 'unknown',
      logger: silentLogger,
      now: new Date(),
    }),
  );
  renderAll(steps, report);
  return {
    steps,
    peakMb: 0,
    facts: `${spec.resources.length} plan resources, ${report.findings.length} findings, ${report.summary.regressions} regressions`,
  };
}

function measureBaseline(size: number): Sample {
  const count = 5000 * size;
  const baselineText = JSON.stringify({ findings: findings(count, 0) });
  const current = findings(count, 1);
  const steps: Record<string, number> = {};
  const baseline = timed(steps, 'parse', () => parseBaselineReport(baselineText, 'baseline.json'));
  const marked = timed(steps, 'diff', () => markRegressions(current, baseline, 'unknown'));
  const report = timed(steps, 'gate', () =>
    applyGate(current, [], {
      mode: 'templates',
      failOn: 'regression',
      unknownAs: 'unknown',
      baseline,
      now: new Date(),
      version: 'bench',
    }),
  );
  renderAll(steps, report);
  return {
    steps,
    peakMb: 0,
    facts: `${count} findings against ${baseline.length}: ${marked.filter((f) => f.regression).length} regressions`,
  };
}

async function child(scenario: Scenario, size: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'aml-ha-gate-bench-scale-'));
  try {
    mkdirSync(dir, { recursive: true });
    const sample =
      scenario === 'template'
        ? await measureTemplates(1, 200 * size, dir) // one template: 200 … 800 resources
        : scenario === 'templates'
          ? await measureTemplates(5 * size, PER_TEMPLATE, dir) // 4,000 … 16,000 (20,000 at size 5)
          : scenario === 'fanout'
            ? await measureFanOut(size, dir)
            : scenario === 'terraform'
              ? await measureTerraform(size, dir)
              : measureBaseline(size);
    sample.peakMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(`${JSON.stringify(sample)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Driving (the parent)

function runChild(scenario: Scenario, size: number): Sample {
  const script = fileURLToPath(import.meta.url);
  const result = spawnSync(
    process.execPath,
    [...process.execArgv, script, '--child', scenario, String(size)],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (result.status !== 0) throw new Error(`${scenario} ${size}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Sample;
}

function report(scenario: Scenario, sizes: number[]): void {
  const samples = sizes.map((size) => ({ size, sample: runChild(scenario, size) }));
  const label = scenario === 'fanout' ? 'depth' : 'size';
  console.log(`${scenario}:`);
  for (const { size, sample } of samples) console.log(`  ${label} ${size}: ${sample.facts}`);
  const steps = Object.keys(samples[0]!.sample.steps);
  const header = [
    'step'.padEnd(18),
    ...samples.map(({ size }) => `${label} ${size}`.padStart(11)),
    ...(scenario === 'fanout' ? [] : samples.slice(1).map((_, i) => `×${i + 1}`.padStart(7))),
  ];
  console.log(`  ${header.join(' ')}`);
  const row = (name: string, values: number[], unit: string) => {
    const ratios =
      scenario === 'fanout'
        ? []
        : values.slice(1).map((value, i) => (value / Math.max(values[i]!, 0.01)).toFixed(1).padStart(7));
    console.log(
      `  ${name.padEnd(18)} ${values.map((v) => `${v.toFixed(0)} ${unit}`.padStart(11)).join(' ')} ${ratios.join(' ')}`,
    );
  };
  for (const step of steps)
    row(
      step,
      samples.map(({ sample }) => sample.steps[step] ?? 0),
      'ms',
    );
  row(
    'total',
    samples.map(({ sample }) => Object.values(sample.steps).reduce((a, b) => a + b, 0)),
    'ms',
  );
  row(
    'peak RSS',
    samples.map(({ sample }) => sample.peakMb),
    'MB',
  );
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await child(args[1] as Scenario, Number(args[2]));
} else {
  const sizesAt = args.indexOf('--sizes');
  const sizes = sizesAt >= 0 ? args[sizesAt + 1]!.split(',').map(Number) : [1, 2, 4];
  const chosen = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--sizes') as Scenario[];
  for (const scenario of chosen.length > 0 ? chosen : SCENARIOS) {
    if (!SCENARIOS.includes(scenario))
      throw new Error(`unknown scenario ${scenario}: ${SCENARIOS.join(', ')}`);
    report(scenario, scenario === 'fanout' ? [1, 2, 3, 4, 5] : sizes);
    console.log('(CPU ms; ratios: time at this size ÷ time at the previous one, 2.0 is linear)');
  }
}
