import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../errors.js';

/** The pull request the run is about. */
export interface PullRequestContext {
  number: number;
  /** The PR head commit (check runs go here, not on the merge commit). */
  headSha: string;
  baseSha: string;
  /** `owner/name` of the head repository: differs from the base one on a fork. */
  headRepository?: string;
}

/**
 * The `workflow_run` event that started a publish run: written by GitHub about the run that
 * finished, so — unlike the report file that run uploaded — not something a fork can forge.
 */
export interface WorkflowRunContext {
  id?: number;
  /** The event of the finished run (`pull_request`, `push`, …). */
  event?: string;
  headSha: string;
  headBranch?: string;
  /** Owner login of the head repository (the fork's owner for a fork pull request). */
  headOwner?: string;
  /** Pull requests GitHub lists for the run (empty for pull requests from forks). */
  pullRequests: Array<{ number: number; headSha?: string }>;
}

/** What the run knows about where it runs, read once from the runner's environment. */
export interface RunContext {
  eventName: string;
  owner: string;
  repo: string;
  /** The commit the workflow runs on (`GITHUB_SHA`). */
  sha: string;
  /** Working directory: the checkout (`GITHUB_WORKSPACE`). */
  workspace: string;
  apiUrl: string;
  serverUrl: string;
  /** Link to this workflow run, when known. */
  runUrl?: string;
  pullRequest?: PullRequestContext;
  /** On a `workflow_run` event: the run that finished. */
  workflowRun?: WorkflowRunContext;
}

/**
 * Builds the run context from the runner's environment and event payload. Pure over its inputs
 * (`env`, and the event file it names) so tests pass their own.
 */
export function readRunContext(env: NodeJS.ProcessEnv, cwd: string): RunContext {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner = '', repo = ''] = repository.split('/');
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const apiUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let event: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>;
    } catch {
      throw new ConfigurationError(
        `cannot read the event payload at GITHUB_EVENT_PATH (${env.GITHUB_EVENT_PATH}).`,
      );
    }
  }
  const pr = event.pull_request as
    | { number?: number; head?: { sha?: string; repo?: { full_name?: string } }; base?: { sha?: string } }
    | undefined;
  const pullRequest =
    pr && typeof pr.number === 'number' && pr.head?.sha && pr.base?.sha
      ? {
          number: pr.number,
          headSha: pr.head.sha,
          baseSha: pr.base.sha,
          headRepository: pr.head.repo?.full_name,
        }
      : undefined;
  const runUrl =
    repository && env.GITHUB_RUN_ID
      ? `${serverUrl}/${repository}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`
      : undefined;
  return {
    eventName,
    owner,
    repo,
    sha: env.GITHUB_SHA ?? '',
    workspace: env.GITHUB_WORKSPACE || cwd,
    apiUrl,
    serverUrl,
    runUrl,
    pullRequest,
    workflowRun: readWorkflowRun(event.workflow_run),
  };
}

function readWorkflowRun(raw: unknown): WorkflowRunContext | undefined {
  const run = raw as
    | {
        id?: unknown;
        event?: unknown;
        head_sha?: unknown;
        head_branch?: unknown;
        head_repository?: { owner?: { login?: unknown } } | null;
        pull_requests?: unknown;
      }
    | undefined;
  if (!run || typeof run !== 'object' || typeof run.head_sha !== 'string') return undefined;
  const pulls = Array.isArray(run.pull_requests) ? (run.pull_requests as unknown[]) : [];
  return {
    id: typeof run.id === 'number' ? run.id : undefined,
    event: typeof run.event === 'string' ? run.event : undefined,
    headSha: run.head_sha,
    headBranch: typeof run.head_branch === 'string' ? run.head_branch : undefined,
    headOwner:
      typeof run.head_repository?.owner?.login === 'string' ? run.head_repository.owner.login : undefined,
    pullRequests: pulls.flatMap((item) => {
      const pull = item as { number?: unknown; head?: { sha?: unknown } } | null;
      if (!pull || typeof pull.number !== 'number') return [];
      return [
        { number: pull.number, headSha: typeof pull.head?.sha === 'string' ? pull.head.sha : undefined },
      ];
    }),
  };
}
