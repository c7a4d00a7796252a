import path from 'node:path';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Node as YamlNode,
  type Pair,
} from 'yaml';
import {
  DEPLOYMENT_SETTINGS,
  validateDeploymentSettings,
  type DeploymentSettingName,
  type DeploymentSettings,
} from './deployment-settings.js';
import { ConfigurationError } from './errors.js';
import { FileAccess, readRegularFile } from './file-access.js';
import { printable } from './report/escape.js';
import { compileGlob, GlobError } from './glob.js';
import type { Status } from './model.js';

export { globMatch } from './glob.js';

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

/**
 * Bounds of the config file (our own format: no Azure limit applies). The YAML parser reads about
 * 100–250 KiB a second on a small runner (measured: 1.1 MB of block YAML in 3.5 s, 160 KB of
 * nested `[` in 7 s), so the file is capped at 256 KiB (about two thousand suppressions with a
 * sentence of reason each) and its flow nesting at 64 levels, checked before parsing.
 */
export const MAX_CONFIG_BYTES = 256 * 1024;
/** Suppressions read: each is checked against every finding, so their number bounds the gate's work. */
export const MAX_SUPPRESSIONS = 2_000;
/** Rule overrides read (there are a few dozen rules). */
export const MAX_RULE_OVERRIDES = 500;
/** Deepest `[`/`{` nesting read (a config file needs three). */
export const MAX_YAML_NESTING = 64;
/** Longest glob: an Azure resource name is at most a few hundred characters, a rule id about forty. */
export const MAX_GLOB_LENGTH = 512;

/**
 * Reads the config file; a missing optional file is an empty config, a missing required one an
 * error. Only a regular file of at most `MAX_CONFIG_BYTES` is read (a FIFO or device is refused,
 * never waited on). The default file (`required: false`, at `<root>/.github/aml-ha-gate.yml`) must
 * stay inside that root once symbolic links are resolved: the repository decides what it holds,
 * not what it points at. `shown` names the file in messages (default: the path).
 */
export async function loadConfigFile(
  file: string,
  options: { required: boolean; shown?: string },
): Promise<GateConfigFile> {
  const shown = options.shown ?? file;
  let text: string;
  try {
    if (!options.required) {
      const root = path.dirname(path.dirname(file));
      const access = new FileAccess([root], { cwd: root });
      const checked = access.check(file, 'the file');
      if (checked instanceof ConfigurationError) {
        if (/ does not exist$/.test(checked.message)) return { ...EMPTY_CONFIG, rules: {}, suppressions: [] };
        throw new ConfigurationError(checked.message, shown);
      }
    }
    text = readRegularFile(file, {
      file: shown,
      maxBytes: MAX_CONFIG_BYTES,
      limitName: 'for the config file: keep it to rules, suppressions and deployment settings',
    });
  } catch (error) {
    const missing = error instanceof ConfigurationError && /^no such file/.test(error.message);
    if (missing && !options.required) return { ...EMPTY_CONFIG, rules: {}, suppressions: [] };
    if (missing)
      throw new ConfigurationError(
        'config file not found. Check the path, or leave the option out to use none.',
        shown,
      );
    throw error;
  }
  return parseConfigFile(text, shown);
}

/**
 * The deepest nesting of flow collections (`[`, `{`) outside quotes and comments, and its line: a
 * linear pre-check, because the parser's time grows fast with nesting.
 */
function flowNesting(text: string): { depth: number; line: number } {
  let depth = 0;
  let deepest = 0;
  let deepestLine = 1;
  let line = 1;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      line++;
      if (quote === undefined) continue;
    }
    if (quote !== undefined) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (ch === '[' || ch === '{') {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        deepestLine = line;
        if (deepest > MAX_YAML_NESTING) break;
      }
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return { depth: deepest, line: deepestLine };
}

