// What the write sides of the flavors share: which failures are worth a retry, which may have
// been applied (write-outcome.ts reports them), how a failure is told (never with a secret in
// it), and the settings a remote cluster change writes (both servers take the same
// `cluster.remote.<alias>.*` settings).

import { STATUS_CODES } from 'node:http';
import { unusableName } from '../model/names.js';
import { sortKeys } from '../model/normalize.js';
import { type Canonical, type Change, type Json, type SettingsScope } from '../model/types.js';
import { type Connection, type Operation } from './flavor.js';
import { basicCredentials } from '../model/redact.js';
import { displayUrl, scrubbed, secretsOf } from './read.js';
import { causeChain, validationDetail } from './server-error.js';
import { parseRetryAfter, type RetryDecision } from './retry.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A change that cannot be turned into requests (a missing password, a missing live body). */
export class WriteError extends Error {
  override name = 'WriteError';
}

/**
 * A name as one percent-encoded URL path segment. `.` and `..` stay dot segments whatever their
 * encoding (URL parsers read `%2e%2e` as `..`), and a lone surrogate has no UTF-8 to encode: such
 * names are refused here too, should one ever get past the config and the read round.
 */
export function pathSegment(name: string): string {
  const refused = unusableName(name);
  if (refused !== undefined) throw new WriteError(`cannot be sent as a URL path segment: ${refused}`);
  return encodeURIComponent(name);
}

// ---------------------------------------------------------------------------------------------
// Remote clusters

/** A remote's canonical body as flat setting names under `cluster.remote.<alias>.`. */
export function flatSettings(body: Canonical, prefix = ''): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(body)) {
    if (isObject(v)) Object.assign(out, flatSettings(v as Canonical, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));

/**
 * The settings of one remote a change writes. Create: every desired setting. Update: the
 * changed ones, and null for each live one the desired remote lacks, in the same request: the
 * server judges mode-specific settings on the result, so moving to proxy must drop `seeds`
 * (and moving to sniff `proxy_address` and friends) at once. Delete: null for each live one.
 */
export function remoteSettings(change: Change): Record<string, Json> {
  const live = change.before ?? (change.action === 'delete' ? change.body : undefined);
  if (change.action !== 'create' && live === undefined) {
    throw new WriteError(`the live settings of remote cluster ${change.name} are unknown: re-run the plan`);
  }
  const have = live === undefined ? {} : flatSettings(live);
  const want = change.action === 'delete' ? {} : flatSettings(change.body);
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(want)) if (!same(v, have[k])) out[k] = v;
  for (const k of Object.keys(have)) if (!(k in want)) out[k] = null;
  return out;
}

export type SettingsBody = Partial<Record<SettingsScope, Record<string, Json>>>;

/**
 * The body of the one `PUT /_cluster/settings` a remote cluster change sends: its own settings
 * only, under `cluster.remote.<alias>.`; undefined when nothing is to be written. A remote is
 * written where it lives: one held in transient settings is changed there (a persistent value
 * under a transient one never takes effect), and a new one goes to persistent settings. A
 * removed setting is nulled in every scope that holds the remote: left in either, it stays.
 */
