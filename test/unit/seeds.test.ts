// ACCEPTANCE: "Every role, user and remote-cluster body in the seed documents, served back by a
// mocked cluster in the exact shape Elasticsearch returns it (defaults filled in: applications,
// run_as, metadata, transient_metadata, allow_restricted_indices; privileges in another order;
// settings values as strings; reserved built-in roles and users present), plans to zero
// changes. One test per seed example, named after it."
//
// Each example's body is copied from its seed document (/work/shared/seeds/000–004). The desired
// object is built from it as the config would (a user's password becomes a secret reference),
// the served object as the server would return it (helpers/es-shapes.ts, checked against the
// cited fixtures in elasticsearch-shapes.test.ts), and the two go through the real read path:
// nock → Elasticsearch flavor → diff.

import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diffCluster } from '../../src/drift/diff.js';
import { normalize } from '../../src/model/normalize.js';
import { type ClusterState, type Desired, type Kind } from '../../src/model/types.js';
import { LINES, RESERVED_USER_NAMES, type Line } from '../fixtures/elasticsearch/index.js';
import { readServed } from './helpers/es-nock.js';
import {
  clusterResponses,
  configRemote,
  flatRemoteSettings,
  reservedRoles,
  serverRole,
  serverUser,
} from './helpers/es-shapes.js';

type Obj = Record<string, unknown>;

interface SeedExample {
  /** The test name: seed document and example. */
  title: string;
  kind: Kind;
  name: string;
  /** The request body as the seed document writes it. */
  body: Obj;
  /** For remotes: the later PUT of the same remote (the update example), applied on top. */
  update?: Obj;
  /** The lines whose servers accept the body. */
  lines?: Line[];
}

const SEED_PASSWORD = 'l0ng-r4nd0m-p@ssw0rd'; // the docs' own placeholder

const CCR_REMOTE_ROLE = {
  cluster: ['read_ccr'],
  indices: [{ names: ['leader-index-name'], privileges: ['monitor', 'read'] }],
};
const CCR_LOCAL_ROLE = {
  cluster: ['manage_ccr'],
  indices: [{ names: ['follower-index-name'], privileges: ['monitor', 'read', 'write', 'manage_follow_index'] }],
};
const CCR_USER = { password: SEED_PASSWORD, roles: ['remote-replication'] };

/** The three remotes of the "dynamically configure remote clusters" PUT (seed 002/004). */
const CLUSTER_ONE = { seeds: ['127.0.0.1:9300'] };
const CLUSTER_TWO = { mode: 'sniff', seeds: ['127.0.0.1:9301'], 'transport.compress': true, skip_unavailable: true };
const CLUSTER_THREE = { mode: 'proxy', proxy_address: '127.0.0.1:9302' };

