import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  EMPTY_CONFIG,
  loadConfigFile,
  parseConfigFile,
  type GateConfigFile,
  type Suppression,
} from '../config-file.js';
import { DEPLOYMENT_SETTINGS, type DeploymentSettingName } from '../deployment-settings.js';
import { describeGitHubError, type GitHubClient } from '../github.js';
import type { Logger } from '../model.js';
import { readFileAtCommit, type ChangedFile } from '../sources/changed.js';
import type { RunContext } from './context.js';
import type { ActionSettings } from './settings.js';

const run = promisify(execFile);

export const DEFAULT_CONFIG_FILE = '.github/aml-ha-gate.yml';

export interface ActionConfig {
  config: GateConfigFile;
  /** What the pull request changes in the config file and which version applied (for the report's notes). */
  note?: string;
}

export interface GateConfigDeps {
  logger: Logger;
  github?: GitHubClient;
  /** The pull request's changed files, when known: an unchanged config file needs no base read. */
  changed?: ChangedFile[];
}

/**
 * The config file the gate applies. Outside a pull request: the checkout's. On a pull request the
 * file is the pull request's to edit, so by default (`config-from: base`) the base commit's version
 * applies: a pull request cannot suppress or switch off its own regression. Any change the pull
 * request makes to the file is named in a note; `config-from: pull-request` applies the pull
 * request's version instead (for teams that protect the file with CODEOWNERS and required reviews).
 */
export async function loadGateConfigForRun(
  settings: ActionSettings,
  context: RunContext,
  deps: GateConfigDeps,
): Promise<ActionConfig> {
  const cwd = context.workspace;
  const shown = settings.config ?? DEFAULT_CONFIG_FILE;
  const head = await loadConfigFile(path.resolve(cwd, shown), {
    required: settings.config !== undefined,
    shown,
  });
  const pr = context.pullRequest;
  if (!pr) return { config: head };

  const repoPath = path.relative(cwd, path.resolve(cwd, shown)).split(path.sep).join('/');
  if (repoPath.startsWith('..')) return { config: head };
  const touched = deps.changed?.some((c) => c.path === repoPath || c.previousPath === repoPath);
  if (deps.changed && !touched) return { config: head };

  const base = await readBaseConfig(repoPath, pr.baseSha, context, deps);
  const baseSha = pr.baseSha.slice(0, 7);
  if (base === 'unreadable') {
    if (settings.configFrom === 'pull-request') return { config: head };
    deps.logger.warning(
      `could not read ${repoPath} at the base commit ${baseSha} (not in the checkout, and no API access): no suppression or rule override applies. Check out with fetch-depth: 0, or set config-from: pull-request if the file is protected by CODEOWNERS.`,
    );
    return { config: { ...EMPTY_CONFIG, rules: {}, suppressions: [] } };
  }
  const baseConfig =
    base === undefined
      ? { ...EMPTY_CONFIG, rules: {}, suppressions: [] }
      : parseConfigFile(base, `${repoPath} (base ${baseSha})`);
  const changes = describeConfigChanges(baseConfig, head);
  if (changes.length === 0) return { config: settings.configFrom === 'pull-request' ? head : baseConfig };
  const applied =
    settings.configFrom === 'pull-request'
      ? "The gate applied the pull request's version (config-from: pull-request)."
      : `The gate applied the base branch's version (${baseSha}); the changes apply once merged (or set config-from: pull-request where CODEOWNERS protect the file).`;
  const note = `This pull request changes the config file ${repoPath}: ${changes.join('; ')}. ${applied}`;
  deps.logger.info(note);
  return { config: settings.configFrom === 'pull-request' ? head : baseConfig, note };
}

/** The file's text at the base commit; undefined when it did not exist there; 'unreadable' when neither git nor the API can tell. */
async function readBaseConfig(
  repoPath: string,
  baseSha: string,
  context: RunContext,
  deps: GateConfigDeps,
): Promise<string | undefined | 'unreadable'> {
  const cwd = context.workspace;
  try {
    await run('git', ['-C', cwd, 'cat-file', '-e', `${baseSha}^{commit}`]);
    try {
      const { stdout } = await run('git', ['-C', cwd, 'show', `${baseSha}:./${repoPath}`], {
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout;
    } catch {
      // The commit is there and the file is not.
      return undefined;
    }
  } catch {
    // The base commit is not in the checkout: ask the API.
  }
  if (!deps.github) return 'unreadable';
  try {
    return await readFileAtCommit(
      deps.github,
      { owner: context.owner, repo: context.repo },
      repoPath,
      baseSha,
    );
  } catch (error) {
    deps.logger.debug(
      `reading ${repoPath} at ${baseSha} through the API failed: ${describeGitHubError(error)}`,
    );
    return 'unreadable';
  }
}

function suppressionKey(s: Suppression): string {
  return [s.rule, s.resource, s.workspace ?? ''].join('\u0000').toLowerCase();
}

function describeSuppression(s: Suppression): string {
  const where = `${s.rule} on ${s.resource}${s.workspace !== undefined ? ` in workspace ${s.workspace}` : ''}`;
  return `${where} ("${s.reason}"${s.expires ? `, until ${s.expires}` : ''})`;
}

/** What differs between two config files, one phrase per change: suppressions, overrides, deployment settings. */
export function describeConfigChanges(before: GateConfigFile, after: GateConfigFile): string[] {
  const changes: string[] = [];
  const beforeKeys = new Map(before.suppressions.map((s) => [suppressionKey(s), s]));
  const afterKeys = new Map(after.suppressions.map((s) => [suppressionKey(s), s]));
  for (const [key, s] of afterKeys) {
    const old = beforeKeys.get(key);
    if (!old) changes.push(`adds the suppression of ${describeSuppression(s)}`);
    else if (old.reason !== s.reason || old.expires !== s.expires)
      changes.push(`changes the suppression of ${describeSuppression(old)} to ${describeSuppression(s)}`);
  }
  for (const [key, s] of beforeKeys)
    if (!afterKeys.has(key)) changes.push(`removes the suppression of ${describeSuppression(s)}`);
  const rules = new Set([...Object.keys(before.rules), ...Object.keys(after.rules)]);
  for (const rule of rules) {
    const from = before.rules[rule];
    const to = after.rules[rule];
    if (from === to) continue;
    if (to === undefined) changes.push(`removes the override of ${rule} (was ${from})`);
    else if (from === undefined) changes.push(`sets ${rule} to ${to}`);
    else changes.push(`sets ${rule} to ${to} (was ${from})`);
  }
  // Deployment settings decide what the templates resolve to (location, resource group), so a
  // change to them is named like a suppression's.
  const settings = new Set([
    ...Object.keys(before.deployment ?? {}),
    ...Object.keys(after.deployment ?? {}),
  ] as DeploymentSettingName[]);
  for (const name of settings) {
    const key = `deployment.${DEPLOYMENT_SETTINGS[name].config}`;
    const from = before.deployment?.[name];
    const to = after.deployment?.[name];
    if (from === to) continue;
    if (to === undefined) changes.push(`removes ${key} (was ${from})`);
    else if (from === undefined) changes.push(`sets ${key} to ${to}`);
    else changes.push(`sets ${key} to ${to} (was ${from})`);
  }
  return changes;
}
