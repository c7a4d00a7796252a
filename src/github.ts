import { getOctokit } from '@actions/github';
import { defaults as actionsDefaults } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Logger } from './model.js';
import { printable } from './report/escape.js';

/** The REST client the action uses: Octokit from @actions/github with retry and throttling. */
export type GitHubClient = ReturnType<typeof getOctokit>;

/**
 * How long the action waits for GitHub. A run never waits longer than `budgetMs` in total for
 * the GitHub API (plus at most one retry pause), whatever GitHub does: answers 500, HTML error
 * pages, never answers, or asks for a long rate-limit wait.
 */
export interface GitHubLimits {
  /** One HTTP attempt, connection to last byte of the body. */
  attemptTimeoutMs: number;
  /** Retries of an attempt that failed with a 5xx, a network error or a timeout (1 s, then 4 s later). */
  retries: number;
  /** Longest rate-limit wait (`retry-after`, rate-limit reset) honoured; longer ones are not waited for. */
  maxRateLimitWaitS: number;
  /** Total time one run spends on GitHub API calls, retries and waits included. */
  budgetMs: number;
}

export const GITHUB_LIMITS: GitHubLimits = {
  attemptTimeoutMs: 10_000,
  retries: 2,
  maxRateLimitWaitS: 60,
  budgetMs: 60_000,
};

export interface GitHubClientOptions {
  /** REST API root: `GITHUB_API_URL` (GitHub Enterprise Server: https://HOST/api/v3). */
  apiUrl: string;
  logger: Logger;
  /** Overrides of GITHUB_LIMITS (tests use short ones). */
  limits?: Partial<GitHubLimits>;
}

/**
 * GitHub did not answer usefully (5xx after retries, no answer in time, a rate-limit wait over
 * the cap, a success whose body is not JSON), or an earlier call found it so: the client then
 * makes no further call in this run. Callers treat it as "skip this display write" or "fall back".
 */
export class GitHubUnavailableError extends Error {
  constructor(
    message: string,
    /** True when no request was sent because an earlier one already found GitHub unavailable. */
    readonly skipped: boolean,
  ) {
    super(message);
    this.name = 'GitHubUnavailableError';
  }
}

/** A success response whose body is not the shape the API documents. */
export class UnexpectedResponseError extends Error {
  constructor(what: string, got: unknown) {
    super(`GitHub answered ${what} with a body that is not what the API documents (${shapeOf(got)})`);
    this.name = 'UnexpectedResponseError';
  }
}

function shapeOf(value: unknown): string {
  if (typeof value === 'string')
    return value.trimStart().startsWith('<') ? 'an HTML page' : `text of ${value.length} characters`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object')
    return `an object with keys ${Object.keys(value).slice(0, 5).join(', ') || 'none'}`;
  return typeof value;
}

interface RequestOptionsLike {
  method: string;
  url: string;
  request?: { signal?: AbortSignal; [key: string]: unknown };
  [key: string]: unknown;
}

/** `GET /repos/o/r/pulls/7/files` from an endpoint's options (no host, no query string). */
function requestName(options: { method?: string; url?: string; [key: string]: unknown }): string {
  const url = String(options.url ?? '').replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = options[name];
    return typeof value === 'string' || typeof value === 'number' ? encodeURIComponent(value) : whole;
  });
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/\?.*$/, '');
  return printable(`${options.method ?? 'GET'} ${path}`);
}

/**
 * Octokit for the action: the API root given (so GitHub Enterprise Server works), transient 5xx
 * retried, rate limits waited out when the wait is short, every attempt and the whole run bounded
 * by GITHUB_LIMITS. 4xx answers such as a read-only token's 403 are not retried: callers turn them
 * into one warning. Once GitHub is found unavailable, the client says so once (a warning) and every
 * later call fails at once with GitHubUnavailableError instead of waiting again.
 */
