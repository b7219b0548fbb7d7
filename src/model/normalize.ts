// Canonical forms of Elasticsearch security objects and remote clusters. Desired (from YAML) and
// live (from the server) bodies both pass through here, so a cluster that matches the repository
// shows no change. Each rule below mirrors what the server does to what it is sent:
// https://www.elastic.co/docs/api/doc/elasticsearch/operation/operation-security-get-role and
// the put-role / put-user / put-role-mapping / cluster-put-settings pages.

import { type Canonical, type Json, type Kind } from './types.js';

/** The marker xcluster writes into the metadata of everything it creates. */
export const MANAGED_BY_KEY = 'managed_by';
export const MANAGED_BY_VALUE = 'xcluster';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Key-sorted deep copy, so that equal JSON is equal text. Object.fromEntries defines each key as
 * an own property: a `__proto__` key in a server's answer stays a key, not a prototype.
 */
export function sortKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isObject(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined);
    return Object.fromEntries(keys.sort().map((k) => [k, sortKeys(value[k])]));
  }
  return (value ?? null) as Json;
}

const stable = (v: unknown): string => JSON.stringify(sortKeys(v));

/** A list the server treats as a set: a lone string is a one-element list; sorted, no repeats. */
function stringSet(v: unknown): string[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return [...new Set(list.map(String))].sort();
}

/**
 * A set of privilege names, which the server matches case-insensitively: lower-cased *before*
 * sorting, so that ["Monitor", "manage_ccr"] and ["manage_ccr", "monitor"] come out alike.
 */
const privilegeSet = (v: unknown): string[] => stringSet(stringSet(v).map((s) => s.toLowerCase()));

/** A list of objects the server treats as a set: sorted by their canonical text. */
function objectSet<T>(items: T[]): T[] {
  const seen = new Map<string, T>();
  for (const item of items) seen.set(stable(item), item);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);

/** Drops keys whose value is absent or empty: the server treats [] and {} as absence. */
function compact(o: Obj): Canonical {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (!isEmpty(v)) out[k] = v;
  return sortKeys(out) as Canonical;
}

/** A query may be sent as an object and comes back as the JSON string; both compare as the object. */
function query(q: unknown): unknown {
  if (typeof q !== 'string') return q;
  try {
    return JSON.parse(q);
  } catch {
    return q; // a mustache template that is not JSON: compare as text
  }
}

/**
 * User metadata, without the keys that are the server's (`_reserved`, `_deprecated`…) or ours
 * (the ownership marker, which is invisible in diffs).
 */
function metadata(m: unknown): Obj {
  if (!isObject(m)) return {};
  const out: Obj = {};
  for (const [k, v] of Object.entries(m)) {
    if (k.startsWith('_') || k === MANAGED_BY_KEY) continue;
    out[k] = v;
  }
  return out;
}

export function isManaged(body: unknown): boolean {
  return isObject(body) && isObject(body.metadata) && body.metadata[MANAGED_BY_KEY] === MANAGED_BY_VALUE;
}

export function isReserved(body: unknown): boolean {
  return isObject(body) && isObject(body.metadata) && body.metadata._reserved === true;
}

/**
 * Field-level security. `grant: []` is not an absence: it shows no field at all, and the server
 * echoes it as `{"grant":[]}`, so it is kept. Without `grant` and `except` the server applies no
 * field security; an empty `except` excepts nothing.
 */
function fieldSecurity(fs: unknown): Canonical | undefined {
  if (!isObject(fs)) return undefined;
  const grant = fs.grant === undefined || fs.grant === null ? undefined : stringSet(fs.grant);
  const except = stringSet(fs.except);
  if (grant === undefined && except.length === 0) return undefined;
  return sortKeys({ ...(grant ? { grant } : {}), ...(except.length > 0 ? { except } : {}) }) as Canonical;
}

function indexPrivilege(p: unknown, withClusters: boolean): Canonical {
  const e = isObject(p) ? p : {};
  return compact({
    ...(withClusters ? { clusters: stringSet(e.clusters) } : {}),
    names: stringSet(e.names),
    privileges: privilegeSet(e.privileges),
    field_security: fieldSecurity(e.field_security),
    query: query(e.query),
    // false is the default and is what the server echoes back.
    allow_restricted_indices: e.allow_restricted_indices === true ? true : undefined,
  });
}

/**
 * A value inside `global`: lists are sets, and empty objects are dropped at every depth. 8.15+
 * fills in the categories a role does not use (`"profile":{}`, `"role":{}`); they grant nothing.
 */
function globalValue(v: unknown): Json | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) {
    const items = v.map(globalValue).filter((x): x is Json => x !== undefined);
    return items.every((x) => typeof x === 'string') ? stringSet(items) : objectSet(items);
  }
  if (!isObject(v)) return sortKeys(v);
  const out: { [k: string]: Json } = {};
  for (const [k, inner] of Object.entries(v)) {
    const value = globalValue(inner);
    if (value !== undefined) out[k] = value;
  }
  return Object.keys(out).length === 0 ? undefined : sortKeys(out);
}

