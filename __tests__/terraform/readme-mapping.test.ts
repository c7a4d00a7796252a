import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RULES } from '../../src/rules/index.js';
import { AZURERM } from '../../src/sources/terraform/mapping.js';
import {
  renderTerraformMapping,
  TERRAFORM_END,
  TERRAFORM_START,
} from '../../src/sources/terraform/mapping-table.js';

const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

describe('the README documents the Terraform mapping', () => {
  test('its mapping table is the one generated from the mapping data (run `npm run readme` after a change)', () => {
    const from = readme.indexOf(TERRAFORM_START) + TERRAFORM_START.length;
    const to = readme.indexOf(TERRAFORM_END);
    expect(from).toBeGreaterThan(TERRAFORM_START.length);
    expect(readme.slice(from, to).trim()).toBe(renderTerraformMapping(RULES).trim());
  });

  test('every mapped ARM type is a type some rule reads, or is marked as read through another resource', () => {
    const ruleTypes = new Set(RULES.flatMap((rule) => rule.appliesTo.map((type) => type.toLowerCase())));
    const unread = Object.entries(AZURERM)
      .filter(([, mapping]) => !ruleTypes.has(mapping.armType.toLowerCase()) && !mapping.readBy)
      .map(([type]) => type);
    expect(unread).toEqual([]);
  });

  test('the workflow writes the plan JSON and names it in terraform-plan', () => {
    expect(readme).toContain('terraform show -json tfplan > plan.json');
    expect(readme).toMatch(/terraform-plan: infra\/plan\.json/);
  });
});
