/**
 * How long the action takes when GitHub misbehaves (`node --import tsx bench/github-outage.ts`):
 * the bundled action (dist/index.js) runs on a pull request of a small git fixture against the
 * fake GitHub of the tests answering every request with 500, with an HTML 502 page, never
 * answering (all requests, or the writes only), answering everything slowly (9 s, just under the
 * per-attempt timeout: the run's time budget is what ends it), or asking for a one-hour
 * secondary-rate-limit wait; and in publish mode against a GitHub answering 500. Prints the wall time, exit code and warnings of each run. The README's
 * "When GitHub is down" bound comes from here. Runs longer than KILL_MS are killed and shown so.
 */
import { startFakeGitHub, type FakeFailure } from '../__tests__/helpers/fake-github.js';
import { publishOptions, pullFiles, runStep, warningLines, PR } from '../__tests__/e2e/action-step.js';
import {
  createGitFixture,
  manyStorageTemplate,
  workspaceTemplate,
  type FileSet,
} from '../__tests__/e2e/git-fixture.js';

const KILL_MS = Number(process.env.OUTAGE_KILL_MS ?? 300_000);

const SCENARIOS: Array<{
  label: string;
  failures: FakeFailure[];
  mode?: 'publish';
  latencyMs?: number;
  head?: FileSet;
}> = [
  { label: 'every request answers 500', failures: [{ status: 500 }] },
  {
    label: 'every request answers an HTML 502 page',
    failures: [
      { status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
    ],
  },
  { label: 'no request is ever answered', failures: [{ hang: true }] },
  {
    label: 'writes are never answered (reads are fine)',
    failures: [
      { method: 'POST', hang: true },
      { method: 'PATCH', hang: true },
    ],
  },
  {
    label: 'every answer takes 9 s, 300 annotations to send',
    failures: [],
    latencyMs: 9_000,
    head: { 'infra/many.json': manyStorageTemplate(300, 'Standard_LRS') },
  },
  {
    label: 'writes hit a secondary rate limit (retry-after 3600 s)',
    failures: [
      {
        method: 'POST',
        status: 403,
        headers: { 'retry-after': '3600' },
        body: JSON.stringify({
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes.',
        }),
      },
    ],
  },
  { label: 'publish mode, every request answers 500', failures: [{ status: 500 }], mode: 'publish' },
];

async function main(): Promise<void> {
  const only = process.argv[2];
  for (const scenario of SCENARIOS) {
    if (only && !scenario.label.includes(only)) continue;
    const repo = createGitFixture(
      { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_ZRS' }) },
      scenario.head ?? { 'infra/ws.json': workspaceTemplate({ defaultSku: 'Standard_LRS' }) },
    );
    const server = await startFakeGitHub({
      pullFiles: { [PR]: pullFiles(repo) },
      pulls: { [PR]: { headSha: repo.headSha, baseSha: repo.baseSha } },
      openPulls: [{ number: PR, headOwner: 'contoso', headBranch: 'feature', headSha: repo.headSha }],
      failures: scenario.failures,
      latencyMs: scenario.latencyMs,
    });
    try {
      if (scenario.mode === 'publish') {
        // The report of an earlier gate run, written while GitHub was fine.
        const healthy = await startFakeGitHub({ pullFiles: { [PR]: pullFiles(repo) } });
        await runStep(repo, healthy, { inputs: { comment: 'off', 'check-run': 'false' } });
        await healthy.close();
      }
      const run = await runStep(repo, server, {
        killAfterMs: KILL_MS,
        ...(scenario.mode === 'publish'
          ? publishOptions(repo, {
              head_branch: 'feature',
              head_repository: { full_name: 'contoso/ml-infra', owner: { login: 'contoso' } },
              html_url: 'https://github.example/contoso/ml-infra/actions/runs/99',
            })
          : {}),
      });
      const killed = run.code === null || run.ms >= KILL_MS;
      const warnings = warningLines(run);
      console.log(
        `${scenario.label.padEnd(58)} ${killed ? `> ${(KILL_MS / 1000).toFixed(0)} s (killed)` : `${(run.ms / 1000).toFixed(1)} s`.padStart(8)}  exit ${run.code ?? 'killed'}  ${server.requests.length} requests  ${warnings.length} warning(s)`,
      );
      for (const warning of warnings) console.log(`    warning: ${warning.slice(0, 200)}`);
    } finally {
      await server.close();
      repo.cleanup();
    }
  }
}

await main();