export function createGitHubClient(token: string, options: GitHubClientOptions): GitHubClient {
  const limits = { ...GITHUB_LIMITS, ...options.limits };
  const { logger } = options;
  const state = {
    spentMs: 0,
    unavailable: undefined as string | undefined,
    /** Why a rate-limited request was not retried, by its request options. */
    rateLimitNotes: new WeakMap<object, string>(),
    /** Budget signals whose request had an attempt time out. */
    timedOut: new WeakSet<AbortSignal>(),
  };
  const remainingMs = () => limits.budgetMs - state.spentMs;

  const rateLimited =
    (kind: string) =>
    (retryAfter: number, request: RequestOptionsLike, _octokit: unknown, retryCount: number): boolean => {
      const name = requestName(request);
      if (retryCount >= limits.retries) {
        state.rateLimitNotes.set(request, `${kind} on ${name}, still after ${retryCount} waits`);
        return false;
      }
      if (retryAfter > limits.maxRateLimitWaitS || retryAfter * 1000 > remainingMs()) {
        state.rateLimitNotes.set(
          request,
          `GitHub asked to wait ${retryAfter} s (${kind}) before retrying ${name}; the action waits at most ${limits.maxRateLimitWaitS} s for a rate limit, within its ${limits.budgetMs / 1000} s budget for GitHub calls, so it did not retry`,
        );
        return false;
      }
      logger.info(`${kind} on ${name}: waiting ${retryAfter} s as GitHub asks, then retrying`);
      return true;
    };

  const baseFetch = (actionsDefaults.request?.fetch ?? globalThis.fetch) as typeof fetch;
  const octokit = getOctokit(
    token,
    {
      baseUrl: options.apiUrl.replace(/\/+$/, ''),
      request: {
        ...actionsDefaults.request,
        fetch: attemptBoundedFetch(baseFetch, limits.attemptTimeoutMs, state.timedOut),
      },
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: string) => logger.debug(`octokit: ${message}`),
        error: (message: string) => logger.debug(`octokit: ${message}`),
      },
      throttle: {
        onRateLimit: rateLimited('rate limit'),
        onSecondaryRateLimit: rateLimited('secondary rate limit'),
      },
      retry: { retries: limits.retries, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    },
    retry,
    throttling,
  );

  const trip = (reason: string, name: string): GitHubUnavailableError => {
    if (!state.unavailable) {
      state.unavailable = reason;
      logger.warning(
        `GitHub API unavailable: ${reason} (${name}). The action makes no further GitHub call in this run: what still needed GitHub (pull-request comment, check run, API reads) is skipped or done without it; the report file, job summary and exit status still stand.`,
      );
    }
    return new GitHubUnavailableError(`GitHub API unavailable: ${reason}`, false);
  };

  // Registered after the plugins, so it wraps them: it sees one call with all its retries and waits.
  octokit.hook.wrap('request', async (request, endpoint) => {
    const name = requestName(endpoint);
    if (state.unavailable)
      throw new GitHubUnavailableError(`GitHub API unavailable (${state.unavailable})`, true);
    if (remainingMs() <= 0)
      throw trip(`the ${limits.budgetMs / 1000} s budget for GitHub calls is spent`, name);
    const budget = new AbortController();
    const timer = setTimeout(() => budget.abort(abortError()), remainingMs());
    timer.unref?.();
    const requestOptions = (endpoint as RequestOptionsLike).request;
    const outer = requestOptions?.signal;
    if (outer) outer.addEventListener('abort', () => budget.abort(outer.reason), { once: true });
    (endpoint as RequestOptionsLike).request = { ...requestOptions, signal: budget.signal };
    const started = Date.now();
    try {
      const response = await request(endpoint);
      const data: unknown = response.data;
      if (response.status !== 204 && (typeof data === 'string' || data instanceof ArrayBuffer)) {
        throw trip(
          state.timedOut.has(budget.signal)
            ? `no complete answer within ${limits.attemptTimeoutMs / 1000} s`
            : `HTTP ${response.status} with ${shapeOf(data)} instead of JSON`,
          name,
        );
      }
      return response;
    } catch (error) {
      if (error instanceof GitHubUnavailableError) throw error;
      const status = httpStatus(error);
      const note = state.rateLimitNotes.get(endpoint);
      if (budget.signal.aborted && !outer?.aborted)
        throw trip(`no answer within the ${limits.budgetMs / 1000} s budget for GitHub calls`, name);
      if (note) throw trip(note, name);
      if ((status === 403 || status === 429) && isRateLimit(error))
        throw trip(`rate limited (HTTP ${status})`, name);
      if (status === undefined || status >= 500) {
        const timedOut = state.timedOut.has(budget.signal);
        throw trip(
          timedOut
            ? `no answer within ${limits.attemptTimeoutMs / 1000} s, ${limits.retries + 1} attempts`
            : `${describeGitHubError(error)} after ${limits.retries + 1} attempts`,
          name,
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
      state.spentMs += Date.now() - started;
    }
  });
  return octokit;
}

function abortError(): Error {
  const error = new Error('the time budget for GitHub calls is spent');
  error.name = 'AbortError';
  return error;
}

/**
 * fetch with a deadline per attempt (connection, headers and body): a timed-out attempt fails as
 * a network error (retried by the retry plugin); an abort of the caller's signal (the run's
 * budget) fails as an AbortError, which is not retried.
 */
function attemptBoundedFetch(
  base: typeof fetch,
  attemptTimeoutMs: number,
  timedOut: WeakSet<AbortSignal>,
): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    const outer = init?.signal ?? undefined;
    if (outer?.aborted) throw abortError();
    const controller = new AbortController();
    outer?.addEventListener('abort', () => controller.abort(abortError()), { once: true });
    const timer = setTimeout(() => {
      if (outer) timedOut.add(outer);
      controller.abort(new Error(`no answer from GitHub within ${attemptTimeoutMs / 1000} s`));
    }, attemptTimeoutMs);
    try {
      // The body is read here, under the same deadline: a server that sends headers and then
      // stalls is as bounded as one that never answers.
      const response = await base(url, { ...init, signal: controller.signal });
      const body = NULL_BODY_STATUS.has(response.status) ? null : await response.arrayBuffer();
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } finally {
      clearTimeout(timer);
    }
  }) as typeof fetch;
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