/** A value from the file, for a message: escaped, and cut to a readable length. */
function quote(value: unknown): string {
  const text = printable(String(value));
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** A check that each key of a mapping appears once (YAML forbids duplicates; the last would win). */
function uniqueKeys(
  fail: (message: string, node?: YamlNode | Pair | null) => never,
): (seen: Set<string>, key: string, pair: Pair) => void {
  return (seen, key, pair) => {
    if (seen.has(key)) fail(`duplicate key '${quote(key)}': write each key once.`, pair);
    seen.add(key);
  };
}

/** A key as text, or undefined when it is not a plain scalar (a collection or alias as key). */
function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/** Parses and validates the YAML text; every mistake names the file and line and what to write. */
export function parseConfigFile(text: string, fileName: string): GateConfigFile {
  if (text.length > MAX_CONFIG_BYTES) {
    throw new ConfigurationError(
      `the config file is over the ${MAX_CONFIG_BYTES / 1024} KiB limit.`,
      fileName,
    );
  }
  const nesting = flowNesting(text);
  if (nesting.depth > MAX_YAML_NESTING) {
    throw new ConfigurationError(
      `brackets nested more than ${MAX_YAML_NESTING} deep: a config file needs rules: and a list of suppressions.`,
      fileName,
      nesting.line,
    );
  }
  const lineCounter = new LineCounter();
  let document: ReturnType<typeof parseDocument>;
  try {
    // Duplicate keys are found below in linear time: the parser's own check (uniqueKeys) compares
    // every key with every other one (12,000 rule keys took 9 s).
    document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } catch (error) {
    if (error instanceof RangeError)
      throw new ConfigurationError('nested too deeply to read: keep to rules and suppressions.', fileName);
    throw error;
  }
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
  // Anchors and aliases are refused, not expanded: an entry is short enough to write out, and an
  // alias bomb (aliases of aliases) would otherwise grow with every use.
  let reuse: YamlNode | undefined;
  visit(document, {
    Alias(_, node) {
      reuse ??= node;
      return visit.BREAK;
    },
    Node(_, node) {
      if (node.anchor) {
        reuse ??= node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (reuse) {
    fail(
      'anchors and aliases (&name, *name) are not supported in the config file: write each entry out.',
      reuse,
    );
  }
  const config: GateConfigFile = { file: fileName, rules: {}, suppressions: [] };
  const root = document.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return config;
  if (!isMap(root))
    return fail('expected a mapping with `rules:`, `suppressions:` and/or `deployment:`.', root);

  const once = uniqueKeys(fail);
  const topKeys = new Set<string>();
  for (const pair of (root as { items: Pair[] }).items) {
    const key =
      keyText(pair.key) ?? fail('keys must be plain names (rules:, suppressions:, deployment:).', pair);
    once(topKeys, key, pair);
    if (key === 'rules') {
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue;
      if (!isMap(pair.value)) fail('`rules:` must map rule ids to off, fail, warn or info.', pair);
      const rules = (pair.value as { items: Pair[] }).items;
      if (rules.length > MAX_RULE_OVERRIDES) {
        fail(`${rules.length} rule overrides: at most ${MAX_RULE_OVERRIDES} are read (one per rule).`, pair);
      }
      const ids = new Set<string>();
      for (const rule of rules) {
        const id =
          keyText(rule.key) ??
          fail('keys must be plain names (rule ids such as HA.Storage.Redundancy).', rule);
        once(ids, id, rule);
        const value = isScalar(rule.value) ? String(rule.value.value).toLowerCase() : '';
        if (!/^HA\./.test(id))
          fail(
            `unknown rule '${quote(id)}' under rules: rule ids start with HA. (see 'aml-ha-gate rules').`,
            rule,
          );
        if (!OVERRIDES.includes(value as RuleOverride)) {
          fail(
            `invalid override '${quote(value)}' for ${quote(id)}: write one of ${OVERRIDES.join(', ')}.`,
            rule,
          );
        }
        config.rules[id] = value as RuleOverride;
      }
    } else if (key === 'suppressions') {
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue;
      if (!isSeq(pair.value))
        fail('`suppressions:` must be a list of entries with rule, resource and reason.', pair);
      const items = (pair.value as { items: YamlNode[] }).items;
      if (items.length > MAX_SUPPRESSIONS) {
        fail(
          `${items.length} suppressions: at most ${MAX_SUPPRESSIONS} are read. Use globs (rule: HA.Storage.*, resource: "st*") to cover many findings with one entry.`,
          pair,
        );
      }
      for (const item of items) {
        config.suppressions.push(parseSuppression(item, fail, lineOf));
      }
    } else if (key === 'deployment') {
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue;
      config.deployment = parseDeployment(pair, fail);
    } else {
      fail(`unknown key '${quote(key)}': the config file takes rules:, suppressions: and deployment:.`, pair);
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
  const once = uniqueKeys(fail);
  const seen = new Set<string>();
  for (const item of (pair.value as { items: Pair[] }).items) {
    const key = keyText(item.key) ?? fail(`keys must be plain names (${keys.join(', ')}).`, item);
    once(seen, key, item);
    const name = names.find((candidate) => DEPLOYMENT_SETTINGS[candidate].config === key);
    if (!name) return fail(`unknown key '${quote(key)}' under deployment: use ${keys.join(', ')}.`, item);
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
  const once = uniqueKeys(fail);
  const seen = new Set<string>();
  for (const pair of item.items) {
    const key = keyText(pair.key) ?? fail(`keys must be plain names (${SUPPRESSION_KEYS.join(', ')}).`, pair);
    once(seen, key, pair);
    if (!SUPPRESSION_KEYS.includes(key)) {
      fail(`unknown key '${quote(key)}' in a suppression: use ${SUPPRESSION_KEYS.join(', ')}.`, pair);
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
    if (key === 'rule' || key === 'resource' || key === 'workspace') checkGlob(key, fields[key], pair, fail);
  }
  if (!fields.rule)
    fail("a suppression needs 'rule:' (a rule id such as HA.Storage.Redundancy, or a glob).", item);
  if (!fields.reason || fields.reason.trim() === '') {
    fail(
      `the suppression of ${quote(fields.rule)} needs 'reason:': say why the gap is accepted (it is shown in the report).`,
      item,
    );
  }
  if (fields.expires !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(fields.expires)) {
    fail(`invalid expires '${quote(fields.expires)}': write a date as YYYY-MM-DD.`, item);
  }
  if (fields.expires !== undefined && Number.isNaN(Date.parse(`${fields.expires}T00:00:00Z`))) {
    fail(`invalid expires '${quote(fields.expires)}': not a calendar date.`, item);
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

/** A glob of a suppression: bounded in length, and compiled once here so that its mistakes name the line. */
function checkGlob(
  key: string,
  glob: string,
  pair: Pair,
  fail: (message: string, node?: YamlNode | Pair | null) => never,
): void {
  if (glob.length > MAX_GLOB_LENGTH) {
    fail(`the ${key} glob is ${glob.length} characters long: at most ${MAX_GLOB_LENGTH} are read.`, pair);
  }
  try {
    compileGlob(glob);
  } catch (error) {
    if (error instanceof GlobError) fail(`the ${key} glob '${quote(glob)}': ${error.message}.`, pair);
    throw error;
  }
}
