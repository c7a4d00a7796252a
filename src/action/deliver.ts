import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GitHubClient } from '../github.js';
import { GitHubWrites } from '../github.js';
import type { Logger, Report } from '../model.js';
import { buildAnnotations, checkConclusion, publishCheckRun } from '../report/checkrun.js';
import { COMMENT_LIMIT, commentBody, upsertStickyComment } from '../report/comment.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { headlineText } from '../report/order.js';
import { MAX_SUGGESTIONS, syncSuggestionComments } from '../report/review-comments.js';
import { renderSarif } from '../report/sarif.js';
import { buildSuggestions } from '../report/suggestions.js';
import { jobSummary } from '../report/summary.js';
import { type WorkflowAnnotation, workflowAnnotations } from '../report/workflow-annotations.js';
import { RULES } from '../rules/index.js';
import type { ChangedFile } from '../sources/changed.js';
import { changedLinesFor } from './changed-lines.js';
import type { ActionSettings } from './settings.js';

/** The step's outputs, by their action.yml names. */
export interface ActionOutputs {
  verdict: string;
  failures: string;
  warnings: string;
  regressions: string;
  unknown: string;
  'report-file': string;
  'sarif-file': string;
  'comment-url': string;
  'check-run-url': string;
}

/** Where the display goes: the repository, and the PR / commit when there is one. */
export interface DeliveryTarget {
  owner: string;
  repo: string;
  pullNumber?: number;
  headSha?: string;
  runUrl?: string;
  /** `GITHUB_SERVER_URL` (github.com or a GitHub Enterprise Server): the comment links lines there. */
  serverUrl?: string;
  /** The pull request's base commit (for `git diff` when the API gave no patch). */
  baseSha?: string;
  /** The pull request comes from a fork: its token is read-only, so no review comment is tried. */
  fork?: boolean;
}

export interface DeliveryDeps {
  logger: Logger;
  github?: GitHubClient;
  /** Appends to the job summary ($GITHUB_STEP_SUMMARY); a no-op outside a runner. */
  writeSummary: (markdown: string) => Promise<void>;
  /** Directory relative report paths resolve against. */
  cwd: string;
  /**
   * Writes an annotation as a workflow command (`::error file=…,line=…::`), which needs no token:
   * used when no check run could carry the annotations.
   */
  annotate?: (annotation: WorkflowAnnotation) => void;
}

/** How the report is shown, besides the settings. */
export interface DeliveryOptions {
  /** False in publish mode (the files exist). */
  writeFiles: boolean;
  /** Markdown to show instead of the report's (the short "nothing to check"). */
  markdown?: string;
  /** The findings were compared with a base or baseline: the headline counts regressions. */
  compared?: boolean;
  /** The pull request's files (with their patches), for the suggested changes. */
  changed?: ChangedFile[];
}

/**
 * One-line headline used as the check-run title and the step's last log line: "Failed: 2 HA
 * regressions; 4 existing failures", "Passed: No HA regressions; 6 existing failures".
 */
export function headline(report: Report, compared?: boolean): string {
  return `${report.verdict === 'pass' ? 'Passed' : 'Failed'}: ${headlineText(report, compared)}`;
}

/** `https://HOST/OWNER/REPO/blob/SHA`: where the comment's "where" links point. */
function blobUrl(target: DeliveryTarget): string | undefined {
  if (!target.serverUrl || !target.owner || !target.repo || !target.headSha) return undefined;
  return `${target.serverUrl}/${encodeURIComponent(target.owner)}/${encodeURIComponent(target.repo)}/blob/${target.headSha}`;
}

/**
 * Everything the action shows for a report: the JSON report file (with the PR context, for a later
 * `mode: publish`), the SARIF file when asked, the check run with annotations, the sticky comment
 * and the job summary. Comment and check run are display: a refused write is one warning
 * (GitHubWrites), never a failed step. `writeFiles` is false in publish mode (the files exist).
 */
