import { existsSync } from 'node:fs';
import path from 'node:path';
import { evaluateResources } from '../engine.js';
import { ConfigurationError, describeError } from '../errors.js';
import { applyGate, parseBaselineReport } from '../gate.js';
import { MAX_BASELINE_BYTES, readRegularFile } from '../file-access.js';
import { mergeDeploymentSettings, type DeploymentSettings } from '../deployment-settings.js';
import { describeGitHubError, GitHubUnavailableError, type GitHubClient } from '../github.js';
import type { Finding, Logger, Report, Resource } from '../model.js';
import {
  changedFilesFromGit,
  globMatcher,
  listChangedFiles,
  materializeBase,
  selectChangedTemplates,
  TooManyChangedFilesError,
  type ChangedFile,
} from '../sources/changed.js';
import { discoverTemplates, type DiscoveredFile } from '../sources/discover.js';
import { needsLines, RULES } from '../rules/index.js';
import { deploymentContextFor } from '../sources/arm/deployment-context.js';
import { AzureDependencyReader, readOutsideDependencies } from '../sources/live/dependencies.js';
import type { LiveDeps } from '../sources/live/settings.js';
import { loadTemplates } from '../sources/templates.js';
import { discoverPlanFiles } from '../sources/terraform/files.js';
import { loadTerraformPlans, markReplacements } from '../sources/terraform/index.js';
import { VERSION } from '../version.js';
import { escapeMarkdownCell } from '../report/escape.js';
import type { PullRequestContext, RunContext } from './context.js';
import { loadGateConfigForRun } from './gate-config.js';
import type { ActionSettings } from './settings.js';

export interface TemplatesRunDeps {
  logger: Logger;
  github?: GitHubClient;
  now: Date;
  /** Sign-in hooks for reading the templates' outside dependencies (used when `settings.azure` is set). */
  live?: LiveDeps;
}

export interface TemplatesRunResult {
  report: Report;
  /** Short Markdown used instead of the full report when the PR changes no template. */
  nothingToCheck?: string;
}

/** The findings of the `baseline` input's report, when given. */
export async function readBaselineInput(
  settings: ActionSettings,
  cwd: string,
): Promise<Finding[] | undefined> {
  if (!settings.baseline) return undefined;
  let text: string;
  try {
    // A regular file of bounded size: a link to a device or a FIFO is refused, not read or waited on.
    text = readRegularFile(path.resolve(cwd, settings.baseline), {
      file: settings.baseline,
      maxBytes: MAX_BASELINE_BYTES,
      limitName: 'for a baseline report',
    });
  } catch (error) {
    if (!(error instanceof ConfigurationError) || !/^no such file/.test(error.message)) throw error;
    throw new ConfigurationError(
      "baseline report not found. Give 'baseline' the path of the JSON report of an earlier run (e.g. downloaded with actions/download-artifact), or leave it empty.",
      settings.baseline,
    );
  }
  return parseBaselineReport(text, settings.baseline);
}

/**
 * Templates mode: picks the templates (those the pull request changed or affected, or all), checks
 * them at head, checks the same templates at the PR's base commit so that only what the PR makes
 * new or worse is a regression (or compares with the `baseline` input), and applies the gate.
 */
