import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RULES } from '../../src/rules/index.js';

const rulesDoc = resolve(import.meta.dirname, '../../../shared/docs/rules.md');
const withDoc = existsSync(rulesDoc) ? describe : describe.skip;
if (!existsSync(rulesDoc))
  console.log(`skipping the catalog contract test: ${rulesDoc} is absent (clone without ../shared)`);

withDoc('the rule catalog matches docs/rules.md', () => {
  test('same ids, same order, none renamed', () => {
    const ids = [...readFileSync(rulesDoc, 'utf8').matchAll(/^\| `(HA\.[A-Za-z0-9.]+)` \|/gm)].map(
      (m) => m[1],
    );
    expect(ids.length).toBeGreaterThan(20);
    expect(RULES.map((rule) => rule.id)).toEqual(ids);
  });
});

test('every rule has help, a source and a link', () => {
  for (const rule of RULES) {
    expect(rule.help.length).toBeGreaterThan(40);
    expect(rule.source.length).toBeGreaterThan(5);
    expect(rule.helpUri).toMatch(/^https:\/\/learn\.microsoft\.com\//);
    expect(rule.appliesTo.length).toBeGreaterThan(0);
  }
});
