// The test builders of server shapes (helpers/es-shapes.ts) must produce what the literal,
// source-cited fixtures say a server returns; otherwise the seed tests would prove nothing.

import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../fixtures/elasticsearch/index.js';
import { flatRemoteSettings, serverRole, serverRoleMapping, serverUser } from './helpers/es-shapes.js';

type Obj = Record<string, unknown>;
const served = (line: keyof typeof FIXTURES, key: string) => FIXTURES[line].responses[key] as Record<string, Obj>;

describe('server shape builders agree with the fixtures', () => {
  it('role (7.17): the seed 000 local role as PUT comes back with every default', () => {
    const put = {
      cluster: ['manage_ccr'],
      indices: [{ names: ['follower-index-name'], privileges: ['monitor', 'read', 'write', 'manage_follow_index'] }],
    };
    expect(serverRole('7.17', put)).toEqual(served('7.17', 'GET /_security/role')['remote-replication']);
  });

  it('role (8.15): the seed 001 remote_indices role comes back with clusters after the index fields', () => {
    const put = {
      cluster: ['manage_ccr'],
      remote_indices: [
        { clusters: ['my_remote_cluster'], names: ['leader-index'], privileges: ['cross_cluster_replication'] },
      ],
    };
    const role = serverRole('8.15', put);
    expect(role).toEqual(served('8.15', 'GET /_security/role')['remote-replication']);
    expect(Object.keys((role.remote_indices as Obj[])[0]!)).toEqual([
      'names',
      'privileges',
      'allow_restricted_indices',
      'clusters',
    ]);
  });

  it('role (8.15): a DLS query object and a string `names` come back as a JSON string and a list', () => {
    const put = {
      indices: [
        {
          names: 'events-*',
          privileges: ['read'],
          field_security: { grant: ['*'], except: ['secret.*'] },
          query: { term: { team: 'west' } },
        },
      ],
    };
    expect(serverRole('8.15', put)).toEqual(served('8.15', 'GET /_security/role')['dls-reader']);
  });

  it('role (8.15): remote_cluster and description come back as set', () => {
    const put = {
      remote_cluster: [{ privileges: ['monitor_enrich'], clusters: ['my_remote_cluster'] }],
      description: 'Enrich from the remote cluster.',
      metadata: { managed_by: 'xcluster' },
    };
    expect(serverRole('8.15', put)).toEqual(served('8.15', 'GET /_security/role')['remote-enrich']);
  });

  it('role (7.17): a server of 7.17 refuses the 8.x role fields', () => {
    expect(() => serverRole('7.17', { description: 'x' })).toThrow(/refuses role fields description/);
  });

  it('user: the seed user comes back without its password, with null name and email', () => {
    const put = { password: 'l0ng-r4nd0m-p@ssw0rd', roles: ['remote-replication'] };
    const user = serverUser('cross-cluster-user', put);
    expect(user).toEqual(served('8.15', 'GET /_security/user')['cross-cluster-user']);
    expect(JSON.stringify(user)).not.toContain('l0ng');
  });

  it('role mapping: a template object comes back as a string, a one-value field rule as a scalar', () => {
    const put = {
      enabled: false,
      role_templates: [{ template: { source: '_user_{{username}}' } }],
      rules: { all: [{ field: { 'realm.name': ['saml1'] } }, { field: { groups: ['admins', 'ops'] } }] },
      metadata: { version: 1 },
    };
    expect(serverRoleMapping(put)).toEqual(served('8.15', 'GET /_security/role_mapping')['saml-admins']);
  });

  it('settings: the seed 002/004 cluster_two PUT leaves the flat string settings of the fixture', () => {
    const put = { mode: 'sniff', seeds: ['127.0.0.1:9301'], 'transport.compress': true, skip_unavailable: true };
    const persistent = served('7.17', 'GET /_cluster/settings?flat_settings=true').persistent as Obj;
    const fromFixture = Object.fromEntries(
      Object.entries(persistent).filter(([k]) => k.startsWith('cluster.remote.cluster_two.')),
    );
    expect(flatRemoteSettings('cluster_two', put)).toEqual(fromFixture);
  });

  it('settings: a nested transport object and a null (removed) setting', () => {
    expect(
      flatRemoteSettings('c', { seeds: ['a:1'], transport: { ping_schedule: '60s' }, skip_unavailable: null }),
    ).toEqual({
      'cluster.remote.c.seeds': ['a:1'],
      'cluster.remote.c.transport.ping_schedule': '60s',
    });
  });
});
