// The OpenSearch flavor, write side. The security plugin stores each kind (roles, roles mappings,
// internal users, action groups, nodes DN) as one document of its security index, and a
// collection PATCH (JSON Patch, RFC 6902) is validated as a whole and stored in one write: one
// PATCH per step carries all of that step's changes of one kind, so either all of them land or
// none does (seen on 2.19.4: a PATCH with one op on a reserved role applied nothing). Per-object
// PUTs would each be a write of the same document, racing each other into 409s and leaving half
// a step applied when one fails. Remote clusters are cluster settings, as in Elasticsearch.
//
// Each object is written whole (`add` of the object: JSON Patch replaces an existing member),
// never field by field: `replace` of a field the server only shows as a default fails with 400
// (test/fixtures/opensearch/2.19.4/writes/24), and a user PUT or PATCH replaces every field
// anyway. A user written without `password` keeps its stored hash (checked against 2.19.4).

import { type Canonical, type Change, type Kind } from '../model/types.js';
import {
  type Connection,
  type ExecuteOptions,
  type Operation,
  type OperationResult,
  type RetryPolicy,
} from './flavor.js';
import { patchFailures } from './opensearch-blame.js';
import { MANAGED_ATTRIBUTE, MANAGED_SUFFIX, MANAGED_VALUE, normalize } from './opensearch-canonical.js';
import { ANY_OBJECT, READ_SHAPES, WRITE_SHAPES } from './answers.js';
import { exchange, readRequest, writeRequest, type Send } from './http.js';
import { openSearchClient, openSearchSend } from './opensearch-client.js';
import { backoffDelay, withRetry } from './retry.js';
import {
  changesPassword,
  classifyWriteError,
  describeWriteError,
  loginSucceeds,
  remoteSettingsBody,
  requirePassword,
  scrub,
  statusOf,
  WriteError,
} from './write.js';
import { failureOf, LostAnswers, outcomeOf, runStep, sendWrite, type Outcome } from './write-outcome.js';
import { type WriteFailure } from './write.js';
import { secretsOf } from './read.js';

type Obj = Record<string, unknown>;

/** Where the requests of one step go: the connection, its client's send, and the signal that stops them. */
interface Client {
  conn: Connection;
  send: Send;
  signal?: AbortSignal;
  close: () => Promise<void>;
}

function writeClient(conn: Connection, signal?: AbortSignal): Client {
  const client = openSearchClient(conn);
  return { conn, send: openSearchSend(client), ...(signal ? { signal } : {}), close: () => client.close() };
}

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The security API collection of each kind that lives in the security index. */
const COLLECTIONS: Partial<Record<Kind, string>> = {
  role: 'roles',
  roles_mapping: 'rolesmapping',
  internal_user: 'internalusers',
  action_group: 'actiongroups',
  nodes_dn: 'nodesdn',
};

const collectionPath = (kind: Kind): string => `/_plugins/_security/api/${COLLECTIONS[kind]!}`;

/** One JSON Patch operation of a collection PATCH. */
export interface PatchOperation {
  op: 'add' | 'remove';
  path: string;
  value?: Obj;
}

