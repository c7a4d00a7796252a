/**
 * The bundles carry the licenses of what they bundle: dist/licenses.txt (the action) and
 * dist/cli/licenses.txt (the CLI), written by scripts/bundle.mjs from ncc's module graph. Every
 * runtime dependency the action imports is in the action's file at its installed version, each
 * entry followed by a license text.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../..');
const licensesFile = join(repoRoot, 'dist/licenses.txt');
const present = existsSync(licensesFile);
if (!present) console.warn('dist licenses test skipped: dist/licenses.txt missing: run npm run bundle');

const installedVersion = (name: string) =>
  (
    JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

(present ? describe : describe.skip)('dist/licenses.txt', () => {
  const text = present ? readFileSync(licensesFile, 'utf8') : '';
  const listed = [...text.matchAll(/^ - (\S+)$/gm)].map((match) => match[1]);

  test('lists every runtime dependency at its installed version', () => {
    const { dependencies } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const missing = Object.keys(dependencies)
      .map((name) => `${name}@${installedVersion(name)}`)
      .filter((id) => !listed.includes(id));
    expect(missing).toEqual([]);
  });

  test('lists their bundled dependencies too, each group with its license text', () => {
    // The SDKs' own dependencies, bundled with them: a file of direct dependencies only misses these.
    for (const name of ['@azure/core-rest-pipeline', '@octokit/core', 'undici'])
      expect(listed).toContain(`${name}@${installedVersion(name)}`);
    const groups = text.split(/^The following npm packages? may be included in this product:$/m).slice(1);
    expect(groups.length).toBeGreaterThan(10);
    for (const group of groups)
      expect(group).toMatch(
        /(?:This package contains|These packages each contain) the following license:\n\n\S/,
      );
  });
});
