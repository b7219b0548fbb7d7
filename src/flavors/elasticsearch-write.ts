// The Elasticsearch flavor, write side: each planned change becomes one or a few HTTP requests
// (built by a pure function, so tests can read them), sent with our own retries, with bounded
// concurrency inside a step. Nothing is ever written that is not a Change of the plan, and no
// error text leaves here holding a secret.

import { Client } from '@elastic/elasticsearch';
import { MANAGED_BY_KEY, MANAGED_BY_VALUE } from '../model/normalize.js';
import { type Canonical, type Change, type Kind } from '../model/types.js';
import { ANY_OBJECT, WRITE_SHAPES } from './answers.js';
import { clientOptions, esSend } from './elasticsearch-client.js';
import { exchange, writeRequest, type Send, type Shape } from './http.js';
import {
  type Connection,
  type ExecuteOptions,
  type Operation,
  type OperationResult,
  type RetryPolicy,
} from './flavor.js';
import {
  changesOtherThanPassword,
  changesPassword,
  describeWriteError,
  loginSucceeds,
  requirePassword,
  pathSegment,
  remoteSettingsBody,
  scrub,
} from './write.js';
import { runStep, sendInOrder, sendWrite, type Outcome, type Sent } from './write-outcome.js';
import { secretsOf } from './read.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One HTTP request of a change. */
export interface WriteRequest {
  method: 'PUT' | 'POST' | 'DELETE';
  path: string;
  body?: Obj;
}

// ---------------------------------------------------------------------------------------------
// Requests, by kind (pure)

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
  const path = `/_security/role/${pathSegment(change.name)}`;
  if (change.action === 'delete') return [{ method: 'DELETE', path }];
  return [{ method: 'PUT', path, body: withMarker(change.body) }];
}

/** `enabled` is sent explicitly: the canonical form drops it when true, the server wants it. */
function roleMappingRequests(change: Change): WriteRequest[] {
  const path = `/_security/role_mapping/${pathSegment(change.name)}`;
  if (change.action === 'delete') return [{ method: 'DELETE', path }];
  const body = { ...withMarker(change.body), enabled: change.body.enabled !== false };
  return [{ method: 'PUT', path, body }];
}

/**
 * The user body we PUT, never with a password (the update path keeps the stored one). `roles`
 * always goes out: the canonical form drops `roles: []`, and the server refuses a user PUT
 * without `roles` ("roles are missing").
 */
const userBody = (body: Canonical): Obj => ({
  ...withMarker(body),
  roles: body.roles ?? [],
  enabled: body.enabled !== false,
});

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

/**
 * A user is created with its password; afterwards the password changes only through the
 * change-password API, and a PUT without `password` keeps the stored one.
 */
function userRequests(op: Operation): WriteRequest[] {
  const { change } = op;
  const path = `/_security/user/${pathSegment(change.name)}`;
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

/** One `PUT /_cluster/settings` per remote, persistent, with that remote's settings only. */
function remoteClusterRequests(change: Change): WriteRequest[] {
  const body = remoteSettingsBody(change);
  return body ? [{ method: 'PUT', path: '/_cluster/settings', body }] : [];
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
// Execution

/** What the server answers to each kind of write: a 2xx of another shape did not do it. */
function answerShape(request: WriteRequest): Shape {
  if (request.method === 'DELETE') return WRITE_SHAPES.delete;
  if (request.method === 'POST') return WRITE_SHAPES.any; // _password answers {}
  if (request.path === '/_cluster/settings') return WRITE_SHAPES.settings;
  if (request.path.startsWith('/_security/role_mapping/')) return WRITE_SHAPES.putRoleMapping;
  if (request.path.startsWith('/_security/role/')) return WRITE_SHAPES.putRole;
  if (request.path.startsWith('/_security/user/')) return WRITE_SHAPES.putUser;
  return WRITE_SHAPES.any;
}

/** Where writes go: the connection, its client, and the signal that stops them. */
interface Target {
  conn: Connection;
  send: Send;
  signal?: AbortSignal;
}

/** One write, its answer checked (http.ts), retried on what classifyWriteError allows (write-outcome.ts). */
async function send(target: Target, request: WriteRequest, policy: RetryPolicy, secrets: string[]): Promise<Sent> {
  const params = { method: request.method, path: request.path, ...(request.body ? { body: request.body } : {}) };
  const bounds = { conn: target.conn, ...(target.signal ? { signal: target.signal } : {}) };
  const expect = { shape: answerShape(request) };
  return sendWrite(request.method, () => writeRequest(target.send, params, bounds, expect), policy, secrets);
}

/**
 * How the report names one request of an operation of several: "POST /_security/user/u/_password",
 * and for a user update's two PUTs what each does (after the first alone, the metadata is gone).
 */
function labelOf(request: WriteRequest, all: WriteRequest[]): string {
  const label = `${request.method} ${request.path}`;
  if (request.method !== 'PUT' || all.filter((r) => r.method === 'PUT').length < 2) return label;
  return `${label} (${request.body && 'metadata' in request.body ? 'setting' : 'clearing'} the metadata)`;
}

/** Runs one operation's requests in order (see sendInOrder: failed, unknown or half done). */
async function runOperation(target: Target, op: Operation, policy: RetryPolicy): Promise<Outcome> {
  const secrets = secretsOf(target.conn, [op.password]);
  let requests: WriteRequest[];
  try {
    requests = requestsFor(op);
  } catch (err) {
    return { status: 'failed', error: scrub(describeWriteError(err), secrets) };
  }
  return sendInOrder(
    requests.map((request) => ({
      label: labelOf(request, requests),
      send: () => send(target, request, policy, secrets),
    })),
  );
}

/** One step, each operation's requests in order, with bounded concurrency. */
export async function execute(conn: Connection, step: Operation[], opts: ExecuteOptions): Promise<OperationResult[]> {
  const client = new Client(clientOptions(conn));
  const target: Target = { conn, send: esSend(client), ...(opts.signal ? { signal: opts.signal } : {}) };
  try {
    return await runStep(step, opts.concurrency, (op) => runOperation(target, op, opts.retry), opts.stop);
  } finally {
    await client.close();
  }
}

/**
 * Whether `username`/`password` authenticate: a client of its own with those credentials (and
 * the connection's CA), one attempt (no retry: see loginSucceeds). 401 is a plain "no"; anything
 * else is an error, whose message names the user and the cluster but never the password.
 */
export async function authenticate(
  conn: Connection,
  username: string,
  password: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const client = new Client({ ...clientOptions(conn), auth: { username, password } });
  try {
    const request = { method: 'GET', path: '/_security/_authenticate' } as const;
    const bounds = { conn, ...(signal ? { signal } : {}) };
    const attempt = () => exchange(esSend(client), request, bounds, { shape: ANY_OBJECT });
    return await loginSucceeds(conn, username, password, attempt);
  } finally {
    await client.close();
  }
}
