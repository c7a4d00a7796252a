// Measures verdicts on the real-world template sets (`npm run realworld [-- --only id,id] [--json FILE]`):
// scans each cached set with the CLI's pipeline and compares with the manifest's expectations.
// Fill the cache first: `npm run realworld:cache -- /work/.mirror`.
import { existsSync, writeFileSync } from 'node:fs';
import { cacheRoot, loadSets } from './realworld/manifest.js';
import { measureSet, type SetResult } from './realworld/measure.js';
import { causeCounts, renderMismatches, renderTable, totals } from './realworld/render.js';

const args = process.argv.slice(2);
const valueOf = (flag: string): string | undefined => {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
};
const only = valueOf('--only') ? new Set(valueOf('--only')!.split(',')) : undefined;
const root = cacheRoot();
if (!existsSync(root)) {
  console.error(
    `no real-world cache at ${root}: run 'npm run realworld:cache -- <mirror dir>' or set AML_HA_GATE_REALWORLD`,
  );
  process.exit(2);
}

const results: SetResult[] = [];
for (const set of loadSets()) {
  if (only && !only.has(set.id)) continue;
  results.push(await measureSet(set, root));
}

console.log(`real-world sets in ${root}\n`);
console.log(renderTable(results));
const sum = totals(results);
console.log(
  `\ntargets: false pass ${sum.falsePass} (must be 0), file errors ${sum.fileErrors} (must be 0), decided unknowns ${sum.unknownsDecided} (must be 0)`,
);
const counts = causeCounts(results);
if (counts.size > 0)
  console.log(`mismatches by root cause: ${[...counts].map(([cause, n]) => `${cause}: ${n}`).join(', ')}`);
for (const r of results) {
  if (r.unlinked.length > 0)
    console.log(`\n${r.id}: resources not tied to a workspace: ${r.unlinked.join('; ')}`);
}
console.log(renderMismatches(results));
const json = valueOf('--json');
if (json) writeFileSync(json, `${JSON.stringify({ root, totals: sum, results }, null, 2)}\n`);
