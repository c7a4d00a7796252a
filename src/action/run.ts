import { evaluateResources } from '../engine.js';
import { applyGate } from '../gate.js';
import type { GitHubClient } from '../github.js';
import type { Logger, Report } from '../model.js';
import { readLive } from '../sources/live/index.js';
import type { LiveDeps } from '../sources/live/settings.js';
import { VERSION } from '../version.js';
import type { RunContext } from './context.js';
import { deliverReport, type ActionOutputs, type DeliveryDeps } from './deliver.js';
import { publishTarget, readPublishedReport } from './publish.js';
import type { ActionSettings } from './settings.js';
import { loadGateConfigForRun } from './gate-config.js';
import { readBaselineInput, runTemplatesMode, type TemplatesRunResult } from './templates-run.js';

/** What the action needs from its host, passed in so the same code runs in tests. */
export interface ActionDeps {
  logger: Logger;
  /** REST client; absent without a token. */
  github?: GitHubClient;
  now: Date;
  /** Live mode's sign-in and logging hooks. */
  live: LiveDeps;
  writeSummary: (markdown: string) => Promise<void>;
  /** Writes an annotation as a workflow command (used when no check run could be made). */
  annotate?: DeliveryDeps['annotate'];
}

export interface ActionResult {
  report: Report;
  outputs: ActionOutputs;
  /** The findings were compared with a base commit or a baseline (regressions mean something). */
  compared: boolean;
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
  const delivery = { logger, github, writeSummary: deps.writeSummary, cwd, annotate: deps.annotate };

  if (settings.mode === 'publish') {
    logger.startGroup?.(`Read the report file ${settings.reportFile}`);
    const report = await readPublishedReport(settings.reportFile, cwd, {
      failOn: settings.failOn,
      unknownAs: settings.unknownAs,
      now: deps.now,
      version: VERSION,
    });
    const target = await publishTarget(report, context, github, logger);
    // The report was computed on a pull request (compared with its base) when it names one.
    const compared = report.context?.pullRequest !== undefined || report.summary.regressions > 0;
    const outputs = await deliverReport(
      report,
      settings,
      { ...target, serverUrl: context.serverUrl },
      delivery,
      { writeFiles: false, compared },
    );
    return { report, outputs, compared };
  }

  let report: Report;
  let markdown: string | undefined;
  let compared: boolean;
  let changed: TemplatesRunResult['changed'];
  if (settings.mode === 'workspace') {
    logger.startGroup?.('Read the workspace through Azure Resource Manager');
    const { config, note } = await loadGateConfigForRun(settings, context, { logger, github });
    const baseline = await readBaselineInput(settings, cwd);
    compared = baseline !== undefined;
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
    compared = result.compared;
    changed = result.changed;
  }

  const pr = context.pullRequest;
  report.context = {
    repository: context.owner ? `${context.owner}/${context.repo}` : undefined,
    pullRequest: pr?.number,
    headSha: pr?.headSha ?? (context.sha || undefined),
    runUrl: context.runUrl,
  };
  const repository = `${context.owner}/${context.repo}`.toLowerCase();
  const target = {
    owner: context.owner,
    repo: context.repo,
    pullNumber: pr?.number,
    headSha: report.context.headSha,
    runUrl: context.runUrl,
    serverUrl: context.serverUrl,
    baseSha: pr?.baseSha,
    fork: pr?.headRepository !== undefined && pr.headRepository.toLowerCase() !== repository,
  };
  const outputs = await deliverReport(report, settings, target, delivery, {
    writeFiles: true,
    markdown,
    compared,
    changed,
  });
  return { report, outputs, compared };
}
