// Copies the real-world template sets from local git snapshots into the cache folder
// (`npm run realworld:cache -- <mirror dir…> [--force] [--only id,id]`). The cache is
// $AML_HA_GATE_REALWORLD, else .cache/realworld in the repository (gitignored).
import { mkdirSync } from 'node:fs';
import { cacheRoot, loadSets } from './realworld/manifest.js';
import { cacheSet } from './realworld/cache.js';

const args = process.argv.slice(2);
const force = args.includes('--force');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? '').split(',').filter(Boolean)) : undefined;
const mirrors = args.filter(
  (arg, index) => !arg.startsWith('--') && (onlyIndex < 0 || index !== onlyIndex + 1),
);

if (mirrors.length === 0) {
  console.error(
    'usage: npm run realworld:cache -- <mirror dir…> [--force] [--only id,id]\n' +
      '  mirror dir: a folder holding bare git snapshots as <owner>+<name>/repo (e.g. /work/.mirror)',
  );
  process.exit(2);
}

const root = cacheRoot();
mkdirSync(root, { recursive: true });
let missing = 0;
for (const set of loadSets()) {
  if (only && !only.has(set.id)) continue;
  const result = cacheSet(set, root, mirrors, force);
  if (result.status === 'missing repository') missing++;
  console.log(
    `${result.id.padEnd(40)} ${result.status.padEnd(18)} ${String(result.files).padStart(4)} files${result.message ? `  ${result.message}` : ''}`,
  );
}
console.log(`cache: ${root}`);
process.exit(missing > 0 ? 1 : 0);