export async function runTemplatesMode(
  settings: ActionSettings,
  context: RunContext,
  deps: TemplatesRunDeps,
): Promise<TemplatesRunResult> {
  const { logger } = deps;
  const cwd = context.workspace;
  const pr = context.pullRequest;

  let changed: ChangedFile[] | undefined;
  if (settings.scope === 'changed') {
    if (!pr) logger.warning('scope: changed needs a pull_request event; checking all templates instead.');
    else changed = await pullRequestChanges(pr, context, deps);
  }

  const { config, note: configNote } = await loadGateConfigForRun(settings, context, {
    logger,
    github: deps.github,
    changed,
  });
  const baselineInput = await readBaselineInput(settings, cwd);
  const deployment = mergeDeploymentSettings(settings.deployment, config.deployment);
  // One reader for head and base: each dependency is read once, and both sides judge it alike.
  const azure =
    settings.azure && deps.live ? new AzureDependencyReader(settings.azure, deps.live) : undefined;
  const scan = { deployment, azure, bicepRegistrySignIn: settings.bicepRegistrySignIn };
  const gateOptions = {
    mode: 'templates' as const,
    failOn: settings.failOn,
    unknownAs: settings.unknownAs,
    config,
    now: deps.now,
    version: VERSION,
  };
  const withConfigNote = (report: Report): Report => {
    if (configNote) report.notes = [...(report.notes ?? []), configNote];
    return report;
  };

  let files: DiscoveredFile[];
  if (changed) {
    files = (await selectChangedTemplates(changed, { cwd, globs: settings.templates, logger })).files;
  } else {
    const matches = globMatcher(settings.templates);
    files = (await discoverTemplates(['.'], cwd)).filter((file) => matches(file.path));
    logger.info(`${files.filter((f) => f.kind !== 'parameters').length} template(s) to check`);
  }

  // Plans come from the terraform-plan input only (they are written by the pipeline, not committed).
  files = files.filter((file) => file.kind !== 'terraform-plan');
  const planFiles =
    settings.terraformPlans.length > 0 ? await discoverPlanFiles(settings.terraformPlans, cwd) : [];
  if (planFiles.length > 0) logger.info(`${planFiles.length} Terraform plan(s) to check`);

  if (!files.some((file) => file.kind !== 'parameters') && planFiles.length === 0) {
    const report = applyGate([], [], { ...gateOptions, baseline: baselineInput });
    const what = changed
      ? 'This pull request changes no ARM template, parameters file or Bicep file'
      : 'No ARM template or Bicep file';
    const note = `${what} matching \`${settings.templates.join('`, `')}\`: nothing to check.`;
    report.notes = [...(report.notes ?? []), note];
    withConfigNote(report);
    return {
      report,
      nothingToCheck: `### ✅ ${escapeMarkdownCell(settings.checkName)}\n\n${note}\n${configNote ? `\n> ${escapeMarkdownCell(configNote)}\n` : ''}`,
    };
  }

  const head = await loadTemplates(files, {
    cwd,
    logger,
    locatable: needsLines,
    deployment: deploymentContextFor(deployment),
    bicep: { registrySignIn: settings.bicepRegistrySignIn },
  });
  const plans = loadTerraformPlans(planFiles, { cwd, logger });
  const evaluated = await evaluateTemplates([...head.resources, ...plans.resources], scan, logger);
  const findings = markReplacements(evaluated.findings, plans);

  let baseline = baselineInput;
  if (!baseline && pr && files.some((file) => file.kind !== 'parameters')) {
    baseline = await baseFindings(files, changed, pr.baseSha, context, deps, scan);
  }
  const report = applyGate(findings, [...head.errors, ...plans.errors], {
    ...gateOptions,
    baseline,
    ...(plans.plans > 0
      ? {
          // A plan carries its own before: its findings are judged against it, not the base branch.
          ownBaseline: {
            findings: evaluateResources(plans.before),
            covers: (finding: Finding) => plans.ids.has(finding.resource.id.toLowerCase()),
          },
          notes: plans.notes,
        }
      : {}),
  });
  if (evaluated.note) report.notes = [...(report.notes ?? []), evaluated.note];
  return { report: withConfigNote(report) };
}

/**
 * The files the pull request changes: from the API (pulls/files); when the API cannot give the
 * whole list (unavailable, a body that is not a file list, more than 3,000 files), from
 * `git diff base...head` in the checkout; when neither can, undefined (every template is checked).
 * A list that may be incomplete is never used: a missing template must not read as "unchanged".
 */
