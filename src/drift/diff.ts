// Desired vs live, per cluster: which objects to create, update or delete, field by field.
// Pure: both sides are already canonical (model/normalize.ts), so equal means equal.

import deepDiff from 'deep-diff';
import {
  KIND_ORDER,
  SENSITIVE,
  type Canonical,
  type Change,
  type ClusterState,
  type Desired,
  type FieldDiff,
  type Json,
  type LiveObject,
  type Unmanaged,
} from '../model/types.js';

export interface ClusterDiff {
  changes: Change[];
  unmanaged: Unmanaged[];
}

const valueAt = (body: Canonical, path: (string | number)[]): Json => {
  let v: Json | undefined = body;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string | number, Json>)[key];
  }
  return v ?? null;
};

/**
 * Field-level differences. A difference inside a list is reported as the whole list before and
 * after: a privilege list reads better as `[a, b] → [a, b, c]` than as an index.
 */
export function fieldDiffs(before: Canonical, after: Canonical): FieldDiff[] {
  const paths = new Map<string, (string | number)[]>();
  for (const d of deepDiff.diff(before, after) ?? []) {
    const path = d.path ?? [];
    const cut = path.findIndex((p) => typeof p === 'number');
    const field = cut === -1 ? path : path.slice(0, cut);
    paths.set(JSON.stringify(field), field);
  }
  return [...paths.values()].map((path) => ({
    path,
    before: valueAt(before, path),
    after: valueAt(after, path),
  }));
}

const topLevel = (body: Canonical, side: 'before' | 'after'): FieldDiff[] =>
  Object.keys(body).map((k) => ({
    path: [k],
    before: side === 'before' ? (body[k] ?? null) : null,
    after: side === 'after' ? (body[k] ?? null) : null,
  }));

function created(d: Desired): Change {
  const diff = topLevel(d.body, 'after');
  if (d.password) diff.push({ path: ['password'], before: null, after: SENSITIVE });
  return {
    cluster: d.cluster,
    action: 'create',
    kind: d.kind,
    name: d.name,
    source: d.source,
    diff,
    body: d.body,
    ...(d.password ? { password: d.password } : {}),
    ...(d.intent ? { intent: d.intent } : {}),
  };
}

/** A password that no longer authenticates shows as a change of a sensitive value. */
const PASSWORD_CHANGE: FieldDiff = { path: ['password'], before: SENSITIVE, after: SENSITIVE };

/** Where a live remote's settings live, carried to the writer (see LiveObject.scopes). */
const scopesOf = (live: LiveObject): Pick<Change, 'scopes'> => (live.scopes ? { scopes: live.scopes } : {});

function updated(d: Desired, live: LiveObject, passwordStale: boolean): Change | undefined {
  const current = live.body;
  const diff = fieldDiffs(current, d.body);
  if (passwordStale) diff.push(PASSWORD_CHANGE);
  if (diff.length === 0) return undefined;
  return {
    cluster: d.cluster,
    action: 'update',
    kind: d.kind,
    name: d.name,
    source: d.source,
    diff,
    body: d.body,
    before: current,
    ...(passwordStale && d.password ? { password: d.password } : {}),
    ...(d.intent ? { intent: d.intent } : {}),
    ...scopesOf(live),
  };
}

/**
 * Changes that bring one cluster to its desired state. Live objects the config does not name
 * are unmanaged (but for the server's demo objects, see LiveObject.demo), and deleted only when
 * `prune` is on and they carry the ownership marker.
 */
export function diffCluster(desired: Desired[], live: ClusterState, prune: boolean): ClusterDiff {
  const changes: Change[] = [];
  const unmanaged: Unmanaged[] = [];
  for (const kind of KIND_ORDER) {
    // A kind the read round could not read has no known live state: the kind-unreadable rule
    // reports it, rather than a plan that would create what may well exist.
    if (live.unreadable?.[kind] !== undefined) continue;
    // A reserved name is refused by the reserved-object rule; planning to "create" it would mislead.
    const wanted = desired.filter((d) => d.kind === kind && !live.reserved[kind].includes(d.name));
    const have = live.objects[kind];
    for (const d of wanted) {
      const current = have[d.name];
      if (!current) {
        changes.push(created(d));
        continue;
      }
      const stale = d.password !== undefined && (live.stalePasswords ?? []).includes(d.name);
      const change = updated(d, current, stale);
      if (change) changes.push(change);
    }
    const named = new Set(wanted.map((d) => d.name));
    for (const [name, obj] of Object.entries(have).sort(([a], [b]) => a.localeCompare(b))) {
      if (named.has(name)) continue;
      if (prune && obj.managed) {
        changes.push({
          cluster: live.name,
          action: 'delete',
          kind,
          name,
          diff: topLevel(obj.body, 'before'),
          body: obj.body,
          before: obj.body,
          ...scopesOf(obj),
        });
      } else if (!obj.demo) {
        // A demo object as the server shipped it is the server's, as a built-in is: not listed.
        unmanaged.push({ kind, name });
      }
    }
  }
  return { changes, unmanaged };
}
