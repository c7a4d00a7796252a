/**
 * A small fake of the GitHub REST API on 127.0.0.1, implementing only what the action calls:
 * pulls/:n (+ /files with Link-header pagination, at most 3,000 files as GitHub), pulls?head=,
 * user, issues/:n/comments (list/create) and issues/comments/:id (update/delete), check-runs
 * (create/update), contents/:path?ref=.
 * It records every request so tests assert on what the action sent. `readOnly` answers every
 * write with 403, as GitHub does for the read-only token of a fork pull request; `failures`
 * makes matching requests fail the ways a real GitHub does on a bad day (5xx, HTML error pages,
 * bodies that are not what the API promises, rate limits, connections that never answer).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, percent-decoded. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization?: string;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  /** Author login (default `github-actions[bot]`, a Bot). */
  user?: { login: string; type: 'Bot' | 'User' };
}

/** Answers requests matching `method` and `path` with a failure instead of the route. */
export interface FakeFailure {
  method?: string;
  path?: RegExp;
  /** HTTP status (default 500). */
  status?: number;
  /** Raw body (default a JSON error message). */
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Never answer (the connection stays open until the client gives up or the server closes). */
  hang?: boolean;
  /** Only the first `times` matching requests fail (default: all). */
  times?: number;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status?: string;
  conclusion?: string;
  output: { title?: string; summary?: string };
  /** Every annotation received, across the create and the updates. */
  annotations: Array<Record<string, unknown>>;
}

export interface PullFile {
  filename: string;
  status: string;
  previous_filename?: string;
}

export interface FakeGitHubOptions {
  /** Changed files per pull request number. */
  pullFiles?: Record<number, PullFile[]>;
  /** Head and base SHA per pull request number (for GET pulls/:n). */
  pulls?: Record<number, { headSha: string; baseSha: string }>;
  /** File contents by ref (commit SHA), then repository path. */
  contents?: Record<string, Record<string, string>>;
  /** Items per page the server returns at most (GitHub: per_page up to 100). */
  pageSize?: number;
  readOnly?: boolean;
  /** Comments already on the pull requests. */
  comments?: Array<{ issue: number; body: string; user?: FakeComment['user'] }>;
  /** Open pull requests GET pulls?head=owner:branch lists (number, head repository owner, branch, SHA). */
  openPulls?: Array<{ number: number; headOwner: string; headBranch: string; headSha: string }>;
  /** Login GET /user answers (a user token); absent = 403, as for an installation token. */
  userLogin?: string;
  failures?: FakeFailure[];
  /** Delay before every answer, in milliseconds (a slow GitHub). */
  latencyMs?: number;
}

export interface FakeGitHub {
  url: string;
  requests: RecordedRequest[];
  comments: Map<number, FakeComment>;
  checkRuns: FakeCheckRun[];
  options: FakeGitHubOptions;
  /** Requests matching a method and a path pattern. */
  find(method: string, path: RegExp): RecordedRequest[];
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = [];
  const comments = new Map<number, FakeComment>();
  const checkRuns: FakeCheckRun[] = [];
  let nextId = 1000;
  for (const comment of options.comments ?? []) {
    const id = nextId++;
    comments.set(id, { id, issue: comment.issue, body: comment.body, user: comment.user });
  }
  const hanging = new Set<ServerResponse>();
  const failureCounts = new Map<FakeFailure, number>();
  let base = '';

