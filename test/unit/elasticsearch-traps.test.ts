// The known traps of what Elasticsearch sends back, each read end to end (nock → flavor →
// diff): an equal object must plan nothing, a real difference must show.

import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diffCluster } from '../../src/drift/diff.js';
import { type ClusterState, type Desired } from '../../src/model/types.js';
import { FIXTURES } from '../fixtures/elasticsearch/index.js';
import { readServed } from './helpers/es-nock.js';
import { clusterResponses, serverRole, serverRoleMapping, serverUser } from './helpers/es-shapes.js';
import { desired } from './helpers/model.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const changesOf = (want: Desired[], live: ClusterState) => diffCluster(want, live, false).changes;

describe('roles', () => {
  it('a query sent as an object, which comes back as a JSON string, plans nothing', async () => {
    const body = { indices: [{ names: ['events-*'], privileges: ['read'], query: { term: { team: 'west' } } }] };
    const live = await readServed(clusterResponses('8.15', { roles: { 'dls-reader': serverRole('8.15', body) } }));
    const served = FIXTURES['8.15'].responses['GET /_security/role'] as Record<
      string,
      { indices: { query: unknown }[] }
    >;
    expect(typeof served['dls-reader']!.indices[0]!.query).toBe('string');
    expect(changesOf([desired('role', 'dls-reader', body)], live)).toEqual([]);
  });

  it('a changed query is a change', async () => {
    const body = { indices: [{ names: ['events-*'], privileges: ['read'], query: { term: { team: 'west' } } }] };
    const live = await readServed(clusterResponses('8.15', { roles: { 'dls-reader': serverRole('8.15', body) } }));
    const want = { indices: [{ names: ['events-*'], privileges: ['read'], query: { term: { team: 'east' } } }] };
    expect(changesOf([desired('role', 'dls-reader', want)], live).map((c) => c.diff[0]?.path)).toEqual([['indices']]);
  });

  it('names sent as a string, which come back as a list, plan nothing', async () => {
    const body = { indices: [{ names: 'logstash-*', privileges: ['read'] }] };
    const served = serverRole('7.17', body);
    expect(served.indices).toEqual([{ names: ['logstash-*'], privileges: ['read'], allow_restricted_indices: false }]);
    const live = await readServed(clusterResponses('7.17', { roles: { reader: served } }));
    expect(changesOf([desired('role', 'reader', body)], live)).toEqual([]);
  });

  it('global, remote_indices, remote_cluster and description appear only when set', async () => {
    const live = await readServed(FIXTURES['8.15'].responses);
    const plain = live.objects.role['dls-reader']!.body;
    for (const key of ['global', 'remote_indices', 'remote_cluster', 'description'])
      expect(plain).not.toHaveProperty(key);
    expect(live.objects.role['app-admin']!.body).toHaveProperty('global');
    expect(live.objects.role['remote-replication']!.body).toHaveProperty('remote_indices');
    expect(live.objects.role['remote-enrich']!.body).toMatchObject({
      remote_cluster: [{ clusters: ['my_remote_cluster'], privileges: ['monitor_enrich'] }],
      description: 'Enrich from the remote cluster.',
    });
  });

  it('a 7.17 role has none of the 8.x fields, and a desired role without them plans nothing', async () => {
    const live = await readServed(FIXTURES['7.17'].responses);
    const want = {
      cluster: ['manage_ccr'],
      indices: [{ names: ['follower-index-name'], privileges: ['monitor', 'read', 'write', 'manage_follow_index'] }],
    };
    expect(changesOf([desired('role', 'remote-replication', want)], live)).toEqual([]);
  });

  it('remote_cluster is read: a role whose remote_cluster differs shows a change', async () => {
    const live = await readServed(FIXTURES['8.15'].responses);
    const want = {
      remote_cluster: [{ privileges: ['monitor_enrich'], clusters: ['another_remote'] }],
      description: 'Enrich from the remote cluster.',
      metadata: { managed_by: 'xcluster' },
    };
    const changes = changesOf([desired('role', 'remote-enrich', want)], live);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ action: 'update', name: 'remote-enrich' });
    expect(changes[0]!.diff).toEqual([
      {
        path: ['remote_cluster'],
        before: [{ clusters: ['my_remote_cluster'], privileges: ['monitor_enrich'] }],
        after: [{ clusters: ['another_remote'], privileges: ['monitor_enrich'] }],
      },
    ]);
  });

  it('privilege names in another case plan nothing (the server matches them case-insensitively)', async () => {
    // After an apply the server holds what we sent; the YAML may still say "Monitor".
    const live = await readServed(
      clusterResponses('8.15', { roles: { r: serverRole('8.15', { cluster: ['manage_ccr', 'monitor'] }) } }),
    );
    expect(changesOf([desired('role', 'r', { cluster: ['Monitor', 'MANAGE_CCR'] })], live)).toEqual([]);
  });
});

