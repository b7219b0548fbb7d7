// What Elasticsearch and OpenSearch answer alike (OpenSearch forked from Elasticsearch 7.10):
// `GET /`, remote clusters as `cluster.remote.<alias>.*` settings, `GET /_remote/info`, and
// security objects listed as `{ name: body }`; and the live state both parses build from them.

import { nameMap, unusableLiveName } from '../model/names.js';
import { sortKeys } from '../model/normalize.js';
import {
  emptyObjects,
  emptyReserved,
  type Canonical,
  type ClusterState,
  type Flavor,
  type Json,
  type Kind,
  type LiveObject,
  type RemoteInfo,
  type SettingsScope,
} from '../model/types.js';
import { type Snapshot } from './flavor.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The server's version number from `GET /`. */
export function versionOf(info: unknown): string | undefined {
  const version = isObject(info) && isObject(info.version) ? info.version.number : undefined;
  return typeof version === 'string' ? version : undefined;
}

/** The oldest version whose nodes the server's transport layer accepts, from `GET /`. */
export function minimumWireVersionOf(info: unknown): string | undefined {
  const version =
    isObject(info) && isObject(info.version) ? info.version.minimum_wire_compatibility_version : undefined;
  return typeof version === 'string' ? version : undefined;
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
 * `search.remote.<alias>.*` spelling; the `cluster.remote` one wins over it. The alias is the
 * server's (or a proxy's) word: the map has no prototype, so `__proto__` is just a key.
 */
export function remoteClustersFromSettings(settings: unknown): Record<string, Obj> {
  const body = isObject(settings) ? settings : {};
  const flat = { ...flatten(body.persistent, '', {}), ...flatten(body.transient, '', {}) };
  const remotes = nameMap<Obj>();
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

const SCOPES: readonly SettingsScope[] = ['persistent', 'transient'];

/**
 * The scopes that hold settings of each remote, by alias. Apply writes a remote where it lives:
 * a persistent setting under a transient one of the same name would never take effect.
 */
export function remoteScopesFromSettings(settings: unknown): Record<string, SettingsScope[]> {
  const body = isObject(settings) ? settings : {};
  const scopes = nameMap<SettingsScope[]>();
  for (const scope of SCOPES) {
    for (const alias of Object.keys(remoteClustersFromSettings({ [scope]: body[scope] }))) {
      (scopes[alias] ??= []).push(scope);
    }
  }
  return scopes;
}

/**
 * `GET /_remote/info` by alias: what the cluster says about each connection right now. An alias
 * no remote can have (see baseState) says nothing about one.
 */
export function remoteInfoOf(response: unknown): Record<string, RemoteInfo> {
  const out = nameMap<RemoteInfo>();
  if (!isObject(response)) return out;
  for (const [alias, info] of Object.entries(response)) {
    if (!isObject(info) || unusableLiveName('remote_cluster', alias) !== undefined) continue;
    const fields = sortKeys(info) as { [key: string]: Json };
    out[alias] = {
      ...fields,
      connected: info.connected === true,
      ...(typeof info.mode === 'string' ? { mode: info.mode } : {}),
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Live state, as both flavors' parse builds it

/** What a flavor's parse knows of its own objects. */
export interface Dialect {
  flavor: Flavor;
  normalize(kind: Kind, body: unknown): Canonical;
  /** A built-in object: never managed, never drift. */
  isBuiltIn(body: unknown): boolean;
  /** Carries the ownership marker. */
  isManaged(kind: Kind, body: unknown): boolean;
  /** Hidden from the REST API (OpenSearch `hidden: true`): listed only to the admin certificate. */
  isHidden?(body: unknown): boolean;
  /** An object of the server's demo configuration, exactly as shipped (see LiveObject.demo). */
  isDemo?(kind: Kind, name: string, body: Canonical): boolean;
}

/**
 * The live state every read round starts from: the version, the remote connections and the
 * remote cluster settings. Settings carry no metadata, so a remote never carries the marker.
 */
export function baseState(
  snapshot: Snapshot,
  dialect: Dialect,
  r: { info: unknown; settings: unknown; remoteInfo: unknown },
): ClusterState {
  const state: ClusterState = {
    name: snapshot.cluster,
    flavor: dialect.flavor,
    version: versionOf(r.info),
    minimumWireVersion: minimumWireVersionOf(r.info),
    reachable: true,
    objects: emptyObjects(),
    reserved: emptyReserved(),
    remoteInfo: remoteInfoOf(r.remoteInfo),
  };
  const scopes = remoteScopesFromSettings(r.settings);
  for (const [alias, body] of Object.entries(remoteClustersFromSettings(r.settings))) {
    if (refusedName(state, 'remote_cluster', alias)) continue;
    const live = { body: dialect.normalize('remote_cluster', body), managed: false };
    state.objects.remote_cluster[alias] = scopes[alias] ? { ...live, scopes: scopes[alias] } : live;
  }
  return state;
}

/**
 * Whether xcluster leaves the live object `kind` `name` alone for its name; if so it is noted in
 * `state.unusableNames` (for the unusable-name rule) and goes into no map and no list.
 */
function refusedName(state: ClusterState, kind: Kind, name: string): boolean {
  const reason = unusableLiveName(kind, name);
  if (reason === undefined) return false;
  (state.unusableNames ??= []).push({ kind, name, reason });
  return true;
}

function liveObject(kind: Kind, name: string, body: unknown, dialect: Dialect): LiveObject {
  const canonical = dialect.normalize(kind, body);
  const live: LiveObject = { body: canonical, managed: dialect.isManaged(kind, body) };
  return !live.managed && dialect.isDemo?.(kind, name, canonical) ? { ...live, demo: true } : live;
}

/** Splits a list response (`{ name: body }`) of one kind into built-in names and canonical objects. */
export function addObjects(state: ClusterState, kind: Kind, response: unknown, dialect: Dialect): void {
  if (!isObject(response)) return;
  for (const [name, body] of Object.entries(response)) {
    if (refusedName(state, kind, name)) continue;
    if (dialect.isHidden?.(body)) ((state.hidden ??= {})[kind] ??= []).push(name);
    if (dialect.isBuiltIn(body)) state.reserved[kind].push(name);
    else state.objects[kind][name] = liveObject(kind, name, body, dialect);
  }
  state.reserved[kind].sort();
}
