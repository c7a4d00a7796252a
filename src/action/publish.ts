import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigurationError } from '../errors.js';
import type { GitHubClient } from '../github.js';
import { httpStatus } from '../github.js';
import type { Logger, Report } from '../model.js';
import type { RunContext } from './context.js';
import type { DeliveryTarget } from './deliver.js';

/**
 * Reads the report file an earlier job wrote (JSON report + `context`), for `mode: publish`.
 * A missing or malformed file is a ConfigurationError naming the file.
 */
export async function readPublishedReport(file: string, cwd: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch {
    throw new ConfigurationError(
      "report file not found. In mode: publish, download the artifact the pull_request workflow uploaded (actions/download-artifact) and give its path as 'report-file'.",
      file,
    );
  }
  let report: Report;
  try {
    report = JSON.parse(text) as Report;
  } catch {
    throw new ConfigurationError(
      'the report file is not valid JSON: give the JSON report written by the action.',
      file,
    );
  }
  if (report?.tool?.name !== 'aml-ha-gate' || !report.summary || !Array.isArray(report.findings)) {
    throw new ConfigurationError('not an aml-ha-gate report (no tool, summary or findings).', file);
  }
  if (!Array.isArray(report.errors)) report.errors = [];
  return report;
}

/**
 * Where to post a published report. The repository is always this run's (the token cannot write
 * elsewhere); the PR number and head SHA come from the report, which a fork wrote, so the PR is
 * checked against the API: its head must be the recorded SHA, else nothing is posted to it.
 */
export async function publishTarget(
  report: Report,
  context: RunContext,
  github: GitHubClient | undefined,
  logger: Logger,
): Promise<DeliveryTarget> {
  const recorded = report.context ?? {};
  const repository = `${context.owner}/${context.repo}`;
  if (recorded.repository && recorded.repository.toLowerCase() !== repository.toLowerCase()) {
    logger.warning(
      `the report was written for ${recorded.repository}; posting to ${repository}, the repository of this run.`,
    );
  }
  const target: DeliveryTarget = {
    owner: context.owner,
    repo: context.repo,
    headSha: recorded.headSha,
    runUrl: recorded.runUrl ?? context.runUrl,
  };
  if (recorded.pullRequest !== undefined && github) {
    try {
      const { data } = await github.rest.pulls.get({
        owner: context.owner,
        repo: context.repo,
        pull_number: recorded.pullRequest,
      });
      if (recorded.headSha && data.head.sha !== recorded.headSha) {
        logger.warning(
          `pull request #${recorded.pullRequest} is now at ${data.head.sha.slice(0, 7)}, not ${recorded.headSha.slice(0, 7)} as the report says: the comment is skipped (a newer run will post).`,
        );
      } else {
        target.pullNumber = recorded.pullRequest;
      }
    } catch (error) {
      logger.warning(
        `could not read pull request #${recorded.pullRequest} (HTTP ${httpStatus(error) ?? '?'}): the comment is skipped.`,
      );
    }
  }
  if (!target.headSha) logger.warning('the report records no head SHA: no check run is created.');
  return target;
}
