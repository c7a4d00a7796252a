import { isRestError } from '@azure/core-rest-pipeline';

/** HTTP status and ARM error code of a failed request, when it has them. */
export function errorStatus(error: unknown): { status?: number; code?: string } {
  if (isRestError(error)) return { status: error.statusCode, code: error.code };
  if (error && typeof error === 'object') {
    const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
    return {
      status: typeof statusCode === 'number' ? statusCode : undefined,
      code: typeof code === 'string' ? code : undefined,
    };
  }
  return {};
}

/** ARM refused the api-version (retired or not offered in this cloud): worth one retry with the provider's newest. */
export function isApiVersionRejection(error: unknown): boolean {
  const { status, code } = errorStatus(error);
  return (
    (status === 400 || status === 404) &&
    (code === 'NoRegisteredProviderFound' ||
      code === 'InvalidApiVersionParameter' ||
      code === 'InvalidResourceType' ||
      code === 'UnsupportedApiVersion' ||
      code === 'InvalidApiVersionForResourceType')
  );
}

/** The resource group (or subscription) id to grant a role on, for messages. */
function scopeOf(id: string): string {
  const match = /^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?/i.exec(id);
  return match ? match[0] : id;
}

/**
 * Why a dependency could not be read, in one sentence with what to do. Becomes the resource's
 * `readError`, and its rules say `unknown` with it; never the raw RestError dump.
 */
export function describeReadError(error: unknown, id: string): string {
  const { status, code } = errorStatus(error);
  const tag = `HTTP ${status ?? '?'}${code ? ` ${code}` : ''}`;
  if (status === 401 || status === 403) {
    return `no read permission on ${id} (${tag}): grant the Reader role on ${scopeOf(id)} to the identity the gate signs in with.`;
  }
  if (status === 404) {
    return `${id} was not found (${tag}): it was deleted or moved, or lives in a subscription the identity cannot see.`;
  }
  if (status !== undefined) {
    return `could not read ${id} (${tag}): ${firstSentence(messageOf(error))}`;
  }
  return `could not read ${id}: ${firstSentence(messageOf(error))}`;
}

/**
 * Why the workspace itself could not be read: one sentence for a ConfigurationError (there is
 * nothing to evaluate without it).
 */
export function describeWorkspaceError(error: unknown, id: string): string {
  const { status, code } = errorStatus(error);
  const tag = `HTTP ${status ?? '?'}${code ? ` ${code}` : ''}`;
  if (status === 404) {
    const what = code === 'SubscriptionNotFound' ? 'its subscription was not found' : 'it was not found';
    return `workspace ${id}: ${what} (${tag}). Check the id (az ml workspace show prints it), or the workspace name, resource-group and subscription-id.`;
  }
  if (status === 401 || status === 403) {
    return `workspace ${id}: no read permission (${tag}). Grant the Reader role on ${scopeOf(id)} to the identity the gate signs in with.`;
  }
  if (status === 400) {
    return `workspace ${id}: ARM rejected the request (${tag}: ${firstSentence(messageOf(error))}) Check the workspace id.`;
  }
  return `workspace ${id} could not be read (${status === undefined ? firstSentence(messageOf(error)) : `${tag}: ${firstSentence(messageOf(error))}`}).`;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return error.message || (typeof code === 'string' ? code : error.name);
  }
  return String(error);
}

function firstSentence(text: string): string {
  const line = text.split(/\r?\n/).find((candidate) => candidate.trim() !== '') ?? text;
  const trimmed = line.trim();
  const sentence = /^(.*?[.!?])(\s|$)/.exec(trimmed)?.[1] ?? trimmed;
  const short = sentence.length > 200 ? `${sentence.slice(0, 197)}...` : sentence;
  return /[.!?]$/.test(short) ? short : `${short}.`;
}
