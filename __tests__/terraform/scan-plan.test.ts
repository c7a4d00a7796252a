import { describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { silentLogger, type Finding, type Report } from '../../src/model.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderTable } from '../../src/report/table.js';
import { RULES } from '../../src/rules/index.js';
import { scanTemplates, type TemplateScanOptions } from '../../src/scan.js';
import { buildPlan, ref, type PlanSpec } from './plan-builder.js';
import {
  azapiDeclared,
  examplePlan,
  foundryHubAndProject,
  healthyWorkspace,
  nestedModules,
  planJson,
  sensitiveReplication,
  storage,
  workspace,
  workspaceWithGaps,
  zrsToLrs,
} from './scenarios.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const exampleTf = readFileSync(join(repoRoot, 'examples/terraform-workspace/main.tf'), 'utf8');

/** Writes files into a fresh folder and scans it the way the CLI does. */
async function scan(
  files: Record<string, string>,
  options: Partial<TemplateScanOptions> = {},
): Promise<{ report: Report; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'aml-ha-gate-tf-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const report = await scanTemplates({
    paths: ['.'],
    cwd: dir,
    failOn: 'fail',
    unknownAs: 'unknown',
    logger: silentLogger,
    now: new Date('2025-06-02T00:00:00Z'),
    ...options,
  });
  return { report, dir };
}

const find = (report: Report, ruleId: string, name: string): Finding => {
  const found = report.findings.find((f) => f.ruleId === ruleId && f.resource.name === name);
  if (!found)
    throw new Error(
      `no ${ruleId} on ${name}: ${report.findings.map((f) => `${f.ruleId} ${f.resource.name}`).join(', ')}`,
    );
  return found;
};

const lineOf = (text: string, needle: string) =>
  text.split('\n').findIndex((line) => line.includes(needle)) + 1;

