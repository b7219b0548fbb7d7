// The OpenSearch flavor (security plugin), read side and canonical forms. One round of seven
// parallel GETs kept verbatim in a Snapshot, then turned into canonical live state by a pure
// parse. What the real server answers is recorded in test/fixtures/opensearch/2.19.4/.
//
// The issue asks for the official `@opensearch-project/opensearch` client; it is not a
// dependency yet, so this first slice reads with node:https / node:http (plain JSON), which
// nock sees like any other client. The write side (execute, authenticate) is the next slice.

import * as http from 'node:http';
import * as https from 'node:https';
import { normalizeRemoteCluster, sortKeys } from '../model/normalize.js';
import { emptyObjects, emptyReserved, type Canonical, type ClusterState, type Kind } from '../model/types.js';
import { remoteClustersFromSettings, remoteInfoOf, versionOf } from './settings.js';
import { type Connection, type FlavorAdapter, type OperationResult, type Snapshot } from './flavor.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The ownership marker. Internal users carry the attribute `managed_by: xcluster`; the other
 * kinds have no metadata, so theirs is this documented suffix of `description`. normalize strips
 * both, so the marker never shows in a diff.
 */
export const MANAGED_ATTRIBUTE = 'managed_by';
export const MANAGED_VALUE = 'xcluster';
export const MANAGED_SUFFIX = ' [managed by xcluster]';

/** Keys of `Snapshot.responses`: the request line of each of the seven reads. */
export const OPENSEARCH_RESPONSE_KEYS = {
  info: 'GET /',
  roles: 'GET /_plugins/_security/api/roles',
  rolesMapping: 'GET /_plugins/_security/api/rolesmapping',
  internalUsers: 'GET /_plugins/_security/api/internalusers',
  actionGroups: 'GET /_plugins/_security/api/actiongroups',
  settings: 'GET /_cluster/settings?flat_settings=true',
  remoteInfo: 'GET /_remote/info',
} as const;

/**
 * The read round. Its size is fixed: every list endpoint returns all objects of its kind in one
 * response, so a cluster with 500 roles costs the same seven requests as one with 1.
 */
const READS: readonly string[] = Object.values(OPENSEARCH_RESPONSE_KEYS);

// ---------------------------------------------------------------------------------------------
// Canonical forms

/** A list the server treats as a set: a lone string is a one-element list; sorted, no repeats. */
function stringSet(v: unknown): string[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return [...new Set(list.map(String))].sort();
}

const stable = (v: unknown): string => JSON.stringify(sortKeys(v));

/** A list of objects the server treats as a set: sorted by their canonical text, no repeats. */
function objectSet<T>(items: T[]): T[] {
  const seen = new Map<string, T>();
  for (const item of items) seen.set(stable(item), item);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (isObject(v) && Object.keys(v).length === 0);

/** Drops keys whose value is absent or empty: the server fills [] / {} in and omits unset `dls`. */
function compact(o: Obj): Canonical {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (!isEmpty(v)) out[k] = v;
  return sortKeys(out) as Canonical;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A description without the ownership suffix; an empty one is absence. */
function description(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const text = v.endsWith(MANAGED_SUFFIX) ? v.slice(0, -MANAGED_SUFFIX.length) : v;
  return text === '' ? undefined : text;
}

/** `dls` is a query as a JSON string; an object written in YAML equals the string the server stores. */
function dls(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v; // a template that is not JSON: compare as text
  }
}

function role(body: Obj): Canonical {
  return compact({
    cluster_permissions: stringSet(body.cluster_permissions),
    index_permissions: objectSet(
      list(body.index_permissions).map((p) => {
        const e = isObject(p) ? p : {};
        return compact({
          index_patterns: stringSet(e.index_patterns),
          allowed_actions: stringSet(e.allowed_actions),
          fls: stringSet(e.fls),
          masked_fields: stringSet(e.masked_fields),
          dls: dls(e.dls),
        });
      }),
    ),
    tenant_permissions: objectSet(
      list(body.tenant_permissions).map((p) => {
        const e = isObject(p) ? p : {};
        return compact({
          tenant_patterns: stringSet(e.tenant_patterns),
          allowed_actions: stringSet(e.allowed_actions),
        });
      }),
    ),
    description: description(body.description),
    // reserved, hidden and static are the server's.
  });
}

function internalUser(body: Obj): Canonical {
  const attributes: Obj = {};
  if (isObject(body.attributes)) {
    for (const [k, v] of Object.entries(body.attributes)) if (k !== MANAGED_ATTRIBUTE) attributes[k] = String(v);
  }
  return compact({
    backend_roles: stringSet(body.backend_roles),
    attributes,
    opendistro_security_roles: stringSet(body.opendistro_security_roles),
    description: description(body.description),
    // hash (returned "" or not at all) and password are never compared.
  });
}

function rolesMapping(body: Obj): Canonical {
  return compact({
    users: stringSet(body.users),
    backend_roles: stringSet(body.backend_roles),
    hosts: stringSet(body.hosts),
    and_backend_roles: stringSet(body.and_backend_roles),
    description: description(body.description),
  });
}

function actionGroup(body: Obj): Canonical {
  return compact({
    allowed_actions: stringSet(body.allowed_actions),
    type: typeof body.type === 'string' ? body.type.toLowerCase() : undefined,
    description: description(body.description),
  });
}

/** The OpenSearch kinds; an Elasticsearch-only kind (user, role_mapping) has no form here. */
const byKind: Partial<Record<Kind, (body: Obj) => Canonical>> = {
  role,
  internal_user: internalUser,
  roles_mapping: rolesMapping,
  action_group: actionGroup,
  remote_cluster: normalizeRemoteCluster,
};

/** The canonical form of an OpenSearch body of the given kind, desired or live alike. */
export function normalize(kind: Kind, body: unknown): Canonical {
  const form = byKind[kind];
  if (!form) throw new Error(`'${kind}' is not an OpenSearch kind`);
  return form(isObject(body) ? body : {});
}

/** Whether a live body carries the ownership marker of its kind. */
export function isManaged(kind: Kind, body: unknown): boolean {
  if (!isObject(body)) return false;
  if (kind === 'internal_user')
    return isObject(body.attributes) && body.attributes[MANAGED_ATTRIBUTE] === MANAGED_VALUE;
  return typeof body.description === 'string' && body.description.endsWith(MANAGED_SUFFIX);
}

/** Built-in objects: reserved, static or hidden. Never ours to manage, never drift. */
export const isBuiltIn = (body: unknown): boolean =>
  isObject(body) && (body.reserved === true || body.static === true || body.hidden === true);

// ---------------------------------------------------------------------------------------------
// Read

/** An HTTP answer other than 2xx, shaped like the Elasticsearch client's (read.ts describes it). */
export class ResponseError extends Error {
  override name = 'ResponseError';
  constructor(
    message: string,
    readonly meta: { statusCode: number; body: unknown },
  ) {
    super(message);
  }
}

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * The security plugin answers `{"status":"FORBIDDEN","message":…}` or `{"status":"error","reason":…}`;
 * read.ts looks for `error.reason`, so both are given that shape.
 */
function errorBody(body: unknown): unknown {
  if (!isObject(body) || body.error !== undefined) return body;
  const reason = typeof body.message === 'string' ? body.message : typeof body.reason === 'string' ? body.reason : '';
  return reason ? { error: { reason } } : body;
}

function headersOf(conn: Connection): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (conn.auth && 'apiKey' in conn.auth) headers.authorization = `ApiKey ${conn.auth.apiKey}`;
  else if (conn.auth) {
    const token = Buffer.from(`${conn.auth.username}:${conn.auth.password}`).toString('base64');
    headers.authorization = `Basic ${token}`;
  }
  return headers;
}

