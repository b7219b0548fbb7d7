// The configuration of an OpenSearch cluster (connection.flavor: opensearch): its sections load
// into Desired objects in OpenSearch's canonical form, with their references; a key of the other
// flavor is an error that says so, at its file:line:column.
//
// The cluster file below writes the same objects as the requests recorded against a real
// OpenSearch 2.19.4 (test/fixtures/opensearch/2.19.4/writes: 03 role, 19 roles mapping, 28 user,
// 42 action group, 47 nodes_dn, without the ownership marker xcluster adds), so each desired body
// must equal the canonical form of what the server answered to the GET that followed.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { flavors } from '../../src/flavors/index.js';
import { ConfigErrors } from '../../src/model/errors.js';
import { type Config, type Desired, type Kind } from '../../src/model/types.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'xcluster-opensearch-'));
  vi.spyOn(process, 'cwd').mockReturnValue(root);
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

/** Writes xcluster/<file> for each entry; returns the xcluster folder. */
function write(files: Record<string, string>): string {
  const dir = path.join(root, 'xcluster');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const load = (files: Record<string, string>): Config => loadConfig(write(files));

/** The messages of the ConfigErrors that loading throws ("file:line:column: message"). */
function errors(files: Record<string, string>): string[] {
  try {
    load(files);
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors.map((x) => x.message);
    throw e;
  }
  throw new Error('expected loadConfig to throw');
}

/** Lines 1–6 of an OpenSearch cluster file. */
const OPENSEARCH = (name: string) => `connection:
  flavor: opensearch
  url: https://${name}.example.com:9200
  auth:
    username: admin
    password: { env: ${name.toUpperCase()}_PASSWORD }
`;

/** Lines 1–5 of an Elasticsearch cluster file. */
const ELASTICSEARCH = `connection:
  flavor: elasticsearch
  url: https://west.example.com:9200
  auth:
    api_key: { env: WEST_API_KEY }
`;

const LEADER = `${OPENSEARCH('leader')}  client_certificate:
    certificate: { file: /run/secrets/admin.pem }
    key: { env: LEADER_ADMIN_KEY }
  transport: leader.example.com:9300
roles:
  xcluster-test:
    description: test role
    cluster_permissions: [cluster_monitor]
    index_permissions:
      - index_patterns: ['logs-*']
        allowed_actions: [read, 'indices:admin/mappings/get']
        fls: ['~secret']
        masked_fields: [user.email]
        dls: { term: { public: true } }
    tenant_permissions:
      - tenant_patterns: [global_tenant]
        allowed_actions: [kibana_all_read]
internal_users:
  xcluster-user:
    password: { env: XCLUSTER_USER_PASSWORD }
    backend_roles: [xcluster-backend]
    attributes: { xcluster.managed: 'true' }
    opendistro_security_roles: [xcluster-test]
    description: test user
roles_mapping:
  xcluster-test:
    users: [xcluster-user]
    backend_roles: [xcluster-backend]
    description: m
action_groups:
  xcluster-ag:
    allowed_actions: ['indices:data/read/search']
    type: index
    description: ag
nodes_dn:
  xcluster-follower: ['CN=node-0.example.com,OU=node,O=node,L=test,C=de']
prune: true
`;

const FOLLOWER = `${OPENSEARCH('follower')}remote_clusters:
  leader:
    cluster: leader
    seeds: [127.0.0.1:19300]
    skip_unavailable: true
`;

const FIXTURES = 'test/fixtures/opensearch/2.19.4/writes';

/** The canonical form of one object of a recorded GET answer (`{ <name>: <body> }`). */
function recorded(file: string, kind: Kind, name: string): object {
  const answer = JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as Record<string, unknown>;
  return flavors.opensearch.normalize(kind, answer[name]);
}

const find = (config: Config, kind: Kind, name: string): Desired => {
  const found = config.desired.find((d) => d.kind === kind && d.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};

describe('an OpenSearch cluster file', () => {
  const loadLeader = () => load({ 'clusters/leader.yml': LEADER, 'clusters/follower.yml': FOLLOWER });

  it('loads every section into Desired objects of the OpenSearch kinds, each at its line', () => {
    const config = loadLeader();
    expect(config.desired.map((d) => [d.cluster, d.kind, d.name, `${d.source.file}:${d.source.line}`])).toEqual([
      ['follower', 'remote_cluster', 'leader', 'xcluster/clusters/follower.yml:8'],
      ['leader', 'role', 'xcluster-test', 'xcluster/clusters/leader.yml:12'],
      ['leader', 'internal_user', 'xcluster-user', 'xcluster/clusters/leader.yml:25'],
      ['leader', 'roles_mapping', 'xcluster-test', 'xcluster/clusters/leader.yml:32'],
      ['leader', 'action_group', 'xcluster-ag', 'xcluster/clusters/leader.yml:37'],
      ['leader', 'nodes_dn', 'xcluster-follower', 'xcluster/clusters/leader.yml:42'],
    ]);
    expect(config.clusters.map((c) => [c.name, c.connection.flavor, c.prune])).toEqual([
      ['follower', 'opensearch', false],
      ['leader', 'opensearch', true],
    ]);
  });

  it('bodies are canonical and equal what the real server answers for the same objects', () => {
    const config = loadLeader();
    const role = find(config, 'role', 'xcluster-test');
    expect(role.body).toEqual({
      cluster_permissions: ['cluster_monitor'],
      description: 'test role',
      index_permissions: [
        {
          allowed_actions: ['indices:admin/mappings/get', 'read'],
          // The query's text, normalised without JavaScript numbers (issue 12 item 11).
          dls: '{"term":{"public":true}}',
          fls: ['~secret'],
          index_patterns: ['logs-*'],
          masked_fields: ['user.email'],
        },
      ],
      tenant_permissions: [{ allowed_actions: ['kibana_all_read'], tenant_patterns: ['global_tenant'] }],
    });
    // The server fills defaults in and adds reserved/hidden/static, hash and the marker: all equal absence.
    const GETS: [Kind, string, string][] = [
      ['role', 'xcluster-test', '04_GET__plugins__security_api_roles_xcluster-test.after-update.json'],
      ['internal_user', 'xcluster-user', '29_GET__plugins__security_api_internalusers_xcluster-user.json'],
      ['roles_mapping', 'xcluster-test', '20_GET__plugins__security_api_rolesmapping_xcluster-test.json'],
      ['action_group', 'xcluster-ag', '43_GET__plugins__security_api_actiongroups_xcluster-ag.json'],
      ['nodes_dn', 'xcluster-follower', '48_GET__plugins__security_api_nodesdn.after-put.json'],
    ];
    for (const [kind, name, file] of GETS) {
      expect(find(config, kind, name).body, `${kind} ${name}`).toEqual(recorded(file, kind, name));
    }
    expect(find(config, 'nodes_dn', 'xcluster-follower').body).toEqual({
      nodes_dn: ['CN=node-0.example.com,OU=node,O=node,L=test,C=de'],
    });
    expect(find(config, 'remote_cluster', 'leader')).toMatchObject({
      linkedCluster: 'leader',
      body: { seeds: ['127.0.0.1:19300'], skip_unavailable: true },
    });
  });

  it("an internal user's password is a SecretSpec, never in the body", () => {
    const user = find(loadLeader(), 'internal_user', 'xcluster-user');
    expect(user.password).toEqual({
      ref: { env: 'XCLUSTER_USER_PASSWORD' },
      source: { file: 'xcluster/clusters/leader.yml', line: 26, column: 5 },
    });
    expect(user.body).not.toHaveProperty('password');
    expect(JSON.stringify(user.body)).not.toContain('XCLUSTER_USER_PASSWORD');
  });

  it('a roles mapping refers to its role, an internal user to its opendistro_security_roles', () => {
    const config = loadLeader();
    expect(find(config, 'roles_mapping', 'xcluster-test').references).toEqual([
      { kind: 'role', name: 'xcluster-test', field: 'name' },
    ]);
    expect(find(config, 'internal_user', 'xcluster-user').references).toEqual([
      { kind: 'role', name: 'xcluster-test', field: 'opendistro_security_roles' },
    ]);
    for (const kind of ['action_group', 'nodes_dn', 'remote_cluster'] as const) {
      for (const d of config.desired.filter((x) => x.kind === kind)) expect(d.references, kind).toBeUndefined();
    }
  });

  it('an API key on an OpenSearch cluster is an error: its security plugin has none', () => {
    const file = OPENSEARCH('leader').replace(
      '    username: admin\n    password: { env: LEADER_PASSWORD }\n',
      '    api_key: { env: LEADER_KEY }\n',
    );
    expect(errors({ 'clusters/leader.yml': file })).toEqual([
      "xcluster/clusters/leader.yml:5:5: connection.auth.api_key: OpenSearch's security plugin has no API keys: use username + password, or connection.client_certificate",
    ]);
  });

  it('a role and an action group refer to the action groups they name, not to action patterns', () => {
    const config = loadLeader();
    expect(find(config, 'role', 'xcluster-test').references).toEqual([
      { kind: 'action_group', name: 'cluster_monitor', field: 'cluster_permissions', unchecked: true },
      { kind: 'action_group', name: 'read', field: 'index_permissions.allowed_actions', unchecked: true },
      { kind: 'action_group', name: 'kibana_all_read', field: 'tenant_permissions.allowed_actions', unchecked: true },
    ]);
    const group = `${OPENSEARCH('leader')}action_groups:\n  g:\n    allowed_actions: [read, read, 'indices:*', '*', other]\n`;
    expect(find(load({ 'clusters/leader.yml': group }), 'action_group', 'g').references).toEqual([
      { kind: 'action_group', name: 'other', field: 'allowed_actions', unchecked: true },
      { kind: 'action_group', name: 'read', field: 'allowed_actions', unchecked: true },
    ]);
  });

  it('the connection takes a TLS client certificate (both flavors)', () => {
    const leader = loadLeader().clusters.find((c) => c.name === 'leader')!;
    expect(leader.connection.clientCertificate).toEqual({
      certificate: {
        ref: { file: '/run/secrets/admin.pem' },
        source: { file: 'xcluster/clusters/leader.yml', line: 8, column: 5 },
      },
      key: { ref: { env: 'LEADER_ADMIN_KEY' }, source: { file: 'xcluster/clusters/leader.yml', line: 9, column: 5 } },
    });
    const west = `${ELASTICSEARCH}  client_certificate:\n    certificate: { env: CERT }\n    key: { env: KEY }\n`;
    const config = load({ 'clusters/west.yml': west });
    const connection = config.clusters.find((c) => c.name === 'west')!.connection;
    expect(connection.clientCertificate?.key.ref).toEqual({ env: 'KEY' });
  });

  it('an Elasticsearch object carries no references (Elasticsearch accepts unknown role names)', () => {
    const west = `${ELASTICSEARCH}users:\n  jane:\n    roles: [no-such-role]\nrole_mappings:\n  m:\n    roles: [no-such-role]\n    rules: { field: { username: jane } }\n`;
    const config = load({ 'clusters/west.yml': west });
    expect(config.desired.map((d) => d.references)).toEqual([undefined, undefined]);
  });
});

describe('keys of the other flavor', () => {
  it('Elasticsearch keys on an OpenSearch cluster: an error that says so, and what to write instead', () => {
    const yaml = `${OPENSEARCH('leader')}users:
  jane:
    roles: [reader]
role_mappings: {}
roles:
  reader:
    cluster: [monitor]
    indices:
      - names: [logs]
        privileges: [read]
    remote_indices: []
`;
    expect(errors({ 'clusters/leader.yml': yaml })).toEqual([
      'xcluster/clusters/leader.yml:7:1: users: is an Elasticsearch key; an OpenSearch cluster (connection.flavor: opensearch) has internal_users',
      'xcluster/clusters/leader.yml:10:1: role_mappings: is an Elasticsearch key; an OpenSearch cluster (connection.flavor: opensearch) has roles_mapping',
      'xcluster/clusters/leader.yml:13:5: roles.reader.cluster: is an Elasticsearch key; an OpenSearch role has cluster_permissions',
      'xcluster/clusters/leader.yml:14:5: roles.reader.indices: is an Elasticsearch key; an OpenSearch role has index_permissions',
      'xcluster/clusters/leader.yml:17:5: roles.reader.remote_indices: is an Elasticsearch key; an OpenSearch role has no remote_indices (its keys: cluster_permissions, index_permissions, tenant_permissions, description)',
    ]);
  });

  it('OpenSearch keys on an Elasticsearch cluster, the same way', () => {
    const yaml = `${ELASTICSEARCH}internal_users: {}
action_groups: {}
roles:
  reader:
    index_permissions: []
`;
    expect(errors({ 'clusters/west.yml': yaml })).toEqual([
      'xcluster/clusters/west.yml:6:1: internal_users: is an OpenSearch key; an Elasticsearch cluster (connection.flavor: elasticsearch) has users',
      'xcluster/clusters/west.yml:7:1: action_groups: is an OpenSearch key; an Elasticsearch cluster (connection.flavor: elasticsearch) has no action_groups (its keys: connection, roles, users, role_mappings, remote_clusters, prune, check_passwords)',
      'xcluster/clusters/west.yml:10:5: roles.reader.index_permissions: is an OpenSearch key; an Elasticsearch role has indices',
    ]);
  });

  it('with a misspelt flavor, the flavor error, and unknown keys as plain unknown keys', () => {
    const yaml = `${OPENSEARCH('leader').replace('opensearch', 'opensarch')}internal_users: {}\n`;
    expect(errors({ 'clusters/leader.yml': yaml })).toEqual([
      'xcluster/clusters/leader.yml:2:3: connection.flavor: expected one of "elasticsearch", "opensearch"',
      'xcluster/clusters/leader.yml:7:1: unknown key "internal_users"; known keys: connection, roles, users, role_mappings, remote_clusters, prune, check_passwords',
    ]);
  });

  it('an unknown key of OpenSearch sections, with the nearest known key', () => {
    const yaml = `${OPENSEARCH('leader')}action_grups: {}
internal_users:
  jane:
    backend_role: [ops]
roles:
  reader:
    index_permissions:
      - index_pattern: ['logs-*']
        allowed_actions: [read]
`;
    expect(errors({ 'clusters/leader.yml': yaml })).toEqual([
      'xcluster/clusters/leader.yml:7:1: unknown key "action_grups"; did you mean "action_groups"?',
      'xcluster/clusters/leader.yml:10:5: unknown key "backend_role" in internal_users.jane; did you mean "backend_roles"?',
      'xcluster/clusters/leader.yml:14:9: missing required key "index_patterns" in roles.reader.index_permissions[0]',
      'xcluster/clusters/leader.yml:14:9: unknown key "index_pattern" in roles.reader.index_permissions[0]; did you mean "index_patterns"?',
    ]);
  });

  it('values are checked as the security API takes them', () => {
    const yaml = `${OPENSEARCH('leader')}internal_users:
  jane:
    password: hunter2
    attributes: { level: 3 }
  joe:
    attributes: { managed_by: me }
action_groups:
  ops:
    type: all
    description: no allowed_actions
`;
    const found = errors({ 'clusters/leader.yml': yaml });
    expect(found).toEqual([
      'xcluster/clusters/leader.yml:9:5: internal_users.jane.password: inline secret: write { env: NAME } or { file: PATH } (a file git does not track; a relative path starts at the config folder) instead; never commit secrets',
      'xcluster/clusters/leader.yml:10:19: internal_users.jane.attributes.level: expected a string, got a number',
      "xcluster/clusters/leader.yml:12:19: internal_users.joe.attributes.managed_by: the attribute managed_by is xcluster's ownership marker, written by xcluster itself",
      'xcluster/clusters/leader.yml:14:3: missing required key "allowed_actions" in action_groups.ops',
      'xcluster/clusters/leader.yml:15:5: action_groups.ops.type: expected one of "cluster", "index", "kibana"',
    ]);
    expect(found.join('\n')).not.toContain('hunter2');
  });
});

describe('OpenSearch intents', () => {
  it('expand into internal users and roles mappings that carry their references', () => {
    const intents = `replication:
  - name: orders
    security: certificate
    leader: { cluster: leader, indices: [leader-01] }
    follower: { cluster: follower, indices: [follower-01] }
    user: { name: replication_user, password: { env: REPLICATION_PASSWORD } }
`;
    const config = load({
      'clusters/leader.yml': `${OPENSEARCH('leader')}  transport: leader.example.com:9300\n`,
      'clusters/follower.yml': OPENSEARCH('follower'),
      'intents.yml': intents,
    });
    const mappings = config.desired.filter((d) => d.kind === 'roles_mapping');
    expect(mappings.map((d) => [d.cluster, d.name, d.intent, d.references])).toEqual([
      [
        'leader',
        'cross_cluster_replication_leader_full_access',
        'orders',
        [{ kind: 'role', name: 'cross_cluster_replication_leader_full_access', field: 'name' }],
      ],
      [
        'follower',
        'cross_cluster_replication_follower_full_access',
        'orders',
        [{ kind: 'role', name: 'cross_cluster_replication_follower_full_access', field: 'name' }],
      ],
    ]);
    // The users name no role themselves: they are mapped.
    for (const u of config.desired.filter((d) => d.kind === 'internal_user')) {
      expect(u.references).toBeUndefined();
      expect(u.password?.ref).toEqual({ env: 'REPLICATION_PASSWORD' });
    }
  });

  it('a hand-written user next to an intent gets its references the same way', () => {
    const leader = `${OPENSEARCH('leader')}  transport: leader.example.com:9300
internal_users:
  auditor:
    opendistro_security_roles: [readall]
`;
    const intents = `replication:
  - name: orders
    security: certificate
    leader: { cluster: leader, indices: [leader-01] }
    follower: { cluster: follower, indices: [follower-01] }
    user: { name: replication_user }
`;
    const config = load({
      'clusters/leader.yml': leader,
      'clusters/follower.yml': OPENSEARCH('follower'),
      'intents.yml': intents,
    });
    expect(find(config, 'internal_user', 'auditor').references).toEqual([
      { kind: 'role', name: 'readall', field: 'opendistro_security_roles' },
    ]);
  });
});
