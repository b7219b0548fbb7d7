// What an Elasticsearch server answers on GET for what was PUT: the transformations the server
// applies (defaults filled in, `names` as a list, `query` as a JSON string, a one-value field
// rule as a scalar, settings as strings in flat form). The rules and their sources are those
// cited in test/fixtures/elasticsearch/*/cluster.ts; a test in elasticsearch-shapes.test.ts
// checks these builders against the literal fixtures, and elasticsearch-recorded.test.ts against
// what the real servers answered (test/fixtures/elasticsearch/<version>/).

import { FIXTURES, reservedUsers, type Line } from '../../fixtures/elasticsearch/index.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** Fields a 7.17 server refuses in a role ("unexpected field"). */
const NOT_IN_7 = ['remote_indices', 'remote_cluster', 'description'];

export interface ShapeOptions {
  /** Serve lists in another order than they were sent, as a robustness check of normalization. */
  reorder?: boolean;
}

const order = (list: unknown[], opts: ShapeOptions): unknown[] => (opts.reorder ? [...list].reverse() : list);

/**
 * The categories of `global`, in the order the server writes them: every one, `{}` when empty
 * (ConfigurableClusterPrivileges.toXContent), but `global` itself only when any holds a
 * privilege. Recorded from 7.17.25 (application only), 8.19.5 and 9.1.5 (application, profile,
 * role; `role` came with the manage-roles privilege, elastic/elasticsearch#110633, mid-2024).
 */
const GLOBAL_CATEGORIES: Record<Line, string[]> = {
  '7.17': ['application'],
  '8.15': ['application', 'profile', 'role'],
  '9.1': ['application', 'profile', 'role'],
};

function serverGlobal(line: Line, global: unknown): Obj | undefined {
  const given = isObject(global) ? global : {};
  if (!Object.values(given).some((c) => isObject(c) && Object.keys(c).length > 0)) return undefined;
  return Object.fromEntries(GLOBAL_CATEGORIES[line].map((c) => [c, isObject(given[c]) ? given[c] : {}]));
}

function indexEntry(e: Obj, opts: ShapeOptions): Obj {
  return {
    names: asList(e.names),
    privileges: order(asList(e.privileges), opts),
    ...(isObject(e.field_security) ? { field_security: e.field_security } : {}),
    ...(e.query !== undefined ? { query: typeof e.query === 'string' ? e.query : JSON.stringify(e.query) } : {}),
    allow_restricted_indices: e.allow_restricted_indices === true,
  };
}

/** `GET /_security/role` entry for a role PUT with `body` on a server of `line`. */
export function serverRole(line: Line, body: Obj, opts: ShapeOptions = {}): Obj {
  if (line === '7.17') {
    const refused = NOT_IN_7.filter((k) => body[k] !== undefined);
    if (refused.length > 0) throw new Error(`a 7.17 server refuses role fields ${refused.join(', ')}`);
  }
  const remoteIndices = asList(body.remote_indices).map((e) => ({
    ...indexEntry(e as Obj, opts),
    clusters: asList((e as Obj).clusters),
  }));
  const remoteCluster = asList(body.remote_cluster).map((e) => ({
    privileges: order(asList((e as Obj).privileges), opts),
    clusters: asList((e as Obj).clusters),
  }));
  const global = serverGlobal(line, body.global);
  return {
    cluster: order(asList(body.cluster), opts),
    ...(global ? { global } : {}),
    indices: order(asList(body.indices), opts).map((e) => indexEntry(e as Obj, opts)),
    applications: asList(body.applications),
    run_as: asList(body.run_as),
    metadata: isObject(body.metadata) ? body.metadata : {},
    transient_metadata: { enabled: true },
    ...(remoteIndices.length > 0 ? { remote_indices: remoteIndices } : {}),
    ...(remoteCluster.length > 0 ? { remote_cluster: remoteCluster } : {}),
    ...(typeof body.description === 'string' && body.description !== '' ? { description: body.description } : {}),
  };
}

/** `GET /_security/user` entry for a user PUT with `body` (the password is never returned). */
export function serverUser(username: string, body: Obj, opts: ShapeOptions = {}): Obj {
  return {
    username,
    roles: order(asList(body.roles), opts),
    full_name: body.full_name ?? null,
    email: body.email ?? null,
    metadata: isObject(body.metadata) ? body.metadata : {},
    enabled: body.enabled !== false,
  };
}

