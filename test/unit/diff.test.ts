import { describe, expect, it } from 'vitest';
import { diffCluster, fieldDiffs } from '../../src/drift/diff.js';
import { orderChanges } from '../../src/drift/plan.js';
import { normalize } from '../../src/model/normalize.js';
import { emptyReserved } from '../../src/model/types.js';
import { desired, liveState } from './helpers/model.js';

const replication = { cluster: ['manage_ccr'], indices: [{ names: ['follower'], privileges: ['monitor', 'read'] }] };

describe('diffCluster', () => {
  it('plans a create, with one diff entry per top-level field, for an object the cluster lacks', () => {
    const { changes } = diffCluster([desired('role', 'remote-replication', replication)], liveState(), false);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ action: 'create', kind: 'role', name: 'remote-replication' });
    expect(changes[0]!.diff).toEqual([
      { path: ['cluster'], before: null, after: ['manage_ccr'] },
      { path: ['indices'], before: null, after: [{ names: ['follower'], privileges: ['monitor', 'read'] }] },
    ]);
  });

  it('plans nothing when the live object equals the desired one in canonical form', () => {
    const live = liveState({ role: { 'remote-replication': { body: { ...replication, run_as: [], metadata: {} } } } });
    expect(diffCluster([desired('role', 'remote-replication', replication)], live, false).changes).toEqual([]);
  });

  it('reports an update with the whole list before and after when a list differs', () => {
    const live = liveState({ role: { r: { body: { cluster: ['manage_ccr', 'monitor'] } } } });
    const { changes } = diffCluster([desired('role', 'r', { cluster: ['manage_ccr'] })], live, false);
    expect(changes).toEqual([
      expect.objectContaining({
        action: 'update',
        diff: [{ path: ['cluster'], before: ['manage_ccr', 'monitor'], after: ['manage_ccr'] }],
      }),
    ]);
  });

  it('shows a new user password as (sensitive) and never its reference or value', () => {
    const d = desired(
      'user',
      'u',
      { roles: ['r'] },
      { password: { ref: { env: 'U_PW' }, source: { file: 'f', line: 1, column: 1 } } },
    );
    const { changes } = diffCluster([d], liveState(), false);
    expect(changes[0]!.diff).toContainEqual({ path: ['password'], before: null, after: '(sensitive)' });
    expect(JSON.stringify(changes[0]!.diff)).not.toContain('U_PW');
  });

  it('lists live objects the config does not name as unmanaged and never deletes them without prune', () => {
    const live = liveState({ role: { legacy: { body: {}, managed: true } }, user: { jane: { body: { roles: [] } } } });
    const { changes, unmanaged } = diffCluster([], live, false);
    expect(changes).toEqual([]);
    expect(unmanaged).toEqual([
      { kind: 'role', name: 'legacy' },
      { kind: 'user', name: 'jane' },
    ]);
  });

  it('with prune, deletes only objects that carry the ownership marker', () => {
    const live = liveState({ role: { ours: { body: {}, managed: true }, theirs: { body: {}, managed: false } } });
    const { changes, unmanaged } = diffCluster([], live, true);
    expect(changes.map((c) => [c.action, c.name])).toEqual([['delete', 'ours']]);
    expect(unmanaged).toEqual([{ kind: 'role', name: 'theirs' }]);
  });

  it('never plans a reserved (built-in) name', () => {
    const live = liveState({}, { reserved: { ...emptyReserved(), role: ['superuser'] } });
    expect(diffCluster([desired('role', 'superuser', {})], live, false).changes).toEqual([]);
  });
});

describe('diffCluster and unreadable kinds', () => {
  it('plans nothing, and reports nothing unmanaged, for a kind the read round could not read', () => {
    const live = { ...liveState(), unreadable: { role: 'FORBIDDEN: Access denied' } };
    const wanted = [desired('role', 'r', { cluster: ['monitor'] }), desired('user', 'u', { roles: ['r'] })];
    const { changes, unmanaged } = diffCluster(wanted, live, true);
    expect(changes.map((c) => `${c.kind} ${c.name}`)).toEqual(['user u']);
    expect(unmanaged).toEqual([]);
  });
});

describe('orderChanges', () => {
  it('creates remotes, roles, role mappings, users in that order, then deletes in reverse', () => {
    const live = liveState({
      role: { oldrole: { body: {}, managed: true } },
      user: { olduser: { body: {}, managed: true } },
      remote_cluster: { oldremote: { body: { seeds: ['a:9300'] }, managed: true } },
    });
    const wanted = [
      desired('user', 'u', { roles: ['r'] }),
      desired('role_mapping', 'm', { roles: ['r'], rules: { field: { username: '*' } } }),
      desired('role', 'r', {}),
      desired('remote_cluster', 'east', { seeds: ['east:9300'] }),
    ];
    const ordered = orderChanges(diffCluster(wanted, live, true).changes);
    expect(ordered.map((c) => `${c.action} ${c.kind}`)).toEqual([
      'create remote_cluster',
      'create role',
      'create role_mapping',
      'create user',
      'delete user',
      'delete role',
      'delete remote_cluster',
    ]);
  });
});

describe('fieldDiffs', () => {
  it('is empty for equal canonical bodies', () => {
    const a = normalize('role_mapping', { roles: ['b', 'a'], rules: { field: { groups: 'x' } }, enabled: true });
    const b = normalize('role_mapping', { roles: ['a', 'b'], rules: { field: { groups: ['x'] } } });
    expect(fieldDiffs(a, b)).toEqual([]);
  });

  it('names nested paths down to the first list', () => {
    const a = normalize('remote_cluster', { seeds: ['a:9300'], transport: { compress: 'true' } });
    const b = normalize('remote_cluster', { seeds: ['a:9300'], transport: { compress: false } });
    expect(fieldDiffs(a, b)).toEqual([{ path: ['transport', 'compress'], before: true, after: false }]);
  });
});
