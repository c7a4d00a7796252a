/**
 * Benchmark of the template source on the public quickstart corpus (`npm run bench`):
 * discover + expand every ARM template (and run the rule engine when it exists), then compare
 * the wall time with a bare read + JSON.parse of the same files (the floor).
 *
 * Targets from the issue: ≥ 99 % of the templates expand without error, whole corpus < 3× the
 * bare JSON.parse time, < 300 MB peak RSS.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { isUnknown, silentLogger, type FileError } from '../src/model.js';
import { evaluateResources } from '../src/engine.js';
import { needsLines } from '../src/rules/index.js';
import { discoverTemplates } from '../src/sources/discover.js';
import { loadTemplates } from '../src/sources/templates.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(
  process.argv[2] ?? path.resolve(repoRoot, '../shared/corpus/quickstart-templates'),
);

/** CPU time (user + system) in ms: steadier than wall time on a busy machine. */
function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Groups error messages by their shape: quoted parts, numbers and names replaced. */
export function causeOf(error: FileError): string {
  return error.message
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\[[^\]]*\]?/g, '[…]')
    .replace(/\b\d+\b/g, 'N')
    .slice(0, 110);
}

async function main(): Promise<void> {
  if (!existsSync(corpus)) {
    console.log(`corpus not found at ${corpus}: nothing to measure`);
    return;
  }
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss;

  // The floor first (a warm process, before our allocations): read + strict JSON.parse of the
  // template and parameters files that discovery will keep.
  const floorFiles = (await discoverTemplates([corpus], corpus)).filter(
    (f) => f.kind === 'template' || f.kind === 'parameters',
  );
  // The floor: read + JSON.parse of the same files (strict parse; failures are counted).
  let parseFailures = 0;
  let bytes = 0;
  const texts: string[] = [];
  const readStart = performance.now();
  for (const file of floorFiles) {
    delete file.text; // discovery's copy: the floor reads on its own
    texts.push(readFileSync(file.absolutePath, 'utf8'));
  }
  const readMs = performance.now() - readStart;
  const parseStart = performance.now();
  for (const text of texts) {
    bytes += text.length;
    try {
      JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      parseFailures++;
    }
  }
  const parseMs = performance.now() - parseStart;
  const floor = readMs + parseMs;
  texts.length = 0;
  (globalThis as { gc?: () => void }).gc?.();

  const started = performance.now();
  const discovered = await discoverTemplates([corpus], corpus);
  const discoveredAt = performance.now();
  const loadCpu = process.cpuUsage();
  const json = discovered.filter((f) => f.kind === 'template' || f.kind === 'parameters');
  const bicep = discovered.filter((f) => f.kind === 'bicep' || f.kind === 'bicepparam');
  const { resources, errors, templates } = await loadTemplates(json, {
    cwd: corpus,
    logger: silentLogger,
    locatable: needsLines,
  });
  const loadedAt = performance.now();
  const loadCpuMs = cpuMs(process.cpuUsage(loadCpu));

  const engineStart = performance.now();
  const engineCpu = process.cpuUsage();
  const findings = evaluateResources(resources);
  const engineMs = performance.now() - engineStart;
  const engineCpuMs = cpuMs(process.cpuUsage(engineCpu));
  const total = performance.now() - started;
  const peak = process.resourceUsage().maxRSS * 1024;

  const errorFiles = new Set(errors.map((e) => e.file));
  const templateFiles = new Set(json.filter((f) => f.kind === 'template').map((f) => f.path));
  const failedTemplates = [...errorFiles].filter((f) => templateFiles.has(f)).length;
  const otherErrorFiles = errorFiles.size - failedTemplates;
  const okTemplates = templates - failedTemplates - otherErrorFiles;
  const causes = new Map<string, string[]>();
  for (const error of errors) causes.set(causeOf(error), [...(causes.get(causeOf(error)) ?? []), error.file]);
  const unknownDeployed = resources.filter((r) => isUnknown(r.deployed)).length;

  console.log(`corpus: ${corpus}`);
  console.log(
    `files: ${discovered.length} discovered (${json.filter((f) => f.kind === 'template').length} templates, ${json.filter((f) => f.kind === 'parameters').length} parameters files, ${bicep.length} Bicep files not compiled: no Bicep CLI here)`,
  );
  console.log(`templates scanned (top level, linked ones counted inside their parent): ${templates}`);
  console.log(
    `expanded without error: ${okTemplates} (${((100 * okTemplates) / Math.max(1, templates)).toFixed(2)} %); files with errors: ${errorFiles.size}; errors: ${errors.length}`,
  );
  console.log(`resources: ${resources.length} (${unknownDeployed} with an unknown condition or copy count)`);
  const unknown = findings.filter((f) => f.status === 'unknown').length;
  console.log(
    `findings: ${findings.length}, unknown: ${unknown} (${((100 * unknown) / Math.max(1, findings.length)).toFixed(1)} %), engine ${engineMs.toFixed(0)} ms (cpu ${engineCpuMs.toFixed(0)} ms)`,
  );
  console.log('top error causes:');
  for (const [cause, files] of [...causes.entries()].sort((a, b) => b[1].length - a[1].length).slice(0, 15)) {
    console.log(`  ${String(files.length).padStart(4)}  ${cause}   e.g. ${files[0]}`);
  }
  console.log(
    `wall time: ${total.toFixed(0)} ms (discover ${(discoveredAt - started).toFixed(0)} ms, load ${(loadedAt - discoveredAt).toFixed(0)} ms, cpu ${loadCpuMs.toFixed(0)} ms)`,
  );
  console.log(
    `floor: read ${readMs.toFixed(0)} ms + JSON.parse ${parseMs.toFixed(0)} ms = ${floor.toFixed(0)} ms for ${json.length} files, ${mb(bytes)} (${parseFailures} rejected by strict JSON.parse)`,
  );
  console.log(
    `ratio: ${(total / floor).toFixed(2)}× read+parse, ${((loadedAt - discoveredAt) / floor).toFixed(2)}× for load alone (target < 3×)`,
  );
  console.log(`peak RSS: ${mb(peak)} (rss at start ${mb(rssBefore)}; target < 300 MB)`);
  if (process.env.BENCH_LIST_ERRORS)
    for (const error of errors) console.log(`  ${error.file}:${error.line ?? ''} ${error.message}`);
}

await main();
