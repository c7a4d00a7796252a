import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigurationError } from '../../src/errors.js';
import { withMarks } from '../../src/sources/terraform/marks.js';
import { decodePlanBytes, readPlan } from '../../src/sources/terraform/plan-format.js';
import { ConfigIndex, parseAddress } from '../../src/sources/terraform/references.js';
import { isUnknown } from '../../src/model.js';
import { buildPlan } from './plan-builder.js';
import { azapiDeclared, nestedModules, workspaceWithGaps, zrsToLrs } from './scenarios.js';

const real = resolve(import.meta.dirname, 'fixtures/real');
const text = (name: string) => readFileSync(join(real, name), 'utf8');

function errorOf(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('reading the JSON of a plan (real Terraform 1.11.4 output in fixtures/real)', () => {
  test('a plan with modules two levels deep, unknowns and a sensitive variable', () => {
    const plan = readPlan(text('modules-sensitive.plan.json'), 'plan.json');
    expect(plan.formatVersion).toBe('1.2');
    expect(plan.terraformVersion).toBe('1.11.4');
    expect(plan.resourceChanges.map((c) => c.address)).toEqual([
      'terraform_data.storage',
      'module.outer.module.inner.terraform_data.workspace',
    ]);
    expect(plan.configuration?.module_calls?.outer?.module?.module_calls?.inner?.source).toBe('./inner');
  });

  test('the state JSON (terraform show -json without a plan) is refused, naming the file and the fix', () => {
    const error = errorOf(() => readPlan(text('state.json'), 'infra/state.json'));
    expect(error.file).toBe('infra/state.json');
    expect(error.message).toMatch(/JSON of a Terraform state .* not of a plan/);
    expect(error.message).toContain('terraform show -json tfplan');
  });

  test('a raw terraform.tfstate is refused as a state file', () => {
    const error = errorOf(() => readPlan(text('terraform.tfstate'), 'terraform.tfstate'));
    expect(error.message).toMatch(/is a Terraform state file \(terraform\.tfstate\), not a plan/);
  });

  test('a truncated plan names the file and the line, and never quotes its text', () => {
    const whole = text('modules-sensitive.plan.json');
    const cut = whole.slice(0, Math.floor(whole.length * 0.6));
    const error = errorOf(() => readPlan(cut, 'plan.json'));
    expect(error.file).toBe('plan.json');
    expect(error.message).toMatch(/truncated/);
    expect(error.line).toBe(1);
    // The sensitive variable's value is in the text (Terraform writes it in clear): never in the message.
    expect(whole).toContain('"Standard"');
    expect(error.message).not.toContain('Standard');
    expect(error.message).not.toContain('terraform_data');
  });

  test('broken JSON in the middle is a syntax error with its line, not "truncated"', () => {
    const pretty = JSON.stringify(JSON.parse(text('modules-sensitive.plan.json')), null, 2);
    const lines = pretty.split('\n');
    lines[5] = `${lines[5]} ???`;
    const error = errorOf(() => readPlan(lines.join('\n'), 'plan.json'));
    expect(error.line).toBe(6);
    expect(error.message).not.toMatch(/truncated/);
    expect(error.message).toMatch(/not valid JSON/);
  });

  test('a new major format version is refused; 0.x (Terraform 0.12–0.15) is read', () => {
    const plan = JSON.parse(text('modules-sensitive.plan.json')) as Record<string, unknown>;
    const error = errorOf(() => readPlan(JSON.stringify({ ...plan, format_version: '2.0' }), 'plan.json'));
    expect(error.message).toMatch(/JSON format 2\.0, which this version of aml-ha-gate cannot read/);
    expect(readPlan(JSON.stringify({ ...plan, format_version: '0.1' }), 'plan.json').formatVersion).toBe(
      '0.1',
    );
  });

  test('an empty file and a JSON file that is no plan', () => {
    expect(errorOf(() => readPlan('', 'plan.json')).message).toMatch(/is empty/);
    expect(errorOf(() => readPlan('[1,2]', 'plan.json')).message).toMatch(/not a JSON object/);
    expect(errorOf(() => readPlan('{"format_version":"1.2"}', 'plan.json')).message).toMatch(
      /no planned_values or resource_changes/,
    );
  });

  test('UTF-16 with a byte order mark (PowerShell 5 redirection) and UTF-8 with one are decoded', () => {
    const json = text('modules-sensitive.plan.json');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]);
    expect(readPlan(decodePlanBytes(utf16), 'plan.json').resourceChanges).toHaveLength(2);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json, 'utf8')]);
    expect(readPlan(decodePlanBytes(bom), 'plan.json').resourceChanges).toHaveLength(2);
  });
});

