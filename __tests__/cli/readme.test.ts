import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderRuleCatalog, RULES_END, RULES_START } from '../../src/report/rule-catalog.js';
import { RULES } from '../../src/rules/index.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');

describe('README', () => {
  test('its rule table is the one generated from the catalog (run `npm run readme` after changing a rule)', () => {
    const from = readme.indexOf(RULES_START) + RULES_START.length;
    const to = readme.indexOf(RULES_END);
    expect(readme.slice(from, to).trim()).toBe(renderRuleCatalog(RULES).trim());
  });

  test('every rule id appears in it', () => {
    for (const rule of RULES) expect(readme).toContain(`\`${rule.id}\``);
  });

  test('its quick start is exactly the two commands package.json defines', () => {
    const pkg = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
    expect(pkg.scripts.start).toContain('scan examples');
    expect(readFileSync(resolve(repoRoot, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });
});