describe('a Terraform plan becomes the ARM resources the rules read', () => {
  test('a healthy workspace, first deployment: every id is known after apply, linked through references', async () => {
    const { report } = await scan({ 'plan.json': planJson(healthyWorkspace()) });
    const bad = report.findings.filter((f) => ['fail', 'warn', 'unknown'].includes(f.status));
    expect(bad.map((f) => `${f.ruleId} ${f.resource.name}: ${f.message}`)).toEqual([]);
    expect(report.verdict).toBe('pass');
    const roles = Object.fromEntries(report.findings.map((f) => [f.resource.name, f.resource.role]));
    expect(roles).toMatchObject({
      'mlws-ok': 'workspace',
      stmlwsok: 'defaultStorage',
      'kv-mlws-ok': 'keyVault',
      crmlwsok: 'containerRegistry',
      'appi-mlws-ok': 'applicationInsights',
    });
    const storage = find(report, 'HA.Storage.Redundancy', 'stmlwsok');
    expect(storage.evidence).toEqual({ path: 'sku.name', value: 'Standard_ZRS' });
    expect(storage.workspace).toBe('mlws-ok');
    expect(storage.resource.type).toBe('Microsoft.Storage/storageAccounts');
    expect(find(report, 'HA.Registry.GeoReplication', 'crmlwsok').message).toMatch(
      /replicated to northeurope/,
    );
    expect(find(report, 'HA.AppInsights.Retention', 'appi-mlws-ok').message).toMatch(
      /Log Analytics workspace log-mlws-ok/,
    );
  });

  test('a workspace with every gap of examples/workspace-with-gaps fails the same rules', async () => {
    const { report } = await scan({ 'plan.json': planJson(workspaceWithGaps()) });
    const arm = await scanTemplates({
      paths: ['examples/workspace-with-gaps'],
      cwd: repoRoot,
      failOn: 'fail',
      unknownAs: 'unknown',
      logger: silentLogger,
      now: new Date(),
    });
    const gaps = (r: Report) =>
      [
        ...new Set(
          r.findings
            .filter((f) => f.status === 'fail' || f.status === 'warn')
            .map((f) => `${f.ruleId} ${f.status}`),
        ),
      ].sort();
    expect(gaps(report)).toEqual(gaps(arm));
    expect(gaps(report)).toHaveLength(9);
    expect(report.verdict).toBe('fail');
    // The CMK key's vault: found through encryption.0.key_vault_id, known only after apply.
    expect(find(report, 'HA.KeyVault.Recoverability', 'kv-mlws-gaps')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('customer-managed key of workspace mlws-gaps'),
    });
    // The AKS cluster is attached through the inference cluster: role compute.
    expect(find(report, 'HA.AKS.AvailabilityZones', 'aks-mlws-gaps').resource.role).toBe('compute');
    expect(find(report, 'HA.Compute.ManagedCompute', 'mlws-gaps/cpu-cluster').status).toBe('info');
    expect(find(report, 'HA.PostgreSQL.HighAvailability', 'psql-mlws-gaps').resource.role).toBe('datastore');
    // The sensitive administrator password never reaches the report.
    expect(renderJson(report)).not.toContain('Not-printed-1234!');
  });

  test('an AI Foundry hub with a project: the project uses its hub, found through ai_services_hub_id', async () => {
    const { report } = await scan({ 'plan.json': planJson(foundryHubAndProject()) });
    const project = find(report, 'HA.Workspace.RegistryLinked', 'proj-chat');
    // The hub names no registry, so neither has one Azure ML does not create by itself.
    expect(project.status).toBe('warn');
    expect(project.message).toMatch(/container registry of its hub hub-ml, which names none/);
    expect(project.evidence.value).toBe(find(report, 'HA.Workspace.DisasterRecovery', 'hub-ml').resource.id);
    expect(find(report, 'HA.Workspace.RegistryLinked', 'hub-ml').status).toBe('warn');
    expect(find(report, 'HA.Storage.Redundancy', 'sthub')).toMatchObject({
      status: 'pass',
      workspace: 'hub-ml',
      resource: { role: 'defaultStorage' },
    });
  });

  test('values known only after apply are unknown, and say what they come from', async () => {
    const spec: PlanSpec = {
      resources: [
        {
          address: 'azurerm_storage_account.ml',
          after: storage('stmlwsrandom', 'ZRS'),
          unknown: ['id', 'account_replication_type'],
          expressions: { account_replication_type: ref('random_shuffle.replication.result') },
        },
        {
          address: 'azurerm_machine_learning_workspace.ml',
          after: workspace('mlws-later'),
          unknown: ['id', 'storage_account_id'],
          expressions: { storage_account_id: { references: ['local.storage_id'] } },
        },
      ],
    };
    const { report } = await scan({ 'plan.json': planJson(spec) });
    const storageFinding = find(report, 'HA.Storage.Redundancy', 'stmlwsrandom');
    expect(storageFinding.status).toBe('unknown');
    expect(storageFinding.message).toMatch(/sku\.name is known after apply/);
    // A local value is not in the plan's configuration: the link cannot be followed, and the finding says so.
    expect(find(report, 'HA.Workspace.SharedDefaultStorage', 'mlws-later')).toMatchObject({
      status: 'unknown',
      message: expect.stringContaining('known after apply (storage_account_id = local.storage_id)'),
    });
  });

  test('a change from ZRS to LRS is a regression from the plan itself; an old failure is not', async () => {
    const { report } = await scan(
      { 'plan.json': planJson(zrsToLrs()), 'main.tf': exampleTf },
      { failOn: 'regression' },
    );
    const storageFinding = find(report, 'HA.Storage.Redundancy', 'stmlwstf');
    expect(storageFinding).toMatchObject({ status: 'fail', regression: true });
    expect(storageFinding.message).toMatch(
      /Terraform replaces azurerm_storage_account\.ml \(delete, then create\)/,
    );
    expect(storageFinding.location).toEqual({
      file: 'main.tf',
      line: lineOf(exampleTf, 'account_replication_type'),
    });
    // Purge protection was off before and stays off: reported, not a regression.
    expect(find(report, 'HA.KeyVault.Recoverability', 'kv-mlws-tf')).toMatchObject({
      status: 'warn',
      regression: false,
    });
    expect(report.summary.regressions).toBe(1);
    expect(report.verdict).toBe('fail');
    expect(report.notes).toContain(
      'plan.json: Terraform replaces azurerm_storage_account.ml, azurerm_machine_learning_workspace.ml (the old resource is deleted).',
    );
  });

  test('a saved baseline that already holds the failure accepts it', async () => {
    const first = await scan({ 'plan.json': planJson(zrsToLrs()) }, { failOn: 'never' });
    const { report } = await scan(
      { 'plan.json': planJson(zrsToLrs()) },
      { failOn: 'regression', baseline: first.report.findings },
    );
    expect(report.summary.regressions).toBe(0);
    expect(report.verdict).toBe('pass');
  });

  test('the same change without the ZRS before (a new account) is new and failing: a regression too', async () => {
    const spec = zrsToLrs();
    spec.resources = spec.resources.map((r) =>
      r.address === 'azurerm_storage_account.ml' ? { ...r, before: null, actions: ['create'] } : r,
    );
    const { report } = await scan({ 'plan.json': planJson(spec) }, { failOn: 'regression' });
    expect(find(report, 'HA.Storage.Redundancy', 'stmlwstf').regression).toBe(true);
  });

  test('a deletion is named in the notes, and what it takes away is judged (the last replica of a registry)', async () => {
    const before = {
      name: 'crdel',
      location: 'westeurope',
      resource_group_name: 'rg',
      sku: 'Premium',
      georeplications: [{ location: 'northeurope', zone_redundancy_enabled: false }],
    };
    const spec: PlanSpec = {
      resources: [
        {
          address: 'azurerm_container_registry.ml',
          before: {
            ...before,
            id: '/subscriptions/3f2c8a61-7d4e-4b1a-9c55-0e8f2b6d1a90/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/crdel',
          },
          after: {
            ...before,
            georeplications: [],
            id: '/subscriptions/3f2c8a61-7d4e-4b1a-9c55-0e8f2b6d1a90/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/crdel',
          },
        },
        { address: 'azurerm_storage_account.old', before: storage('stold', 'LRS'), after: null },
      ],
    };
    const { report } = await scan({ 'plan.json': planJson(spec) }, { failOn: 'regression' });
    expect(find(report, 'HA.Registry.GeoReplication', 'crdel')).toMatchObject({
      status: 'warn',
      regression: true,
    });
    expect(report.findings.some((f) => f.resource.name === 'stold')).toBe(false);
    expect(report.notes?.some((note) => note.includes('Terraform deletes azurerm_storage_account.old'))).toBe(
      true,
    );
  });

  test('modules two levels deep: linked through var. and module calls, located in the module that declares it', async () => {
    const root = [
      'resource "azurerm_storage_account" "shared" {',
      '  name                     = "stmlwsmod"',
      '  account_tier             = "Standard"',
      '  account_replication_type = "GRS"',
      '}',
      'module "ml" {',
      '  source             = "./modules/ml"',
      '  storage_account_id = azurerm_storage_account.shared.id',
      '}',
    ].join('\n');
    const middle =
      'variable "storage_account_id" {}\nmodule "workspace" {\n  source = "./workspace"\n  storage_account_id = var.storage_account_id\n}\n';
    const inner = [
      'variable "storage_account_id" {}',
      'resource "azurerm_key_vault" "this" {',
      '  purge_protection_enabled = true',
      '}',
      'resource "azurerm_machine_learning_workspace" "this" {',
      '  name               = "mlws-mod"',
      '  storage_account_id = var.storage_account_id',
      '  key_vault_id       = azurerm_key_vault.this.id',
      '}',
    ].join('\n');
    const { report } = await scan({
      'infra/plan.json': planJson(nestedModules()),
      'infra/main.tf': root,
      'infra/modules/ml/main.tf': middle,
      'infra/modules/ml/workspace/main.tf': inner,
    });
    const storageFinding = find(report, 'HA.Storage.Redundancy', 'stmlwsmod');
    expect(storageFinding).toMatchObject({
      status: 'warn',
      workspace: 'mlws-mod',
      resource: { role: 'defaultStorage' },
      location: { file: 'infra/main.tf', line: 4 },
    });
    expect(find(report, 'HA.Storage.DefaultStorageGeoFailover', 'stmlwsmod').status).toBe('warn');
    expect(find(report, 'HA.KeyVault.Recoverability', 'kv-mlws-mod')).toMatchObject({
      workspace: 'mlws-mod',
      location: { file: 'infra/modules/ml/workspace/main.tf', line: 3 },
    });
    expect(find(report, 'HA.Workspace.SharedDefaultStorage', 'mlws-mod').location).toEqual({
      file: 'infra/modules/ml/workspace/main.tf',
      line: 7,
    });
  });

  test('a module from the registry is found through .terraform/modules/modules.json, or the notes say why not', async () => {
    const spec = nestedModules();
    spec.modules!.ml!.source = 'Azure/avm-ptn-ml/azurerm';
    const inner = 'resource "azurerm_key_vault" "this" {\n  purge_protection_enabled = true\n}\n';
    const without = await scan({ 'plan.json': planJson(spec) });
    expect(find(without.report, 'HA.KeyVault.Recoverability', 'kv-mlws-mod').location).toBeUndefined();
    expect(without.report.notes?.join('\n')).toMatch(
      /module\.ml comes from Azure\/avm-ptn-ml\/azurerm, not a local folder, and \.terraform\/modules\/modules\.json beside the plan does not list it/,
    );
    const manifest = JSON.stringify({
      Modules: [
        { Key: '', Source: '', Dir: '.' },
        {
          Key: 'ml',
          Source: 'registry.terraform.io/Azure/avm-ptn-ml/azurerm',
          Version: '0.3.0',
          Dir: '.terraform/modules/ml',
        },
      ],
    });
    const { report } = await scan({
      'plan.json': planJson(spec),
      '.terraform/modules/modules.json': manifest,
      '.terraform/modules/ml/workspace/main.tf': inner,
    });
    expect(find(report, 'HA.KeyVault.Recoverability', 'kv-mlws-mod').location).toEqual({
      file: '.terraform/modules/ml/workspace/main.tf',
      line: 2,
    });
  });

  test('azapi: workspace body linked to CMK Cosmos DB, a JSON-string body, a replica, and a patch', async () => {
    const { report } = await scan({ 'plan.json': planJson(azapiDeclared()) });
    expect(find(report, 'HA.Cosmos.MultiRegion', 'cosmos-mlws-api')).toMatchObject({
      status: 'pass',
      workspace: 'mlws-api',
      resource: { role: 'cosmosDb', type: 'Microsoft.DocumentDB/databaseAccounts' },
    });
    expect(find(report, 'HA.Workspace.CmkCosmosDb', 'mlws-api').message).toMatch(
      /your own Cosmos DB account \(cosmos-mlws-api\)/,
    );
    expect(find(report, 'HA.Storage.Redundancy', 'stmlwsapi').resource.role).toBe('defaultStorage');
    // The registry's Premium SKU comes from an azapi 1.x JSON-string body; its replica is its own azapi resource.
    expect(find(report, 'HA.Registry.GeoReplication', 'crmlwsapi')).toMatchObject({
      status: 'pass',
      message: 'Premium registry replicated to northeurope.',
    });
    // azapi_update_resource turns on purge protection of the azurerm vault.
    expect(find(report, 'HA.KeyVault.Recoverability', 'kv-mlws-api').status).toBe('pass');
  });

  test('azapi_update_resource of a resource the plan does not declare: unknown, never a guess', async () => {
    const spec: PlanSpec = {
      resources: [
        {
          address: 'azapi_update_resource.sku',
          after: {
            type: 'Microsoft.Storage/storageAccounts@2023-05-01',
            resource_id:
              '/subscriptions/3f2c8a61-7d4e-4b1a-9c55-0e8f2b6d1a90/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stexisting',
            body: { properties: { minimumTlsVersion: 'TLS1_2' } },
          },
          unknown: ['id', 'output'],
        },
      ],
    };
    const { report } = await scan({ 'plan.json': planJson(spec) });
    expect(find(report, 'HA.Storage.Redundancy', 'stexisting')).toMatchObject({
      status: 'unknown',
      message: expect.stringContaining('changes only part of stexisting, which this plan does not declare'),
    });
  });
});

