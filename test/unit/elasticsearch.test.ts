// The Elasticsearch flavor reading fixture clusters of each line through nock: the requests it
// sends (paths, headers, how many) and the canonical state it builds from the answers.

import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { elasticsearch, RESPONSE_KEYS } from '../../src/flavors/elasticsearch.js';
import { flavors } from '../../src/flavors/index.js';
import { FIXTURES, LINES, RESERVED_USER_NAMES } from '../fixtures/elasticsearch/index.js';
import { connection, serveCluster, TEST_API_KEY, TEST_PASSWORD } from './helpers/es-nock.js';
import { clusterResponses, serverRole } from './helpers/es-shapes.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** The reads a plan needs; the round also asks for the privilege list, which a fixture may lack. */
const PLAN_PATHS = [
  '/',
  '/_security/role',
  '/_security/user',
  '/_security/role_mapping',
  '/_cluster/settings?flat_settings=true',
  '/_remote/info',
  // issue 11 finding 8: who xcluster is, for the self-lockout rule
  '/_security/_authenticate',
];
const PRIVILEGES_PATH = '/_security/privilege/_builtin';

/** What each fixture must read as: the facts the tests below check per line. */
const EXPECTED = {
  '7.17': {
    reservedRoles: ['beats_system', 'ingest_admin', 'kibana_system', 'logstash_system', 'reporting_user', 'superuser'],
    roles: ['dls-reader', 'logstash-reader', 'remote-replication'],
    users: ['cross-cluster-user', 'jacknich'],
    remotes: {
      cluster_one: { mode: 'sniff', seeds: ['127.0.0.1:9300'] },
      // The transient skip_unavailable ("false") wins over the persistent one ("true").
      cluster_two: { mode: 'sniff', seeds: ['127.0.0.1:9301'], skip_unavailable: false, transport: { compress: true } },
      cluster_three: { mode: 'proxy', proxy_address: '127.0.0.1:9302' },
    },
  },
  '8.15': {
    reservedRoles: ['ingest_admin', 'kibana_system', 'logstash_system', 'superuser'],
    roles: ['app-admin', 'dls-reader', 'remote-enrich', 'remote-replication'],
    users: ['cross-cluster-user', 'ops-bot'],
    remotes: {
      cluster_one: { mode: 'sniff', seeds: ['127.0.0.1:9300'] },
      cluster_three: {
        mode: 'proxy',
        proxy_address: '127.0.0.1:9302',
        transport: { compress: true, ping_schedule: '60s' },
      },
      my_remote_cluster: {
        mode: 'proxy',
        proxy_address: 'east.example.com:9443',
        server_name: 'east.example.com',
        proxy_socket_connections: 18,
        skip_unavailable: false,
      },
    },
  },
  '9.1': {
    reservedRoles: ['beats_system', 'kibana_system', 'superuser'],
    roles: ['logstash-reader', 'remote-enrich', 'remote-search'],
    users: ['cross-cluster-kibana', 'cross-search-user'],
    remotes: {
      cluster_one: { mode: 'sniff', seeds: ['127.0.0.1:9300'] },
      cluster_two: { mode: 'sniff', seeds: ['127.0.0.1:9301'], skip_unavailable: true, transport: { compress: false } },
      cluster_three: {
        mode: 'proxy',
        proxy_address: '127.0.0.1:9302',
        transport: { compress: true, ping_schedule: '60s' },
      },
    },
  },
} as const;

