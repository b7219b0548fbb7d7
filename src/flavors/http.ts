// Every request to a cluster, read or write, either flavor, goes through here. The official
// clients only open the connection (TLS, auth, headers) and hand over the response stream: this
// module reads the body itself, so that a wall-clock deadline aborts it even mid-body (the
// clients' `requestTimeout` is a socket idle timeout, and neither client aborts a body it has
// started to read), and checks every answer before anyone believes it: a 2xx status, a JSON
// content type, and the top-level shape of that endpoint. A proxy's 302 to a login page or its
// 200 HTML page is never read as an empty cluster.
//
// What a request throws, by class (matched by `name`, like the clients' own errors):
//
// - AnswerError: the server (or something in front of it) answered, and the answer is not the
//   cluster's: a 1xx/3xx status, a body that is not JSON (any status), or JSON of the wrong
//   shape for that endpoint. `meta.statusCode` holds the status, so a 429/502-504 HTML page is
//   still retried and a plain-text 401 still means "wrong password". For a write: failed.
// - StatusError: a JSON refusal (4xx/5xx). `meta` is `{ statusCode, headers, body }` like the
//   clients' ResponseError, so the write side's classifier and describer read it unchanged.
// - DeadlineError: no complete answer before a deadline: `limit` says which one (the request's
//   `connection.timeout`, the cluster's `connection.deadline`, the run deadline, or a stop). For
//   a write: the request may have been applied (unknown). Defined in deadline.ts.
// - TruncatedError: the answer started and was cut: the connection closed mid-body, the body
//   is shorter than its Content-Length, or its JSON ends early. For a write: unknown.
// - anything else is the clients' own connection errors (ConnectionError: refused, reset
//   before an answer, TLS), passed through unchanged.

import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { addAbortSignal, type Readable } from 'node:stream';
import { createUnzip } from 'node:zlib';
import { type z } from 'zod';
import { type Connection, type RetryPolicy } from './flavor.js';
import { DEFAULT_RETRY, parseRetryAfter, withRetry, type RetryDecision } from './retry.js';
import { abortReason, deadline, DeadlineError, formatDuration, sleepUnless } from './deadline.js';
import { answerReason } from './server-error.js';

export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';

/** One request to a cluster. */
export interface ClusterRequest {
  method: Method;
  path: string;
  querystring?: Record<string, string>;
  body?: unknown;
}

/** What a client hands over once the status line and headers are in: the body still unread. */
export interface RawResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

/** Sends one request through a flavor's client (no retries of its own) and stops when `signal` aborts. */
export type Send = (request: ClusterRequest, signal: AbortSignal) => Promise<RawResponse>;

/** The top-level shape an endpoint answers with, and how to say it in an error. */
export interface Shape {
  schema: z.ZodType;
  /** "an object of roles by name": the error says "expected <what>, got <…>". */
  what: string;
}

/** A checked answer. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Expect {
  /** The shape of a 2xx answer; any JSON when absent. */
  shape?: Shape;
  /** Refusals that are answers here (their JSON body is returned unchecked), e.g. 400 without the plugin. */
  tolerate?: readonly number[];
}

/** The bounds of one request: the connection's own timeout, and the caller's deadline when it has one. */
export interface Bounds {
  conn: Connection;
  signal?: AbortSignal;
}

// ---------------------------------------------------------------------------------------------
// Errors

type Meta = { statusCode: number; headers: IncomingHttpHeaders; body?: unknown };

/** The answer is not the cluster's JSON answer of the expected shape. */
export class AnswerError extends Error {
  override name = 'AnswerError';
  constructor(
    message: string,
    readonly endpoint: string,
    readonly status: number,
    readonly contentType: string,
    readonly meta: Meta,
  ) {
    super(message);
  }
}

/** A JSON refusal (4xx/5xx), with the status, headers and body where the clients keep them. */
export class StatusError extends Error {
  override name = 'StatusError';
  constructor(
    message: string,
    readonly endpoint: string,
    readonly meta: Meta,
  ) {
    super(message);
  }
}