describe('marks: after_unknown and sensitive leaves', () => {
  test('real output: the sensitive leaf is dropped, the unknown one is "known after apply"', () => {
    const plan = readPlan(text('modules-sensitive.plan.json'), 'plan.json');
    const [storage, workspace] = plan.resourceChanges;
    const storageAttributes = withMarks(
      storage!.change.after,
      storage!.change.after_unknown,
      storage!.change.after_sensitive,
    ) as Record<string, unknown>;
    const input = storageAttributes.input as Record<string, unknown>;
    expect(isUnknown(input.tier)).toBe(true);
    expect(JSON.stringify(storageAttributes)).not.toContain('Standard');
    expect(input.replication).toBe('ZRS');
    expect(isUnknown(storageAttributes.id)).toBe(true);
    const workspaceAttributes = withMarks(
      workspace!.change.after,
      workspace!.change.after_unknown,
      workspace!.change.after_sensitive,
    ) as Record<string, unknown>;
    expect((workspaceAttributes.input as Record<string, unknown>).name).toBe('mlws');
    expect(isUnknown((workspaceAttributes.input as Record<string, unknown>).storage)).toBe(true);
    expect(isUnknown((workspaceAttributes.triggers_replace as unknown[])[0])).toBe(true);
  });
});

describe('references across modules (real output)', () => {
  test('var. in a module two levels deep leads to the root resource through both module calls', () => {
    const plan = readPlan(text('modules-sensitive.plan.json'), 'plan.json');
    const index = new ConfigIndex(
      plan.configuration,
      plan.resourceChanges.map((change) => change.address),
    );
    const inner = parseAddress('module.outer.module.inner.terraform_data.workspace')!;
    expect(inner.modulePath).toEqual(['outer', 'inner']);
    const references = index.referencesAt(inner, 'input');
    expect(references).toEqual(['var.storage_id']);
    expect(index.targets(references, inner)).toEqual(['terraform_data.storage']);
    // And back down: the root output names the inner resource through module outputs.
    expect(
      index.targets(['module.outer.workspace_id', 'module.outer'], parseAddress('terraform_data.storage')!),
    ).toEqual(['module.outer.module.inner.terraform_data.workspace']);
  });

  test('addresses with instance keys', () => {
    expect(parseAddress('module.net["west"].module.ws.azurerm_storage_account.ml[0]')).toEqual({
      modulePrefix: 'module.net["west"].module.ws.',
      modulePath: ['net', 'ws'],
      mode: 'managed',
      type: 'azurerm_storage_account',
      name: 'ml',
      key: '[0]',
    });
    expect(parseAddress('data.azurerm_client_config.current')?.mode).toBe('data');
  });
});

describe('the plans the tests write have the shape of real output', () => {
  /** Key paths of a plan, without the provider-specific attribute names inside values. */
  function shape(value: unknown, path = '', into = new Set<string>()): Set<string> {
    const opaque =
      /(values|after|before|after_unknown|before_sensitive|after_sensitive|sensitive_values|expressions|variables|outputs|provider_config|module_calls|constant_value|input|output)$/;
    if (Array.isArray(value)) {
      for (const item of value) shape(item, `${path}[]`, into);
      return into;
    }
    if (value === null || typeof value !== 'object') return into;
    if (opaque.test(path)) {
      into.add(`${path}{}`);
      return into;
    }
    for (const [key, item] of Object.entries(value)) {
      into.add(`${path}.${key}`);
      shape(item, `${path}.${key}`, into);
    }
    return into;
  }

  test('every key the builder writes is a key Terraform writes in the same place', () => {
    const realShape = new Set([
      ...shape(JSON.parse(text('modules-sensitive.plan.json'))),
      ...shape(JSON.parse(text('update.plan.json'))),
    ]);
    // Keys of the format that the two small real plans happen not to have (documented in the format).
    for (const documented of [
      '.resource_changes[].index',
      '.resource_changes[].action_reason',
      '.planned_values.root_module.resources[].index',
      '.prior_state.values.root_module.child_modules',
      '.prior_state.values.root_module.child_modules[].address',
      '.prior_state.values.root_module.child_modules[].resources',
      '.prior_state.values.root_module.child_modules[].resources[].address',
      '.prior_state.values.root_module.child_modules[].resources[].mode',
      '.prior_state.values.root_module.child_modules[].resources[].type',
      '.prior_state.values.root_module.child_modules[].resources[].name',
      '.prior_state.values.root_module.child_modules[].resources[].provider_name',
      '.prior_state.values.root_module.child_modules[].resources[].schema_version',
      '.prior_state.values.root_module.child_modules[].resources[].values{}',
      '.prior_state.values.root_module.child_modules[].resources[].sensitive_values{}',
      '.planned_values.root_module.child_modules[].child_modules',
      '.planned_values.root_module.child_modules[].resources',
      '.planned_values.root_module.child_modules[].child_modules[].child_modules',
      '.configuration.root_module.module_calls{}',
    ])
      realShape.add(documented);
    for (const spec of [workspaceWithGaps(), zrsToLrs(), nestedModules(), azapiDeclared()]) {
      const built = [...shape(buildPlan(spec))].filter(
        (key) => !realShape.has(key) && !/^\.configuration\.root_module\.resources\[\]/.test(key),
      );
      expect(built).toEqual([]);
    }
  });
});
