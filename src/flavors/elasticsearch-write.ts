// The Elasticsearch flavor, write side: each planned change becomes one or a few HTTP requests
// (built by a pure function, so tests can read them), sent with our own retries, with bounded
// concurrency inside a step. Nothing is ever written that is not a Change of the plan, and no
// error text leaves here holding a secret.

import { STATUS_CODES } from 'node:http';
import { Client } from '@elastic/elasticsearch';
import pLimit from 'p-limit';
import { MANAGED_BY_KEY, MANAGED_BY_VALUE, sortKeys } from '../model/normalize.js';
import { type Canonical, type Change, type Json, type Kind } from '../model/types.js';
import { clientOptions } from './elasticsearch-client.js';
import {
  type Connection,
  type ExecuteOptions,
  type Operation,
  type OperationResult,
  type RetryPolicy,
} from './flavor.js';
import { DEFAULT_RETRY, parseRetryAfter, withRetry, type RetryDecision } from './retry.js';
import { displayUrl } from './read.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One HTTP request of a change. */
export interface WriteRequest {
  method: 'PUT' | 'POST' | 'DELETE';
  path: string;
  body?: Obj;
}

/** A change that cannot be turned into requests (a missing password, a missing live body). */
export class WriteError extends Error {
  override name = 'WriteError';
}

// ---------------------------------------------------------------------------------------------
// Requests, by kind (pure)

const segment = (name: string): string => encodeURIComponent(name);

/** The body with the ownership marker merged into its metadata: it goes on everything we write. */
function withMarker(body: Canonical): Obj {
  const metadata = isObject(body.metadata) ? body.metadata : {};
  return { ...body, metadata: { ...metadata, [MANAGED_BY_KEY]: MANAGED_BY_VALUE } };
}

/**
 * A role PUT replaces the whole role, so the whole canonical body goes out (remote_cluster and
 * all). Fields the canonical form omits are empty, which is what the replace leaves. A
 * canonical `query` is an object; the server accepts it as such.
 */
function roleRequests(change: Change): WriteRequest[] {
  const path = `/_security/role/${segment(change.name)}`;
  if (change.action === 'delete') return [{ method: 'DELETE', path }];
  return [{ method: 'PUT', path, body: withMarker(change.body) }];
}

/** `enabled` is sent explicitly: the canonical form drops it when true, the server wants it. */
function roleMappingRequests(change: Change): WriteRequest[] {
  const path = `/_security/role_mapping/${segment(change.name)}`;
  if (change.action === 'delete') return [{ method: 'DELETE', path }];
  const body = { ...withMarker(change.body), enabled: change.body.enabled !== false };
  return [{ method: 'PUT', path, body }];
}

/** The user body we PUT, never with a password (the update path keeps the stored one). */
const userBody = (body: Canonical): Obj => ({ ...withMarker(body), enabled: body.enabled !== false });

/**
 * True when merging `desired` into `live` would keep something `desired` lacks. An update of a
 * user is a partial document update on the server, which merges objects key by key (nested
 * ones too) and replaces everything else.
 */
export function mergeKeeps(live: unknown, desired: unknown): boolean {
  if (!isObject(live) || !isObject(desired)) return false;
  return Object.entries(live).some(([k, v]) => !(k in desired) || mergeKeeps(v, desired[k]));
}

/**
 * The PUTs of a user update. For an existing user, Elasticsearch merges the sent `metadata`
 * into the stored one (`{}` keeps it all) and clears it when `metadata` is omitted
 * (NativeUsersStore.updateUserWithoutPassword is a partial doc update). So when the live
 * metadata holds keys the desired one lacks, a first PUT without `metadata` clears it and a
 * second one sets the desired metadata. Without the live body we cannot tell, and clear anyway.
 */
function userUpdatePuts(change: Change, path: string): WriteRequest[] {
  const body = userBody(change.body);
  const live = change.before === undefined ? undefined : (change.before.metadata ?? {});
  if (live !== undefined && !mergeKeeps(live, body.metadata)) return [{ method: 'PUT', path, body }];
  const { metadata: _dropped, ...cleared } = body;
  return [
    { method: 'PUT', path, body: cleared },
    { method: 'PUT', path, body },
  ];
}

const changesPassword = (change: Change): boolean => change.diff.some((d) => d.path[0] === 'password');
const changesOtherThanPassword = (change: Change): boolean => change.diff.some((d) => d.path[0] !== 'password');

function requirePassword(op: Operation): string {
  if (op.password === undefined || op.password === '') {
    throw new WriteError(`no password for user ${op.change.name}: its password reference was not resolved`);
  }
  return op.password;
}

/**
 * A user is created with its password; afterwards the password changes only through the
 * change-password API, and a PUT without `password` keeps the stored one.
 */
function userRequests(op: Operation): WriteRequest[] {
  const { change } = op;
  const path = `/_security/user/${segment(change.name)}`;
  if (change.action === 'delete') return [{ method: 'DELETE', path }];
  if (change.action === 'create') {
    return [{ method: 'PUT', path, body: { ...userBody(change.body), password: requirePassword(op) } }];
  }
  const requests = changesOtherThanPassword(change) ? userUpdatePuts(change, path) : [];
  if (changesPassword(change)) {
    requests.push({ method: 'POST', path: `${path}/_password`, body: { password: requirePassword(op) } });
  }
  return requests;
}

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

