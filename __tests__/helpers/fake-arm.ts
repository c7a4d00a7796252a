import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestCertificate } from './test-tls.js';

type Json = Record<string, unknown>;

/** A failure the fake ARM injects for requests whose path matches. */
export interface ArmFault {
  /** Lower-case path (no query) the fault applies to; a RegExp tests the lower-case path. */
  path: string | RegExp;
  status: number;
  code: string;
  message?: string;
  /** How many times (default: always). */
  times?: number;
  /** Retry-After header in seconds (for 429/503). */
  retryAfter?: number;
  /** Only for this api-version. */
  apiVersion?: string;
}

export interface ArmRequest {
  method: string;
  path: string;
  apiVersion: string | null;
  authorization: string | undefined;
  status: number;
}

export interface FakeArmOptions {
  tls: Pick<TestCertificate, 'key' | 'cert'>;
  /** Resource bodies as ARM returns them (each with `id`). Children are found by id prefix. */
  resources: Json[];
  /** Extra resource groups (e.g. a Microsoft-managed `azureml-rg-…` with `managedBy`). */
  resourceGroups?: Json[];
  /** Provider registrations for api-version fallback: namespace → resourceTypes. */
  providers?: Record<string, Array<{ resourceType: string; apiVersions: string[] }>>;
  faults?: ArmFault[];
  /** Bearer tokens ARM accepts (checked at request time); absent = any bearer token. */
  acceptedTokens?: () => string[];
  /** Latency added to every response, in ms (benchmarks). */
  latencyMs?: number;
  /** Items per page of a list (nextLink beyond). */
  pageSize?: number;
  /** Rows per page of a Resource Graph answer ($skipToken beyond); default 1000 as Azure. */
  graphPageSize?: number;
}

export interface FakeArm {
  url: string;
  requests: ArmRequest[];
  close(): Promise<void>;
}

const key = (id: string) => id.toLowerCase().replace(/\/+$/, '');