const globalPrivileges = (v: unknown): Json | undefined => (isObject(v) ? globalValue(v) : undefined);

function role(body: Obj): Canonical {
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  return compact({
    cluster: privilegeSet(body.cluster),
    indices: objectSet(list(body.indices).map((i) => indexPrivilege(i, false))),
    remote_indices: objectSet(list(body.remote_indices).map((i) => indexPrivilege(i, true))),
    remote_cluster: objectSet(
      list(body.remote_cluster).map((r) =>
        compact({
          clusters: stringSet(isObject(r) ? r.clusters : []),
          privileges: stringSet(isObject(r) ? r.privileges : []),
        }),
      ),
    ),
    applications: objectSet(
      list(body.applications).map((a) => {
        const e = isObject(a) ? a : {};
        return compact({
          application: e.application,
          privileges: stringSet(e.privileges),
          resources: stringSet(e.resources),
        });
      }),
    ),
    global: globalPrivileges(body.global),
    run_as: stringSet(body.run_as),
    metadata: metadata(body.metadata),
    description: body.description === '' ? undefined : body.description,
    // transient_metadata is the server's (it reports whether the role is enabled under the licence).
  });
}

function user(body: Obj): Canonical {
  return compact({
    roles: stringSet(body.roles),
    full_name: body.full_name ?? undefined,
    email: body.email ?? undefined,
    metadata: metadata(body.metadata),
    // Users are enabled unless said otherwise; the server always echoes `enabled`.
    enabled: body.enabled === false ? false : undefined,
    // username, password, password_hash and profile_uid are not part of what we compare.
  });
}

/** Field rules take a value or a list of values: `"x"` equals `["x"]`. */
function mappingRule(rule: unknown): Json {
  if (!isObject(rule)) return sortKeys(rule);
  const out: Obj = {};
  for (const [k, v] of Object.entries(rule)) {
    if (k === 'any' || k === 'all') out[k] = objectSet((Array.isArray(v) ? v : [v]).map(mappingRule));
    else if (k === 'except') out[k] = mappingRule(v);
    else if (k === 'field' && isObject(v)) {
      const fields: Obj = {};
      for (const [f, values] of Object.entries(v)) {
        const list = Array.isArray(values) ? values : [values];
        fields[f] = list.length === 1 ? list[0] : objectSet(list.map(sortKeys));
      }
      out[k] = fields;
    } else out[k] = v;
  }
  return sortKeys(out);
}

/** A role template's `template` comes back as a JSON string; `format` defaults to "string". */
function roleTemplate(t: unknown): Canonical {
  const e = isObject(t) ? t : {};
  const template = query(e.template);
  return compact({
    template:
      isObject(template) && typeof template.source !== 'string' && template.source !== undefined
        ? { ...template, source: JSON.stringify(template.source) }
        : template,
    format: e.format === 'json' ? 'json' : undefined,
  });
}

function roleMapping(body: Obj): Canonical {
  return compact({
    roles: stringSet(body.roles),
    role_templates: objectSet((Array.isArray(body.role_templates) ? body.role_templates : []).map(roleTemplate)),
    rules: isObject(body.rules) ? mappingRule(body.rules) : undefined,
    metadata: metadata(body.metadata),
    enabled: body.enabled === false ? false : undefined,
  });
}

/** Settings come back as strings: "true" is true, a lone seed is a list. */
function settingBoolean(v: unknown): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  return v;
}

function settingNumber(v: unknown): unknown {
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
}

/**
 * A remote cluster as the config writes it (nested `transport`). A remote whose mode is not set
 * is in sniff mode.
 */
function remoteCluster(body: Obj): Canonical {
  const transport = isObject(body.transport) ? body.transport : {};
  return compact({
    mode: typeof body.mode === 'string' ? body.mode.toLowerCase() : 'sniff',
    seeds: stringSet(body.seeds),
    proxy_address: body.proxy_address,
    server_name: body.server_name,
    skip_unavailable: settingBoolean(body.skip_unavailable),
    node_connections: settingNumber(body.node_connections),
    proxy_socket_connections: settingNumber(body.proxy_socket_connections),
    transport: compact({
      compress: settingBoolean(transport.compress),
      compression_scheme: transport.compression_scheme,
      ping_schedule: transport.ping_schedule,
    }),
  });
}

/** The Elasticsearch kinds; OpenSearch's have their canonical forms in flavors/opensearch.ts. */
const byKind: Partial<Record<Kind, (body: Obj) => Canonical>> = {
  role,
  user,
  role_mapping: roleMapping,
  remote_cluster: remoteCluster,
};

/** The canonical form of an Elasticsearch body of the given kind, desired or live alike. */
export function normalize(kind: Kind, body: unknown): Canonical {
  const form = byKind[kind];
  if (!form) throw new Error(`'${kind}' is not an Elasticsearch kind`);
  return form(isObject(body) ? body : {});
}

/** The canonical form of a remote cluster (the same settings in both flavors). */
export const normalizeRemoteCluster = (body: unknown): Canonical => remoteCluster(isObject(body) ? body : {});
