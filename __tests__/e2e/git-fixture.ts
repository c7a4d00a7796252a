/** Small ARM templates and a real git repository with a base and a head commit, for the action's tests. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const TEMPLATE_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const PARAMETERS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';

/** A workspace with its default storage account, whose SKU comes from a parameter. */
export function workspaceTemplate(options: {
  defaultSku: string;
  workspace?: string;
  storage?: string;
  tags?: Record<string, string>;
}): string {
  const storage = options.storage ?? 'stmlws01';
  const workspace = options.workspace ?? 'mlws01';
  return `${JSON.stringify(
    {
      $schema: TEMPLATE_SCHEMA,
      contentVersion: '1.0.0.0',
      parameters: { storageSku: { type: 'string', defaultValue: options.defaultSku } },
      resources: [
        {
          type: 'Microsoft.Storage/storageAccounts',
          apiVersion: '2023-01-01',
          name: storage,
          location: 'eastus',
          sku: { name: "[parameters('storageSku')]" },
          kind: 'StorageV2',
          tags: options.tags ?? {},
        },
        {
          type: 'Microsoft.MachineLearningServices/workspaces',
          apiVersion: '2024-04-01',
          name: workspace,
          location: 'eastus',
          identity: { type: 'SystemAssigned' },
          dependsOn: [`[resourceId('Microsoft.Storage/storageAccounts', '${storage}')]`],
          properties: { storageAccount: `[resourceId('Microsoft.Storage/storageAccounts', '${storage}')]` },
        },
      ],
    },
    null,
    2,
  )}\n`;
}

/** `count` storage accounts with the given SKU, each on its own lines (for many annotations). */
export function manyStorageTemplate(count: number, sku: string): string {
  return `${JSON.stringify(
    {
      $schema: TEMPLATE_SCHEMA,
      contentVersion: '1.0.0.0',
      resources: Array.from({ length: count }, (_, i) => ({
        type: 'Microsoft.Storage/storageAccounts',
        apiVersion: '2023-01-01',
        name: `stmany${String(i).padStart(3, '0')}`,
        location: 'eastus',
        sku: { name: sku },
        kind: 'StorageV2',
      })),
    },
    null,
    2,
  )}\n`;
}

export function parametersFile(values: Record<string, string>): string {
  const parameters = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value }]));
  return `${JSON.stringify({ $schema: PARAMETERS_SCHEMA, contentVersion: '1.0.0.0', parameters }, null, 2)}\n`;
}

export interface GitFixture {
  dir: string;
  baseSha: string;
  headSha: string;
  git(...args: string[]): string;
  cleanup(): void;
}

/** Files to write (path → content; null deletes). */
export type FileSet = Record<string, string | null>;

function apply(dir: string, files: FileSet): void {
  for (const [path, content] of Object.entries(files)) {
    const absolute = join(dir, path);
    if (content === null) rmSync(absolute, { force: true });
    else {
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileSync(absolute, content);
    }
  }
}

/** A repository with a base commit (`base` files) and a head commit on top (`head` changes). */
export function createGitFixture(
  base: FileSet,
  head: FileSet,
  renames: Array<[string, string]> = [],
): GitFixture {
  const dir = mkdtempSync(join(tmpdir(), 'aml-ha-gate-repo-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'commit.gpgsign', 'false');
  apply(dir, base);
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  const baseSha = git('rev-parse', 'HEAD');
  for (const [from, to] of renames) {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    git('mv', from, to);
  }
  apply(dir, head);
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', 'head');
  const headSha = git('rev-parse', 'HEAD');
  return { dir, baseSha, headSha, git, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
