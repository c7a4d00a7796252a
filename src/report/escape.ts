/**
 * Escapes text for one Markdown table cell: a resource name or message can neither end the cell,
 * break the row, start a link or emphasis, nor inject HTML into the PR comment.
 */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[|`*_[\]]/g, '\\$&')
    .trim();
}
