import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GitHubClient } from '../github.js';
import { GitHubWrites } from '../github.js';
import type { Logger, Report } from '../model.js';
import { buildAnnotations, checkConclusion, publishCheckRun } from '../report/checkrun.js';
import { COMMENT_LIMIT, commentBody, upsertStickyComment } from '../report/comment.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import { jobSummary } from '../report/summary.js';
import { RULES } from '../rules/index.js';
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
}

export interface DeliveryDeps {
  logger: Logger;
  github?: GitHubClient;
  /** Appends to the job summary ($GITHUB_STEP_SUMMARY); a no-op outside a runner. */
  writeSummary: (markdown: string) => Promise<void>;
  /** Directory relative report paths resolve against. */
  cwd: string;
}

/** One-line headline used as the check-run title and the failure message. */
export function headline(report: Report): string {
  const s = report.summary;
  const parts = [
    `${s.regressions} regression${s.regressions === 1 ? '' : 's'}`,
    `${s.fail} failing`,
    `${s.warn} warning${s.warn === 1 ? '' : 's'}`,
    `${s.unknown} unknown`,
  ];
  if (report.errors.length > 0)
    parts.push(`${report.errors.length} file error${report.errors.length === 1 ? '' : 's'}`);
  return `${report.verdict === 'pass' ? 'Passed' : 'Failed'}: ${parts.join(', ')}`;
}

function markdownFor(
  report: Report,
  title: string,
  maxLength: number | undefined,
  links: { checkRunUrl?: string; runUrl?: string },
  override?: string,
): string {
  if (override) return override;
  return renderMarkdown(report, RULES, { title, maxLength, links });
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
  options: { writeFiles: boolean; markdown?: string },
): Promise<ActionOutputs> {
  const { logger, github } = deps;
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
          title: headline(report),
          summary: markdownFor(
            report,
            settings.checkName,
            60_000,
            { runUrl: target.runUrl },
            options.markdown,
          ),
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

  if (github && settings.comment !== 'off' && target.pullNumber !== undefined) {
    const pullNumber = target.pullNumber;
    const links = { checkRunUrl: outputs['check-run-url'] || undefined, runUrl: target.runUrl };
    const body = commentBody(
      markdownFor(report, settings.checkName, COMMENT_LIMIT - 1_000, links, options.markdown),
      settings.checkName,
      target.runUrl,
    );
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

  const links = { checkRunUrl: outputs['check-run-url'] || undefined, runUrl: target.runUrl };
  await deps.writeSummary(
    jobSummary(
      markdownFor(report, settings.checkName, undefined, links, options.markdown),
      settings.reportFile,
    ),
  );
  return outputs;
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
