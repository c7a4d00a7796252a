import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { scanHclBlocks } from '../../src/sources/terraform/hcl-blocks.js';

const repoRoot = resolve(import.meta.dirname, '../..');

/** Line (1-based) of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`not found: ${needle}`);
  return index + 1;
}

describe('finding resource blocks and attribute lines in .tf files', () => {
  test('the example: every block, and the attribute lines inside them', () => {
    const text = readFileSync(resolve(repoRoot, 'examples/terraform-workspace/main.tf'), 'utf8');
    const blocks = scanHclBlocks(text);
    expect(blocks.map((b) => `${b.mode}.${b.type}.${b.name}`)).toEqual([
      'data.azurerm_client_config.current',
      'managed.azurerm_resource_group.ml',
      'managed.azurerm_storage_account.ml',
      'managed.azurerm_key_vault.ml',
      'managed.azurerm_container_registry.ml',
      'managed.azurerm_log_analytics_workspace.ml',
      'managed.azurerm_application_insights.ml',
      'managed.azurerm_machine_learning_workspace.ml',
    ]);
    const storage = blocks.find((b) => b.type === 'azurerm_storage_account')!;
    expect(storage.line).toBe(lineOf(text, 'resource "azurerm_storage_account" "ml"'));
    expect(storage.paths.get('account_replication_type')).toBe(lineOf(text, 'account_replication_type'));
    const registry = blocks.find((b) => b.type === 'azurerm_container_registry')!;
    expect(registry.paths.get('georeplications.0')).toBe(lineOf(text, 'georeplications {'));
    expect(registry.paths.get('georeplications.0.location')).toBe(
      lineOf(text, 'location                = "northeurope"'),
    );
    const workspace = blocks.find((b) => b.type === 'azurerm_machine_learning_workspace')!;
    expect(workspace.paths.get('identity.0.type')).toBe(lineOf(text, 'type = "SystemAssigned"'));
  });

  test('braces and keywords inside strings, templates, heredocs and comments are not counted', () => {
    const text = [
      '# resource "azurerm_storage_account" "commented" {',
      '/* resource "azurerm_key_vault" "block_comment" {',
      '   } */',
      'locals {',
      '  tricky = "}}} ${jsonencode({ a = "}" })} %{ if true }{%{ endif }"',
      '}',
      'resource "azurerm_storage_account" "ml" {',
      '  name = "st${var.suffix}"',
      '  tags = {',
      '    "cost-center" = "ml"',
      '    owner         = "${local.team}-{x}"',
      '  }',
      '  description = <<-EOT',
      '    resource "azurerm_key_vault" "in_heredoc" {',
      '    }',
      '    EOT',
      '  account_replication_type = var.ok == "x" ? "ZRS" : "LRS" // a comment {',
      '  network_rules {',
      '    default_action = "Deny"',
      '  }',
      '  network_rules {',
      '    default_action = "Allow"',
      '  }',
      '}',
      'resource azurerm_key_vault unquoted {',
      '  purge_protection_enabled = true',
      '}',
    ].join('\n');
    const blocks = scanHclBlocks(text);
    expect(blocks.map((b) => b.name)).toEqual(['ml', 'unquoted']);
    const [storage, vault] = blocks;
    expect(storage!.line).toBe(7);
    expect(storage!.paths.get('tags.cost-center')).toBe(10);
    expect(storage!.paths.get('tags.owner')).toBe(11);
    expect(storage!.paths.get('description')).toBe(13);
    expect(storage!.paths.get('account_replication_type')).toBe(17);
    expect(storage!.paths.get('network_rules.0.default_action')).toBe(19);
    expect(storage!.paths.get('network_rules.1.default_action')).toBe(22);
    expect(vault!.line).toBe(25);
    expect(vault!.paths.get('purge_protection_enabled')).toBe(26);
  });

  test('azapi bodies: object keys, tuples of objects, and for-expressions it cannot read', () => {
    const text = [
      'resource "azapi_resource" "workspace" {',
      '  type = "Microsoft.MachineLearningServices/workspaces@2024-10-01"',
      '  body = {',
      '    properties = {',
      '      storageAccount = azurerm_storage_account.ml.id',
      '      tags = { for k, v in var.tags : k => v }',
      '      locations = [',
      '        { locationName = "westeurope" },',
      '      ]',
      '    }',
      '  }',
      '  dynamic "identity" {',
      '    for_each = var.identity',
      '    content { type = identity.value }',
      '  }',
      '}',
    ].join('\n');
    const [block] = scanHclBlocks(text);
    expect(block!.paths.get('body.properties.storageAccount')).toBe(5);
    expect(block!.paths.get('body.properties.locations.locationName')).toBe(8);
    expect(block!.paths.get('body.properties.tags')).toBe(6);
    expect([...block!.paths.keys()].some((key) => key.startsWith('body.properties.tags.'))).toBe(false);
  });

  test('an unterminated block or string does not throw', () => {
    expect(() => scanHclBlocks('resource "a" "b" {\n  name = "unterminated\n')).not.toThrow();
    expect(scanHclBlocks('resource "a" "b" {\n  x = 1\n').map((b) => b.name)).toEqual(['b']);
  });
});
