import { readFile } from 'node:fs/promises';
import picomatch from 'picomatch';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair } from 'yaml';
import {
  DEPLOYMENT_SETTINGS,
  validateDeploymentSettings,
  type DeploymentSettingName,
  type DeploymentSettings,
} from './deployment-settings.js';
import { ConfigurationError } from './errors.js';
import type { Status } from './model.js';

/** A per-rule override: `off` drops the rule's findings, a status replaces theirs. */
export type RuleOverride = 'off' | Extract<Status, 'fail' | 'warn' | 'info'>;

export interface Suppression {
  /** Rule id or glob (`HA.Storage.*`). */
  rule: string;
  /** Glob on the resource name; `*` when not given. */
  resource: string;
  /** Glob on the workspace name; any workspace when not given. */
  workspace?: string;
  reason: string;
  /** ISO date (YYYY-MM-DD); the suppression stops applying after it. */
  expires?: string;
  /** Where it was written, for messages. */
  line?: number;
}

/** `.github/aml-ha-gate.yml`: suppressions, per-rule overrides and where the templates deploy. */
export interface GateConfigFile {
  file?: string;
  rules: Record<string, RuleOverride>;
  suppressions: Suppression[];
  /** `deployment:`: the subscription, resource group, location, … templates are evaluated in. */
  deployment?: DeploymentSettings;
}

export const EMPTY_CONFIG: GateConfigFile = { rules: {}, suppressions: [] };

const OVERRIDES: readonly RuleOverride[] = ['off', 'fail', 'warn', 'info'];
const SUPPRESSION_KEYS = ['rule', 'resource', 'workspace', 'reason', 'expires'];

/** Reads the config file; a missing optional file is an empty config, a missing required one an error. */
export async function loadConfigFile(path: string, options: { required: boolean }): Promise<GateConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    if (!options.required) return { ...EMPTY_CONFIG, rules: {}, suppressions: [] };
    throw new ConfigurationError(
      'config file not found. Check the path, or leave the option out to use none.',
      path,
    );
  }
  return parseConfigFile(text, path);
}

/** Parses and validates the YAML text; every mistake names the file and line and what to write. */
export function parseConfigFile(text: string, fileName: string): GateConfigFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (node: YamlNode | Pair | null | undefined): number | undefined => {
    const range = node && 'range' in node ? node.range : undefined;
    if (range) return lineCounter.linePos(range[0]).line;
    const key = node && 'key' in node ? (node.key as YamlNode | null) : undefined;
    return key?.range ? lineCounter.linePos(key.range[0]).line : undefined;
  };
  const fail = (message: string, node?: YamlNode | Pair | null): never => {
    throw new ConfigurationError(message, fileName, lineOf(node));
  };
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    throw new ConfigurationError(
      `not valid YAML: ${error.message.split('\n')[0]}`,
      fileName,
      lineCounter.linePos(error.pos[0]).line,
    );
  }
  const config: GateConfigFile = { file: fileName, rules: {}, suppressions: [] };
  const root = document.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return config;
  if (!isMap(root))
    return fail('expected a mapping with `rules:`, `suppressions:` and/or `deployment:`.', root);

  for (const pair of root.items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    if (key === 'rules') {
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue;
      if (!isMap(pair.value)) fail('`rules:` must map rule ids to off, fail, warn or info.', pair);
      for (const rule of (pair.value as { items: Pair[] }).items) {
        const id = String(isScalar(rule.key) ? rule.key.value : rule.key);
        const value = isScalar(rule.value) ? String(rule.value.value).toLowerCase() : '';
        if (!/^HA\./.test(id))
          fail(`unknown rule '${id}' under rules: rule ids start with HA. (see 'aml-ha-gate rules').`, rule);
        if (!OVERRIDES.includes(value as RuleOverride)) {
          fail(`invalid override '${value}' for ${id}: write one of ${OVERRIDES.join(', ')}.`, rule);
        }
        config.rules[id] = value as RuleOverride;
      }
    } else if (key === 'suppressions') {
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue;
      if (!isSeq(pair.value))
        fail('`suppressions:` must be a list of entries with rule, resource and reason.', pair);
      for (const item of (pair.value as { items: YamlNode[] }).items) {
        config.suppressions.push(parseSuppression(item, fail, lineOf));
      }
    } else if (key === 'deployment') {
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue;
      config.deployment = parseDeployment(pair, fail);
    } else {
      fail(`unknown key '${key}': the config file takes rules:, suppressions: and deployment:.`, pair);
    }
  }
  return config;
}