export function remoteSettingsBody(change: Change): SettingsBody | undefined {
  const prefix = `cluster.remote.${change.name}.`;
  const settings = Object.entries(remoteSettings(change));
  if (settings.length === 0) return undefined;
  const held = change.scopes ?? [];
  const target: SettingsScope = held.includes('transient') ? 'transient' : 'persistent';
  const removedIn = held.length > 0 ? held : [target];
  const body: SettingsBody = {};
  for (const [key, value] of settings) {
    for (const scope of value === null ? removedIn : [target]) (body[scope] ??= {})[`${prefix}${key}`] = value;
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// Errors: what is worth a retry, and what the report says

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const RESET = /ECONNRESET|socket hang up|EPIPE/i;

/** The HTTP status of a failed request; none for a connection error (whose meta says 0). */
export const statusOf = (err: unknown): number | undefined => {
  const status = isObject(err) && isObject(err.meta) ? err.meta.statusCode : undefined;
  return typeof status === 'number' && status > 0 ? status : undefined;
};

const nameOf = (err: unknown): string => (err instanceof Error ? err.name : '');
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** 429, 502-504 (with the server's Retry-After) and connection resets; nothing else. */
export function classifyWriteError(err: unknown): RetryDecision {
  const status = statusOf(err);
  if (status !== undefined) {
    if (!RETRY_STATUSES.has(status)) return { retry: false };
    const headers = isObject(err) && isObject(err.meta) && isObject(err.meta.headers) ? err.meta.headers : {};
    const afterMs = parseRetryAfter(headers['retry-after']);
    return afterMs === undefined ? { retry: true } : { retry: true, afterMs };
  }
  const code = isObject(err) && typeof err.code === 'string' ? err.code : '';
  return { retry: nameOf(err) === 'ConnectionError' && RESET.test(`${code} ${messageOf(err)}`) };
}

/**
 * "400 illegal_argument_exception: <reason>; caused by <type>: <reason>" from an
 * `{ error: { type, reason, caused_by } }` body, or
 * "403 Forbidden: <message>" from the `{ status, message }` / `{ status, reason }` bodies of
 * OpenSearch's security plugin.
 */
function httpError(status: number, body: unknown): string {
  const error = isObject(body) ? (body.error ?? body.message ?? body.reason) : undefined;
  if (isObject(error)) {
    const type = typeof error.type === 'string' ? error.type : '';
    const reason = typeof error.reason === 'string' ? error.reason : '';
    return [`${status}${type ? ` ${type}` : ''}`, reason].filter((s) => s !== '').join(': ') + causeChain(error);
  }
  const text = typeof error === 'string' ? error + validationDetail(body) : typeof body === 'string' ? body : '';
  return `${status} ${STATUS_CODES[status] ?? 'error'}${text ? `: ${text}` : ''}`;
}

/** Longest error we report: a proxy's HTML error page is not a reason. */
const MAX_ERROR = 500;

/** The reason of a failed write without any secret, cut to MAX_ERROR. */
export const scrub = (text: string, secrets: readonly string[]): string => scrubbed(text, secrets, MAX_ERROR);

/** A short reason for a failed request, from the status and body or the error's class. */
export function describeWriteError(err: unknown): string {
  // http.ts's own errors name the request, its status and content type: their message says it all.
  if (['AnswerError', 'DeadlineError', 'TruncatedError'].includes(nameOf(err))) return messageOf(err);
  const status = statusOf(err);
  // A connection error can carry the status of an answer whose body was then cut short: not the reason.
  if (status !== undefined && status >= 400)
    return httpError(status, isObject(err) && isObject(err.meta) ? err.meta.body : undefined);
  switch (nameOf(err)) {
    case 'WriteError':
      return messageOf(err);
    case 'TimeoutError':
      return 'request timed out';
    case 'ConnectionError':
      return `connection error: ${messageOf(err)}`;
    default:
      return `${nameOf(err) || 'error'}: ${messageOf(err)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Ambiguous writes: may a failed request have been applied?

/** What a failed write comes to: `failed` (certainly not applied) or `unknown` (it may have been). */
export type WriteFailure = 'failed' | 'unknown';

/** Connection errors of a request that never left: refused, no such host, no route, TLS. */
const NEVER_SENT =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|certificate|self[- ]signed|altnames|CERT_|SSL|TLS/i;

/**
 * Whether a failed write may have reached the server and been applied, by the error's name (so
 * that it holds for both clients and for the transport's own errors):
 * - `failed`: the request never left (`WriteError`: refused before sending; a refused
 *   connection, DNS, TLS) or the server's answer was read and says no: a 4xx/5xx, or an answer
 *   checked and found wrong (`AnswerError`: a redirect, an HTML page, a body of the wrong shape);
 * - `unknown`: the request was sent and its answer lost: any other connection error (a reset or
 *   a hang-up after sending, a body cut short), a timeout or an abort (a name holding `Timeout`,
 *   `Deadline` or `Abort`: the client's TimeoutError and RequestAbortedError, a deadline's abort),
 *   an unreadable body (`DeserializationError`), or a 504 (a proxy gave up waiting on the server,
 *   which may have gone on).
 * Anything else (a bug before sending) is `failed`.
 */
export function writeFailureOf(err: unknown): WriteFailure {
  const name = nameOf(err);
  if (name === 'AnswerError' || name === 'WriteError') return 'failed';
  const status = statusOf(err);
  if (status !== undefined && status >= 400) return status === 504 ? 'unknown' : 'failed';
  // TruncatedError (http.ts): the answer was cut short, so the request had reached the server.
  if (/Timeout|Deadline|Abort|Truncated/.test(name) || name === 'DeserializationError') return 'unknown';
  if (name === 'ConnectionError') {
    const code = isObject(err) && typeof err.code === 'string' ? err.code : '';
    return NEVER_SENT.test(`${code} ${messageOf(err)}`) ? 'failed' : 'unknown';
  }
  return 'failed';
}

// ---------------------------------------------------------------------------------------------
// Passwords

export const changesPassword = (change: Change): boolean => change.diff.some((d) => d.path[0] === 'password');
export const changesOtherThanPassword = (change: Change): boolean => change.diff.some((d) => d.path[0] !== 'password');

/** The resolved password of a user operation; a WriteError when it was not resolved. */
export function requirePassword(op: Operation): string {
  if (op.password !== undefined && op.password !== '') return op.password;
  if (op.change.password === undefined) {
    // The plan's new-user-password rule refuses this before apply; a caller that skipped it gets the same words.
    const section = op.change.kind === 'internal_user' ? 'internal_users' : 'users';
    throw new WriteError(
      `${section}.${op.change.name}.password is not set: creating a user needs a password (add password: { env: NAME } or { file: PATH })`,
    );
  }
  throw new WriteError(`no password for user ${op.change.name}: its password reference was not resolved`);
}

/**
 * Whether Basic authentication can carry this user name. It sends `user:password` and the server
 * splits at the first colon (RFC 7617), so a name with a colon logs in as someone else and is
 * refused whatever its password.
 */
export const basicAuthCarries = (username: string): boolean => !username.includes(':');

/**
 * Whether a login attempt as `username` succeeds: 401 is a plain "no"; any other failure is an
 * error naming the user and the cluster, never the password. A name Basic authentication cannot
 * carry is an error too: its 401 would say nothing about the password. Exactly one attempt, never
 * a retry (of a 401, a 503 or a reset connection alike): a server that counts failed logins
 * (OpenSearch's auth_failure_listeners) blocks the user, then the address, after a few.
 */
export async function loginSucceeds(
  conn: Connection,
  username: string,
  password: string,
  attempt: () => Promise<unknown>,
): Promise<boolean> {
  if (!basicAuthCarries(username)) {
    throw new Error(`the password of ${username} cannot be checked: Basic authentication cannot carry a ':' in a name`);
  }
  try {
    await attempt();
    return true;
  } catch (err) {
    if (statusOf(err) === 401) return false;
    const reason = scrub(describeWriteError(err), secretsOf(conn, [password, basicCredentials(username, password)]));
    throw new Error(`authenticating as ${username} at ${displayUrl(conn.url)} failed: ${reason}`);
  }
}
