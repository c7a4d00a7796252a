/**
 * Benchmark of live mode (`node --import tsx bench/live.ts`): the fake ARM of the tests adds
 * 100 ms to every response, and one workspace with ~20 dependencies is read through the real
 * credential and ARM client. Because requests run concurrently (bounded at 8), the wall time
 * follows the depth of the dependency graph (workspace → computes/datastores → their targets →
 * their children), not the number of resources. Target from the issue: under 1 s.
 * Then 12 workspaces in one read, first with one ARM GET per resource, then through Azure
 * Resource Graph (what live mode does above RESOURCE_GRAPH_THRESHOLD workspaces).
 */
import { performance } from 'node:perf_hooks';
import { buildWorkspaceFixture } from '../__tests__/helpers/fake-arm-workspace.js';
import { startLiveWorld } from '../__tests__/live/live-harness.js';
import { readLive, RESOURCE_GRAPH_THRESHOLD } from '../src/sources/live/index.js';

const LATENCY_MS = 100;

async function measure(label: string, workspaceCount: number, graphThreshold: number): Promise<number> {
  const fixtures = Array.from({ length: workspaceCount }, (_, index) =>
    buildWorkspaceFixture({
      healthy: index % 2 === 0,
      name: workspaceCount === 1 ? 'mlw-prod' : `mlw-${index + 1}`,
    }),
  );
  const world = await startLiveWorld({
    resources: fixtures.flatMap((fixture) => fixture.resources),
    latencyMs: LATENCY_MS,
  });
  try {
    const started = performance.now();
    const result = await readLive(
      world.settings({ workspaces: fixtures.map((fixture) => fixture.workspaceId) }),
      world.deps({ resourceGraphThreshold: graphThreshold }),
    );
    const { requests, graphQueries: queries } = result;
    const resources = result.resources.length;
    const wall = performance.now() - started;
    console.log(
      `${label.padEnd(46)} ${String(resources).padStart(4)} resources  ${String(requests).padStart(4)} ARM requests  ${String(queries).padStart(2)} Resource Graph queries  ${wall.toFixed(0).padStart(5)} ms`,
    );
    return wall;
  } finally {
    await world.close();
  }
}

async function main(): Promise<void> {
  console.log(`live mode against a fake ARM adding ${LATENCY_MS} ms per request (concurrency 8)`);
  const wall = await measure('1 workspace (~20 dependencies), ARM GETs', 1, RESOURCE_GRAPH_THRESHOLD);
  await measure('12 workspaces, ARM GETs only', 12, Infinity);
  await measure(
    `12 workspaces, Resource Graph (default above ${RESOURCE_GRAPH_THRESHOLD})`,
    12,
    RESOURCE_GRAPH_THRESHOLD,
  );
  console.log(
    `target: 1 workspace under 1000 ms: ${wall < 1000 ? 'met' : 'NOT met'} (${wall.toFixed(0)} ms)`,
  );
}

await main();
