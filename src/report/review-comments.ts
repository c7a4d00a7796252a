import { UnexpectedResponseError, type GitHubClient } from '../github.js';
import type { Finding, Logger } from '../model.js';
import { tokenLogin } from './comment.js';
import { escapeMarkdownCell } from './escape.js';
import { displayName } from './names.js';
import { plural } from './order.js';
import type { Suggestion } from './suggestions.js';

/** Suggested changes posted per run at most; the rest wait for a later run (or the table). */
export const MAX_SUGGESTIONS = 20;
/**
 * Earlier suggestions marked resolved per run at most: each is an edit, and Octokit's throttling
 * spaces writes a second apart within the run's 60 s for GitHub.
 */
export const MAX_RESOLVED_PER_RUN = 10;

export interface ReviewTarget {
  owner: string;
  repo: string;
  pullNumber: number;
  /** The PR head commit the comments are made on. */
  headSha: string;
  checkName: string;
}

export interface SuggestionSync {
  created: number;
  updated: number;
  /** Posted anew because their line moved or went out of date. */
  moved: number;
  unchanged: number;
  /** Earlier suggestions that no longer apply, marked resolved. */
  resolved: number;
  /** Suggestions over MAX_SUGGESTIONS, not posted. */
  notPosted: number;
}

const ICON: Record<string, string> = { fail: '❌', warn: '⚠️' };

/**
 * The hidden first line of a suggestion comment: the gate (by check name) and the suggestion's
 * key, and whether it was marked resolved. Like the sticky comment's marker it only counts as the
 * first line of a comment by a bot or the token's user.
 */
export function suggestionMarker(checkName: string, key: string, resolved = false): string {
  return `<!-- aml-ha-gate-fix:${checkName.replace(/--+>?|[\r\n]/g, '')} ${key}${resolved ? ' resolved' : ''} -->`;
}

function parseMarker(body: string, checkName: string): { key: string; resolved: boolean } | undefined {
  const first = body.split('\n', 1)[0]!;
  const prefix = `<!-- aml-ha-gate-fix:${checkName.replace(/--+>?|[\r\n]/g, '')} `;
  if (!first.startsWith(prefix)) return undefined;
  const match = /^([0-9a-f]{16})( resolved)? -->$/.exec(first.slice(prefix.length));
  return match ? { key: match[1]!, resolved: match[2] !== undefined } : undefined;
}

