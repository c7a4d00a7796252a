// Regenerates the rule table in README.md from the rule catalog in code (`npm run readme`).
import { readFileSync, writeFileSync } from 'node:fs';
import { RULES } from '../src/rules/index.js';
import {
  renderRuleCatalog,
  replaceBetweenMarkers,
  RULES_END,
  RULES_START,
} from '../src/report/rule-catalog.js';

const readme = readFileSync('README.md', 'utf8');
const next = replaceBetweenMarkers(readme, RULES_START, RULES_END, renderRuleCatalog(RULES));
writeFileSync('README.md', next);
console.log(next === readme ? 'README.md rule table already up to date' : 'README.md rule table updated');
