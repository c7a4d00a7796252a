import { evaluateResources } from '../engine.js';
import { applyGate } from '../gate.js';
import type { GitHubClient } from '../github.js';
import type { Logger, Report } from '../model.js';
import { readLive } from '../sources/live/index.js';
import type { LiveDeps } from '../sources/live/settings.js';
import { VERSION } from '../version.js';
import type { RunContext } from './context.js';
import { deliverReport, type ActionOutputs } from './deliver.js';
import { publishTarget, readPublishedReport } from './publish.js';
import type { ActionSettings } from './settings.js';
import { loadGateConfigForRun } from './gate-config.js';
import { readBaselineInput, runTemplatesMode } from './templates-run.js';

/** What the action needs from its host, passed in so the same code runs in tests. */
export interface ActionDeps {
  logger: Logger;
  /** REST client; absent without a token. */
  github?: GitHubClient;
  now: Date;
  /** Live mode's sign-in and logging hooks. */
  live: LiveDeps;
  writeSummary: (markdown: string) => Promise<void>;
}

export interface ActionResult {
  report: Report;
  outputs: ActionOutputs;
}

/**
 * The whole action for one validated settings object: dispatches on the mode, then shows the
 * report (files, check run, comment, job summary). The caller sets the outputs and fails the
 * step when `report.verdict` is `fail`.
 */
export async function runAction(
  settings: ActionSettings,
  context: RunContext,
  deps: ActionDeps,
): Promise<ActionResult> {
  const { logger, github } = deps;
  const cwd = context.workspace;
  const delivery = { logger, github, writeSummary: deps.writeSummary, cwd };

  if (settings.mode === 'publish') {
    const report = await readPublishedReport(settings.reportFile, cwd, {
      failOn: settings.failOn,
      unknownAs: settings.unknownAs,
      now: deps.now,
      version: VERSION,
    });
    const target = await publishTarget(report, context, github, logger);
    const outputs = await deliverReport(report, settings, target, delivery, { writeFiles: false });
    return { report, outputs };
  }

  let report: Report;
  let markdown: string | undefined;
  if (settings.mode === 'workspace') {
    const { config, note } = await loadGateConfigForRun(settings, context, { logger, github });
    const baseline = await readBaselineInput(settings, cwd);
    const live = await readLive(settings.live!, deps.live);
    report = applyGate(evaluateResources(live.resources), live.errors, {
      mode: 'workspace',
      failOn: settings.failOn,
      unknownAs: settings.unknownAs,
      config,
      baseline,
      now: deps.now,
      version: VERSION,
    });
    if (note) report.notes = [...(report.notes ?? []), note];
  } else {
    const result = await runTemplatesMode(settings, context, {
      logger,
      github,
      now: deps.now,
      live: deps.live,
    });
    report = result.report;
    markdown = result.nothingToCheck;
  }

  const pr = context.pullRequest;
  report.context = {
    repository: context.owner ? `${context.owner}/${context.repo}` : undefined,
    pullRequest: pr?.number,
    headSha: pr?.headSha ?? (context.sha || undefined),
    runUrl: context.runUrl,
  };
  const target = {
    owner: context.owner,
    repo: context.repo,
    pullNumber: pr?.number,
    headSha: report.context.headSha,
    runUrl: context.runUrl,
  };
  const outputs = await deliverReport(report, settings, target, delivery, { writeFiles: true, markdown });
  return { report, outputs };
}