describe('the other services of the mapping', () => {
  test('node pools, SQL with a failover group, MySQL, Databricks, container groups, HDInsight, datastores', async () => {
    const group = 'rg-data';
    const spec: PlanSpec = {
      resources: [
        {
          address: 'azurerm_kubernetes_cluster.aks',
          after: {
            name: 'aks-zonal',
            location: 'westeurope',
            resource_group_name: group,
            sku_tier: 'Standard',
            default_node_pool: [{ name: 'system', type: 'VirtualMachineScaleSets', zones: ['1', '2', '3'] }],
          },
          unknown: ['id'],
        },
        {
          address: 'azurerm_kubernetes_cluster_node_pool.gpu',
          after: { name: 'gpu', vm_size: 'Standard_NC6s_v3', zones: null },
          unknown: ['id', 'kubernetes_cluster_id'],
          expressions: { kubernetes_cluster_id: ref('azurerm_kubernetes_cluster.aks.id') },
        },
        {
          address: 'azurerm_mssql_server.sql',
          after: { name: 'sql-ml', location: 'westeurope', resource_group_name: group },
          unknown: ['id'],
        },
        {
          address: 'azurerm_mssql_database.features',
          after: { name: 'features', sku_name: 'BC_Gen5_2', zone_redundant: true },
          unknown: ['id', 'server_id'],
          expressions: { server_id: ref('azurerm_mssql_server.sql.id') },
        },
        {
          address: 'azurerm_mssql_failover_group.fog',
          after: {
            name: 'fog-ml',
            partner_server: [
              { id: '/subscriptions/x/resourceGroups/dr/providers/Microsoft.Sql/servers/sql-dr' },
            ],
          },
          unknown: ['id', 'server_id', 'databases'],
          expressions: {
            server_id: ref('azurerm_mssql_server.sql.id'),
            databases: ref('azurerm_mssql_database.features.id'),
          },
        },
        {
          address: 'azurerm_mysql_flexible_server.meta',
          after: {
            name: 'mysql-ml',
            location: 'westeurope',
            resource_group_name: group,
            sku_name: 'B_Standard_B1s',
            geo_redundant_backup_enabled: true,
          },
          unknown: ['id'],
        },
        {
          address: 'azurerm_postgresql_server.old',
          after: {
            name: 'psql-single',
            location: 'westeurope',
            resource_group_name: group,
            sku_name: 'GP_Gen5_2',
          },
          unknown: ['id'],
        },
        {
          address: 'azurerm_databricks_workspace.dbw',
          after: { name: 'dbw-ml', location: 'westeurope', resource_group_name: group, sku: 'premium' },
          unknown: ['id'],
        },
        {
          address: 'azurerm_container_group.aci',
          after: { name: 'aci-ml', location: 'westeurope', resource_group_name: group, zones: ['1'] },
          unknown: ['id'],
        },
        {
          address: 'azurerm_hdinsight_spark_cluster.spark',
          after: {
            name: 'hdi-ml',
            location: 'westeurope',
            resource_group_name: group,
            roles: [
              {
                head_node: [{ vm_size: 'Standard_E8_V3', username: 'acctestusrvm' }],
                worker_node: [{ vm_size: 'Standard_E8_V3', target_instance_count: 3 }],
                zookeeper_node: [{ vm_size: 'Medium' }],
              },
            ],
          },
          unknown: ['id'],
        },
      ],
    };
    const { report } = await scan({ 'plan.json': planJson(spec) });
    expect(find(report, 'HA.AKS.AvailabilityZones', 'aks-zonal')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('Node pool gpu has no availability zones'),
    });
    expect(find(report, 'HA.Sql.ZoneRedundancy', 'sql-ml/features').status).toBe('pass');
    expect(find(report, 'HA.Sql.GeoReplication', 'sql-ml/features').status).toBe('pass');
    expect(find(report, 'HA.MySQL.HighAvailability', 'mysql-ml')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('Burstable tier'),
    });
    expect(find(report, 'HA.MySQL.GeoRedundantBackup', 'mysql-ml').status).toBe('pass');
    expect(find(report, 'HA.Databricks.RegionalDR', 'dbw-ml').status).toBe('info');
    expect(find(report, 'HA.PostgreSQL.SingleServerRetired', 'psql-single').status).toBe('fail');
    expect(find(report, 'HA.ContainerInstances.Orchestrator', 'aci-ml').message).toMatch(/pinned to zone 1/);
    expect(find(report, 'HA.HDInsight.HeadNodes', 'hdi-ml')).toMatchObject({
      status: 'pass',
      message: expect.stringContaining('fixed 2'),
    });
  });

  test('a datastore links its storage account through the container, even when every id is known after apply', async () => {
    const spec: PlanSpec = {
      resources: [
        { address: 'azurerm_storage_account.ml', after: storage('stdefault', 'ZRS'), unknown: ['id'] },
        { address: 'azurerm_storage_account.lake', after: storage('stlake', 'LRS'), unknown: ['id'] },
        { address: 'azurerm_storage_account.other', after: storage('stother', 'LRS'), unknown: ['id'] },
        {
          address: 'azurerm_machine_learning_workspace.a',
          after: workspace('mlws-a'),
          unknown: ['id', 'storage_account_id'],
          expressions: { storage_account_id: ref('azurerm_storage_account.ml.id') },
        },
        {
          address: 'azurerm_machine_learning_workspace.b',
          after: workspace('mlws-b'),
          unknown: ['id', 'storage_account_id'],
          expressions: { storage_account_id: ref('azurerm_storage_account.other.id') },
        },
        {
          address: 'azurerm_storage_container.data',
          after: { name: 'data', container_access_type: 'private' },
          unknown: ['id', 'storage_account_id'],
          expressions: { storage_account_id: ref('azurerm_storage_account.lake.id') },
        },
        {
          address: 'azurerm_machine_learning_datastore_blobstorage.data',
          after: { name: 'lake' },
          unknown: ['id', 'workspace_id', 'storage_container_id'],
          expressions: {
            workspace_id: ref('azurerm_machine_learning_workspace.a.id'),
            storage_container_id: ref('azurerm_storage_container.data.id'),
          },
        },
      ],
    };
    const { report } = await scan({ 'plan.json': planJson(spec) });
    // Two workspaces: no lone-workspace fallback; the link comes from the datastore itself.
    expect(find(report, 'HA.Storage.Redundancy', 'stlake')).toMatchObject({
      workspace: 'mlws-a',
      resource: { role: 'datastore' },
    });
  });
});