/** A JSON Pointer to a member of the collection (RFC 6901: `~` and `/` escaped). */
const pointer = (name: string): string => `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** The description with the ownership suffix: roles, mappings and action groups have no metadata. */
const markedDescription = (body: Canonical): string =>
  `${typeof body.description === 'string' ? body.description : ''}${MANAGED_SUFFIX}`;

/**
 * The server stores a DLS query as text; the canonical form holds that text already, with every
 * number exactly as the config wrote it (opensearch-canonical.ts), so it goes on the wire as it is.
 */
function roleWire(body: Canonical): Obj {
  return { ...body, description: markedDescription(body) };
}

/**
 * A roles mapping the server takes needs at least one of its lists, even empty (an empty body is
 * 400 `specify_one_of`, test/fixtures/opensearch/2.19.4/issue-12/02); the canonical form drops
 * empty lists, so a mapping of nobody gets `users: []` back.
 */
function rolesMappingWire(body: Canonical): Obj {
  const lists = ['users', 'backend_roles', 'hosts', 'and_backend_roles'];
  const some = lists.some((k) => body[k] !== undefined);
  return { ...(some ? {} : { users: [] }), ...body, description: markedDescription(body) };
}

/** A user whole, with the ownership attribute, and its password when it is created or changed. */
function internalUserWire(op: Operation): Obj {
  const { change } = op;
  const attributes = isObject(change.body.attributes) ? change.body.attributes : {};
  const body: Obj = { ...change.body, attributes: { ...attributes, [MANAGED_ATTRIBUTE]: MANAGED_VALUE } };
  if (change.action === 'create' || changesPassword(change)) body.password = requirePassword(op);
  return body;
}

/** The body an object is written with. nodes_dn entries hold nothing but DNs: no marker fits. */
function wireBody(op: Operation): Obj {
  const { kind, body } = op.change;
  if (kind === 'internal_user') return internalUserWire(op);
  if (kind === 'role') return roleWire(body);
  if (kind === 'roles_mapping') return rolesMappingWire(body);
  if (kind === 'nodes_dn') return { ...body };
  return { ...body, description: markedDescription(body) };
}

/** The collection PATCH of one step (pure). Throws a WriteError when a password is missing. */
export function patchFor(step: Operation[]): PatchOperation[] {
  return step.map((op) =>
    op.change.action === 'delete'
      ? { op: 'remove', path: pointer(op.change.name) }
      : { op: 'add', path: pointer(op.change.name), value: wireBody(op) },
  );
}

// ---------------------------------------------------------------------------------------------
// Concurrent changes

const stable = (v: unknown): string => JSON.stringify(v);

/** Whether the live object is still what the plan saw: absent for a create, `before` otherwise. */
function asPlanned(change: Change, live: unknown): boolean {
  if (change.action === 'create') return live === undefined;
  if (live === undefined || change.before === undefined) return false;
  return stable(normalize(change.kind, live)) === stable(change.before);
}

/** The step's objects that changed on the server since the plan. */
async function movedSincePlan(client: Client, step: Operation[]): Promise<string[]> {
  const kind = step[0]!.change.kind;
  const path = collectionPath(kind);
  const { body } = await readRequest(client.send, { method: 'GET', path }, client, { shape: READ_SHAPES.collection });
  // Unknown is not "as planned": an answer that is no collection stops the step.
  if (!isObject(body)) throw new WriteError(`GET ${path} before the PATCH: the answer is not a collection of objects`);
  // The answer is the server's JSON: only an own member is an object of that name.
  const liveObject = (name: string): unknown => (Object.hasOwn(body, name) ? body[name] : undefined);
  return step.filter((op) => !asPlanned(op.change, liveObject(op.change.name))).map((op) => op.change.name);
}

/**
 * Reads the collection again right before the PATCH: the server refuses JSON Patch `test`, and a
 * 409 only catches two writes racing inside it, so a change made by hand between the plan and
 * the apply would otherwise be overwritten without a word. (What changes between this read and
 * the PATCH, milliseconds later, is the 409's to catch.)
 */
async function refuseMoved(client: Client, step: Operation[], when: string): Promise<void> {
  let moved: string[];
  try {
    moved = await movedSincePlan(client, step);
  } catch (err) {
    // A read, not a write: whatever became of it (a lost answer included), this PATCH was not sent.
    if (err instanceof WriteError) throw err;
    throw new WriteError(`the fresh read (${when}) failed: ${describeWriteError(err)}; this PATCH was not sent`);
  }
  if (moved.length === 0) return;
  const what = moved.length === 1 ? `${moved[0]!} changed` : `${moved.join(', ')} changed`;
  throw new WriteError(`${what} on the server since the plan (${when}): nothing was written; re-run the plan`);
}

/**
 * Sends the PATCH once a fresh read shows the step's objects as planned; a 409 (another writer
 * changed the security index between that read and our write) is retried after another fresh
 * read. If they are not as planned, the plan is out of date: fail rather than overwrite
 * someone's change.
 */
async function sendPatch(
  client: Client,
  step: Operation[],
  patch: PatchOperation[],
  policy: RetryPolicy,
  lost: LostAnswers,
) {
  const path = collectionPath(step[0]!.change.kind);
  await refuseMoved(client, step, 'read again before the PATCH');
  for (let conflicts = 0; ; conflicts++) {
    try {
      await withRetry(
        lost.watch(() =>
          writeRequest(client.send, { method: 'PATCH', path, body: patch }, client, { shape: WRITE_SHAPES.securityOk }),
        ),
        classifyWriteError,
        policy,
      );
      return;
    } catch (err) {
      if (statusOf(err) !== 409 || conflicts >= policy.retries) throw err;
      await policy.sleep(backoffDelay(conflicts, policy));
      await refuseMoved(client, step, '409 conflict, then a fresh read');
    }
  }
}

/**
 * One PATCH for the whole step: every operation is done, or every one failed with the same
 * reason, or, when the PATCH's answer was lost, every one is unknown (the server applies a PATCH
 * whole or not at all: the verification read tells which).
 */
async function executePatch(client: Client, conn: Connection, step: Operation[], opts: ExecuteOptions) {
  const secrets = secretsOf(
    conn,
    step.map((op) => op.password),
  );
  const lost = new LostAnswers();
  let failed: { failure: WriteFailure; reason: string } | undefined;
  try {
    await sendPatch(client, step, patchFor(step), opts.retry, lost);
  } catch (err) {
    failed = failureOf(err, lost, secrets);
  }
  if (failed === undefined) return step.map((op): OperationResult => ({ change: op.change, status: 'done' }));
  const { failure, reason } = failed;
  // An answer lost: the server applies a PATCH whole or not at all, so every object is unknown.
  if (failure === 'unknown') {
    const whole = step.length > 1 ? ` (one PATCH for ${step.length} objects: all of them or none was applied)` : '';
    return step.map((op): OperationResult => ({ change: op.change, ...outcomeOf(failure, `${reason}${whole}`) }));
  }
  // Each object's line names the object the answer is about (opensearch-blame.ts), not the first.
  const reasons = patchFailures(step, reason);
  return step.map((op, i): OperationResult => ({ change: op.change, ...outcomeOf(failure, reasons[i]!) }));
}

/** A remote cluster: one `PUT /_cluster/settings` with its own settings only (as in Elasticsearch). */
async function writeRemote(client: Client, conn: Connection, op: Operation, policy: RetryPolicy): Promise<Outcome> {
  let body: ReturnType<typeof remoteSettingsBody>;
  try {
    body = remoteSettingsBody(op.change);
  } catch (err) {
    return { status: 'failed', error: scrub(describeWriteError(err), secretsOf(conn, [])) };
  }
  if (body === undefined) return { status: 'done' };
  const params = { method: 'PUT', path: '/_cluster/settings', body } as const;
  const expect = { shape: WRITE_SHAPES.settings };
  const sent = await sendWrite(
    'PUT',
    () => writeRequest(client.send, params, client, expect),
    policy,
    secretsOf(conn, []),
  );
  return sent.ok ? { status: 'done' } : outcomeOf(sent.failure, sent.reason);
}

/** One step: a collection PATCH for a security kind, a settings PUT per remote cluster. */
export async function execute(conn: Connection, step: Operation[], opts: ExecuteOptions): Promise<OperationResult[]> {
  if (step.length === 0) return [];
  const client = writeClient(conn, opts.signal);
  try {
    const kind = step[0]!.change.kind;
    if (COLLECTIONS[kind]) return await executePatch(client, conn, step, opts);
    if (kind === 'remote_cluster') {
      return await runStep(step, opts.concurrency, (op) => writeRemote(client, conn, op, opts.retry), opts.stop);
    }
    const error = `'${kind}' is not an OpenSearch kind`;
    return step.map((op) => ({ change: op.change, status: 'failed', error }));
  } finally {
    await client.close();
  }
}

/**
 * Whether `username`/`password` authenticate (`GET /_plugins/_security/authinfo`), one attempt
 * (no retry: see loginSucceeds). 401 is a plain "no"; anything else is an error naming the user
 * and the cluster, never the password. The connection's client certificate is left out: the
 * super-admin certificate would be accepted whatever the password.
 */
export async function authenticate(
  conn: Connection,
  username: string,
  password: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const { clientCertificate: _admin, ...plain } = conn;
  const client = openSearchClient(plain, { auth: { username, password } });
  try {
    const request = { method: 'GET', path: '/_plugins/_security/authinfo' } as const;
    const bounds = { conn, ...(signal ? { signal } : {}) };
    const attempt = () => exchange(openSearchSend(client), request, bounds, { shape: ANY_OBJECT });
    return await loginSucceeds(conn, username, password, attempt);
  } finally {
    await client.close();
  }
}
