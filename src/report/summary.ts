/** GitHub's limit on one step's job summary. */
export const JOB_SUMMARY_LIMIT = 1024 * 1024;

/**
 * The job summary: the full Markdown report, cut (at a line) to stay under 1 MiB of UTF-8 with a
 * visible note pointing at the report file.
 */
export function jobSummary(markdown: string, reportFile?: string): string {
  const text = markdown.endsWith('\n') ? markdown : `${markdown}\n`;
  if (Buffer.byteLength(text, 'utf8') <= JOB_SUMMARY_LIMIT) return text;
  const note = `\n> **Truncated** at GitHub's 1 MiB job-summary limit.${reportFile ? ` The full report is in \`${reportFile}\`.` : ''}\n`;
  const room = JOB_SUMMARY_LIMIT - Buffer.byteLength(note, 'utf8') - 4;
  const buffer = Buffer.from(text, 'utf8').subarray(0, room);
  // Drop a partial trailing UTF-8 sequence and the partial last line.
  let decoded = buffer.toString('utf8').replace(/\uFFFD+$/, '');
  const lastLine = decoded.lastIndexOf('\n');
  if (lastLine > 0) decoded = decoded.slice(0, lastLine + 1);
  return `${decoded}${note}`;
}