/** One GET; resolves with the parsed JSON body (or the text), rejects on non-2xx or network errors. */
function get(conn: Connection, pathAndQuery: string): Promise<unknown> {
  const base = new URL(conn.url);
  const url = new URL(base.pathname.replace(/\/$/, '') + pathAndQuery, base);
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: 'GET',
        headers: headersOf(conn),
        ...(conn.ca ? { ca: conn.ca } : {}),
        timeout: conn.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text === '' ? null : (JSON.parse(text) as unknown);
          } catch {
            // not JSON (a 401 is text/plain `Unauthorized`): keep the text
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(body);
          else
            reject(new ResponseError(`GET ${pathAndQuery}: ${status}`, { statusCode: status, body: errorBody(body) }));
        });
      },
    );
    req.on('timeout', () => req.destroy(new TimeoutError(`timed out after ${conn.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Reads the seven responses in parallel. Throws the first failure (an HTTP error before a network one). */
async function read(conn: Connection): Promise<Snapshot> {
  const settled = await Promise.allSettled(READS.map((key) => get(conn, key.slice('GET '.length))));
  const responses: Record<string, unknown> = {};
  const failures: unknown[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') responses[READS[i]!] = s.value;
    else failures.push(s.reason);
  });
  if (failures.length > 0) {
    throw failures.find((e) => e instanceof ResponseError) ?? failures[0];
  }
  return { format_version: 1, cluster: conn.cluster, flavor: 'opensearch', responses };
}

// ---------------------------------------------------------------------------------------------
// Parse

function addObjects(state: ClusterState, kind: Kind, response: unknown): void {
  if (!isObject(response)) return;
  for (const [name, body] of Object.entries(response)) {
    if (isBuiltIn(body)) state.reserved[kind].push(name);
    else state.objects[kind][name] = { body: normalize(kind, body), managed: isManaged(kind, body) };
  }
  state.reserved[kind].sort();
}

/** Canonical live state from recorded responses. Pure: the same snapshot gives the same state. */
function parse(snapshot: Snapshot): ClusterState {
  const r = snapshot.responses;
  const k = OPENSEARCH_RESPONSE_KEYS;
  const state: ClusterState = {
    name: snapshot.cluster,
    flavor: 'opensearch',
    version: versionOf(r[k.info]),
    reachable: true,
    objects: emptyObjects(),
    reserved: emptyReserved(),
    remoteInfo: remoteInfoOf(r[k.remoteInfo]),
  };
  addObjects(state, 'action_group', r[k.actionGroups]);
  addObjects(state, 'role', r[k.roles]);
  addObjects(state, 'roles_mapping', r[k.rolesMapping]);
  addObjects(state, 'internal_user', r[k.internalUsers]);
  for (const [alias, body] of Object.entries(remoteClustersFromSettings(r[k.settings]))) {
    // Settings carry no metadata, so a remote never carries the ownership marker.
    state.objects.remote_cluster[alias] = { body: normalize('remote_cluster', body), managed: false };
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
// Write: not in this slice

const NOT_IMPLEMENTED = 'not implemented yet for OpenSearch: the write side is the next slice of issue 5';

export const opensearch: FlavorAdapter = {
  flavor: 'opensearch',
  read,
  parse,
  normalize,
  // The write side (collection PATCH per kind, 409 retry, users written whole) is the next slice.
  execute: (_conn, step): Promise<OperationResult[]> =>
    Promise.resolve(
      step.map((op, i) =>
        i === 0
          ? { change: op.change, status: 'failed', error: NOT_IMPLEMENTED }
          : { change: op.change, status: 'skipped' },
      ),
    ),
  authenticate: (): Promise<boolean> => Promise.reject(new Error(NOT_IMPLEMENTED)),
};