/** A fence longer than any run of backticks in the line, so the line cannot close it. */
function fence(line: string): string {
  const longest = Math.max(0, ...[...line.matchAll(/`+/g)].map((run) => run[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** The review comment of one suggestion: what is wrong, the one-click change, and what to know. */
export function suggestionBody(
  suggestion: Suggestion,
  checkName: string,
  helpUri: (ruleId: string) => string | undefined,
): string {
  const lines = [suggestionMarker(checkName, suggestion.key)];
  for (const finding of suggestion.findings) lines.push(findingLine(finding, helpUri));
  const marks = fence(suggestion.replacement);
  lines.push('', `${marks}suggestion`, suggestion.replacement, marks, '');
  // The change and its note are the fix table's own words (src/rules/fixes.ts), not repository text.
  const change = `\`${String(suggestion.fix.from)}\` → \`${String(suggestion.fix.to)}\`.`;
  lines.push(suggestion.fix.note ? `${change} ${suggestion.fix.note}` : change, '');
  lines.push(
    `<sub>Suggested by ${escapeMarkdownCell(checkName)}: commit it from here, or change the line yourself. This comment is updated on later runs, and marked resolved once the line no longer needs it.</sub>`,
  );
  return `${lines.join('\n')}\n`;
}

function findingLine(finding: Finding, helpUri: (ruleId: string) => string | undefined): string {
  const uri = helpUri(finding.ruleId);
  const rule = uri
    ? `[${escapeMarkdownCell(finding.ruleId)}](${uri})`
    : `**${escapeMarkdownCell(finding.ruleId)}**`;
  const name = escapeMarkdownCell(displayName(finding.resource.name).text);
  return `${ICON[finding.status] ?? ''} ${rule} on **${name}**: ${escapeMarkdownCell(finding.message)}`.trim();
}

function resolvedBody(checkName: string, key: string, headSha: string): string {
  return `${suggestionMarker(checkName, key, true)}\n✅ Resolved: at \`${headSha.slice(0, 7)}\` this line no longer needs the change ${escapeMarkdownCell(checkName)} suggested here (fixed, or the finding moved).\n`;
}

interface ListedReviewComment {
  id: number;
  node_id?: string;
  body?: string | null;
  path?: string;
  /** The line at the PR head; null when the comment is out of date. */
  line?: number | null;
  in_reply_to_id?: number;
  user?: { login?: string; type?: string } | null;
}

/**
 * Brings the pull request's suggestion comments in line with `suggestions`: one review comment
 * per suggestion on its line (created once; edited in place on later runs; posted anew, the old
 * one deleted, when its line moved), and the earlier ones that no longer apply edited to say so and
 * their threads resolved. Only comments that start with this gate's marker and were written by a
 * bot or the token's user are touched.
 */
export async function syncSuggestionComments(
  octokit: GitHubClient,
  target: ReviewTarget,
  suggestions: readonly Suggestion[],
  helpUri: (ruleId: string) => string | undefined,
  logger: Logger,
): Promise<SuggestionSync> {
  const { owner, repo, pullNumber, headSha, checkName } = target;
  const what = `the review comments of #${pullNumber}`;
  const listed = await octokit.paginate(
    octokit.rest.pulls.listReviewComments,
    { owner, repo, pull_number: pullNumber, per_page: 100 },
    (response) => {
      if (!Array.isArray(response.data)) throw new UnexpectedResponseError(what, response.data);
      return response.data as unknown as ListedReviewComment[];
    },
  );
  for (const comment of listed) {
    if (
      !comment ||
      typeof comment.id !== 'number' ||
      (comment.body != null && typeof comment.body !== 'string')
    )
      throw new UnexpectedResponseError(what, comment);
  }
  const marked = listed
    .filter((comment) => comment.in_reply_to_id === undefined || comment.in_reply_to_id === null)
    .flatMap((comment) => {
      const marker = parseMarker(comment.body ?? '', checkName);
      return marker ? [{ comment, ...marker }] : [];
    });
  let login: string | undefined;
  if (marked.some(({ comment }) => comment.user?.type !== 'Bot')) login = await tokenLogin(octokit);
  const ours = marked.filter(
    ({ comment }) => comment.user?.type === 'Bot' || (login !== undefined && comment.user?.login === login),
  );
  const byKey = new Map<string, typeof ours>();
  for (const entry of ours) byKey.set(entry.key, [...(byKey.get(entry.key) ?? []), entry]);

  const result: SuggestionSync = {
    created: 0,
    updated: 0,
    moved: 0,
    unchanged: 0,
    resolved: 0,
    notPosted: 0,
  };
  const posted = suggestions.slice(0, MAX_SUGGESTIONS);
  result.notPosted = suggestions.length - posted.length;
  const fresh: Array<{ suggestion: Suggestion; body: string }> = [];
  for (const suggestion of posted) {
    const body = suggestionBody(suggestion, checkName, helpUri);
    const [keep, ...extra] = byKey.get(suggestion.key) ?? [];
    byKey.delete(suggestion.key);
    for (const { comment } of extra)
      await octokit.rest.pulls.deleteReviewComment({ owner, repo, comment_id: comment.id });
    if (!keep) {
      fresh.push({ suggestion, body });
      result.created++;
    } else if (
      keep.resolved ||
      keep.comment.path !== suggestion.path ||
      keep.comment.line !== suggestion.line
    ) {
      // Its line moved or went out of date, or it was resolved earlier: a fresh comment on the
      // line, in an open thread, instead of the old one.
      await octokit.rest.pulls.deleteReviewComment({ owner, repo, comment_id: keep.comment.id });
      fresh.push({ suggestion, body });
      result.moved++;
    } else if (keep.comment.body !== body) {
      await octokit.rest.pulls.updateReviewComment({ owner, repo, comment_id: keep.comment.id, body });
      result.updated++;
    } else result.unchanged++;
  }
  if (fresh.length > 0) {
    // One review for all new comments: one request and one notification, not one per line.
    await octokit.rest.pulls.createReview({
      owner,
      repo,
      pull_number: pullNumber,
      commit_id: headSha,
      event: 'COMMENT',
      body: `${plural(fresh.length, 'suggested change')} from ${escapeMarkdownCell(checkName)} for high-availability findings on lines this pull request changes: review and commit them from here.`,
      comments: fresh.map(({ suggestion, body }) => ({
        path: suggestion.path,
        line: suggestion.line,
        side: 'RIGHT',
        body,
      })),
    });
  }

  // What is left was suggested by an earlier run and no longer applies.
  const stale = [...byKey.values()].flat().filter((entry) => !entry.resolved);
  const toResolve: number[] = [];
  for (const { comment, key } of stale.slice(0, MAX_RESOLVED_PER_RUN)) {
    await octokit.rest.pulls.updateReviewComment({
      owner,
      repo,
      comment_id: comment.id,
      body: resolvedBody(checkName, key, headSha),
    });
    toResolve.push(comment.id);
    result.resolved++;
  }
  if (toResolve.length > 0) await resolveThreads(octokit, target, toResolve, logger);
  logger.debug(`${listed.length} review comments on #${pullNumber}, ${ours.length} suggestions of this gate`);
  return result;
}

const THREADS_QUERY = `query($owner: String!, $repo: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $cursor) {
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;

/** One mutation resolving every thread given (`$t0`, `$t1`, …): one request, not one per thread. */
function resolveMutation(count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `$t${i}: ID!`).join(', ');
  const calls = Array.from(
    { length: count },
    (_, i) => `  r${i}: resolveReviewThread(input: { threadId: $t${i} }) { thread { id isResolved } }`,
  ).join('\n');
  return `mutation(${variables}) {\n${calls}\n}`;
}

interface ThreadsPage {
  repository?: {
    pullRequest?: {
      reviewThreads?: {
        nodes?: Array<{
          id?: string;
          isResolved?: boolean;
          comments?: { nodes?: Array<{ databaseId?: number }> };
        }>;
        pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
      };
    };
  };
}

/**
 * Marks the review threads that start with these comments as resolved (GraphQL: the REST API
 * cannot). Best effort: the comment already says it is resolved, so a failure is a debug line.
 */
async function resolveThreads(
  octokit: GitHubClient,
  target: ReviewTarget,
  commentIds: number[],
  logger: Logger,
): Promise<void> {
  const wanted = new Set(commentIds);
  const open: string[] = [];
  try {
    let cursor: string | null | undefined;
    for (let page = 0; page < 10 && wanted.size > 0; page++) {
      const data = await octokit.graphql<ThreadsPage>(THREADS_QUERY, {
        owner: target.owner,
        repo: target.repo,
        number: target.pullNumber,
        cursor: cursor ?? null,
      });
      const threads = data?.repository?.pullRequest?.reviewThreads;
      for (const thread of threads?.nodes ?? []) {
        const first = thread?.comments?.nodes?.[0]?.databaseId;
        if (first === undefined || !wanted.has(first) || typeof thread.id !== 'string') continue;
        wanted.delete(first);
        if (!thread.isResolved) open.push(thread.id);
      }
      if (!threads?.pageInfo?.hasNextPage) break;
      cursor = threads.pageInfo.endCursor;
    }
    if (open.length > 0)
      await octokit.graphql(
        resolveMutation(open.length),
        Object.fromEntries(open.map((id, i) => [`t${i}`, id])),
      );
  } catch (error) {
    logger.debug(
      `could not resolve the review threads of outdated suggestions: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
}
