/**
 * Benchmark of the Terraform plan source (`npm run bench`): a plan of 200 module instances, each
 * a workspace with every gap (13 resources, ids known after apply, linked through references),
 * written to a temp folder and scanned as the CLI scans it: read, parse, convert, link, rules,
 * regressions against the plan's before. Wall time on a shared machine varies: CPU time is the figure
 * to compare. Target: under 1 ms of CPU per resource, under 300 MB peak RSS.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/model.js';
import { scanTemplates } from '../src/scan.js';
import { buildPlan } from '../__tests__/terraform/plan-builder.js';
import { workspacesWithGaps } from '../__tests__/terraform/scenarios.js';

const INSTANCES = Number(process.argv[2] ?? 200);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'aml-ha-gate-bench-tf-'));
  try {
    const file = path.join(dir, 'plan.json');
    const spec = workspacesWithGaps(INSTANCES);
    // Each instance's resources reference their siblings in the same module instance.
    writeFileSync(file, JSON.stringify(buildPlan(spec)));
    const size = statSync(file).size;
    (globalThis as { gc?: () => void }).gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const scan = () =>
      scanTemplates({
        paths: ['plan.json'],
        cwd: dir,
        failOn: 'regression',
        unknownAs: 'unknown',
        logger: silentLogger,
        now: new Date(),
      });
    let start = performance.now();
    const report = await scan();
    const cold = performance.now() - start;
    start = performance.now();
    const cpu = process.cpuUsage();
    await scan();
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(
      `terraform plan: ${spec.resources.length} resources in ${INSTANCES} module instances, ${(size / 1024 / 1024).toFixed(1)} MB of JSON`,
    );
    console.log(
      `  scanned in ${cold.toFixed(0)} ms (again in the same process: ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU), ${report.findings.length} findings (${report.summary.fail} fail, ${report.summary.regressions} regressions), peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB`,
    );
    const workspaces = new Set(report.findings.map((f) => f.workspace).filter(Boolean)).size;
    console.log(`  ${workspaces} workspaces linked (expected ${INSTANCES})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
