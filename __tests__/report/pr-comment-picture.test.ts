/**
 * docs/pr-comment.png is made by `npm run docs:comment` from the renderer's real output. This test
 * (no browser needed) fails when the renderer's Markdown or the picture's stylesheet changed since
 * the picture was made, or when the picture was replaced by hand: make it again.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMMENT_CSS,
  COMMENT_WIDTH,
  exampleCommentMarkdown,
  PICTURE,
  PICTURE_SOURCE,
  repoRoot,
  sha256,
  type PictureSource,
} from '../../scripts/pr-comment/source.js';

const regenerate = 'run `npm run docs:comment` (needs Debian chromium) and commit docs/pr-comment.*';

describe('docs/pr-comment.png', () => {
  const source = JSON.parse(readFileSync(join(repoRoot, PICTURE_SOURCE), 'utf8')) as PictureSource;

  test('was made from the Markdown the renderer produces today', async () => {
    const markdown = await exampleCommentMarkdown();
    expect({ markdown: sha256(markdown), hint: regenerate }).toEqual({
      markdown: source.markdown,
      hint: regenerate,
    });
  });

  test('was made with the current stylesheet, at the comment width, and is the file the script wrote', () => {
    expect({ css: sha256(COMMENT_CSS), hint: regenerate }).toEqual({ css: source.css, hint: regenerate });
    expect(source.width).toBe(COMMENT_WIDTH);
    const png = readFileSync(join(repoRoot, PICTURE));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // PNG header: width in the IHDR chunk.
    expect(png.readUInt32BE(16)).toBe(COMMENT_WIDTH);
    expect(sha256(png)).toBe(source.png);
  });
});