describe('sensitive values are never printed', () => {
  test('a replication type from a sensitive variable: unknown, and in no report format', async () => {
    const text = planJson(sensitiveReplication());
    expect(text).toContain('"RAGRS"'); // Terraform writes sensitive values in clear text, flagged
    const { report } = await scan({ 'plan.json': text });
    const finding = find(report, 'HA.Storage.Redundancy', 'stmlwssecret');
    expect(finding.status).toBe('unknown');
    expect(finding.message).toMatch(/sensitive in the plan \(value not shown\)/);
    for (const rendered of [
      renderJson(report),
      renderMarkdown(report, RULES),
      renderSarif(report, RULES),
      renderTable(report, { color: false }),
    ]) {
      expect(rendered).not.toContain('RAGRS');
    }
  });
});

describe('bad plans are file errors, and the other files still count', () => {
  test('a truncated plan beside a good one', async () => {
    const good = planJson(healthyWorkspace());
    const { report } = await scan({
      'good/plan.json': good,
      'bad/plan.json': good.slice(0, 900),
    });
    expect(report.errors).toEqual([
      { file: 'bad/plan.json', line: 1, message: expect.stringMatching(/truncated/) },
    ]);
    expect(report.findings.some((f) => f.resource.name === 'mlws-ok')).toBe(true);
    expect(report.verdict).toBe('fail');
  });

  test('a plan Terraform did not finish (errored) is partial: a file error, findings still shown', async () => {
    const plan = buildPlan(healthyWorkspace());
    plan.errored = true;
    plan.applyable = false;
    const { report } = await scan({ 'plan.json': JSON.stringify(plan) });
    expect(report.errors[0]).toMatchObject({
      file: 'plan.json',
      message: expect.stringMatching(/stopped planning on an error/),
    });
    expect(report.findings.length).toBeGreaterThan(0);
  });
});

describe('examples/terraform-workspace', () => {
  test('its plan.json is the plan the tests describe (regenerate it from examplePlan() after a change)', () => {
    const committed = JSON.parse(
      readFileSync(join(repoRoot, 'examples/terraform-workspace/plan.json'), 'utf8'),
    ) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildPlan(examplePlan()))));
  });
});
