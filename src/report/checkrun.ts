import { GitHubUnavailableError, UnexpectedResponseError, type GitHubClient } from '../github.js';
import { printable } from './escape.js';
import type { Finding, Logger, Report } from '../model.js';

/** GitHub's limits: summary text, annotations per request. */
export const CHECK_SUMMARY_LIMIT = 65_535;
export const ANNOTATIONS_PER_REQUEST = 50;
/** Annotations sent at most per run; the rest are counted in the summary. */
export const MAX_ANNOTATIONS = 1000;

export type Conclusion = 'success' | 'failure' | 'neutral';

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  title: string;
  message: string;
}

/**
 * success when the gate passed with nothing to look at, neutral when it passed with findings the
 * gate does not fail on (old failures, warnings, unknowns), failure when the gate failed.
 */
export function checkConclusion(report: Report): Conclusion {
  if (report.verdict === 'fail') return 'failure';
  const open = report.summary.fail + report.summary.warn + report.summary.unknown + report.errors.length;
  return open > 0 ? 'neutral' : 'success';
}

function level(finding: Finding): Annotation['annotation_level'] | undefined {
  switch (finding.status) {
    case 'fail':
      return 'failure';
    case 'warn':
      return 'warning';
    case 'info':
    case 'unknown':
      return 'notice';
    default:
      return undefined;
  }
}

/**
 * One annotation per non-pass finding that has a file and line (template findings; live findings
 * have none), regressions and failures first, plus one per file error.
 */
export function buildAnnotations(report: Report): Annotation[] {
  const annotations: Annotation[] = [];
  const order = (finding: Finding) =>
    (finding.regression ? 0 : 1) * 10 + (finding.status === 'fail' ? 0 : finding.status === 'warn' ? 1 : 2);
  const findings = report.findings
    .filter((finding) => finding.location && level(finding))
    .sort((a, b) => order(a) - order(b));
  for (const error of report.errors) {
    annotations.push({
      path: error.file,
      start_line: error.line ?? 1,
      end_line: error.line ?? 1,
      annotation_level: 'failure',
      title: 'Template could not be evaluated',
      message: printable(error.message).slice(0, 60_000),
    });
  }
  for (const finding of findings) {
    const location = finding.location!;
    const name =
      finding.workspace && finding.workspace !== finding.resource.name
        ? `${finding.resource.name} (workspace ${finding.workspace})`
        : finding.resource.name;
    annotations.push({
      path: location.file,
      start_line: location.line,
      end_line: location.line,
      annotation_level: level(finding)!,
      title: printable(
        `${finding.regression ? 'Regression: ' : ''}${finding.ruleId} (${finding.status})`,
      ).slice(0, 255),
      message:
        `${printable(finding.message)}\n${printable(name)}: ${printable(finding.evidence.path)} = ${printable(JSON.stringify(finding.evidence.value) ?? 'null')}`.slice(
          0,
          60_000,
        ),
    });
  }
  return annotations;
}

/** Cuts the summary to the check-run limit with a visible note. */
export function checkSummary(markdown: string, note?: string): string {
  const tail = note ? `\n\n${note}\n` : '';
  if (markdown.length + tail.length <= CHECK_SUMMARY_LIMIT) return `${markdown}${tail}`;
  const cutNote = '\n\n> **Truncated**: see the job summary or the report file for the full report.\n';
  const room = CHECK_SUMMARY_LIMIT - cutNote.length - tail.length;
  const head = markdown.slice(0, room);
  const lastLine = head.lastIndexOf('\n');
  return `${lastLine > 0 ? head.slice(0, lastLine) : head}${cutNote}${tail}`;
}

export interface CheckRunRequest {
  owner: string;
  repo: string;
  /** The pull request's head commit (not the merge commit). */
  headSha: string;
  name: string;
  title: string;
  /** Markdown report. */
  summary: string;
  conclusion: Conclusion;
  annotations: Annotation[];
  detailsUrl?: string;
}

export interface CheckRunResult {
  url: string;
  id: number;
  sent: number;
  notSent: number;
  requests: number;
}

/**
 * Creates the completed check run and sends its annotations in batches of 50 (the API's limit per
 * request): the first batch with the create, the rest as updates. Annotations beyond
 * MAX_ANNOTATIONS, or in a batch the API refused, are counted and stated in the summary.
 */
export async function publishCheckRun(
  octokit: GitHubClient,
  request: CheckRunRequest,
  logger: Logger,
): Promise<CheckRunResult> {
  const { owner, repo } = request;
  const capped = request.annotations.slice(0, MAX_ANNOTATIONS);
  let notSent = request.annotations.length - capped.length;
  const batches: Annotation[][] = [];
  for (let index = 0; index < capped.length; index += ANNOTATIONS_PER_REQUEST)
    batches.push(capped.slice(index, index + ANNOTATIONS_PER_REQUEST));
  const notSentNote = (count: number) =>
    count > 0
      ? `> ${count} annotation${count === 1 ? ' was' : 's were'} not sent (limit ${MAX_ANNOTATIONS} per run, or refused by the API); every finding is in the table above and in the report file.`
      : undefined;

  const summary = checkSummary(request.summary, notSentNote(notSent));
  const { data } = await octokit.rest.checks.create({
    owner,
    repo,
    name: request.name,
    head_sha: request.headSha,
    status: 'completed',
    conclusion: request.conclusion,
    details_url: request.detailsUrl,
    output: { title: request.title.slice(0, 255), summary, annotations: batches[0] ?? [] },
  });
  if (typeof data?.id !== 'number') throw new UnexpectedResponseError('the check-run creation', data);
  let requests = 1;
  let sent = batches[0]?.length ?? 0;
  for (const batch of batches.slice(1)) {
    try {
      await octokit.rest.checks.update({
        owner,
        repo,
        check_run_id: data.id,
        output: { title: request.title.slice(0, 255), summary, annotations: batch },
      });
      sent += batch.length;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 403 || status === 401 || error instanceof GitHubUnavailableError) throw error;
      logger.warning(
        `could not send ${batch.length} check-run annotations: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
      notSent += batch.length;
    }
    requests++;
  }
  if (sent < capped.length) {
    // Some batch was refused: say so in the summary, which is what readers see first.
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: data.id,
      output: {
        title: request.title.slice(0, 255),
        summary: checkSummary(request.summary, notSentNote(notSent)),
      },
    });
    requests++;
  }
  return { url: data.html_url ?? '', id: data.id, sent, notSent, requests };
}
