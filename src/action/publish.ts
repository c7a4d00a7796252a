import { open } from 'node:fs/promises';
import path from 'node:path';
import { ConfigurationError } from '../errors.js';
import { applyGate, type FailOn, type UnknownAs } from '../gate.js';
import { describeGitHubError, GitHubUnavailableError, type GitHubClient } from '../github.js';
import {
  ROLES,
  STATUSES,
  type FileError,
  type Finding,
  type Logger,
  type Report,
  type Status,
} from '../model.js';
import type { RunContext } from './context.js';
import type { DeliveryTarget } from './deliver.js';

/**
 * `mode: publish` posts what a `pull_request` run computed. That run may be a fork's, and so is
 * the report file it uploaded: everything in it is untrusted data. Where to post (repository,
 * commit, pull request, run link) comes from the `workflow_run` event GitHub wrote and from the
 * API, never from the file; the file is read under a size cap, checked against the report schema
 * (anything else is refused), its strings cut to a length (and escaped by every renderer), and
 * the verdict and counts are recomputed from its findings, never taken from it.
 */
export const PUBLISHED_REPORT_LIMITS = {
  /** Bytes of the report file. */
  bytes: 32 * 1024 * 1024,
  findings: 50_000,
  errors: 10_000,
  notes: 20,
  /** Characters kept of any one string (messages, names, paths); longer ones are cut with "…". */
  stringLength: 2_000,
  /** Characters of an evidence value's JSON kept; longer values are replaced by their cut JSON text. */
  evidenceLength: 1_000,
};

export interface PublishGate {
  failOn: FailOn;
  unknownAs: UnknownAs;
  now: Date;
  version: string;
}

/**
 * Reads the report file an earlier job wrote, for `mode: publish`, as untrusted data: a missing,
 * oversized, malformed or foreign file is a ConfigurationError naming the file (and the field);
 * the returned report's verdict, summary and first note are recomputed from its findings with this
 * step's `fail-on` and `unknown-as`.
 */
export async function readPublishedReport(file: string, cwd: string, gate: PublishGate): Promise<Report> {
  const text = await readCapped(path.resolve(cwd, file), file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigurationError(
      'the report file is not valid JSON: give the JSON report written by the action.',
      file,
    );
  }
  const raw = parsed as { tool?: { name?: unknown } } | null;
  if (!raw || typeof raw !== 'object' || raw.tool?.name !== 'aml-ha-gate') {
    throw new ConfigurationError('not an aml-ha-gate report (no tool, summary or findings).', file);
  }
  const checked = checkReport(parsed as Record<string, unknown>, file);
  const report = applyGate(checked.findings, checked.errors, {
    mode: checked.mode,
    failOn: gate.failOn,
    unknownAs: gate.unknownAs,
    now: gate.now,
    version: checked.version,
  });
  report.notes = [...(report.notes ?? []), ...checked.notes];
  report.context = checked.context;
  return report;
}