/** `deployment:` maps setting names (subscriptionId, resourceGroup, location, …) to values. */
function parseDeployment(
  pair: Pair,
  fail: (message: string, node?: YamlNode | Pair | null) => never,
): DeploymentSettings {
  const names = Object.keys(DEPLOYMENT_SETTINGS) as DeploymentSettingName[];
  const keys = names.map((name) => DEPLOYMENT_SETTINGS[name].config);
  if (!isMap(pair.value)) fail(`\`deployment:\` must map ${keys.join(', ')} to values.`, pair);
  const settings: DeploymentSettings = {};
  for (const item of (pair.value as { items: Pair[] }).items) {
    const key = String(isScalar(item.key) ? item.key.value : item.key);
    const name = names.find((candidate) => DEPLOYMENT_SETTINGS[candidate].config === key);
    if (!name) return fail(`unknown key '${key}' under deployment: use ${keys.join(', ')}.`, item);
    const value = isScalar(item.value) ? item.value.value : undefined;
    if (value === undefined || value === null || typeof value === 'object')
      fail(`'deployment.${key}' must be a single value.`, item);
    try {
      Object.assign(
        settings,
        validateDeploymentSettings({ [name]: String(value) }, () => `deployment.${key}`),
      );
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error), item);
    }
  }
  return settings;
}

function parseSuppression(
  item: YamlNode,
  fail: (message: string, node?: YamlNode | Pair | null) => never,
  lineOf: (node: YamlNode | Pair | null | undefined) => number | undefined,
): Suppression {
  if (!isMap(item))
    return fail(
      'each suppression is a mapping with rule, resource, reason (and optional workspace, expires).',
      item,
    );
  const fields: Record<string, string> = {};
  for (const pair of item.items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    if (!SUPPRESSION_KEYS.includes(key)) {
      fail(`unknown key '${key}' in a suppression: use ${SUPPRESSION_KEYS.join(', ')}.`, pair);
    }
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (value === undefined || value === null || typeof value === 'object') {
      if (value instanceof Date) {
        fields[key] = value.toISOString().slice(0, 10);
        continue;
      }
      fail(`'${key}' of a suppression must be a single value.`, pair);
    }
    fields[key] = String(value);
  }
  if (!fields.rule)
    fail("a suppression needs 'rule:' (a rule id such as HA.Storage.Redundancy, or a glob).", item);
  if (!fields.reason || fields.reason.trim() === '') {
    fail(
      `the suppression of ${fields.rule} needs 'reason:': say why the gap is accepted (it is shown in the report).`,
      item,
    );
  }
  if (fields.expires !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(fields.expires)) {
    fail(`invalid expires '${fields.expires}': write a date as YYYY-MM-DD.`, item);
  }
  if (fields.expires !== undefined && Number.isNaN(Date.parse(`${fields.expires}T00:00:00Z`))) {
    fail(`invalid expires '${fields.expires}': not a calendar date.`, item);
  }
  return {
    rule: fields.rule!,
    resource: fields.resource ?? '*',
    workspace: fields.workspace,
    reason: fields.reason!.trim(),
    expires: fields.expires,
    line: lineOf(item),
  };
}

/** Case-insensitive glob match, as suppressions use them. */
export function globMatch(glob: string, value: string): boolean {
  return picomatch.isMatch(value, glob, { nocase: true, dot: true, bash: true });
}
