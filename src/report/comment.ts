import type { GitHubClient } from '../github.js';
import type { Logger } from '../model.js';

/** GitHub's limit on a comment body. */
export const COMMENT_LIMIT = 65_536;

/** Hidden marker that identifies this gate's comment on a pull request (one per check name). */
export function commentMarker(checkName: string): string {
  return `<!-- aml-ha-gate:${checkName.replace(/-->/g, '')} -->`;
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

/**
 * Posts or refreshes the one comment of this gate on a pull request: it finds the comment carrying
 * the marker across all pages, edits it in place (`update`) or deletes it and posts anew
 * (`recreate`). Extra copies left by concurrent runs are deleted.
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
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const ours = comments.filter((comment) => (comment.body ?? '').includes(marker));
  logger.debug(`${comments.length} comments on #${issueNumber}, ${ours.length} from this gate`);

  if (mode === 'update' && ours.length > 0) {
    const [keep, ...extra] = ours;
    for (const comment of extra)
      await octokit.rest.issues.deleteComment({ owner, repo, comment_id: comment.id });
    const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: keep.id, body });
    return { url: data.html_url, action: 'updated' };
  }
  for (const comment of ours)
    await octokit.rest.issues.deleteComment({ owner, repo, comment_id: comment.id });
  const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
  return { url: data.html_url, action: ours.length > 0 ? 'recreated' : 'created' };
}