async function pullRequestChanges(
  pr: PullRequestContext,
  context: RunContext,
  deps: TemplatesRunDeps,
): Promise<ChangedFile[] | undefined> {
  const { logger } = deps;
  let why: string;
  if (!deps.github) {
    why = 'no github-token to list them through the API';
  } else {
    try {
      return await listChangedFiles(deps.github, {
        owner: context.owner,
        repo: context.repo,
        pullNumber: pr.number,
      });
    } catch (error) {
      why = error instanceof TooManyChangedFilesError ? error.message : describeGitHubError(error);
      const quiet = error instanceof GitHubUnavailableError; // the client warned already
      if (!quiet)
        logger.warning(`could not list the files of pull request #${pr.number} through the API: ${why}.`);
    }
  }
  const fromGit = await changedFilesFromGit(context.workspace, pr.baseSha, pr.headSha);
  if (fromGit) {
    logger.info(
      `the changed files of pull request #${pr.number} come from git diff ${pr.baseSha.slice(0, 7)}...${pr.headSha.slice(0, 7)} (${why}).`,
    );
    return fromGit;
  }
  logger.warning(
    `the changed files of pull request #${pr.number} are unknown (${why}; the checkout lacks the base or head commit for git diff: use fetch-depth: 0); checking all templates instead.`,
  );
  return undefined;
}

/** Findings of loaded templates, with their outside dependencies read from Azure when signed in. */
async function evaluateTemplates(
  resources: Resource[],
  scan: { deployment: DeploymentSettings; azure?: AzureDependencyReader },
  logger: Logger,
): Promise<{ findings: Finding[]; note?: string }> {
  const outside = await readOutsideDependencies(resources, scan.azure, scan.deployment, logger);
  const findings = evaluateResources([...resources, ...outside.resources], RULES, {
    deployment: scan.deployment,
  });
  return { findings, note: outside.note };
}

/**
 * The findings of the same templates at the PR's base commit (renamed files at their old path).
 * A template the PR adds has no base version, so its findings count as new. When the base cannot
 * be read at all, every finding counts as new, with a warning.
 */
async function baseFindings(
  files: DiscoveredFile[],
  changed: ChangedFile[] | undefined,
  baseSha: string,
  context: RunContext,
  deps: TemplatesRunDeps,
  scan: { deployment: DeploymentSettings; azure?: AzureDependencyReader; bicepRegistrySignIn: boolean },
): Promise<Finding[]> {
  const { logger } = deps;
  const renamedFrom = new Map(
    (changed ?? []).filter((c) => c.previousPath).map((c) => [c.path, c.previousPath!]),
  );
  const basePaths = files
    .filter((f) => f.kind !== 'parameters')
    .map((f) => renamedFrom.get(f.path) ?? f.path);
  let tree;
  try {
    tree = await materializeBase({
      cwd: context.workspace,
      baseSha,
      paths: basePaths,
      octokit: deps.github,
      owner: context.owner,
      repo: context.repo,
      logger,
    });
  } catch (error) {
    // An unavailable GitHub was warned about once already, by the client.
    (error instanceof GitHubUnavailableError ? logger.info : logger.warning)(
      `could not read the base commit ${baseSha}: ${error instanceof ConfigurationError ? describeError(error) : describeGitHubError(error)}`,
    );
  }
  if (!tree) {
    logger.warning(
      `the base commit ${baseSha} could not be read (not in the checkout, and no API access): every finding counts as new.`,
    );
    return [];
  }
  const present = basePaths.filter((p) => existsSync(path.join(tree.dir, p)));
  logger.info(
    `base ${baseSha.slice(0, 7)} (${tree.source === 'git' ? 'local git history' : 'contents API'}): ${present.length} of ${basePaths.length} template(s) existed`,
  );
  if (present.length === 0) return [];
  const baseFiles = await discoverTemplates(present, tree.dir);
  const quiet: Logger = { ...logger, info: logger.debug, warning: logger.debug };
  const base = await loadTemplates(baseFiles, {
    cwd: tree.dir,
    logger: quiet,
    locatable: needsLines,
    deployment: deploymentContextFor(scan.deployment),
    bicep: { registrySignIn: scan.bicepRegistrySignIn },
  });
  return (await evaluateTemplates(base.resources, scan, quiet)).findings;
}
