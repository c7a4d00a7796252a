/**
 * What docs/pr-comment.png shows, built from the real renderer: the sticky comment for a pull
 * request that turns two of `examples/workspace-with-gaps`'s settings from good to bad (the other
 * gaps were there before), with the "where" links of a run on github.com. The picture script
 * (scripts/pr-comment.ts) renders it; the test in __tests__/report/pr-comment-picture.test.ts
 * checks that the committed picture was made from what this renders today.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Finding } from '../../src/model.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { RULES } from '../../src/rules/index.js';
import { scanTemplates } from '../../src/scan.js';
import { silentLogger } from '../../src/model.js';

export const repoRoot = resolve(import.meta.dirname, '../..');

/** GitHub's comment column, in CSS pixels. */
export const COMMENT_WIDTH = 960;

/** The settings the example pull request makes worse: they were fine on its base. */
const MADE_WORSE = new Set(['HA.Storage.Redundancy stmlwsdev', 'HA.KeyVault.Recoverability kv-mlws-dev']);

/** The comment's Markdown, exactly as the action renders it for that pull request. */
export async function exampleCommentMarkdown(): Promise<string> {
  const scan = (baseline?: Finding[]) =>
    scanTemplates({
      paths: ['examples/workspace-with-gaps'],
      cwd: repoRoot,
      failOn: 'regression',
      unknownAs: 'unknown',
      baseline,
      logger: silentLogger,
      now: new Date('2026-01-01T00:00:00Z'),
    });
  const head = await scan([]);
  const base = head.findings.map((finding) =>
    MADE_WORSE.has(`${finding.ruleId} ${finding.resource.name}`)
      ? { ...finding, status: 'pass' as const, regression: false }
      : finding,
  );
  const report = await scan(base);
  return renderMarkdown(report, RULES, {
    title: 'AML HA gate',
    compared: true,
    links: {
      blob: `https://github.com/contoso/ml-infra/blob/${'3f2a9c1'.padEnd(40, '0')}`,
      checkRunUrl: 'https://github.com/contoso/ml-infra/runs/1',
      runUrl: 'https://github.com/contoso/ml-infra/actions/runs/1',
    },
  });
}

/**
 * GitHub-like styling of a comment (our own rules, after the look of github.com's light theme):
 * the system font stack, 14 px text, bordered tables that are at most as wide as the comment and
 * scroll past it, as GitHub's do.
 */
export const COMMENT_CSS = `
* { box-sizing: border-box; }
html, body { margin: 0; background: #ffffff; }
body { width: ${COMMENT_WIDTH}px; padding: 0; }
.comment { border: 1px solid #d1d9e0; border-radius: 6px; width: 100%; }
.comment-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0;
  padding: 8px 16px; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
  color: #59636e; }
.comment-header strong { color: #1f2328; }
.markdown-body { padding: 16px; color: #1f2328; overflow-wrap: break-word;
  font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif,
    "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
.markdown-body > :first-child { margin-top: 0; }
.markdown-body > :last-child { margin-bottom: 0; }
.markdown-body h3, .markdown-body h4 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
.markdown-body h3 { font-size: 1.25em; }
.markdown-body h4 { font-size: 1em; }
.markdown-body p, .markdown-body table, .markdown-body blockquote, .markdown-body details, .markdown-body ul {
  margin: 0 0 16px; }
.markdown-body a { color: #0969da; text-decoration: none; }
.markdown-body code { font: 85%/1 ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  background: rgba(129, 139, 152, 0.12); border-radius: 6px; padding: 0.2em 0.4em; }
.markdown-body sub { font-size: 85%; line-height: 1; vertical-align: baseline; color: #59636e; }
.markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto;
  border-spacing: 0; border-collapse: collapse; font-variant: tabular-nums; }
.markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; vertical-align: top; }
.markdown-body th { font-weight: 600; text-align: left; }
.markdown-body tr { background: #ffffff; border-top: 1px solid #d1d9e0b3; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body blockquote { padding: 0 1em; color: #59636e; border-left: 0.25em solid #d1d9e0; }
.markdown-body summary { cursor: pointer; }
`;

/** sha256 of a text or bytes, in hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What the picture was made from: the Markdown and the stylesheet, each hashed. */
export interface PictureSource {
  /** sha256 of the Markdown the renderer produced. */
  markdown: string;
  /** sha256 of COMMENT_CSS. */
  css: string;
  /** sha256 of the PNG written from them. */
  png: string;
  width: number;
}

export const PICTURE = 'docs/pr-comment.png';
export const PICTURE_SOURCE = 'docs/pr-comment.source.json';
