/**
 * Text from the repository (file names, resource names, parameter values, messages built from
 * them) is shown in four places, each with its own way of being abused: a Markdown comment, check
 * run or job summary (HTML, table breaks, @mentions that notify people, #123 that link issues), a
 * terminal (ANSI escapes that recolour or rewrite a line), and a GitHub Actions log (a line that
 * starts with `::` or holds `##[` is a workflow command: a forged annotation, `add-mask`,
 * `stop-commands`). Every such string goes through one of these functions on its way out.
 */

/** Zero-width space: invisible, and it breaks GitHub's mention and reference autolinking. */
const ZWSP = '\u200B';

/**
 * Breaks what GitHub turns into notifications or links in Markdown: `@user`, `@org/team`,
 * `#123`, `owner/repo#123`, `GH-123`, `user@sha`, and issue / pull-request URLs (which add a
 * "mentioned this" event to the issue), by a zero-width space after the `@` or `#`, inside `GH-`
 * and after the URL scheme. The text still reads the same. The same technique as Dependabot's and
 * Renovate's bodies (code spans alone are not enough: e-mail replies quote the text without them).
 */
export function neutralizeMentions(text: string): string {
  return text
    .replace(/@(?=[\p{L}\p{N}_-])/gu, `@${ZWSP}`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1${ZWSP}-`)
    .replace(/\b(https?):\/\/(?=\S*\/(?:issues|pull|pulls|discussions|commit|commits)\/)/gi, `$1:/${ZWSP}/`);
}

/**
 * Escapes text for one Markdown table cell (or a line of prose): a resource name or message can
 * neither end the cell, break the row, start a link or emphasis, inject HTML into the PR comment,
 * nor mention a person or link an issue.
 */
export function escapeMarkdownCell(text: string): string {
  return neutralizeMentions(
    printable(text.replace(/\r\n|\r|\n|\u2028|\u2029/g, ' '))
      .replace(/\\/g, '\\\\')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[|`*_[\]~]/g, '\\$&')
      .trim(),
  );
}

/** Text for a Markdown code span: no backtick can close it, no line break can end it. */
export function escapeCodeSpan(text: string): string {
  return printable(text.replace(/\r\n|\r|\n/g, ' '))
    .replace(/`/g, "'")
    .replace(/##\[/g, `#${ZWSP}#[`);
}

/**
 * JSON text (a report or SARIF printed by the CLI, maybe inside a workflow's log) in which no
 * string can hold the runner's legacy `##[` command prefix: the `#` before `[` is written as the
 * JSON escape `\u0023`, so the value parses the same. (JSON never starts a line with `::`, and
 * JSON.stringify already escapes control characters.)
 */
export function jsonForLogs(text: string): string {
  return text.replace(/##\[/g, '#\\u0023[');
}

/** Visible names of the control characters that have one. */
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/**
 * Control characters (C0, DEL, C1), line and paragraph separators and the bidirectional
 * overrides ("Trojan Source") are shown as escapes (`\n`, `\e`, `\u202e`): a name can then neither
 * start a new line, recolour or rewrite a terminal line, nor reorder what the reader sees.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(
    CONTROL,
    (char) => NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * One line for a GitHub Actions log (or any terminal a workflow may run the CLI in): control
 * characters made visible (so no new line can start), a leading `::` and any `##[` broken by a
 * zero-width space, so the runner reads no workflow command (the runner trims leading white space
 * before looking for `::`, and looks for the legacy `##[` anywhere in the line).
 */
export function logLine(text: string): string {
  return printable(text)
    .replace(/^(\s*):(?=:)/, `$1:${ZWSP}`)
    .replace(/##\[/g, `#${ZWSP}#[`);
}