  const send = (
    response: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const paginate = (response: ServerResponse, path: string, query: URLSearchParams, items: unknown[]) => {
    const perPage = Math.min(Number(query.get('per_page') ?? 30), options.pageSize ?? 100);
    const page = Number(query.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (p: number, rel: string) => `<${base}${path}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
    const links: string[] = [];
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
    send(response, 200, slice, links.length > 0 ? { link: links.join(', ') } : {});
  };

  const commentJson = (comment: FakeComment) => ({
    id: comment.id,
    body: comment.body,
    html_url: `https://github.example/pull/${comment.issue}#issuecomment-${comment.id}`,
    user: comment.user ?? { login: 'github-actions[bot]', type: 'Bot' },
  });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', base);
    const text = await readBody(request);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const method = request.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);
    requests.push({
      method,
      path,
      query: url.searchParams,
      body,
      authorization: request.headers.authorization,
    });

    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const failure = options.failures?.find(
      (f) =>
        (!f.method || f.method === method) &&
        (!f.path || f.path.test(path)) &&
        (f.times === undefined || (failureCounts.get(f) ?? 0) < f.times),
    );
    if (failure) {
      failureCounts.set(failure, (failureCounts.get(failure) ?? 0) + 1);
      if (failure.hang) {
        hanging.add(response);
        return;
      }
      response.writeHead(failure.status ?? 500, {
        'content-type': failure.contentType ?? 'application/json; charset=utf-8',
        ...failure.headers,
      });
      response.end(failure.body ?? JSON.stringify({ message: 'Server Error' }));
      return;
    }
    if (method !== 'GET' && options.readOnly) {
      send(response, 403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
      });
      return;
    }
    let match: RegExpExecArray | null;
    if ((match = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)\/files$/.exec(path)) && method === 'GET') {
      // GitHub lists at most 3,000 files of a pull request.
      paginate(
        response,
        path,
        url.searchParams,
        (options.pullFiles?.[Number(match[1])] ?? []).slice(0, 3000),
      );
    } else if (/^\/repos\/[^/]+\/[^/]+\/pulls$/.test(path) && method === 'GET') {
      const head = url.searchParams.get('head') ?? '';
      const list = (options.openPulls ?? [])
        .filter((p) => !head || `${p.headOwner}:${p.headBranch}` === head)
        .map((p) => ({
          number: p.number,
          head: { sha: p.headSha, ref: p.headBranch, repo: { owner: { login: p.headOwner } } },
        }));
      paginate(response, path, url.searchParams, list);
    } else if (path === '/user' && method === 'GET') {
      if (options.userLogin) send(response, 200, { login: options.userLogin, type: 'User' });
      else send(response, 403, { message: 'Resource not accessible by integration' });
    } else if ((match = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)$/.exec(path)) && method === 'GET') {
      const pull = options.pulls?.[Number(match[1])];
      if (!pull) send(response, 404, { message: 'Not Found' });
      else
        send(response, 200, {
          number: Number(match[1]),
          head: { sha: pull.headSha },
          base: { sha: pull.baseSha },
        });
    } else if ((match = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path))) {
      const issue = Number(match[1]);
      if (method === 'GET') {
        const list = [...comments.values()].filter((c) => c.issue === issue).sort((a, b) => a.id - b.id);
        paginate(response, path, url.searchParams, list.map(commentJson));
      } else if (method === 'POST') {
        const id = nextId++;
        const comment = { id, issue, body: (body as { body: string }).body };
        comments.set(id, comment);
        send(response, 201, commentJson(comment));
      } else send(response, 405, { message: 'method' });
    } else if ((match = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path))) {
      const comment = comments.get(Number(match[1]));
      if (!comment) send(response, 404, { message: 'Not Found' });
      else if (method === 'PATCH') {
        comment.body = (body as { body: string }).body;
        send(response, 200, commentJson(comment));
      } else if (method === 'DELETE') {
        comments.delete(comment.id);
        send(response, 204);
      } else send(response, 405, { message: 'method' });
    } else if (/^\/repos\/[^/]+\/[^/]+\/check-runs$/.test(path) && method === 'POST') {
      const input = body as Record<string, unknown> & { output?: Record<string, unknown> };
      const id = nextId++;
      const run: FakeCheckRun = {
        id,
        name: String(input.name),
        head_sha: String(input.head_sha),
        status: input.status as string | undefined,
        conclusion: input.conclusion as string | undefined,
        output: { title: input.output?.title as string, summary: input.output?.summary as string },
        annotations: [...((input.output?.annotations as Array<Record<string, unknown>>) ?? [])],
      };
      checkRuns.push(run);
      send(response, 201, { id, html_url: `https://github.example/runs/${id}`, head_sha: run.head_sha });
    } else if ((match = /^\/repos\/[^/]+\/[^/]+\/check-runs\/(\d+)$/.exec(path)) && method === 'PATCH') {
      const run = checkRuns.find((r) => r.id === Number(match![1]));
      if (!run) {
        send(response, 404, { message: 'Not Found' });
        return;
      }
      const input = body as { output?: Record<string, unknown>; conclusion?: string };
      const batch = (input.output?.annotations as Array<Record<string, unknown>>) ?? [];
      if (batch.length > 50) {
        send(response, 422, { message: 'Only 50 annotations are allowed per request' });
        return;
      }
      run.annotations.push(...batch);
      if (input.output?.summary) run.output.summary = input.output.summary as string;
      if (input.conclusion) run.conclusion = input.conclusion;
      send(response, 200, { id: run.id, html_url: `https://github.example/runs/${run.id}` });
    } else if ((match = /^\/repos\/[^/]+\/[^/]+\/contents\/(.+)$/.exec(path)) && method === 'GET') {
      const file = match[1];
      const content = options.contents?.[url.searchParams.get('ref') ?? '']?.[file];
      if (content === undefined) send(response, 404, { message: 'Not Found' });
      else
        send(response, 200, {
          type: 'file',
          path: file,
          name: file.split('/').pop(),
          encoding: 'base64',
          content: Buffer.from(content, 'utf8').toString('base64'),
        });
    } else {
      send(response, 404, { message: `fake GitHub: no route for ${method} ${path}` });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    comments,
    checkRuns,
    options,
    find: (method, path) => requests.filter((r) => r.method === method && path.test(r.path)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