/** The answer started and was cut short. */
export class TruncatedError extends Error {
  override name = 'TruncatedError';
  constructor(
    message: string,
    readonly endpoint: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// One exchange

/** A URL without credentials, query or fragment (a redirect target may carry a login token). */
function bareUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

const endpointOf = (request: ClusterRequest): string => `${request.method} ${request.path}`;

const headerText = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

/** `application/json`, and the vendor types both servers send (`application/vnd.elasticsearch+json`). */
const isJsonType = (contentType: string): boolean => /^application\/([\w.-]+\+)?json\b/i.test(contentType.trim());

/** Longest body read: far beyond any security list, short of what would exhaust memory. */
const MAX_BODY = 256 * 1024 * 1024;

/**
 * The whole body as text, or: a DeadlineError when `signal` aborts (the stream is destroyed
 * mid-body), a TruncatedError when the connection closes early or the body is shorter than its
 * Content-Length.
 */
async function readBody(raw: RawResponse, endpoint: string, signal: AbortSignal): Promise<string> {
  const encoding = headerText(raw.headers['content-encoding']).toLowerCase();
  const compressed = encoding.includes('gzip') || encoding.includes('deflate');
  const stream = compressed ? raw.body.pipe(createUnzip()) : raw.body;
  if (compressed) raw.body.on('error', (e) => stream.destroy(e));
  addAbortSignal(signal, stream);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      length += buffer.length;
      if (length > MAX_BODY) throw new TruncatedError(`${endpoint}: answer larger than ${MAX_BODY} bytes`, endpoint);
      chunks.push(buffer);
    }
  } catch (err) {
    raw.body.destroy();
    if (signal.aborted) throw abortReason(signal);
    if (err instanceof TruncatedError) throw err;
    throw new TruncatedError(
      `${endpoint}: the connection closed in the middle of the answer (${messageOf(err)})`,
      endpoint,
    );
  }
  const declared = Number(headerText(raw.headers['content-length']));
  if (!compressed && headerText(raw.headers['content-length']) !== '' && length < declared) {
    throw new TruncatedError(`${endpoint}: the answer stopped after ${length} of ${declared} bytes`, endpoint);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** "an array", "null", "a string", "nothing": what a value is, for a shape error. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

/** Where in the answer the shape breaks, and what is there: `got a string at "superuser"`. */
function shapeMismatch(body: unknown, issue: z.core.$ZodIssue | undefined): string {
  const path = issue?.path ?? [];
  let at: unknown = body;
  for (const key of path)
    at = typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  const where = path.length > 0 ? ` at ${path.map((k) => JSON.stringify(String(k))).join('.')}` : '';
  return `got ${kindOf(at)}${where}`;
}

const statusText = (status: number): string => `${status} ${STATUS_CODES[status] ?? 'status'}`;

/** A short plain-text body, quoted as the server's reason; an HTML page or anything long is not one. */
function plainReason(contentType: string, text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^text\/plain\b/i.test(contentType) || trimmed === '' || trimmed.length > 200) return undefined;
  return trimmed.replace(/\s+/g, ' ');
}

/** An answer that is not JSON: what it is, and what it most likely means. */
function notJson(endpoint: string, raw: RawResponse, contentType: string, text: string): AnswerError {
  const type = contentType === '' ? 'no content type' : contentType.split(';')[0]!.trim();
  const location = headerText(raw.headers.location);
  const redirect = raw.statusCode >= 300 && raw.statusCode < 400 && location !== '' ? `, to ${bareUrl(location)}` : '';
  const plain = plainReason(contentType, text);
  const why = plain ?? "not the cluster's JSON API (a proxy or a login page?)";
  const message = `${endpoint} answered ${statusText(raw.statusCode)} (${type})${redirect}: ${why}`;
  return new AnswerError(message, endpoint, raw.statusCode, type, {
    statusCode: raw.statusCode,
    headers: raw.headers,
    body: text.slice(0, 200),
  });
}

/** JSON text parsed; a body that ends early is a truncation, anything else not JSON at all. */
function parseJson(endpoint: string, raw: RawResponse, contentType: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (/end of (JSON )?(input|data)|Unterminated/i.test(messageOf(err)) || text.trim() === '') {
      throw new TruncatedError(`${endpoint}: the JSON answer ends early (${messageOf(err)})`, endpoint);
    }
    const message = `${endpoint} answered ${statusText(raw.statusCode)} (${contentType}): unreadable JSON (${messageOf(err)})`;
    throw new AnswerError(message, endpoint, raw.statusCode, contentType, {
      statusCode: raw.statusCode,
      headers: raw.headers,
    });
  }
}

