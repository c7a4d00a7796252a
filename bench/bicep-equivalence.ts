/**
 * Bicep ↔ JSON equivalence on the quickstart corpus (`npm run bench:bicep`): every `main.bicep`
 * that has a compiled template committed beside it (`azuredeploy.json`, else `main.json`) is
 * compiled with the real Bicep CLI through the scanner, and its findings are compared with those
 * of the committed JSON (same parameters file on both sides). Prints the pairs, how many give
 * equal findings, and for the others why, by cause.
 *
 *   npm run bench:bicep [-- <corpus folder> [<folder filter>]]
 *
 * Needs the Bicep CLI (`bash scripts/install-bicep.sh`); takes a few minutes (two compiles at a time).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { comparePair, findBicepPairs, type PairComparison } from '../__tests__/helpers/bicep-pairs.js';
import { realBicep, repoRoot } from '../__tests__/helpers/real-bicep.js';

const corpus = path.resolve(
  process.argv[2] ?? path.resolve(repoRoot, '../shared/corpus/quickstart-templates'),
);
const filter = process.argv[3] ?? '';
const CONCURRENCY = 2;

/** Why a pair differs, from what the two sides say. */
function causeOf(result: PairComparison): string {
  const codes = result.bicepErrors.map((e) => /BCP\d+|cannot be restored/.exec(e.message)?.[0] ?? 'other');
  if (codes.includes('cannot be restored')) return 'registry module not restorable offline (br:/br/public:)';
  if (codes.includes('BCP091')) return 'a file the .bicep loads is not in the corpus copy (BCP091)';
  if (result.bicepErrors.length > 0) {
    return `the .bicep does not compile with this Bicep version (${[...new Set(codes)].join(', ')})`;
  }
  if (result.jsonErrors.length > 0) return 'the committed JSON has file errors, the .bicep none';
  return 'findings differ';
}

function generatorVersion(file: string): string {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      metadata?: { _generator?: { name?: string; version?: string } };
    };
    const generator = json.metadata?._generator;
    return generator ? `${generator.name ?? '?'} ${generator.version ?? '?'}` : 'no _generator';
  } catch {
    return 'unreadable';
  }
}

async function main(): Promise<void> {
  const bicep = realBicep();
  if (typeof bicep === 'string') {
    console.log(`nothing to measure: ${bicep}`);
    return;
  }
  if (!existsSync(corpus)) {
    console.log(`corpus not found at ${corpus}: nothing to measure`);
    return;
  }
  const pairs = findBicepPairs(corpus).filter((p) => p.folder.includes(filter));
  console.log(`${bicep.version}; ${pairs.length} main.bicep ↔ committed JSON pairs in ${corpus}`);
  const started = performance.now();
  const results: PairComparison[] = new Array(pairs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < pairs.length) {
        const index = next++;
        results[index] = await comparePair(pairs[index], bicep.command);
        const r = results[index];
        process.stderr.write(`${r.equal ? 'equal  ' : 'differ '} ${r.findings} findings  ${r.pair.folder}\n`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  const equal = results.filter((r) => r.equal);
  const compiled = results.filter((r) => r.bicepErrors.length === 0);
  const withFindings = equal.filter((r) => r.findings > 0);
  const findings = equal.reduce((sum, r) => sum + r.findings, 0);
  console.log(
    `\npairs ${results.length}; compiled ${compiled.length}; equal findings ${equal.length} ` +
      `(${withFindings.length} of them with findings, ${findings} findings in all); differ ${results.length - equal.length}`,
  );
  console.log(
    `equal among the pairs that compile: ${compiled.filter((r) => r.equal).length} / ${compiled.length}`,
  );
  const byCause = new Map<string, PairComparison[]>();
  for (const result of results.filter((r) => !r.equal)) {
    const cause = causeOf(result);
    byCause.set(cause, [...(byCause.get(cause) ?? []), result]);
  }
  for (const [cause, list] of [...byCause].sort((a, b) => b[1].length - a[1].length)) {
    console.log(`\n${list.length} × ${cause}`);
    for (const r of list) {
      const error = r.bicepErrors[0] ?? r.jsonErrors[0];
      console.log(
        `  ${r.pair.folder} [JSON from ${generatorVersion(r.pair.json)}]${error ? `\n    ${error.file}:${error.line ?? ''} ${error.message.slice(0, 220)}` : ''}`,
      );
      for (const key of r.onlyBicep.slice(0, 5)) console.log(`    only from .bicep: ${key.slice(0, 300)}`);
      for (const key of r.onlyJson.slice(0, 5)) console.log(`    only from JSON:   ${key.slice(0, 300)}`);
    }
  }
  console.log(`\n${seconds.toFixed(0)} s for ${results.length} pairs (${CONCURRENCY} at a time)`);
}

await main();