describe('users', () => {
  it("a user's absent full_name and email, which come back null, plan nothing", async () => {
    const served = serverUser('cross-cluster-user', { roles: ['remote-replication'] });
    expect(served).toMatchObject({ full_name: null, email: null, metadata: {}, enabled: true });
    const live = await readServed(clusterResponses('9.1', { users: { 'cross-cluster-user': served } }));
    expect(changesOf([desired('user', 'cross-cluster-user', { roles: ['remote-replication'] })], live)).toEqual([]);
  });

  it('a full_name set on the server and not in the config is a change', async () => {
    const served = serverUser('u', { roles: ['r'], full_name: 'Someone' });
    const live = await readServed(clusterResponses('9.1', { users: { u: served } }));
    expect(changesOf([desired('user', 'u', { roles: ['r'] })], live)[0]?.diff).toEqual([
      { path: ['full_name'], before: 'Someone', after: null },
    ]);
  });
});

describe('role mappings', () => {
  it('a field rule "x" equals ["x"]', async () => {
    const sent = { roles: ['user'], rules: { field: { username: ['*'] } }, enabled: true };
    const served = serverRoleMapping(sent);
    expect(served.rules).toEqual({ field: { username: '*' } });
    const live = await readServed(clusterResponses('8.15', { roleMappings: { mapping1: served } }));
    expect(changesOf([desired('role_mapping', 'mapping1', sent)], live)).toEqual([]);
  });

  it('a role template sent as an object, which comes back as a JSON string, plans nothing', async () => {
    const sent = {
      role_templates: [{ template: { source: '{{#tojson}}groups{{/tojson}}' }, format: 'json' }],
      rules: { field: { 'realm.name': 'ldap1' } },
      enabled: true,
    };
    const live = await readServed(clusterResponses('8.15', { roleMappings: { ldap: serverRoleMapping(sent) } }));
    expect(changesOf([desired('role_mapping', 'ldap', sent)], live)).toEqual([]);
  });

  it('role_templates drift is detected: a changed template shows a change', async () => {
    const live = await readServed(FIXTURES['8.15'].responses);
    const want = {
      enabled: false,
      role_templates: [{ template: { source: '_admin_{{username}}' } }],
      rules: { all: [{ field: { 'realm.name': 'saml1' } }, { field: { groups: ['admins', 'ops'] } }] },
      metadata: { version: 1 },
    };
    const changes = changesOf([desired('role_mapping', 'saml-admins', want)], live);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.diff).toEqual([
      {
        path: ['role_templates'],
        before: [{ template: { source: '_user_{{username}}' } }],
        after: [{ template: { source: '_admin_{{username}}' } }],
      },
    ]);
  });

  it("an operator's read-only role mapping (8.15+) is built-in, not an object to manage", async () => {
    const live = await readServed(FIXTURES['9.1'].responses);
    expect(live.reserved.role_mapping).toEqual(['everyone_kibana-read-only-operator-mapping']);
    expect(Object.keys(live.objects.role_mapping)).toEqual(['oidc-groups']);
  });
});

