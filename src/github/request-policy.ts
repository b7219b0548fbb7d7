// How every GitHub API request is sent: with a wall-clock timeout (the request is aborted when it
// passes, body included), retried with backoff when GitHub or the network failed transiently, and
// failing with a one-line error (`GitHub API POST /repos/o/r/issues/1/comments answered 502 Bad
// Gateway`) instead of Octokit's, whose message is the response body — a whole HTML page when a
// proxy or GitHub's front end answers.
//
// Implemented as an Octokit request hook rather than @octokit/plugin-retry/-throttling: those are
// not bundled with @actions/github, and what is needed here (a timeout, three attempts, Retry-After)
// is a few lines that can take an injected sleep, so tests never wait.

import { STATUS_CODES } from 'node:http';
import { type GitHub } from './octokit.js';

export interface GitHubRequestPolicy {
  /** Wall-clock limit of one attempt, answer body included. */
  timeoutMs: number;
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt; doubled before each further one. */
  backoffMs: number;
  /** A Retry-After (or rate-limit reset) further away than this is not waited for: the request fails. */
  maxWaitMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_GITHUB_POLICY: GitHubRequestPolicy = {
  timeoutMs: 30_000,
  attempts: 3,
  backoffMs: 1_000,
  maxWaitMs: 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A GitHub API request that failed for good; `status` is the HTTP status when there was an answer. */
export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
    /** Octokit's `response.data` of the last answer (for callers that read GitHub's error detail). */
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** What a request hook needs of Octokit's endpoint options. */
interface RequestOptions {
  method: string;
  baseUrl: string;
  request: object;
}

/** One failed attempt, as far as deciding on a retry goes. */
interface Failure {
  /** The HTTP status of the answer; undefined when there was none (network, timeout). */
  status?: number;
  headers: Record<string, string | undefined>;
  data?: unknown;
  timedOut: boolean;
  /** What went wrong without an answer (ECONNREFUSED, a reset). */
  cause?: string;
}

export function installRequestPolicy(gh: GitHub, policy: GitHubRequestPolicy): void {
  gh.hook.wrap('request', async (request, options) => {
    const method = options.method.toUpperCase();
    const path = apiPath(gh, options);
    for (let attempt = 1; ; attempt++) {
      const failure = await tryOnce(request, options, policy.timeoutMs);
      if (!('failed' in failure)) return failure.response;
      const wait = retryWait(failure.failed, method, attempt, policy);
      if (wait === undefined) throw finalError(method, path, failure.failed, attempt, policy);
      await policy.sleep(wait);
    }
  });
}

async function tryOnce<O extends RequestOptions, R>(
  request: (options: O) => R | Promise<R>,
  options: O,
  timeoutMs: number,
): Promise<{ response: R } | { failed: Failure }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    // Octokit binds the options to the hooks inside this one (auth): they see this object, not an
    // argument. So the signal is set on it — as a new `request` object, since the one merged in
    // may be the client's defaults, shared by every request.
    options.request = { ...options.request, signal: controller.signal };
    const response = await request(options);
    // Octokit swallows an error while reading a JSON body (it hands back the text so far): an
    // abort mid-body "succeeds" with a cut answer, which is a timeout.
    if (controller.signal.aborted) return { failed: { headers: {}, timedOut: true } };
    return { response };
  } catch (e) {
    return { failed: describeFailure(e, controller.signal.aborted) };
  } finally {
    clearTimeout(timer);
  }
}

function describeFailure(e: unknown, timedOut: boolean): Failure {
  const response = responseOf(e);
  if (response && !timedOut)
    return { status: response.status, headers: response.headers, data: response.data, timedOut };
  return { headers: {}, timedOut, cause: timedOut ? undefined : networkCause(e) };
}

/** Octokit's RequestError carries the answer as `response` (absent on network errors). */
function responseOf(
  e: unknown,
): { status: number; headers: Record<string, string | undefined>; data: unknown } | undefined {
  if (typeof e !== 'object' || e === null || !('response' in e)) return undefined;
  const r = e.response;
  if (typeof r !== 'object' || r === null) return undefined;
  const status = 'status' in r && typeof r.status === 'number' ? r.status : undefined;
  if (status === undefined) return undefined;
  const headers = 'headers' in r && typeof r.headers === 'object' && r.headers !== null ? r.headers : {};
  return { status, headers: headers as Record<string, string | undefined>, data: 'data' in r ? r.data : undefined };
}