/** A rule as FieldExpression.toXContent writes it: a field with one value is a scalar. */
function serverRule(rule: unknown): unknown {
  if (!isObject(rule)) return rule;
  const out: Obj = {};
  for (const [k, v] of Object.entries(rule)) {
    if (k === 'field' && isObject(v)) {
      out.field = Object.fromEntries(
        Object.entries(v).map(([f, values]) => {
          const list = asList(values);
          return [f, list.length === 1 ? list[0] : list];
        }),
      );
    } else if (k === 'any' || k === 'all') out[k] = asList(v).map(serverRule);
    else if (k === 'except') out[k] = serverRule(v);
    else out[k] = v;
  }
  return out;
}

/**
 * `GET /_security/role_mapping` entry for a mapping PUT with `body`. Like the server (recorded
 * from 7.17.25, 8.19.5, 9.1.5), refuses a mapping without `enabled` ("missing field [enabled]")
 * and one with both roles and role_templates.
 */
export function serverRoleMapping(body: Obj): Obj {
  if (typeof body.enabled !== 'boolean') throw new Error('a server refuses a role mapping without enabled');
  const roles = asList(body.roles);
  const templates = asList(body.role_templates).map((t) => {
    const e = t as Obj;
    return {
      template: typeof e.template === 'string' ? e.template : JSON.stringify(e.template),
      format: e.format === 'json' ? 'json' : 'string',
    };
  });
  if (roles.length > 0 && templates.length > 0) {
    throw new Error('a server refuses a role mapping with both roles and role_templates');
  }
  return {
    enabled: body.enabled,
    ...(roles.length > 0 ? { roles } : {}),
    ...(templates.length > 0 ? { role_templates: templates } : {}),
    rules: serverRule(body.rules),
    metadata: isObject(body.metadata) ? body.metadata : {},
  };
}

/** A settings value as the server stores it: scalars as strings, lists as lists of strings. */
const settingValue = (v: unknown): string | string[] => (Array.isArray(v) ? v.map(String) : String(v));

/**
 * The flat `cluster.remote.<alias>.*` settings a `PUT /_cluster/settings` of `remote` (the body
 * under `cluster.remote.<alias>`, keys such as `"transport.compress"` or nested) leaves, sorted
 * by name as the server lists them.
 */
export function flatRemoteSettings(alias: string, remote: Obj): Record<string, string | string[]> {
  const out: [string, string | string[]][] = [];
  const walk = (o: Obj, prefix: string): void => {
    for (const [k, v] of Object.entries(o)) {
      if (v === null || v === undefined) continue; // null removes a setting
      if (isObject(v)) walk(v, `${prefix}${k}.`);
      else out.push([`${prefix}${k}`, settingValue(v)]);
    }
  };
  walk(remote, `cluster.remote.${alias}.`);
  return Object.fromEntries(out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The config's nested remote shape from a settings body (`"transport.compress"` → transport.compress). */
export function configRemote(settings: Obj): Obj {
  const out: Obj = {};
  for (const [key, value] of Object.entries(settings)) {
    const [head, tail] = key.split('.', 2) as [string, string | undefined];
    if (tail === undefined) out[head] = value;
    else out[head] = { ...((out[head] as Obj | undefined) ?? {}), [tail]: value };
  }
  return out;
}

/** The reserved roles a server of `line` lists (from the literal fixture). */
export function reservedRoles(line: Line): Obj {
  const roles = FIXTURES[line].responses['GET /_security/role'] as Record<string, Obj>;
  return Object.fromEntries(
    Object.entries(roles).filter(([, r]) => isObject(r.metadata) && r.metadata._reserved === true),
  );
}

export interface ClusterContent {
  roles?: Record<string, Obj>;
  users?: Record<string, Obj>;
  roleMappings?: Record<string, Obj>;
  persistent?: Record<string, unknown>;
  transient?: Record<string, unknown>;
}

/**
 * The six responses of a cluster of `line` holding `content` (already in server shape) next to
 * the built-in roles and users every real cluster has.
 */
export function clusterResponses(line: Line, content: ClusterContent): Record<string, unknown> {
  const fixture = FIXTURES[line].responses;
  return {
    'GET /': fixture['GET /'],
    'GET /_security/role': { ...reservedRoles(line), ...content.roles },
    'GET /_security/user': { ...reservedUsers(), ...content.users },
    'GET /_security/role_mapping': { ...content.roleMappings },
    'GET /_cluster/settings?flat_settings=true': {
      persistent: { 'cluster.routing.allocation.enable': 'all', ...content.persistent },
      transient: { ...content.transient },
    },
    'GET /_remote/info': {},
    'GET /_security/_authenticate': fixture['GET /_security/_authenticate'],
  };
}
