// What Elasticsearch and OpenSearch answer alike (OpenSearch forked from Elasticsearch 7.10):
// `GET /`, remote clusters as `cluster.remote.<alias>.*` settings, and `GET /_remote/info`.

import { sortKeys } from '../model/normalize.js';
import { type Json, type RemoteInfo } from '../model/types.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The server's version number from `GET /`. */
export function versionOf(info: unknown): string | undefined {
  const version = isObject(info) && isObject(info.version) ? info.version.number : undefined;
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
export function remoteInfoOf(response: unknown): Record<string, RemoteInfo> {
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