export async function deliverReport(
  report: Report,
  settings: ActionSettings,
  target: DeliveryTarget,
  deps: DeliveryDeps,
  options: DeliveryOptions,
): Promise<ActionOutputs> {
  const { logger } = deps;
  logger.startGroup?.('Publish: report files, check run, comment, suggested changes, job summary');
  try {
    return await deliver(report, settings, target, deps, options);
  } finally {
    logger.endGroup?.();
  }
}

async function deliver(
  report: Report,
  settings: ActionSettings,
  target: DeliveryTarget,
  deps: DeliveryDeps,
  options: DeliveryOptions,
): Promise<ActionOutputs> {
  const { logger, github } = deps;
  const blob = blobUrl(target);
  const markdownFor = (
    maxLength: number | undefined,
    links: { checkRunUrl?: string; runUrl?: string },
  ): string =>
    options.markdown ??
    renderMarkdown(report, RULES, {
      title: settings.checkName,
      maxLength,
      links: { ...links, blob },
      compared: options.compared,
    });
  const outputs: ActionOutputs = {
    verdict: report.verdict,
    failures: String(report.summary.fail),
    warnings: String(report.summary.warn),
    regressions: String(report.summary.regressions),
    unknown: String(report.summary.unknown),
    'report-file': settings.reportFile,
    'sarif-file': '',
    'comment-url': '',
    'check-run-url': '',
  };

  if (options.writeFiles) {
    const reportPath = path.resolve(deps.cwd, settings.reportFile);
    await mkdir(path.dirname(reportPath), { recursive: true });
    await writeFile(reportPath, ensureNewline(reportFileText(report)));
    logger.info(`report written to ${settings.reportFile}`);
    if (settings.sarifFile) {
      const sarifPath = path.resolve(deps.cwd, settings.sarifFile);
      await mkdir(path.dirname(sarifPath), { recursive: true });
      await writeFile(sarifPath, ensureNewline(renderSarif(report, RULES)));
      outputs['sarif-file'] = settings.sarifFile;
      logger.info(`SARIF written to ${settings.sarifFile}`);
    }
  }

  const writes = new GitHubWrites(logger);
  if (github && settings.checkRun && target.headSha) {
    const headSha = target.headSha;
    const result = await writes.attempt('create the check run', () =>
      publishCheckRun(
        github,
        {
          owner: target.owner,
          repo: target.repo,
          headSha,
          name: settings.checkName,
          title: headline(report, options.compared),
          summary: markdownFor(60_000, { runUrl: target.runUrl }),
          conclusion: checkConclusion(report),
          annotations: buildAnnotations(report),
          detailsUrl: target.runUrl,
        },
        logger,
      ),
    );
    if (result) {
      outputs['check-run-url'] = result.url;
      logger.info(
        `check run: ${result.url} (${result.sent} annotations${result.notSent ? `, ${result.notSent} not sent` : ''})`,
      );
    }
  }
  if (settings.checkRun && !outputs['check-run-url'] && options.writeFiles && deps.annotate)
    annotateWithWorkflowCommands(report, deps.annotate, logger);

  if (github && settings.comment !== 'off' && target.pullNumber !== undefined) {
    const pullNumber = target.pullNumber;
    const links = { checkRunUrl: outputs['check-run-url'] || undefined, runUrl: target.runUrl };
    const body = commentBody(markdownFor(COMMENT_LIMIT - 1_000, links), settings.checkName, target.runUrl);
    const mode = settings.comment;
    const result = await writes.attempt('post the pull-request comment', () =>
      upsertStickyComment(
        github,
        { owner: target.owner, repo: target.repo, issueNumber: pullNumber, checkName: settings.checkName },
        body,
        mode,
        logger,
      ),
    );
    if (result) {
      outputs['comment-url'] = result.url;
      logger.info(`comment ${result.action}: ${result.url}`);
    }
  }

  // Suggestions are comments on the pull request too: `comment: off` turns them off with the rest.
  if (
    github &&
    settings.suggestions &&
    settings.comment !== 'off' &&
    options.writeFiles &&
    report.mode === 'templates'
  )
    await suggestFixes(report, settings, target, deps, options.changed, writes);

  const links = { checkRunUrl: outputs['check-run-url'] || undefined, runUrl: target.runUrl };
  await deps.writeSummary(jobSummary(markdownFor(undefined, links), settings.reportFile));
  return outputs;
}

