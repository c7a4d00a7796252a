// Generates the README's inputs/outputs tables from action.yml, between
// <!-- inputs:start --> and <!-- inputs:end -->, so the two cannot drift.
//   node scripts/readme-inputs.mjs           rewrite README.md
//   node scripts/readme-inputs.mjs --check   exit 1 when README.md is out of date (2 without markers)
//   node scripts/readme-inputs.mjs --print   print the tables
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

const START = '<!-- inputs:start -->';
const END = '<!-- inputs:end -->';
const root = resolve(import.meta.dirname, '..');

const cell = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\|/g, '\\|');

const code = (text) => (text === '' ? '' : `\`${text.replace(/\n/g, ', ')}\``);

export function renderTables(manifest) {
  const inputs = Object.entries(manifest.inputs ?? {}).map(
    ([name, input]) => `| \`${name}\` | ${cell(input.description)} | ${code(String(input.default ?? ''))} |`,
  );
  const outputs = Object.entries(manifest.outputs ?? {}).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`,
  );
  return [
    '### Inputs',
    '',
    '| input | description | default |',
    '| --- | --- | --- |',
    ...inputs,
    '',
    '### Outputs',
    '',
    '| output | description |',
    '| --- | --- |',
    ...outputs,
  ].join('\n');
}

const manifest = parse(readFileSync(resolve(root, 'action.yml'), 'utf8'));
const tables = renderTables(manifest);
if (process.argv.includes('--print')) {
  process.stdout.write(`${tables}\n`);
  process.exit(0);
}
const readmePath = resolve(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from < 0 || to < from) {
  console.error(`README.md has no ${START} … ${END} markers`);
  process.exit(2);
}
const updated = `${readme.slice(0, from + START.length)}\n${tables}\n${readme.slice(to)}`;
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error(
      'README.md inputs/outputs tables differ from action.yml: run node scripts/readme-inputs.mjs',
    );
    process.exit(1);
  }
  process.exit(0);
}
writeFileSync(readmePath, updated);
console.log('README.md inputs/outputs tables updated from action.yml');
