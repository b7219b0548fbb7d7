// The Elasticsearch flavor, read side: one round of six parallel GETs, kept verbatim in a
// Snapshot, then turned into canonical live state by a pure parse. This and the other flavors
// are the only modules that know a server's dialect.

import { Client } from '@elastic/elasticsearch';
import { isManaged, isReserved, normalize, sortKeys } from '../model/normalize.js';
import {
  emptyObjects,
  emptyReserved,
  type ClusterState,
  type Json,
  type Kind,
  type RemoteInfo,
} from '../model/types.js';
import { clientOptions } from './elasticsearch-client.js';
import { authenticate, execute } from './elasticsearch-write.js';
import { type Connection, type FlavorAdapter, type Snapshot } from './flavor.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys of `Snapshot.responses`: the request line of each of the six reads. */
export const RESPONSE_KEYS = {
  info: 'GET /',
  roles: 'GET /_security/role',
  users: 'GET /_security/user',
  roleMappings: 'GET /_security/role_mapping',
  settings: 'GET /_cluster/settings?flat_settings=true',
  remoteInfo: 'GET /_remote/info',
} as const;

/**
 * The read round. Its size is fixed: every list endpoint returns all objects of its kind in
 * one response, so a cluster with 500 roles costs the same six requests as one with 1.
 */
const READS: readonly { key: string; path: string; querystring?: Record<string, string> }[] = [
  { key: RESPONSE_KEYS.info, path: '/' },
  { key: RESPONSE_KEYS.roles, path: '/_security/role' },
  { key: RESPONSE_KEYS.users, path: '/_security/user' },
  { key: RESPONSE_KEYS.roleMappings, path: '/_security/role_mapping' },
  { key: RESPONSE_KEYS.settings, path: '/_cluster/settings', querystring: { flat_settings: 'true' } },
  { key: RESPONSE_KEYS.remoteInfo, path: '/_remote/info' },
];

/** Short, capped backoff (seconds): a read round should fail fast, not sit out the client's 1-4 s waits. */
const retryBackoff = (_min: number, _max: number, attempt: number): number => Math.min(0.1 * 2 ** attempt, 1);

/** Reads the six responses in parallel. Throws the client's error when any of them fails. */
async function read(conn: Connection): Promise<Snapshot> {
  const client = new Client(clientOptions(conn));
  try {
    const settled = await Promise.allSettled(
      READS.map((r) =>
        client.transport.request<unknown>(
          { method: 'GET', path: r.path, ...(r.querystring ? { querystring: r.querystring } : {}) },
          { retryBackoff },
        ),
      ),
    );
    const responses: Record<string, unknown> = {};
    settled.forEach((s, i) => {
      if (s.status === 'rejected') return;
      responses[READS[i]!.key] = s.value;
    });
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    if (failures.length > 0) throw mostTellingError(failures);
    return { format_version: 1, cluster: conn.cluster, flavor: 'elasticsearch', responses };
  } finally {
    await client.close();
  }
}

/**
 * When one connection fails the client marks its only node dead, and the requests still in
 * flight fail with "no living connections", which says nothing. Report the real cause.
 */
function mostTellingError(errors: unknown[]): unknown {
  const named = (e: unknown): string => (e instanceof Error ? e.name : '');
  return errors.find((e) => named(e) !== 'NoLivingConnectionsError') ?? errors[0];
}

/** The server's version number from `GET /`. */
function versionOf(info: unknown): string | undefined {
  const version = isObject(info) && isObject(info.version) ? info.version.number : undefined;
  return typeof version === 'string' ? version : undefined;
}

/**
 * Built-in objects: `metadata._reserved` (reserved roles and users), and the role mappings an
 * operator defines in file settings, which 8.15+ lists with `metadata._read_only` and refuses
 * to change through the API. Neither is ever ours to manage.
 */
function isBuiltIn(body: unknown): boolean {
  return isReserved(body) || (isObject(body) && isObject(body.metadata) && body.metadata._read_only === true);
}

/** Splits a `GET /_security/<kind>` response into managed-or-not objects and built-in names. */
function addObjects(state: ClusterState, kind: Kind, response: unknown): void {
  if (!isObject(response)) return;
  for (const [name, body] of Object.entries(response)) {
    if (isBuiltIn(body)) state.reserved[kind].push(name);
    else state.objects[kind][name] = { body: normalize(kind, body), managed: isManaged(body) };
  }
  state.reserved[kind].sort();
}

