// Regenerates the rule table in README.md from the rule catalog in code (`npm run readme`).
import { readFileSync, writeFileSync } from 'node:fs';
import { RULES } from '../src/rules/index.js';
import {
  renderTerraformMapping,
  TERRAFORM_END,
  TERRAFORM_START,
} from '../src/sources/terraform/mapping-table.js';
import {
  renderRuleCatalog,
  replaceBetweenMarkers,
  RULES_END,
  RULES_START,
} from '../src/report/rule-catalog.js';

const readme = readFileSync('README.md', 'utf8');
const next = replaceBetweenMarkers(
  replaceBetweenMarkers(readme, RULES_START, RULES_END, renderRuleCatalog(RULES)),
  TERRAFORM_START,
  TERRAFORM_END,
  renderTerraformMapping(RULES),
);
writeFileSync('README.md', next);
console.log(next === readme ? 'README.md tables already up to date' : 'README.md tables updated');
