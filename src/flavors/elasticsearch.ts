// The Elasticsearch flavor, read side: one round of eight parallel GETs, kept verbatim in a
// Snapshot, then turned into canonical live state by a pure parse. This and the other flavors
// are the only modules that know a server's dialect.

import { Client } from '@elastic/elasticsearch';
import { isManaged, isReserved, normalize } from '../model/normalize.js';
import { type ClusterState, type Identity } from '../model/types.js';
import { READ_SHAPES } from './answers.js';
import { clientOptions, esSend } from './elasticsearch-client.js';
import { readRequest, type Shape } from './http.js';
import { addObjects, baseState, type Dialect } from './settings.js';
import { authenticate, execute } from './elasticsearch-write.js';
import { type Connection, type FlavorAdapter, type ReadOptions, type Snapshot } from './flavor.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys of `Snapshot.responses`: the request line of each read. */
export const RESPONSE_KEYS = {
  info: 'GET /',
  roles: 'GET /_security/role',
  users: 'GET /_security/user',
  roleMappings: 'GET /_security/role_mapping',
  settings: 'GET /_cluster/settings?flat_settings=true',
  remoteInfo: 'GET /_remote/info',
  builtinPrivileges: 'GET /_security/privilege/_builtin',
  identity: 'GET /_security/_authenticate',
} as const;

interface Read {
  key: string;
  path: string;
  querystring?: Record<string, string>;
  shape: Shape;
  /** Not needed to plan: a refusal or a wrong answer leaves it out of the snapshot instead of failing the round. */
  optional?: true;
}

/**
 * The read round. Its size is fixed: every list endpoint returns all objects of its kind in
 * one response, so a cluster with 500 roles costs the same eight requests as one with 1.
 */
const READS: readonly Read[] = [
  { key: RESPONSE_KEYS.info, path: '/', shape: READ_SHAPES.info },
  { key: RESPONSE_KEYS.roles, path: '/_security/role', shape: READ_SHAPES.roles },
  { key: RESPONSE_KEYS.users, path: '/_security/user', shape: READ_SHAPES.users },
  { key: RESPONSE_KEYS.roleMappings, path: '/_security/role_mapping', shape: READ_SHAPES.roleMappings },
  {
    key: RESPONSE_KEYS.settings,
    path: '/_cluster/settings',
    querystring: { flat_settings: 'true' },
    shape: READ_SHAPES.settings,
  },
  { key: RESPONSE_KEYS.remoteInfo, path: '/_remote/info', shape: READ_SHAPES.remoteInfo },
  // The privilege names this server knows, for the unknown-privilege rule; without it the rule
  // falls back to the lists recorded for the server's version (rules/privilege-names.ts).
  {
    key: RESPONSE_KEYS.builtinPrivileges,
    path: '/_security/privilege/_builtin',
    shape: READ_SHAPES.builtinPrivileges,
    optional: true,
  },
  // Who xcluster is, for the self-lockout rule. Every identity may ask (no privilege needed).
  { key: RESPONSE_KEYS.identity, path: '/_security/_authenticate', shape: READ_SHAPES.identity },
];

/**
 * Reads the responses in parallel, each checked and retried (http.ts), within the round's
 * deadline. Throws the most telling failure when any read that is not optional fails.
 */
async function read(conn: Connection, opts: ReadOptions = {}): Promise<Snapshot> {
  const client = new Client(clientOptions(conn));
  const send = esSend(client);
  try {
    const settled = await Promise.allSettled(
      READS.map((r) =>
        readRequest(
          send,
          { method: 'GET', path: r.path, ...(r.querystring ? { querystring: r.querystring } : {}) },
          { conn, ...opts },
          { shape: r.shape },
        ),
      ),
    );
    const responses: Record<string, unknown> = {};
    settled.forEach((s, i) => {
      if (s.status === 'rejected') return;
      responses[READS[i]!.key] = s.value.body;
    });
    const failures = settled.flatMap((s, i) =>
      s.status === 'rejected' && !READS[i]!.optional ? [s.reason as unknown] : [],
    );
    // The first failure in read order: the one-node pool never turns the others into "no living connections".
    if (failures.length > 0) throw failures[0];
    return { format_version: 1, cluster: conn.cluster, flavor: 'elasticsearch', responses };
  } finally {
    await client.close();
  }
}

/**
 * Built-in objects: `metadata._reserved` (reserved roles and users), and the role mappings an
 * operator defines in file settings, which 8.15+ lists with `metadata._read_only` and refuses
 * to change through the API. Neither is ever ours to manage.
 */
function isBuiltIn(body: unknown): boolean {
  return isReserved(body) || (isObject(body) && isObject(body.metadata) && body.metadata._read_only === true);
}

/** Canonical live state from recorded responses. Pure: the same snapshot gives the same state. */
function parse(snapshot: Snapshot): ClusterState {
  const r = snapshot.responses;
  const state = baseState(snapshot, DIALECT, {
    info: r[RESPONSE_KEYS.info],
    settings: r[RESPONSE_KEYS.settings],
    remoteInfo: r[RESPONSE_KEYS.remoteInfo],
  });
  addObjects(state, 'role', r[RESPONSE_KEYS.roles], DIALECT);
  addObjects(state, 'user', r[RESPONSE_KEYS.users], DIALECT);
  addObjects(state, 'role_mapping', r[RESPONSE_KEYS.roleMappings], DIALECT);
  const builtinPrivileges = builtinPrivilegesOf(r[RESPONSE_KEYS.builtinPrivileges]);
  const identity = identityOf(r[RESPONSE_KEYS.identity]);
  return { ...state, ...(builtinPrivileges ? { builtinPrivileges } : {}), ...(identity ? { identity } : {}) };
}

const realmOf = (v: unknown): Identity['realm'] =>
  isObject(v) && typeof v.name === 'string' && typeof v.type === 'string' ? { name: v.name, type: v.type } : undefined;

/**
 * `GET /_security/_authenticate`: `username`, `roles`, `authentication_realm` and (7.x and later)
 * `authentication_type`. Undefined when the answer lacks a user name or roles: no guess is judged.
 */
function identityOf(body: unknown): Identity | undefined {
  if (!isObject(body) || typeof body.username !== 'string') return undefined;
  const roles = stringList(body.roles);
  if (!roles) return undefined;
  const realm = realmOf(body.authentication_realm);
  const type = typeof body.authentication_type === 'string' ? body.authentication_type : undefined;
  return { username: body.username, roles, ...(realm ? { realm } : {}), ...(type ? { authenticationType: type } : {}) };
}

const stringList = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;

/**
 * `{ cluster: [...], index: [...], remote_cluster: [...] }` (remote_cluster from 8.15). Anything
 * else is ignored, and the rule falls back to the recorded lists: a wrong list must not bless names.
 */
function builtinPrivilegesOf(body: unknown): ClusterState['builtinPrivileges'] {
  if (!isObject(body)) return undefined;
  const [cluster, index] = [stringList(body.cluster), stringList(body.index)];
  if (!cluster || !index) return undefined;
  return { cluster, index, remoteCluster: stringList(body.remote_cluster) ?? [] };
}

/** Elasticsearch objects carry the marker in their metadata, whatever their kind. */
const DIALECT: Dialect = {
  flavor: 'elasticsearch',
  normalize,
  isBuiltIn,
  isManaged: (_kind, body) => isManaged(body),
};

export const elasticsearch: FlavorAdapter = {
  flavor: 'elasticsearch',
  read,
  parse,
  normalize,
  execute,
  authenticate,
};