/** Per-remote settings, by their name under `cluster.remote.<alias>.`. */
const REMOTE_SETTINGS = new Set([
  'mode',
  'seeds',
  'proxy_address',
  'server_name',
  'skip_unavailable',
  'node_connections',
  'proxy_socket_connections',
]);
const TRANSPORT = 'transport.';
const TRANSPORT_SETTINGS = new Set(['compress', 'compression_scheme', 'ping_schedule']);

/**
 * Settings as one flat map. We ask for `flat_settings=true`, but a nested body (a snapshot
 * recorded by hand, a proxy that drops the parameter) flattens to the same keys.
 */
function flatten(value: unknown, prefix: string, out: Obj): Obj {
  if (!isObject(value)) {
    if (prefix) out[prefix] = value;
    return out;
  }
  for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

/**
 * A list setting given as one string comes back as that string; Elasticsearch reads it as a
 * comma-separated list.
 */
function settingList(v: unknown): unknown {
  return typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : v;
}

/** Puts one `<setting>` of a remote into the nested shape the config uses; false if not ours. */
function setRemoteSetting(remote: Obj, setting: string, value: unknown): boolean {
  if (REMOTE_SETTINGS.has(setting)) {
    remote[setting] = setting === 'seeds' ? settingList(value) : value;
    return true;
  }
  const key = setting.startsWith(TRANSPORT) ? setting.slice(TRANSPORT.length) : '';
  if (!TRANSPORT_SETTINGS.has(key)) return false; // e.g. the global cluster.remote.node.attr
  remote.transport = { ...(isObject(remote.transport) ? remote.transport : {}), [key]: value };
  return true;
}

/**
 * Remote clusters rebuilt from `cluster.remote.<alias>.<setting>` of persistent merged with
 * transient settings (transient wins, as on the server). 7.x still honours the deprecated
 * `search.remote.<alias>.*` spelling; the `cluster.remote` one wins over it.
 */
export function remoteClustersFromSettings(settings: unknown): Record<string, Obj> {
  const body = isObject(settings) ? settings : {};
  const flat = { ...flatten(body.persistent, '', {}), ...flatten(body.transient, '', {}) };
  const remotes: Record<string, Obj> = {};
  for (const prefix of ['search.remote.', 'cluster.remote.']) {
    for (const [key, value] of Object.entries(flat)) {
      if (!key.startsWith(prefix) || value === null || value === undefined) continue;
      const rest = key.slice(prefix.length);
      const dot = rest.indexOf('.');
      if (dot <= 0) continue; // a global setting such as cluster.remote.initial_connect_timeout
      const alias = rest.slice(0, dot);
      const remote = remotes[alias] ?? {};
      if (setRemoteSetting(remote, rest.slice(dot + 1), value)) remotes[alias] = remote;
    }
  }
  return remotes;
}

/** `GET /_remote/info` by alias: what the cluster says about each connection right now. */
function remoteInfoOf(response: unknown): Record<string, RemoteInfo> {
  const out: Record<string, RemoteInfo> = {};
  if (!isObject(response)) return out;
  for (const [alias, info] of Object.entries(response)) {
    if (!isObject(info)) continue;
    const fields = sortKeys(info) as { [key: string]: Json };
    out[alias] = {
      ...fields,
      connected: info.connected === true,
      ...(typeof info.mode === 'string' ? { mode: info.mode } : {}),
    };
  }
  return out;
}

/** Canonical live state from recorded responses. Pure: the same snapshot gives the same state. */
function parse(snapshot: Snapshot): ClusterState {
  const r = snapshot.responses;
  const state: ClusterState = {
    name: snapshot.cluster,
    flavor: 'elasticsearch',
    version: versionOf(r[RESPONSE_KEYS.info]),
    reachable: true,
    objects: emptyObjects(),
    reserved: emptyReserved(),
    remoteInfo: remoteInfoOf(r[RESPONSE_KEYS.remoteInfo]),
  };
  addObjects(state, 'role', r[RESPONSE_KEYS.roles]);
  addObjects(state, 'user', r[RESPONSE_KEYS.users]);
  addObjects(state, 'role_mapping', r[RESPONSE_KEYS.roleMappings]);
  for (const [alias, body] of Object.entries(remoteClustersFromSettings(r[RESPONSE_KEYS.settings]))) {
    // Settings carry no metadata, so a remote never carries the ownership marker.
    state.objects.remote_cluster[alias] = { body: normalize('remote_cluster', body), managed: false };
  }
  return state;
}

export const elasticsearch: FlavorAdapter = {
  flavor: 'elasticsearch',
  read,
  parse,
  normalize,
  execute,
  authenticate,
};
