// The OpenSearch security plugin's objects in canonical form: what normalize makes of a body
// (server defaults, order and the ownership marker taken out), and which bodies are built in or
// ours. Shared by the read side (opensearch.ts) and the write side (opensearch-write.ts).

import { normalizeRemoteCluster, sortKeys } from '../model/normalize.js';
import { canonicalJsonText } from '../model/json-text.js';
import { type Canonical, type Kind } from '../model/types.js';

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

/**
 * `dls` is a query the server stores as text. Its canonical form is that text normalised without
 * going through JavaScript numbers (model/json-text.ts): an integer above 2^53 stays exactly as
 * written, so a change of it is a change. An object (a body built in code) is its JSON text; a
 * template that is not JSON is compared as it is written.
 */
function dls(v: unknown): unknown {
  if (v === undefined || v === null || v === '') return undefined;
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return canonicalJsonText(text) ?? text;
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

/** The DNs of another cluster's nodes that this one accepts: a set. */
const nodesDn = (body: Obj): Canonical => compact({ nodes_dn: stringSet(body.nodes_dn) });

/** The OpenSearch kinds; an Elasticsearch-only kind (user, role_mapping) has no form here. */
const byKind: Partial<Record<Kind, (body: Obj) => Canonical>> = {
  nodes_dn: nodesDn,
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

/** Hidden objects: the REST API lists them only to the admin certificate (issue-12/13, 14). */
export const isHidden = (body: unknown): boolean => isObject(body) && body.hidden === true;