/** The innermost error code or message of a failed fetch (undici nests the socket error as `cause`). */
function networkCause(e: unknown): string {
  let err: unknown = e;
  let text = 'no answer';
  for (let depth = 0; depth < 4 && typeof err === 'object' && err !== null; depth++) {
    if ('code' in err && typeof err.code === 'string') return err.code;
    if ('message' in err && typeof err.message === 'string' && err.message) text = err.message;
    err = 'cause' in err ? err.cause : undefined;
  }
  return oneLine(text);
}

/**
 * How long to wait before the next attempt, or undefined to give up:
 * - 429, and 403 when GitHub says it is a rate limit (Retry-After, `x-ratelimit-remaining: 0`, or a
 *   "secondary rate limit" message): after Retry-After / the reset time, when that is near enough;
 * - 5xx and network failures: exponential backoff;
 * - a POST whose answer was lost (a timeout, a reset) is not sent again: the comment or issue may
 *   exist already; one that never connected is;
 * - any other 4xx is an answer, not a hiccup.
 */
export function retryWait(f: Failure, method: string, attempt: number, p: GitHubRequestPolicy): number | undefined {
  if (attempt >= p.attempts) return undefined;
  const backoff = p.backoffMs * 2 ** (attempt - 1);
  if (f.status === undefined) return method !== 'POST' || neverSent(f) ? backoff : undefined;
  if (f.status === 429 || (f.status === 403 && isRateLimit(f))) {
    const wait = rateLimitWait(f.headers) ?? backoff;
    return wait <= p.maxWaitMs ? wait : undefined;
  }
  return f.status >= 500 ? backoff : undefined;
}

/** Failures before the request could reach GitHub (no connection was made). */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
const neverSent = (f: Failure): boolean => !f.timedOut && f.cause !== undefined && CONNECT_FAILURES.has(f.cause);

function isRateLimit(f: Failure): boolean {
  if (f.headers['retry-after'] !== undefined || f.headers['x-ratelimit-remaining'] === '0') return true;
  return /rate limit/i.test(gitHubMessage(f.data) ?? '');
}

/** Retry-After (seconds, or an HTTP date), else the primary limit's reset time, in ms from now. */
function rateLimitWait(headers: Record<string, string | undefined>, now = Date.now()): number | undefined {
  const after = headers['retry-after'];
  if (after !== undefined) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(after);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset)) return Math.max(0, reset * 1000 - now);
  return undefined;
}

function finalError(
  method: string,
  path: string,
  f: Failure,
  attempts: number,
  p: GitHubRequestPolicy,
): GitHubApiError {
  const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
  const what = `GitHub API ${method} ${path}`;
  if (f.status === undefined) {
    const why = f.timedOut ? `no answer within ${p.timeoutMs / 1000} s` : noAnswer(f.cause);
    const maybe = method === 'POST' && !neverSent(f) ? '; it may have been done' : '';
    return new GitHubApiError(`${what}: ${why}${tries}${maybe}`, undefined);
  }
  const reason = STATUS_CODES[f.status] ?? 'error';
  const detail = gitHubMessage(f.data);
  const message = `${what} answered ${f.status} ${reason}${detail ? `: ${detail}` : ''}${tries}`;
  return new GitHubApiError(message, f.status, f.data);
}

/** `ECONNREFUSED` → `connection failed (ECONNREFUSED)`; a message as it is. */
const noAnswer = (cause = 'no answer'): string =>
  /^[A-Z][A-Z_]+$/.test(cause) ? `connection failed (${cause})` : cause;

/** GitHub's own `message` of a JSON error answer, on one line and short; nothing from an HTML page. */
function gitHubMessage(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || !('message' in data) || typeof data.message !== 'string') {
    return undefined;
  }
  return oneLine(data.message) || undefined;
}

const MAX_DETAIL = 200;

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL - 1)}…` : flat;
}

/** The request's path below the API root, without the query (`/repos/o/r/issues/1/comments`). */
function apiPath(gh: GitHub, options: Parameters<GitHub['request']['endpoint']['parse']>[0] & RequestOptions): string {
  const url = gh.request.endpoint.parse(options).url;
  const base = options.baseUrl.replace(/\/+$/, '');
  const below = base && url.startsWith(base) ? url.slice(base.length) : new URL(url).pathname;
  return below.split('?')[0] ?? below;
}