/** Azure Resource Manager over HTTPS on 127.0.0.1: GET by id, child collections with paging, providers, resource lists. */
export async function startFakeArm(options: FakeArmOptions): Promise<FakeArm> {
  const byId = new Map(options.resources.map((resource) => [key(String(resource.id)), resource]));
  const requests: ArmRequest[] = [];
  const faults = (options.faults ?? []).map((fault) => ({ ...fault, used: 0 }));
  const pageSize = options.pageSize ?? 2;
  let base = '';

  /** Azure Resource Graph: answers the `Resources | where id in~ (…)` queries live mode sends. */
  const graph = (body: string): { status: number; body: unknown } => {
    const request = JSON.parse(body || '{}') as { subscriptions?: string[]; query?: string; options?: Json };
    const list = /id in~ \(([^)]*)\)/.exec(request.query ?? '')?.[1];
    if (!list || !Array.isArray(request.subscriptions)) {
      return {
        status: 400,
        body: { error: { code: 'BadRequest', message: 'Please provide a valid query.' } },
      };
    }
    const wanted = new Set([...list.matchAll(/'([^']*)'/g)].map((match) => key(match[1])));
    const subscriptions = new Set(request.subscriptions.map((sub) => sub.toLowerCase()));
    const rows = options.resources
      .filter((resource) => wanted.has(key(String(resource.id))))
      .filter((resource) => subscriptions.has(String(resource.id).split('/')[2].toLowerCase()))
      // Resource Graph shows only what the caller may read: a resource ARM answers 403/404 for is absent.
      .filter(
        (resource) =>
          !faults.some(
            (fault) =>
              (fault.status === 403 || fault.status === 404) && fault.path === key(String(resource.id)),
          ),
      )
      .map((resource) => ({ ...resource, type: String(resource.type).toLowerCase() }));
    const size = options.graphPageSize ?? 1000;
    const skip = Number(request.options?.$skipToken ?? 0);
    const data = rows.slice(skip, skip + size);
    const more = skip + size < rows.length;
    return {
      status: 200,
      body: {
        totalRecords: rows.length,
        count: data.length,
        resultTruncated: 'false',
        data,
        ...(more ? { $skipToken: String(skip + size) } : {}),
      },
    };
  };

  const route = (
    method: string,
    path: string,
    query: URLSearchParams,
    body = '',
  ): { status: number; body: unknown; headers?: Json } => {
    const lower = key(path);
    const apiVersion = query.get('api-version');
    for (const fault of faults) {
      const hit = typeof fault.path === 'string' ? fault.path === lower : fault.path.test(lower);
      if (!hit || (fault.times !== undefined && fault.used >= fault.times)) continue;
      if (fault.apiVersion && fault.apiVersion !== apiVersion) continue;
      fault.used += 1;
      return {
        status: fault.status,
        body: { error: { code: fault.code, message: fault.message ?? `${fault.code} for '${path}'.` } },
        headers: fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : undefined,
      };
    }
    if (method === 'POST' && lower === '/providers/microsoft.resourcegraph/resources') return graph(body);
    if (method !== 'GET')
      return { status: 405, body: { error: { code: 'MethodNotAllowed', message: method } } };
    if (!apiVersion)
      return {
        status: 400,
        body: {
          error: {
            code: 'MissingApiVersionParameter',
            message: 'The api-version query parameter is required.',
          },
        },
      };

    let match = /^\/subscriptions\/([^/]+)\/providers\/([^/]+)$/.exec(lower);
    if (match) {
      const namespace = Object.keys(options.providers ?? {}).find((name) => name.toLowerCase() === match![2]);
      if (!namespace) return notFound(path);
      return {
        status: 200,
        body: {
          id: path,
          namespace,
          registrationState: 'Registered',
          resourceTypes: options.providers![namespace],
        },
      };
    }
    match = /^\/subscriptions\/([^/]+)\/resourcegroups$/.exec(lower);
    if (match) {
      const subscription = match[1];
      const groups = new Map<string, Json>();
      for (const resource of options.resources) {
        const rg = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\//i.exec(String(resource.id));
        if (rg && rg[1].toLowerCase() === subscription) {
          groups.set(rg[2].toLowerCase(), {
            id: `/subscriptions/${rg[1]}/resourceGroups/${rg[2]}`,
            name: rg[2],
            type: 'Microsoft.Resources/resourceGroups',
            location: 'westeurope',
            properties: { provisioningState: 'Succeeded' },
          });
        }
      }
      for (const group of options.resourceGroups ?? []) groups.set(String(group.name).toLowerCase(), group);
      return page([...groups.values()], query, path);
    }
    match = /^\/subscriptions\/([^/]+)(?:\/resourcegroups\/([^/]+))?\/resources$/.exec(lower);
    if (match) {
      const [, subscription, group] = match;
      const filter = query.get('$filter') ?? '';
      const type = /resourceType eq '([^']+)'/i.exec(filter)?.[1]?.toLowerCase();
      const name = /name eq '([^']+)'/i.exec(filter)?.[1]?.toLowerCase();
      const found = options.resources.filter((resource) => {
        const parts =
          /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/[^/]+$/i.exec(
            String(resource.id),
          );
        if (!parts || parts[1].toLowerCase() !== subscription) return false;
        if (group && parts[2].toLowerCase() !== group) return false;
        if (type && String(resource.type).toLowerCase() !== type) return false;
        if (name && String(resource.name).toLowerCase() !== name) return false;
        return true;
      });
      return page(
        found.map((resource) => ({
          id: resource.id,
          name: resource.name,
          type: resource.type,
          location: resource.location,
          kind: resource.kind,
          sku: resource.sku,
        })),
        query,
        path,
      );
    }
    const resource = byId.get(lower);
    if (resource) return { status: 200, body: resource };
    // A child collection: items whose id is `<path>/<name>`.
    const children = options.resources.filter((candidate) => {
      const id = key(String(candidate.id));
      return id.startsWith(`${lower}/`) && !id.slice(lower.length + 1).includes('/');
    });
    const parent = lower.slice(0, lower.lastIndexOf('/'));
    if (children.length > 0 || byId.has(parent)) return page(children, query, path);
    return notFound(path);
  };

  const page = (items: unknown[], query: URLSearchParams, path: string) => {
    const skip = Number(query.get('$skiptoken') ?? '0');
    const value = items.slice(skip, skip + pageSize);
    const next = new URLSearchParams(query);
    next.set('$skiptoken', String(skip + pageSize));
    const nextLink = skip + pageSize < items.length ? `${base}${path}?${next.toString()}` : undefined;
    return { status: 200, body: nextLink ? { value, nextLink } : { value } };
  };

  const server: Server = createServer(
    { key: options.tls.key, cert: options.tls.cert },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        // ARM tolerates `//subscriptions/…`; new URL() would read it as a host, so collapse first.
        const url = new URL((request.url ?? '/').replace(/^\/{2,}/, '/'), base);
        const path = url.pathname.replace(/\/{2,}/g, '/');
        const authorization = request.headers.authorization;
        const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
        let result: { status: number; body: unknown; headers?: Json };
        if (!token || (options.acceptedTokens && !options.acceptedTokens().includes(token))) {
          result = {
            status: 401,
            body: { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } },
          };
        } else {
          result = route(
            request.method ?? 'GET',
            path,
            url.searchParams,
            Buffer.concat(chunks).toString('utf8'),
          );
        }
        requests.push({
          method: request.method ?? 'GET',
          path,
          apiVersion: url.searchParams.get('api-version'),
          authorization,
          status: result.status,
        });
        const send = () =>
          response
            .writeHead(result.status, {
              'content-type': 'application/json; charset=utf-8',
              'x-ms-request-id': String(requests.length),
              ...(result.headers ?? {}),
            })
            .end(JSON.stringify(result.body));
        if (options.latencyMs) setTimeout(send, options.latencyMs);
        else send();
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function notFound(path: string) {
  return {
    status: 404,
    body: {
      error: {
        code: 'ResourceNotFound',
        message: `The Resource '${path.split('/').slice(-2).join('/')}' under resource group was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      },
    },
  };
}