/**
 * Annotations without a check run: the runner makes them from workflow commands, no token
 * needed, so a fork pull request's read-only run still marks the lines (at most 10 per level).
 */
function annotateWithWorkflowCommands(
  report: Report,
  annotate: (annotation: WorkflowAnnotation) => void,
  logger: Logger,
): void {
  const { shown, notShown } = workflowAnnotations(buildAnnotations(report));
  if (shown.length === 0) return;
  for (const annotation of shown) annotate(annotation);
  logger.info(
    `no check run: ${shown.length} annotation(s) written as workflow commands instead${notShown > 0 ? ` (${notShown} more not shown: GitHub shows 10 per level and step; every finding is in the job summary and report file)` : ''}`,
  );
}

/**
 * One-click fixes: review comments with suggested changes on the lines the pull request changed
 * (src/report/suggestions.ts), brought up to date with what earlier runs posted. A fork pull
 * request is skipped up front (its token cannot comment); a refused write is the one warning of
 * GitHubWrites.
 */
async function suggestFixes(
  report: Report,
  settings: ActionSettings,
  target: DeliveryTarget,
  deps: DeliveryDeps,
  changed: ChangedFile[] | undefined,
  writes: GitHubWrites,
): Promise<void> {
  const { logger, github } = deps;
  const { pullNumber, headSha } = target;
  if (!github || pullNumber === undefined || !headSha) return;
  if (target.fork) {
    logger.info('suggested changes skipped: a pull request from a fork gets a read-only token');
    return;
  }
  if (writes.denied) {
    logger.info('suggested changes skipped: the token cannot write to this repository');
    return;
  }
  const paths = report.findings.flatMap((f) =>
    (f.status === 'fail' || f.status === 'warn') && f.location ? [f.location.file] : [],
  );
  const changedLines = await changedLinesFor(paths, changed, {
    cwd: deps.cwd,
    baseSha: target.baseSha ?? '',
    headSha,
  });
  const suggestions = buildSuggestions(report.findings, {
    changedLines,
    readFile: (file) => {
      const absolute = path.resolve(deps.cwd, file);
      if (path.relative(deps.cwd, absolute).startsWith('..')) return undefined;
      try {
        return readFileSync(absolute, 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  const helpUri = new Map(RULES.map((rule) => [rule.id, rule.helpUri]));
  const result = await writes.attempt('post the suggested changes', () =>
    syncSuggestionComments(
      github,
      { owner: target.owner, repo: target.repo, pullNumber, headSha, checkName: settings.checkName },
      suggestions,
      (ruleId) => helpUri.get(ruleId),
      logger,
    ),
  );
  if (!result) return;
  const parts = [
    `${result.created} new`,
    `${result.updated} updated`,
    `${result.moved} moved`,
    `${result.unchanged} unchanged`,
    `${result.resolved} resolved`,
  ];
  logger.info(
    `suggested changes: ${suggestions.length} on changed lines (${parts.join(', ')})${result.notPosted > 0 ? `; ${result.notPosted} more not posted (at most ${MAX_SUGGESTIONS} a run)` : ''}`,
  );
}

/** The JSON report, with the PR context `mode: publish` needs even if the renderer leaves it out. */
function reportFileText(report: Report): string {
  const text = renderJson(report);
  if (!report.context) return text;
  const parsed = JSON.parse(text) as { context?: unknown };
  if (parsed.context !== undefined) return text;
  return JSON.stringify({ ...parsed, context: report.context }, null, 2);
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