function isRateLimit(error: unknown): boolean {
  const response = (error as { response?: { headers?: Record<string, string> } }).response;
  const headers = response?.headers ?? {};
  return (
    headers['retry-after'] !== undefined ||
    headers['x-ratelimit-remaining'] === '0' ||
    /rate limit/i.test(error instanceof Error ? error.message : '')
  );
}

/** HTTP status of an Octokit error (RequestError), if it has one. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * One short line for a GitHub API error: the status and GitHub's message, an HTML error page
 * named as such rather than printed, long messages cut.
 */
export function describeGitHubError(error: unknown): string {
  if (error instanceof GitHubUnavailableError || error instanceof UnexpectedResponseError)
    return error.message;
  const status = httpStatus(error);
  const raw = error instanceof Error ? error.message : String(error);
  const message = /^\s*</.test(raw)
    ? 'an HTML error page'
    : printable(raw.split('\n')[0]!.trim()).slice(0, 300) || 'no message';
  return status ? `HTTP ${status}: ${message}` : message;
}

/**
 * Runs the display writes (comment, check run) so that a token without write permission (fork
 * pull requests get a read-only token) costs one warning, not a failed step: the gate is the
 * step's exit status, not these posts. An unavailable GitHub was already warned about by the
 * client: the write is skipped with an info line. Other failures are warned about once per call.
 */
export class GitHubWrites {
  private permissionWarned = false;
  /** True once a write was refused for lack of permission. */
  denied = false;

  constructor(private readonly logger: Logger) {}

  async attempt<T>(what: string, write: () => Promise<T>): Promise<T | undefined> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof GitHubUnavailableError) {
        this.logger.info(`skipped: ${what} (GitHub API unavailable)`);
        return undefined;
      }
      const status = httpStatus(error);
      if (status === 403 || status === 401 || (status === 404 && this.denied)) {
        this.denied = true;
        if (!this.permissionWarned) {
          this.permissionWarned = true;
          this.logger.warning(
            `The GitHub token cannot write to this repository (HTTP ${status} on ${what}), so the pull-request comment and check run are skipped; the job summary, report file and exit status still stand. This is expected on pull requests from forks (read-only token): use the two-workflow publish pattern (mode: publish from workflow_run), or grant 'pull-requests: write' and 'checks: write' in the workflow's permissions.`,
          );
        }
        return undefined;
      }
      this.logger.warning(`could not ${what}: ${describeGitHubError(error)}`);
      return undefined;
    }
  }
}
