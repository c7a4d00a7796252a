/**
 * Benchmark of the evaluation limits (`npm run bench`, or `node --import tsx bench/limits.ts`):
 * 1. how close the quickstart corpus comes to them: the most evaluation steps one template takes
 *    and the largest value it builds, against LIMITS.work and LIMITS.valueSize (the bounds must
 *    leave real templates far below them);
 * 2. how fast each hostile template of __tests__/helpers/hostile-templates.ts ends (target: a
 *    second or two each, with a file error naming the limit), and the peak memory.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ConfigurationError } from '../src/errors.js';
import { hostileTemplates } from '../__tests__/helpers/hostile-templates.js';
import { DEFAULT_DEPLOYMENT } from '../src/sources/arm/deployment-context.js';
import { expandTemplate } from '../src/sources/arm/expand.js';
import { parseJsonDocument, type JsonDocument } from '../src/sources/arm/jsonc.js';
import { LIMITS } from '../src/sources/arm/limits.js';
import { readParametersDocument } from '../src/sources/arm/parameters.js';
import { discoverTemplates } from '../src/sources/discover.js';
import { conventionalParametersPath } from '../src/sources/templates.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(
  process.argv[2] ?? path.resolve(repoRoot, '../shared/corpus/quickstart-templates'),
);

function read(absolutePath: string): JsonDocument {
  const file = path.relative(corpus, absolutePath);
  let text: string;
  try {
    text = readFileSync(absolutePath, 'utf8');
  } catch {
    throw new ConfigurationError('cannot read the file', file);
  }
  return parseJsonDocument(text, file, absolutePath);
}

function expand(document: JsonDocument, parameters?: ReturnType<typeof readParametersDocument>) {
  return expandTemplate(document, {
    deployment: DEFAULT_DEPLOYMENT,
    unit: document.file,
    parameters,
    readDocument: read,
    readParameters: readParametersDocument,
    fileExists: existsSync,
  });
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

async function measureCorpus(): Promise<void> {
  if (!existsSync(corpus)) {
    console.log(`corpus not found at ${corpus}: corpus part skipped`);
    return;
  }
  const files = (await discoverTemplates([corpus], corpus)).filter((f) => f.kind === 'template');
  let steps = { value: 0, file: '' };
  let largest = { value: 0, file: '' };
  let totalSteps = 0;
  let limitErrors = 0;
  const started = performance.now();
  for (const file of files) {
    let document: JsonDocument;
    try {
      document = read(file.absolutePath);
    } catch {
      continue;
    }
    const parametersPath = conventionalParametersPath(file.absolutePath);
    let parameters;
    try {
      parameters = existsSync(parametersPath) ? readParametersDocument(read(parametersPath)) : undefined;
    } catch {
      parameters = undefined;
    }
    const result = expand(document, parameters);
    const work = result.work!;
    totalSteps += work.steps;
    if (work.steps > steps.value) steps = { value: work.steps, file: file.path };
    if (work.largestValue > largest.value) largest = { value: work.largestValue, file: file.path };
    limitErrors += result.errors.filter((e) =>
      /over (ARM's )?(the )?limit|limit per scanned template/.test(e.message),
    ).length;
  }
  const ms = performance.now() - started;
  const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)} %`;
  console.log(
    `corpus: ${files.length} templates expanded one by one in ${ms.toFixed(0)} ms, ${totalSteps.toLocaleString('en-US')} steps (${((totalSteps / ms) * 1000).toExponential(1)} steps/s)`,
  );
  console.log(
    `  most steps for one template: ${steps.value.toLocaleString('en-US')} (${percent(steps.value, LIMITS.work)} of the limit) — ${steps.file}`,
  );
  console.log(
    `  largest value built: ${largest.value.toLocaleString('en-US')} characters (${percent(largest.value, LIMITS.valueSize)} of the limit) — ${largest.file}`,
  );
  console.log(`  templates stopped by a limit: ${limitErrors} (must be 0)`);
}

function measureHostile(): void {
  console.log('hostile templates (generated; each must end with a file error naming the limit):');
  let slowest = { ms: 0, name: '' };
  for (const hostile of hostileTemplates()) {
    const document = parseJsonDocument(hostile.text, 'hostile.json', path.join(repoRoot, 'hostile.json'));
    (globalThis as { gc?: () => void }).gc?.();
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const result = expand(document);
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuStart);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const error = result.errors.find((e) => hostile.expect.test(e.message));
    if (ms > slowest.ms) slowest = { ms, name: hostile.name };
    console.log(
      `  ${error ? 'ok ' : 'NOT STOPPED'} ${ms.toFixed(0).padStart(6)} ms (cpu ${cpuMs.toFixed(0).padStart(5)} ms)  ${hostile.name}${error ? `  (line ${error.line ?? '?'})` : ''}`,
    );
  }
  console.log(
    `  slowest: ${slowest.ms.toFixed(0)} ms (${slowest.name}); peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}`,
  );
}

await measureCorpus();
if (!process.env.BENCH_CORPUS_ONLY) measureHostile();