const SEEDS: SeedExample[] = [
  // 000: Configure privileges for cross-cluster replication.
  {
    title: 'seed 000: remote-replication role on the remote (leader) cluster',
    kind: 'role',
    name: 'remote-replication',
    body: CCR_REMOTE_ROLE,
  },
  {
    title: 'seed 000: remote-replication role on the local (follower) cluster',
    kind: 'role',
    name: 'remote-replication',
    body: CCR_LOCAL_ROLE,
  },
  {
    title: 'seed 000: cross-cluster-user on the local cluster',
    kind: 'user',
    name: 'cross-cluster-user',
    body: CCR_USER,
  },
  // 001: CCR privileges under the API key and the TLS certificate models.
  {
    title: 'seed 001: remote-replication role with remote_indices (API key model)',
    kind: 'role',
    name: 'remote-replication',
    body: {
      cluster: ['manage_ccr'],
      remote_indices: [
        { clusters: ['my_remote_cluster'], names: ['leader-index'], privileges: ['cross_cluster_replication'] },
      ],
    },
    lines: ['8.15', '9.1'],
  },
  { title: 'seed 001: cross-cluster-user (API key model)', kind: 'user', name: 'cross-cluster-user', body: CCR_USER },
  {
    title: 'seed 001: remote-replication role on the remote cluster (certificate model)',
    kind: 'role',
    name: 'remote-replication',
    body: CCR_REMOTE_ROLE,
  },
  {
    title: 'seed 001: remote-replication role on the local cluster (certificate model)',
    kind: 'role',
    name: 'remote-replication',
    body: CCR_LOCAL_ROLE,
  },
  {
    title: 'seed 001: cross-cluster-user (certificate model)',
    kind: 'user',
    name: 'cross-cluster-user',
    body: CCR_USER,
  },
  // 002/004: Add remote clusters using TLS certificate authentication.
  {
    title: 'seed 002/004: remote cluster cluster_one (seeds only, sniff by default)',
    kind: 'remote_cluster',
    name: 'cluster_one',
    body: CLUSTER_ONE,
  },
  {
    title: 'seed 002/004: remote cluster cluster_two (sniff, transport.compress, skip_unavailable)',
    kind: 'remote_cluster',
    name: 'cluster_two',
    body: CLUSTER_TWO,
  },
  {
    title: 'seed 002/004: remote cluster cluster_three (proxy with proxy_address)',
    kind: 'remote_cluster',
    name: 'cluster_three',
    body: CLUSTER_THREE,
  },
  {
    title: 'seed 002/004: update of cluster_two (transport.compress false)',
    kind: 'remote_cluster',
    name: 'cluster_two',
    body: CLUSTER_TWO,
    update: { 'transport.compress': false },
  },
  {
    title: 'seed 002/004: update of cluster_three (transport.compress true, transport.ping_schedule "60s")',
    kind: 'remote_cluster',
    name: 'cluster_three',
    body: CLUSTER_THREE,
    update: { 'transport.compress': true, 'transport.ping_schedule': '60s' },
  },
  {
    title: 'seed 002/004: remote-replication role on the remote cluster (CCR)',
    kind: 'role',
    name: 'remote-replication',
    body: CCR_REMOTE_ROLE,
  },
  {
    title: 'seed 002/004: remote-replication role on the local cluster (CCR)',
    kind: 'role',
    name: 'remote-replication',
    body: CCR_LOCAL_ROLE,
  },
  { title: 'seed 002/004: cross-cluster-user (CCR)', kind: 'user', name: 'cross-cluster-user', body: CCR_USER },
  {
    title: 'seed 002/004: remote-search role on the remote cluster (CCS)',
    kind: 'role',
    name: 'remote-search',
    body: { indices: [{ names: ['target-indices'], privileges: ['read', 'read_cross_cluster'] }] },
  },
  {
    title: 'seed 002/004: empty remote-search role on the local cluster (CCS)',
    kind: 'role',
    name: 'remote-search',
    body: {},
  },
  {
    title: 'seed 002/004: cross-search-user (CCS)',
    kind: 'user',
    name: 'cross-search-user',
    body: { password: SEED_PASSWORD, roles: ['remote-search'] },
  },
  {
    title: 'seed 002/004: logstash-reader role on the local cluster (CCS with Kibana)',
    kind: 'role',
    name: 'logstash-reader',
    body: { indices: [{ names: ['logstash-*'], privileges: ['read', 'view_index_metadata'] }] },
  },
  {
    title: 'seed 002/004: cross-cluster-kibana user (CCS with Kibana)',
    kind: 'user',
    name: 'cross-cluster-kibana',
    body: { password: SEED_PASSWORD, roles: ['logstash-reader', 'kibana-access'] },
  },
  {
    title: 'seed 002/004: logstash-reader role on the remote cluster (CCS with Kibana)',
    kind: 'role',
    name: 'logstash-reader',
    body: { indices: [{ names: ['logstash-*'], privileges: ['read_cross_cluster', 'read', 'view_index_metadata'] }] },
  },
];

/** The Desired object the config loader would build from the example. */
function desiredOf(example: SeedExample): Desired {
  const source = { file: 'xcluster/clusters/west.yml', line: 1, column: 1 };
  const base = { cluster: 'west', kind: example.kind, name: example.name, source };
  if (example.kind === 'user') {
    const { password: _secret, ...rest } = example.body;
    return { ...base, body: normalize('user', rest), password: { ref: { env: 'SEED_USER_PASSWORD' }, source } };
  }
  if (example.kind === 'remote_cluster') {
    return { ...base, body: normalize('remote_cluster', configRemote({ ...example.body, ...example.update })) };
  }
  return { ...base, body: normalize(example.kind, example.body) };
}

