import { GitHubUnavailableError, UnexpectedResponseError, type GitHubClient } from '../github.js';
import type { Logger } from '../model.js';

/** GitHub's limit on a comment body. */
export const COMMENT_LIMIT = 65_536;

/**
 * Hidden marker that identifies this gate's comment on a pull request (one per check name). It is
 * only recognised as the very first line of a comment written by a bot or by the token's own
 * user: content further down a body (a file or resource name carrying another gate's marker, a
 * human quoting one) never makes a comment "ours", so one gate cannot edit or delete another's.
 */
export function commentMarker(checkName: string): string {
  return `<!-- aml-ha-gate:${checkName.replace(/--+>?|[\r\n]/g, '')} -->`;
}

/** Whether a comment body is this gate's: the marker, alone on the first line. */
export function startsWithMarker(body: string | null | undefined, marker: string): boolean {
  return typeof body === 'string' && (body === marker || body.startsWith(`${marker}\n`));
}

/**
 * The comment body: marker first, then the Markdown, cut to GitHub's limit with a visible note
 * pointing at the job summary and report file when it does not fit.
 */
export function commentBody(markdown: string, checkName: string, moreAt?: string): string {
  const marker = commentMarker(checkName);
  const full = `${marker}\n${markdown}`;
  if (full.length <= COMMENT_LIMIT) return full;
  const note = `\n\n> **Truncated**: the full report is too long for a comment. See ${moreAt ? `[the job summary](${moreAt})` : 'the job summary'} or the report file.\n`;
  let cut = COMMENT_LIMIT - note.length;
  // Do not cut inside a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(full.charAt(cut - 1))) cut--;
  const head = full.slice(0, cut);
  const lastLine = head.lastIndexOf('\n');
  return `${lastLine > marker.length ? head.slice(0, lastLine) : head}${note}`;
}

export interface StickyCommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
  checkName: string;
}

export interface StickyCommentResult {
  url: string;
  action: 'created' | 'updated' | 'recreated';
}

interface ListedComment {
  id: number;
  body?: string | null;
  user?: { login?: string; type?: string } | null;
}

/**
 * Posts or refreshes the one comment of this gate on a pull request: it finds the comments that
 * start with the marker and were written by a bot (the GITHUB_TOKEN's `github-actions[bot]`, an
 * app) or by the token's user, across all pages, edits one in place (`update`) or deletes them and
 * posts anew (`recreate`). Extra copies left by concurrent runs are deleted. Comments by anyone
 * else are never touched, whatever they contain.
 */
export async function upsertStickyComment(
  octokit: GitHubClient,
  target: StickyCommentTarget,
  body: string,
  mode: 'update' | 'recreate',
  logger: Logger,
): Promise<StickyCommentResult> {
  const { owner, repo, issueNumber } = target;
  const marker = commentMarker(target.checkName);
  const comments = await octokit.paginate(
    octokit.rest.issues.listComments,
    { owner, repo, issue_number: issueNumber, per_page: 100 },
    (response) => {
      if (!Array.isArray(response.data))
        throw new UnexpectedResponseError(`the comments of #${issueNumber}`, response.data);
      return response.data as unknown as ListedComment[];
    },
  );
  for (const comment of comments) {
    if (
      !comment ||
      typeof comment.id !== 'number' ||
      (comment.body != null && typeof comment.body !== 'string')
    )
      throw new UnexpectedResponseError(`the comments of #${issueNumber}`, comment);
  }
  const marked = comments.filter((comment) => startsWithMarker(comment.body, marker));
  let ours = marked.filter((comment) => comment.user?.type === 'Bot');
  const byUsers = marked.filter((comment) => comment.user?.type !== 'Bot');
  if (byUsers.length > 0) {
    // A personal token posts as its user: find out who that is (an installation token cannot ask).
    const login = await tokenLogin(octokit);
    ours = marked.filter(
      (comment) => comment.user?.type === 'Bot' || (login !== undefined && comment.user?.login === login),
    );
    const foreign = marked.length - ours.length;
    if (foreign > 0)
      logger.info(
        `${foreign} comment(s) on #${issueNumber} start with this gate's marker but were written by someone else: left alone`,
      );
  }
  logger.debug(`${comments.length} comments on #${issueNumber}, ${ours.length} from this gate`);

  if (mode === 'update' && ours.length > 0) {
    const [keep, ...extra] = ours;
    for (const comment of extra)
      await octokit.rest.issues.deleteComment({ owner, repo, comment_id: comment.id });
    const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: keep!.id, body });
    return { url: data.html_url, action: 'updated' };
  }
  for (const comment of ours)
    await octokit.rest.issues.deleteComment({ owner, repo, comment_id: comment.id });
  const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
  return { url: data.html_url, action: ours.length > 0 ? 'recreated' : 'created' };
}

/** The login of the token's user (GET /user); undefined for an installation token, which cannot ask. */
async function tokenLogin(octokit: GitHubClient): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return typeof data?.login === 'string' ? data.login : undefined;
  } catch (error) {
    if (error instanceof GitHubUnavailableError) throw error;
    return undefined;
  }
}