describe.each(LINES)('reading an Elasticsearch %s cluster', (line) => {
  const fixture = FIXTURES[line];
  const expected = EXPECTED[line];

  async function readFixture(conn = connection()) {
    const seen = serveCluster(fixture.responses);
    const snapshot = await elasticsearch.read(conn);
    return { seen, snapshot, state: elasticsearch.parse(snapshot) };
  }

  it('reports the version from GET /', async () => {
    const { state } = await readFixture();
    expect(state.reachable).toBe(true);
    expect(state.version).toBe(fixture.version);
  });

  it('issue 10 bug 6: reports the minimum wire compatibility version from GET /', async () => {
    const { state } = await readFixture();
    const info = fixture.responses['GET /'] as { version: { minimum_wire_compatibility_version: string } };
    expect(state.minimumWireVersion).toBe(info.version.minimum_wire_compatibility_version);
  });

  it('sends exactly the requests of one round, once each', async () => {
    const { seen } = await readFixture();
    const paths = RESPONSE_KEYS.builtinPrivileges in fixture.responses ? [...PLAN_PATHS, PRIVILEGES_PATH] : PLAN_PATHS;
    expect(seen.map((r) => `${r.method} ${r.path}`).sort()).toEqual(paths.map((p) => `GET ${p}`).sort());
  });

  it('sends plain application/json, never the 9.x client compatible-with media type', async () => {
    const { seen } = await readFixture();
    for (const r of seen) {
      expect(r.headers.accept).toBe('application/json');
      expect(r.headers['content-type']).toBe('application/json');
      expect(JSON.stringify(r.headers)).not.toContain('compatible-with');
    }
  });

  it('authenticates every request with the API key', async () => {
    const { seen } = await readFixture();
    for (const r of seen) expect(r.headers.authorization).toBe(`ApiKey ${TEST_API_KEY}`);
  });

  it('authenticates every request with basic auth when given a username and password', async () => {
    const { seen } = await readFixture(connection({ auth: { username: 'xcluster', password: TEST_PASSWORD } }));
    const basic = `Basic ${Buffer.from(`xcluster:${TEST_PASSWORD}`).toString('base64')}`;
    for (const r of seen) expect(r.headers.authorization).toBe(basic);
  });

  it('keeps the exact bodies the server sent in the snapshot', async () => {
    const { snapshot } = await readFixture();
    expect(snapshot).toMatchObject({ format_version: 1, cluster: 'west', flavor: 'elasticsearch' });
    expect(snapshot.responses).toEqual(fixture.responses);
    const read = Object.values(RESPONSE_KEYS).filter(
      (k) => k in fixture.responses || k !== RESPONSE_KEYS.builtinPrivileges,
    );
    expect(Object.keys(snapshot.responses).sort()).toEqual(read.sort());
  });

  it('puts reserved roles and users in `reserved`, never among the objects', async () => {
    const { state } = await readFixture();
    expect(state.reserved.role).toEqual(expected.reservedRoles);
    expect(state.reserved.user).toEqual(RESERVED_USER_NAMES);
    expect(Object.keys(state.objects.role).sort()).toEqual(expected.roles);
    expect(Object.keys(state.objects.user).sort()).toEqual(expected.users);
    for (const name of [...expected.reservedRoles, ...RESERVED_USER_NAMES]) {
      expect(state.objects.role[name] ?? state.objects.user[name]).toBeUndefined();
    }
  });

  it('rebuilds remote clusters from the flat settings, in the nested config shape', async () => {
    const { state } = await readFixture();
    const remotes = Object.fromEntries(Object.entries(state.objects.remote_cluster).map(([k, v]) => [k, v.body]));
    expect(remotes).toEqual(expected.remotes);
  });

  it('reports what GET /_remote/info says about each connection', async () => {
    const { state } = await readFixture();
    expect(Object.keys(state.remoteInfo).sort()).toEqual(Object.keys(expected.remotes).sort());
    expect(state.remoteInfo.cluster_one).toMatchObject({ connected: true, mode: 'sniff', seeds: ['127.0.0.1:9300'] });
  });

  it('marks objects carrying the ownership marker as managed, and only those', async () => {
    const { snapshot, state } = await readFixture();
    const roles = snapshot.responses[RESPONSE_KEYS.roles] as Record<string, { metadata: Record<string, unknown> }>;
    for (const [name, live] of Object.entries(state.objects.role)) {
      expect(live.managed).toBe(roles[name]!.metadata.managed_by === 'xcluster');
    }
  });

  it('parses a snapshot purely: the same snapshot gives the same state', async () => {
    const { snapshot, state } = await readFixture();
    expect(elasticsearch.parse(structuredClone(snapshot))).toEqual(state);
  });
});

describe('request count (ACCEPTANCE)', () => {
  const role = (i: number) => [
    `role-${i}`,
    serverRole('8.15', { cluster: ['monitor'], indices: [{ names: [`idx-${i}`], privileges: ['read'] }] }),
  ];

  async function requestsFor(roleCount: number): Promise<{ requests: number; roles: number }> {
    const roles = Object.fromEntries(Array.from({ length: roleCount }, (_, i) => role(i)));
    const seen = serveCluster(clusterResponses('8.15', { roles }));
    const state = elasticsearch.parse(await elasticsearch.read(connection()));
    return { requests: seen.length, roles: Object.keys(state.objects.role).length };
  }

  it('reading a cluster with 1 role and with 500 roles sends the same number of HTTP requests', async () => {
    const one = await requestsFor(1);
    nock.cleanAll();
    const many = await requestsFor(500);
    expect(one.roles).toBe(1);
    expect(many.roles).toBe(500);
    expect(one.requests).toBe(7); // the six reads a plan needs and _authenticate (the privileges are not served here)
    expect(many.requests).toBe(one.requests);
  });
});

describe('flavor registry', () => {
  it('registers the Elasticsearch flavor under its name', () => {
    expect(flavors.elasticsearch).toBe(elasticsearch);
    expect(flavors.elasticsearch.flavor).toBe('elasticsearch');
  });

  it('normalizes desired and live bodies with the model normalize', () => {
    expect(elasticsearch.normalize('role', { cluster: ['B', 'a'], run_as: [], metadata: {} })).toEqual({
      cluster: ['a', 'b'],
    });
  });
});
