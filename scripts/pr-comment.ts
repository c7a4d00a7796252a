// Renders docs/pr-comment.png from the real renderer's Markdown at GitHub's comment width
// (`npm run docs:comment`): Markdown → HTML with micromark and its GFM extension (CommonMark and
// GitHub Flavored Markdown, as github.com parses comments), our GitHub-like stylesheet, then a
// screenshot in headless Chromium (Debian: apt-get install -y chromium). It refuses to write a
// picture in which a table is wider than the comment. docs/pr-comment.source.json records the
// hashes of what the picture was made from; a test fails when the renderer's output changes and
// the picture was not made again.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import {
  COMMENT_CSS,
  COMMENT_WIDTH,
  exampleCommentMarkdown,
  PICTURE,
  PICTURE_SOURCE,
  repoRoot,
  sha256,
  type PictureSource,
} from './pr-comment/source.js';

const CHROMIUM = process.env.CHROMIUM ?? 'chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--hide-scrollbars',
  '--force-device-scale-factor=1',
  '--virtual-time-budget=3000',
];

function page(markdown: string, measure: boolean): string {
  const body = micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
  });
  // The measuring pass writes the page height and any table wider than the comment into the DOM,
  // which --dump-dom prints.
  const script = measure
    ? `<script>addEventListener('load', () => {
        const wide = [...document.querySelectorAll('table')].filter((t) => t.scrollWidth > t.clientWidth + 1)
          .map((t) => t.scrollWidth + 'px: ' + (t.querySelector('tbody tr')?.textContent ?? '').slice(0, 80));
        const out = document.createElement('pre');
        out.id = 'measure';
        out.textContent = JSON.stringify({ height: Math.ceil(document.querySelector('.comment').getBoundingClientRect().bottom) + 1, wide });
        document.body.append(out);
      });</script>`
    : '';
  return `<!doctype html><html><head><meta charset="utf-8"><style>${COMMENT_CSS}</style></head><body>
<div class="comment"><div class="comment-header"><strong>github-actions</strong> <span>bot</span> commented</div>
<div class="markdown-body">${body}</div></div>${script}</body></html>`;
}

const markdown = await exampleCommentMarkdown();
const work = mkdtempSync(join(tmpdir(), 'aml-ha-gate-picture-'));
try {
  const profile = join(work, 'profile');
  const run = (args: string[]) =>
    execFileSync(CHROMIUM, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  const measurePage = join(work, 'measure.html');
  writeFileSync(measurePage, page(markdown, true));
  const dom = run([`--window-size=${COMMENT_WIDTH},2000`, '--dump-dom', `file://${measurePage}`]);
  const found = /<pre id="measure">([^<]*)<\/pre>/.exec(dom);
  if (!found) throw new Error('Chromium did not run the measuring script');
  const measured = JSON.parse(found[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as {
    height: number;
    wide: string[];
  };
  if (measured.wide.length > 0) {
    console.error(`tables wider than the ${COMMENT_WIDTH} px comment:\n  ${measured.wide.join('\n  ')}`);
    process.exit(1);
  }
  const shotPage = join(work, 'page.html');
  writeFileSync(shotPage, page(markdown, false));
  const png = join(work, 'shot.png');
  run([`--window-size=${COMMENT_WIDTH},${measured.height}`, `--screenshot=${png}`, `file://${shotPage}`]);
  const picture = readFileSync(png);
  writeFileSync(join(repoRoot, PICTURE), picture);
  const source: PictureSource = {
    markdown: sha256(markdown),
    css: sha256(COMMENT_CSS),
    png: sha256(picture),
    width: COMMENT_WIDTH,
  };
  writeFileSync(join(repoRoot, PICTURE_SOURCE), `${JSON.stringify(source, null, 2)}\n`);
  console.log(`${PICTURE}: ${COMMENT_WIDTH}×${measured.height} px, no table wider than the comment`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