/** One `PUT /_cluster/settings` per remote, persistent, with that remote's settings only. */
function remoteClusterRequests(change: Change): WriteRequest[] {
  const settings = remoteSettings(change);
  const prefix = `cluster.remote.${change.name}.`;
  const persistent = Object.fromEntries(Object.entries(settings).map(([k, v]) => [`${prefix}${k}`, v]));
  if (Object.keys(persistent).length === 0) return [];
  return [{ method: 'PUT', path: '/_cluster/settings', body: { persistent } }];
}

/** The Elasticsearch kinds; an OpenSearch kind here is an error (see requestsFor). */
const byKind: Partial<Record<Kind, (op: Operation) => WriteRequest[]>> = {
  role: (op) => roleRequests(op.change),
  role_mapping: (op) => roleMappingRequests(op.change),
  user: userRequests,
  remote_cluster: (op) => remoteClusterRequests(op.change),
};

/**
 * The requests that carry out one operation, in the order they must be sent. Pure. Throws for a
 * kind Elasticsearch does not have; execute turns that into a failed result.
 */
export function requestsFor(op: Operation): WriteRequest[] {
  const requests = byKind[op.change.kind];
  if (!requests) throw new Error(`'${op.change.kind}' is not an Elasticsearch kind`);
  return requests(op);
}

// ---------------------------------------------------------------------------------------------
// Errors: what is worth a retry, and what the report says

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const RESET = /ECONNRESET|socket hang up|EPIPE/i;

/** The HTTP status of a failed request; none for a connection error (whose meta says 0). */
const statusOf = (err: unknown): number | undefined => {
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

/** "400 illegal_argument_exception: <reason>", from the ES error body. */
function httpError(status: number, body: unknown): string {
  const error = isObject(body) ? body.error : undefined;
  if (isObject(error)) {
    const type = typeof error.type === 'string' ? error.type : '';
    const reason = typeof error.reason === 'string' ? error.reason : '';
    return [`${status}${type ? ` ${type}` : ''}`, reason].filter((s) => s !== '').join(': ');
  }
  const text = typeof error === 'string' ? error : typeof body === 'string' ? body : '';
  return `${status} ${STATUS_CODES[status] ?? 'error'}${text ? `: ${text}` : ''}`;
}

/** Longest error we report: a proxy's HTML error page is not a reason. */
const MAX_ERROR = 500;

/** Every secret this call knows, in clear and in the forms a header would carry. */
function secretsOf(conn: Connection, extra: (string | undefined)[]): string[] {
  const out: string[] = [];
  const auth = conn.auth;
  if (auth && 'apiKey' in auth) out.push(auth.apiKey);
  if (auth && 'password' in auth) {
    out.push(auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64'));
  }
  for (const s of extra) if (s) out.push(s);
  return out.filter((s) => s.length > 0);
}

function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out.length > MAX_ERROR ? `${out.slice(0, MAX_ERROR)}…` : out;
}

/** A short reason for a failed request, from the status and body or the error's class. */
export function describeWriteError(err: unknown): string {
  const status = statusOf(err);
  if (status !== undefined) return httpError(status, isObject(err) && isObject(err.meta) ? err.meta.body : undefined);
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
// Execution

/** A client like the read side's, but without the client's own retries: ours honour Retry-After. */
const writeClient = (conn: Connection): Client => new Client({ ...clientOptions(conn), maxRetries: 0 });

async function send(client: Client, request: WriteRequest, policy: RetryPolicy): Promise<void> {
  const params = { method: request.method, path: request.path, ...(request.body ? { body: request.body } : {}) };
  await withRetry(() => client.transport.request(params), classifyWriteError, policy);
}

/** Runs one operation's requests in order; the reason it failed, or undefined when done. */
async function runOperation(
  client: Client,
  conn: Connection,
  op: Operation,
  policy: RetryPolicy,
): Promise<string | undefined> {
  try {
    for (const request of requestsFor(op)) await send(client, request, policy);
    return undefined;
  } catch (err) {
    return scrub(describeWriteError(err), secretsOf(conn, [op.password]));
  }
}

/**
 * One step. Once an operation fails, those not yet started are skipped (those in flight
 * finish): the report must say exactly what ran. Results come in the step's order.
 */
export async function execute(conn: Connection, step: Operation[], opts: ExecuteOptions): Promise<OperationResult[]> {
  const client = writeClient(conn);
  const concurrency = Number.isFinite(opts.concurrency) ? Math.max(1, Math.floor(opts.concurrency)) : 1;
  const limit = pLimit(concurrency);
  let failed = false;
  try {
    return await Promise.all(
      step.map((op) =>
        limit(async (): Promise<OperationResult> => {
          if (failed) return { change: op.change, status: 'skipped' };
          const error = await runOperation(client, conn, op, opts.retry);
          if (error === undefined) return { change: op.change, status: 'done' };
          failed = true;
          return { change: op.change, status: 'failed', error };
        }),
      ),
    );
  } finally {
    await client.close();
  }
}

/**
 * Whether `username`/`password` authenticate: a client of its own with those credentials (and
 * the connection's CA). 401 is a plain "no"; anything else is an error, whose message names
 * the user and the cluster but never the password.
 */
export async function authenticate(
  conn: Connection,
  username: string,
  password: string,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<boolean> {
  const client = new Client({ ...clientOptions(conn), auth: { username, password }, maxRetries: 0 });
  try {
    await withRetry(
      () => client.transport.request({ method: 'GET', path: '/_security/_authenticate' }),
      classifyWriteError,
      retry,
    );
    return true;
  } catch (err) {
    if (statusOf(err) === 401) return false;
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    const reason = scrub(describeWriteError(err), secretsOf(conn, [password, basic]));
    throw new Error(`authenticating as ${username} at ${displayUrl(conn.url)} failed: ${reason}`);
  } finally {
    await client.close();
  }
}