async function readCapped(absolute: string, shown: string): Promise<string> {
  let handle;
  try {
    handle = await open(absolute, 'r');
  } catch {
    throw new ConfigurationError(
      "report file not found. In mode: publish, download the artifact the pull_request workflow uploaded (actions/download-artifact) and give its path as 'report-file'.",
      shown,
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ConfigurationError('the report file is not a regular file.', shown);
    const cap = PUBLISHED_REPORT_LIMITS.bytes;
    if (stat.size > cap) {
      throw new ConfigurationError(
        `the report file is ${(stat.size / 1024 / 1024).toFixed(1)} MB, over the ${cap / 1024 / 1024} MB a published report may have: it was not written by the action, or the run checked far more than one pull request changes.`,
        shown,
      );
    }
    const buffer = Buffer.alloc(Math.min(stat.size, cap) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > cap)
      throw new ConfigurationError(
        `the report file grew over the ${cap / 1024 / 1024} MB cap while read.`,
        shown,
      );
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

interface CheckedReport {
  version: string;
  mode: Report['mode'];
  findings: Finding[];
  errors: FileError[];
  notes: string[];
  context: NonNullable<Report['context']>;
}

/** Validates the report's shape field by field; a mistake names the field. Unknown fields are dropped. */
function checkReport(raw: Record<string, unknown>, file: string): CheckedReport {
  const fail = (where: string, what: string): never => {
    throw new ConfigurationError(
      `not a valid aml-ha-gate report: ${where} ${what}. Publish the JSON report the action wrote, unchanged.`,
      file,
    );
  };
  const cut = (value: string): string => {
    const limit = PUBLISHED_REPORT_LIMITS.stringLength;
    return value.length > limit ? `${value.slice(0, limit - 1)}…` : value;
  };
  const str = (value: unknown, where: string): string =>
    typeof value === 'string' ? cut(value) : fail(where, 'is not a string');
  const optionalStr = (value: unknown, where: string): string | undefined =>
    value === undefined || value === null ? undefined : str(value, where);
  const line = (value: unknown, where: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    return Number.isInteger(value) && (value as number) >= 0 && (value as number) < 10_000_000
      ? (value as number)
      : fail(where, 'is not a line number');
  };
  const list = (value: unknown, where: string, max: number): unknown[] => {
    if (!Array.isArray(value)) return fail(where, 'is not a list');
    if (value.length > max)
      return fail(where, `has ${value.length} entries, over the ${max} a report may have`);
    return value;
  };
  const status = (value: unknown, where: string): Status =>
    STATUSES.includes(value as Status)
      ? (value as Status)
      : fail(where, `is not one of ${STATUSES.join(', ')}`);

  const tool = raw.tool as { version?: unknown };
  const version = str(tool.version ?? 'unknown', 'tool.version').slice(0, 64);
  const mode =
    raw.mode === 'workspace'
      ? 'workspace'
      : raw.mode === 'templates'
        ? 'templates'
        : fail('mode', 'is not templates or workspace');

  const findings = list(raw.findings, 'findings', PUBLISHED_REPORT_LIMITS.findings).map(
    (item, index): Finding => {
      const at = `findings[${index}]`;
      const f = item as Record<string, unknown> | null;
      if (!f || typeof f !== 'object') return fail(at, 'is not an object');
      const ruleId = str(f.ruleId, `${at}.ruleId`);
      if (!/^HA\.[A-Za-z0-9.]{1,100}$/.test(ruleId)) fail(`${at}.ruleId`, 'is not a rule id (HA.…)');
      const resource = f.resource as Record<string, unknown> | null;
      if (!resource || typeof resource !== 'object') fail(`${at}.resource`, 'is not an object');
      const role = resource!.role;
      if (!ROLES.includes(role as (typeof ROLES)[number]))
        fail(`${at}.resource.role`, `is not one of ${ROLES.join(', ')}`);
      const evidence = f.evidence as Record<string, unknown> | null;
      if (!evidence || typeof evidence !== 'object') fail(`${at}.evidence`, 'is not an object');
      const location = f.location as Record<string, unknown> | null | undefined;
      if (location !== undefined && location !== null && typeof location !== 'object')
        fail(`${at}.location`, 'is not an object');
      if (typeof f.regression !== 'boolean') fail(`${at}.regression`, 'is not true or false');
      const suppression = f.suppression as Record<string, unknown> | null | undefined;
      const findingStatus = status(f.status, `${at}.status`);
      const valueJson = JSON.stringify(evidence!.value ?? null) ?? 'null';
      const finding: Finding = {
        ruleId,
        status: findingStatus,
        message: str(f.message, `${at}.message`),
        resource: {
          type: str(resource!.type, `${at}.resource.type`),
          name: str(resource!.name, `${at}.resource.name`),
          id: str(resource!.id, `${at}.resource.id`),
          role: role as Finding['resource']['role'],
        },
        evidence: {
          path: str(evidence!.path, `${at}.evidence.path`),
          value:
            valueJson.length > PUBLISHED_REPORT_LIMITS.evidenceLength
              ? `${valueJson.slice(0, PUBLISHED_REPORT_LIMITS.evidenceLength - 1)}…`
              : (evidence!.value ?? null),
        },
        regression: f.regression as boolean,
      };
      const workspace = optionalStr(f.workspace, `${at}.workspace`);
      if (workspace !== undefined) finding.workspace = workspace;
      if (location) {
        finding.location = {
          file: str(location.file, `${at}.location.file`),
          line: line(location.line, `${at}.location.line`) ?? 1,
        };
      }
      if (findingStatus === 'suppressed') {
        if (!suppression || typeof suppression !== 'object')
          return fail(`${at}.suppression`, 'is missing on a suppressed finding');
        const original = status(suppression.originalStatus, `${at}.suppression.originalStatus`);
        if (original === 'suppressed') fail(`${at}.suppression.originalStatus`, 'is suppressed');
        const expires = optionalStr(suppression.expires, `${at}.suppression.expires`);
        finding.suppression = {
          reason: str(suppression.reason, `${at}.suppression.reason`),
          originalStatus: original as Exclude<Status, 'suppressed'>,
          ...(expires !== undefined ? { expires } : {}),
        };
      }
      return finding;
    },
  );

  const errors = list(raw.errors ?? [], 'errors', PUBLISHED_REPORT_LIMITS.errors).map(
    (item, index): FileError => {
      const at = `errors[${index}]`;
      const e = item as Record<string, unknown> | null;
      if (!e || typeof e !== 'object') return fail(at, 'is not an object');
      const error: FileError = { file: str(e.file, `${at}.file`), message: str(e.message, `${at}.message`) };
      const where = line(e.line, `${at}.line`);
      if (where !== undefined) error.line = where;
      return error;
    },
  );

  // notes[0] is the verdict's reason: recomputed, so the file's is dropped.
  const notes = list(raw.notes ?? [], 'notes', 1_000)
    .slice(1, 1 + PUBLISHED_REPORT_LIMITS.notes)
    .map((note, index) => str(note, `notes[${index + 1}]`));

  const context = (raw.context ?? {}) as Record<string, unknown>;
  return {
    version,
    mode,
    findings,
    errors,
    notes,
    context: {
      repository: typeof context.repository === 'string' ? cut(context.repository).slice(0, 200) : undefined,
      pullRequest: Number.isInteger(context.pullRequest) ? (context.pullRequest as number) : undefined,
      headSha: typeof context.headSha === 'string' ? cut(context.headSha).slice(0, 100) : undefined,
    },
  };
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;

/**
 * Where to post a published report, from the event and the API only. The repository is this
 * run's; the commit is the `workflow_run`'s head SHA (a `pull_request` event's head SHA when
 * publish runs in the pull request's own workflow); the pull request is the one GitHub lists for
 * the run, or for a fork (GitHub lists none) the open pull request whose head is that commit on
 * the fork's branch; it gets the comment only while its head is still that commit. The report's
 * own `context` is only compared with these, and a mismatch is warned about.
 */
export async function publishTarget(
  report: Report,
  context: RunContext,
  github: GitHubClient | undefined,
  logger: Logger,
): Promise<DeliveryTarget> {
  const run = context.workflowRun;
  let headSha: string;
  let runUrl: string | undefined;
  let candidates: number[];
  let fromPullRequestEvent = false;
  if (context.eventName === 'workflow_run' && run) {
    headSha = run.headSha;
    runUrl =
      run.id !== undefined && context.owner
        ? `${context.serverUrl}/${context.owner}/${context.repo}/actions/runs/${run.id}`
        : context.runUrl;
    candidates = run.pullRequests.filter((p) => !p.headSha || p.headSha === headSha).map((p) => p.number);
  } else if (
    (context.eventName === 'pull_request' || context.eventName === 'pull_request_target') &&
    context.pullRequest
  ) {
    headSha = context.pullRequest.headSha;
    runUrl = context.runUrl;
    candidates = [context.pullRequest.number];
    fromPullRequestEvent = true;
  } else {
    throw new ConfigurationError(
      `mode: publish runs in a workflow triggered by workflow_run (or pull_request), which says which commit and pull request the report is for; this run's event is '${context.eventName || 'unknown'}'. See the README's "Pull requests from forks" workflows.`,
    );
  }
  if (!SHA.test(headSha))
    throw new ConfigurationError(
      `the ${context.eventName} event names no valid head commit ('${headSha.slice(0, 80)}').`,
    );

  const recorded = report.context ?? {};
  const repository = `${context.owner}/${context.repo}`;
  if (recorded.headSha && recorded.headSha !== headSha) {
    logger.warning(
      `the report file says it is for commit ${recorded.headSha.slice(0, 40)}, but the ${context.eventName} event is for ${headSha}: posting on ${headSha.slice(0, 7)} (the report file is the pull request's to write; the event is GitHub's).`,
    );
  }
  if (recorded.repository && recorded.repository.toLowerCase() !== repository.toLowerCase()) {
    logger.info(
      `the report file names repository ${recorded.repository}; posting to ${repository}, the repository of this run.`,
    );
  }

  const target: DeliveryTarget = { owner: context.owner, repo: context.repo, headSha, runUrl };
  if (!github) return target;
  if (candidates.length === 0 && run?.event?.startsWith('pull_request') && run.headOwner && run.headBranch) {
    // A fork's pull request: GitHub lists none for the run; find the open one whose head is this commit.
    try {
      const { data } = await github.rest.pulls.list({
        owner: context.owner,
        repo: context.repo,
        state: 'open',
        head: `${run.headOwner}:${run.headBranch}`,
        per_page: 100,
      });
      if (Array.isArray(data)) candidates = data.filter((p) => p?.head?.sha === headSha).map((p) => p.number);
    } catch (error) {
      (error instanceof GitHubUnavailableError ? logger.info : logger.warning)(
        `could not find the pull request of ${headSha.slice(0, 7)} (${describeGitHubError(error)}): the comment is skipped.`,
      );
    }
  }
  if (candidates.length > 1 && !fromPullRequestEvent) {
    logger.warning(
      `commit ${headSha.slice(0, 7)} is the head of ${candidates.length} open pull requests: the comment is skipped, the check run stands.`,
    );
    return target;
  }
  const pullNumber = candidates[0];
  if (pullNumber === undefined) {
    logger.info(`no open pull request has ${headSha.slice(0, 7)} as its head: only the check run is posted.`);
    return target;
  }
  if (recorded.pullRequest !== undefined && recorded.pullRequest !== pullNumber) {
    logger.warning(
      `the report file says it is for pull request #${recorded.pullRequest}, but commit ${headSha.slice(0, 7)} is the head of #${pullNumber}: commenting on #${pullNumber}.`,
    );
  }
  try {
    const { data } = await github.rest.pulls.get({
      owner: context.owner,
      repo: context.repo,
      pull_number: pullNumber,
    });
    const current = (data as { head?: { sha?: unknown } } | null)?.head?.sha;
    if (current !== headSha) {
      logger.warning(
        `pull request #${pullNumber} is now at ${String(current).slice(0, 7)}, not ${headSha.slice(0, 7)} as when the report was made: the comment is skipped (a newer run will post).`,
      );
    } else {
      target.pullNumber = pullNumber;
    }
  } catch (error) {
    (error instanceof GitHubUnavailableError ? logger.info : logger.warning)(
      `could not read pull request #${pullNumber} (${describeGitHubError(error)}): the comment is skipped.`,
    );
  }
  return target;
}