/** The checked answer of one response, or the error that says what is wrong with it. */
function checkAnswer(request: ClusterRequest, raw: RawResponse, text: string, expect: Expect): Answer {
  const endpoint = endpointOf(request);
  const contentType = headerText(raw.headers['content-type']);
  const status = raw.statusCode;
  if (!isJsonType(contentType) || status < 200 || (status >= 300 && status < 400)) {
    throw notJson(endpoint, raw, contentType, text);
  }
  const body = parseJson(endpoint, raw, contentType, text);
  const meta = { statusCode: status, headers: raw.headers, body };
  if (status >= 300 && !expect.tolerate?.includes(status)) {
    const reason = answerReason(body);
    throw new StatusError(`${endpoint} answered ${statusText(status)}${reason ? `: ${reason}` : ''}`, endpoint, meta);
  }
  if (status < 300 && expect.shape) {
    const checked = expect.shape.schema.safeParse(body);
    if (!checked.success) {
      const message = `${endpoint}: unexpected answer shape: expected ${expect.shape.what}, ${shapeMismatch(body, checked.error.issues[0])}`;
      throw new AnswerError(message, endpoint, status, contentType.split(';')[0]!.trim(), meta);
    }
  }
  return { status, headers: raw.headers, body };
}

/** What the clients throw when their own socket timer fires before the headers came. */
const isClientTimeout = (err: unknown): boolean => err instanceof Error && err.name === 'TimeoutError';

/**
 * One request and its checked answer, within `conn.timeoutMs` of wall-clock time (headers and
 * body alike) and within the caller's deadline. Never retried here.
 */
export async function exchange(
  send: Send,
  request: ClusterRequest,
  bounds: Bounds,
  expect: Expect = {},
): Promise<Answer> {
  const { conn } = bounds;
  const endpoint = endpointOf(request);
  const timeout = `${endpoint}: no answer within ${formatDuration(conn.timeoutMs)} (connection.timeout) at ${bareUrl(conn.url)}`;
  const { signal, release } = deadline(conn.timeoutMs, 'connection.timeout', timeout, bounds.signal);
  try {
    let raw: RawResponse;
    try {
      raw = await send(request, signal);
    } catch (err) {
      if (signal.aborted) throw abortReason(signal);
      if (isClientTimeout(err)) throw new DeadlineError(timeout, 'connection.timeout');
      throw err;
    }
    return checkAnswer(request, raw, await readBody(raw, endpoint, signal), expect);
  } finally {
    release();
  }
}

// ---------------------------------------------------------------------------------------------
// Reads: retried

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

const statusOfError = (err: unknown): number | undefined =>
  err instanceof AnswerError || err instanceof StatusError ? err.meta.statusCode : undefined;

const RESET = /ECONNRESET|socket hang up|EPIPE|closed while reading|aborted while reading/i;

/**
 * Which failed reads are worth another try (a read changes nothing, so any lost answer is):
 * 429 and 502-504 (after the server's Retry-After), a connection reset, a cut answer. Not a
 * refusal (401, 403, 404), a deadline, or an answer of the wrong shape: those will not change.
 */
function classifyReadError(err: unknown): RetryDecision {
  const status = statusOfError(err);
  if (status !== undefined) {
    if (!RETRY_STATUSES.has(status)) return { retry: false };
    const afterMs = parseRetryAfter((err as AnswerError | StatusError).meta.headers['retry-after']);
    return afterMs === undefined ? { retry: true } : { retry: true, afterMs };
  }
  if (err instanceof TruncatedError) return { retry: true };
  if (err instanceof Error && err.name === 'ConnectionError') {
    const code: unknown = (err as Error & { code?: unknown }).code;
    return { retry: RESET.test(`${typeof code === 'string' ? code : ''} ${err.message}`) };
  }
  return { retry: false };
}

/** Reads retry quickly: a read round should settle in seconds, and the cluster deadline bounds it all. */
const READ_RETRY: RetryPolicy = { ...DEFAULT_RETRY, retries: 3, baseDelayMs: 200, maxDelayMs: 2_000 };

interface ReadBounds extends Bounds {
  /** The retry policy of reads (tests give one that never sleeps); READ_RETRY by default. */
  retry?: RetryPolicy;
}

/**
 * A read with its retries: within the caller's deadline (the sleeps between tries stop with
 * it too) and within the policy's own time bound. Rethrows the last failure.
 */
export function readRequest(
  send: Send,
  request: ClusterRequest,
  bounds: ReadBounds,
  expect: Expect = {},
): Promise<Answer> {
  const base = bounds.retry ?? READ_RETRY;
  const policy: RetryPolicy = bounds.retry
    ? base
    : { ...base, deadlineMs: bounds.conn.deadlineMs ?? base.deadlineMs, sleep: (ms) => sleepUnless(ms, bounds.signal) };
  return withRetry(() => exchange(send, request, bounds, expect), classifyReadError, policy);
}

/** A write: one checked exchange (the write side retries it with its own classifier). */
export const writeRequest = exchange;