/** The six responses of a cluster of `line` after the example's PUTs, lists in another order. */
function servedAfter(line: Line, example: SeedExample): Record<string, unknown> {
  const reorder = { reorder: true };
  switch (example.kind) {
    case 'role':
      return clusterResponses(line, { roles: { [example.name]: serverRole(line, example.body, reorder) } });
    case 'user':
      return clusterResponses(line, { users: { [example.name]: serverUser(example.name, example.body, reorder) } });
    case 'remote_cluster': {
      // The seed PUT configures all three remotes at once; the update PUT changes one of them.
      const persistent = {
        ...flatRemoteSettings('cluster_one', CLUSTER_ONE),
        ...flatRemoteSettings('cluster_two', CLUSTER_TWO),
        ...flatRemoteSettings('cluster_three', CLUSTER_THREE),
        ...(example.update ? flatRemoteSettings(example.name, example.update) : {}),
      };
      return clusterResponses(line, { persistent });
    }
    default:
      throw new Error(`no seed example of kind ${example.kind}`);
  }
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** The read state holds the object (so zero changes means equal, not absent) and the built-ins. */
function expectReadWithBuiltIns(state: ClusterState, line: Line, example: SeedExample): void {
  expect(state.reachable).toBe(true);
  expect(state.objects[example.kind][example.name]).toBeDefined();
  expect(state.reserved.role).toEqual(Object.keys(reservedRoles(line)).sort());
  expect(state.reserved.user).toEqual(RESERVED_USER_NAMES);
}

describe.each(LINES)('seed examples served by Elasticsearch %s plan to zero changes', (line) => {
  for (const example of SEEDS) {
    if (example.lines && !example.lines.includes(line)) continue; // e.g. remote_indices: 8.x+
    it(example.title, async () => {
      const state = await readServed(servedAfter(line, example));
      expectReadWithBuiltIns(state, line, example);
      const { changes, unmanaged } = diffCluster([desiredOf(example)], state, false);
      expect(changes).toEqual([]);
      // Built-in roles and users are never reported, not even as unmanaged.
      const builtIns = [...state.reserved.role, ...state.reserved.user];
      expect(unmanaged.filter((u) => builtIns.includes(u.name))).toEqual([]);
    });
  }

  it('seed 002/004: removal of cluster_two (every setting null) leaves cluster_one and cluster_three', async () => {
    const removal = { mode: null, seeds: null, skip_unavailable: null, 'transport.compress': null };
    const persistent = {
      ...flatRemoteSettings('cluster_one', CLUSTER_ONE),
      ...flatRemoteSettings('cluster_three', CLUSTER_THREE),
      ...flatRemoteSettings('cluster_two', removal),
    };
    const state = await readServed(clusterResponses(line, { persistent }));
    expect(Object.keys(state.objects.remote_cluster).sort()).toEqual(['cluster_one', 'cluster_three']);
    const want = [
      desiredOf({ title: '', kind: 'remote_cluster', name: 'cluster_one', body: CLUSTER_ONE }),
      desiredOf({ title: '', kind: 'remote_cluster', name: 'cluster_three', body: CLUSTER_THREE }),
    ];
    expect(diffCluster(want, state, false).changes).toEqual([]);
  });
});

/** The zero-change tests above could pass vacuously if reading or diffing saw nothing: these cannot. */
describe('seed examples: a real difference is detected', () => {
  const find = (title: string): SeedExample => {
    const example = SEEDS.find((s) => s.title.startsWith(title));
    if (!example) throw new Error(`no seed example ${title}`);
    return example;
  };

  it('a served role missing a privilege plans an update of that list', async () => {
    const example = find('seed 000: remote-replication role on the local');
    const served = serverRole('8.15', {
      ...CCR_LOCAL_ROLE,
      indices: [{ names: ['follower-index-name'], privileges: ['monitor', 'read', 'write'] }],
    });
    const state = await readServed(clusterResponses('8.15', { roles: { 'remote-replication': served } }));
    const { changes } = diffCluster([desiredOf(example)], state, false);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ action: 'update', kind: 'role', name: 'remote-replication' });
    expect(changes[0]!.diff[0]).toMatchObject({ path: ['indices'] });
    expect(JSON.stringify(changes[0]!.diff[0]!.after)).toContain('manage_follow_index');
    expect(JSON.stringify(changes[0]!.diff[0]!.before)).not.toContain('manage_follow_index');
  });

  it('a served role on the other side of CCR (leader role where the follower role is wanted) plans an update', async () => {
    const state = await readServed(
      clusterResponses('7.17', { roles: { 'remote-replication': serverRole('7.17', CCR_REMOTE_ROLE) } }),
    );
    const { changes } = diffCluster([desiredOf(find('seed 000: remote-replication role on the local'))], state, false);
    expect(changes.map((c) => c.diff.map((d) => d.path[0]))).toEqual([['cluster', 'indices']]);
  });

  it('a user with another role plans an update of roles', async () => {
    const state = await readServed(
      clusterResponses('9.1', {
        users: { 'cross-search-user': serverUser('cross-search-user', { roles: ['viewer'] }) },
      }),
    );
    const { changes } = diffCluster([desiredOf(find('seed 002/004: cross-search-user'))], state, false);
    expect(changes[0]?.diff).toEqual([{ path: ['roles'], before: ['viewer'], after: ['remote-search'] }]);
  });

  it('the empty remote-search role, when the cluster lacks it, plans a create', async () => {
    const state = await readServed(clusterResponses('9.1', {}));
    const { changes } = diffCluster([desiredOf(find('seed 002/004: empty remote-search role'))], state, false);
    expect(changes).toEqual([expect.objectContaining({ action: 'create', kind: 'role', name: 'remote-search' })]);
  });

  it('a remote whose transport.compress was not updated plans an update of transport.compress', async () => {
    const persistent = flatRemoteSettings('cluster_two', CLUSTER_TWO); // compress still "true"
    const state = await readServed(clusterResponses('8.15', { persistent }));
    const { changes } = diffCluster([desiredOf(find('seed 002/004: update of cluster_two'))], state, false);
    expect(changes[0]?.diff).toEqual([{ path: ['transport', 'compress'], before: true, after: false }]);
  });

  it('a remote in the other mode plans an update of mode and addresses', async () => {
    const persistent = flatRemoteSettings('cluster_three', { seeds: ['127.0.0.1:9302'] });
    const state = await readServed(clusterResponses('8.15', { persistent }));
    const { changes } = diffCluster([desiredOf(find('seed 002/004: remote cluster cluster_three'))], state, false);
    expect(changes[0]?.diff.map((d) => d.path.join('.')).sort()).toEqual(['mode', 'proxy_address', 'seeds']);
  });
});