describe('remote cluster settings', () => {
  const settingsOnly = (persistent: Record<string, unknown>, transient: Record<string, unknown> = {}) =>
    clusterResponses('8.15', { persistent, transient });

  it('values come back as strings: "true" and "3" equal true and 3', async () => {
    const live = await readServed(
      settingsOnly({
        'cluster.remote.c.seeds': ['a:9300'],
        'cluster.remote.c.skip_unavailable': 'true',
        'cluster.remote.c.node_connections': '3',
        'cluster.remote.c.transport.compress': 'true',
      }),
    );
    const want = { seeds: ['a:9300'], skip_unavailable: true, node_connections: 3, transport: { compress: true } };
    expect(changesOf([desired('remote_cluster', 'c', want)], live)).toEqual([]);
  });

  it('a lone seed set as a string, or a comma-separated string, is a list', async () => {
    const live = await readServed(
      settingsOnly({ 'cluster.remote.one.seeds': 'a:9300', 'cluster.remote.two.seeds': 'a:9300,b:9300' }),
    );
    expect(live.objects.remote_cluster.one!.body.seeds).toEqual(['a:9300']);
    expect(live.objects.remote_cluster.two!.body.seeds).toEqual(['a:9300', 'b:9300']);
  });

  it('transient settings win over persistent ones', async () => {
    const live = await readServed(
      settingsOnly(
        { 'cluster.remote.c.seeds': ['a:9300'], 'cluster.remote.c.skip_unavailable': 'true' },
        { 'cluster.remote.c.skip_unavailable': 'false' },
      ),
    );
    expect(live.objects.remote_cluster.c!.body).toEqual({ mode: 'sniff', seeds: ['a:9300'], skip_unavailable: false });
  });

  it('reads the deprecated 7.x search.remote.* spelling, with cluster.remote.* winning', async () => {
    const live = await readServed(
      clusterResponses('7.17', {
        persistent: {
          'search.remote.old.seeds': ['old:9300'],
          'search.remote.both.seeds': ['legacy:9300'],
          'cluster.remote.both.seeds': ['current:9300'],
        },
      }),
    );
    expect(live.objects.remote_cluster.old!.body.seeds).toEqual(['old:9300']);
    expect(live.objects.remote_cluster.both!.body.seeds).toEqual(['current:9300']);
  });

  it('global remote settings are not remotes', async () => {
    const live = await readServed(
      settingsOnly({
        'cluster.remote.initial_connect_timeout': '30s',
        'cluster.remote.node.attr': 'gateway',
        'cluster.remote.connections_per_cluster': '3',
      }),
    );
    expect(live.objects.remote_cluster).toEqual({});
  });

  it('nested (non-flat) settings read the same as flat ones', async () => {
    const responses = settingsOnly({});
    responses['GET /_cluster/settings?flat_settings=true'] = {
      persistent: { cluster: { remote: { c: { seeds: ['a:9300'], transport: { ping_schedule: '60s' } } } } },
      transient: {},
    };
    const live = await readServed(responses);
    expect(live.objects.remote_cluster.c!.body).toEqual({
      mode: 'sniff',
      seeds: ['a:9300'],
      transport: { ping_schedule: '60s' },
    });
  });

  it('a changed ping_schedule is a change', async () => {
    const live = await readServed(FIXTURES['9.1'].responses);
    const want = {
      mode: 'proxy',
      proxy_address: '127.0.0.1:9302',
      transport: { compress: true, ping_schedule: '30s' },
    };
    expect(changesOf([desired('remote_cluster', 'cluster_three', want)], live)[0]?.diff).toEqual([
      { path: ['transport', 'ping_schedule'], before: '60s', after: '30s' },
    ]);
  });
});
