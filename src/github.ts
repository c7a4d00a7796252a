import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Logger } from './model.js';

/** The REST client the action uses: Octokit from @actions/github with retry and throttling. */
export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  /** REST API root: `GITHUB_API_URL` (GitHub Enterprise Server: https://HOST/api/v3). */
  apiUrl: string;
  logger: Logger;
  /** Retries of a rate-limited request before giving up (default 2). */
  rateLimitRetries?: number;
}

/**
 * Octokit for the action: the API root given (so GitHub Enterprise Server works), transient 5xx
 * retried, primary and secondary rate limits waited out a couple of times. 4xx answers such as
 * a read-only token's 403 are not retried: callers turn them into one warning.
 */
export function createGitHubClient(token: string, options: GitHubClientOptions): GitHubClient {
  const retries = options.rateLimitRetries ?? 2;
  const { logger } = options;
  return getOctokit(
    token,
    {
      baseUrl: options.apiUrl.replace(/\/+$/, ''),
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: string) => logger.debug(`octokit: ${message}`),
        error: (message: string) => logger.debug(`octokit: ${message}`),
      },
      throttle: {
        onRateLimit: (
          retryAfter: number,
          request: { method: string; url: string },
          _octokit: unknown,
          retryCount: number,
        ) => {
          logger.debug(`rate limited on ${request.method} ${request.url}; retrying after ${retryAfter}s`);
          return retryCount < retries;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          request: { method: string; url: string },
          _octokit: unknown,
          retryCount: number,
        ) => {
          logger.debug(
            `secondary rate limit on ${request.method} ${request.url}; retrying after ${retryAfter}s`,
          );
          return retryCount < retries;
        },
      },
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
    },
    retry,
    throttling,
  );
}

/** HTTP status of an Octokit error (RequestError), if it has one. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Runs the display writes (comment, check run) so that a token without write permission (fork
 * pull requests get a read-only token) costs one warning, not a failed step: the gate is the
 * step's exit status, not these posts. Other failures are warned about once per call.
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
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warning(`could not ${what}: ${status ? `HTTP ${status}: ` : ''}${message.split('\n')[0]}`);
      return undefined;
    }
  }
}
