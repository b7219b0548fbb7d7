// The OpenSearch flavor, read side and canonical forms, against answers recorded from real
// OpenSearch 2.19.4 clusters (security plugin 2.19.4.0, demo configuration):
// test/fixtures/opensearch/2.19.4/ (see its README). HTTP is mocked with nock at the boundary.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { diffCluster } from '../../src/drift/diff.js';
import { type Connection, type Snapshot } from '../../src/flavors/flavor.js';
import { flavors } from '../../src/flavors/index.js';
import { opensearch, OPENSEARCH_RESPONSE_KEYS } from '../../src/flavors/opensearch.js';
import { readCluster } from '../../src/flavors/read.js';
import { ConfigErrors } from '../../src/model/errors.js';
import { type ClusterState, type Desired, type Kind } from '../../src/model/types.js';

const VERSION = '2.19.4';
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'opensearch', VERSION);
const URL = 'https://leader.example.com:9200';
const PASSWORD = 'Xcluster-Test-Passw0rd!';

const fixture = (file: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as unknown;

/** The recorded file of a read request: `/_a/b?x=y` → `GET__a_b.x=y.json`, `/` → `GET__.json`. */
const fileOf = (pathAndQuery: string): string => {
  const [p, q] = pathAndQuery.split('?');
  const name = p === '/' ? 'GET__' : `GET${p!.replace(/\//g, '_')}`;
  return `${name}${q ? `.${q.replace(/&/g, '.')}` : ''}.json`;
};

const READ_PATHS = Object.values(OPENSEARCH_RESPONSE_KEYS).map((k) => k.slice('GET '.length));

/**
 * The recorded answer to each read, as the admin user with basic auth gets it: the nodesdn API
 * refuses basic auth (403, recorded as `...nodesdn.basic-auth.json`), and the round goes on.
 */
const answerOf = (folder: string, p: string): { status: number; body: unknown } =>
  p === '/_plugins/_security/api/nodesdn'
    ? { status: 403, body: fixture(path.join(folder, 'GET__plugins__security_api_nodesdn.basic-auth.json')) }
    : { status: 200, body: fixture(path.join(folder, fileOf(p))) };

const conn = (url = URL): Connection => ({
  cluster: 'leader',
  url,
  auth: { username: 'admin', password: PASSWORD },
  timeoutMs: 2000,
});

/** The recorded read round of one cluster, as a Snapshot (what `read` returns). */
function recorded(folder: 'leader' | 'follower', overrides: Record<string, unknown> = {}): Snapshot {
  const responses: Record<string, unknown> = {};
  for (const p of READ_PATHS) responses[`GET ${p}`] = answerOf(folder, p).body;
  return { format_version: 1, cluster: folder, flavor: 'opensearch', responses: { ...responses, ...overrides } };
}

/** Serves the recorded round over nock; returns the request lines the server saw. */
function serve(folder: 'leader' | 'follower', overrides: Record<string, unknown> = {}): string[] {
  const seen: string[] = [];
  const snapshot = recorded(folder, overrides);
  const scope = nock(URL).persist();
  for (const p of READ_PATHS) {
    scope.get(p).reply(function () {
      seen.push(`GET ${this.req.path}`);
      return [answerOf(folder, p).status, snapshot.responses[`GET ${p}`] as nock.Body];
    });
  }
  return seen;
}

const desired = (kind: Kind, name: string, body: object): Desired => ({
  cluster: 'leader',
  kind,
  name,
  body: opensearch.normalize(kind, body),
  source: { file: 'xcluster/clusters/leader.yml', line: 5, column: 3 },
});

/** The custom role as it was written (writes/01) and read back (writes/02). */
const WRITTEN_ROLE = {
  description: 'test role',
  cluster_permissions: ['cluster_monitor'],
  index_permissions: [{ index_patterns: ['logs-*'], allowed_actions: ['read'] }],
};

/** Live state: the leader's read round plus recorded custom objects of the writes. */
function leaderWithCustomObjects(): ClusterState {
  const base = recorded('leader');
  const r = base.responses;
  const k = OPENSEARCH_RESPONSE_KEYS;
  const merge = (key: string, file: string): Record<string, unknown> => ({
    ...(r[key] as object),
    ...(fixture(path.join('writes', file)) as object),
  });
  return opensearch.parse({
    ...base,
    responses: {
      ...r,
      [k.roles]: merge(k.roles, '02_GET__plugins__security_api_roles_xcluster-test.json'),
      [k.rolesMapping]: merge(k.rolesMapping, '20_GET__plugins__security_api_rolesmapping_xcluster-test.json'),
      [k.internalUsers]: merge(k.internalUsers, '29_GET__plugins__security_api_internalusers_xcluster-user.json'),
      [k.actionGroups]: merge(k.actionGroups, '43_GET__plugins__security_api_actiongroups_xcluster-ag.json'),
    },
  });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.disableNetConnect();
});

describe(`OpenSearch flavor: read (fixtures of OpenSearch ${VERSION})`, () => {
  it('is registered and sends exactly the ten GETs of one round', async () => {
    expect(flavors.opensearch).toBe(opensearch);
    const seen = serve('leader');
    const snapshot = await opensearch.read(conn());
    expect(seen.sort()).toEqual(READ_PATHS.map((p) => `GET ${p}`).sort());
    expect(Object.keys(snapshot.responses).sort()).toEqual(Object.values(OPENSEARCH_RESPONSE_KEYS).sort());
    expect(snapshot.flavor).toBe('opensearch');
  });

  it('sends the same ten GETs for one role as for many', async () => {
    const one = serve('leader', { [OPENSEARCH_RESPONSE_KEYS.roles]: { only: { cluster_permissions: [] } } });
    await opensearch.read(conn());
    nock.cleanAll();
    const many = serve('leader');
    await opensearch.read(conn());
    expect(one).toHaveLength(10);
    expect(many).toHaveLength(10);
  });

  it('a nodesdn API refused without the admin certificate leaves nodes_dn unreadable, not the cluster', async () => {
    serve('leader');
    const { state } = await readCluster('leader', opensearch, conn());
    expect(state.reachable).toBe(true);
    expect(state.unreadable).toEqual({ nodes_dn: 'FORBIDDEN: Access denied' });
    expect(state.objects.nodes_dn).toEqual({});
  });

  it('a cluster without the nodesdn API (400, no handler) leaves nodes_dn unreadable, and says which setting turns it on', async () => {
    // OpenSearch 2.19.4's answer to a GET on a path without a handler (seen with curl on the
    // integration clusters); without nodes_dn_dynamic_config_enabled, NodesDnApiAction.routes() is empty.
    const noHandler = { error: 'no handler found for uri [/_plugins/_security/api/nodesdn] and method [GET]' };
    const scope = nock(URL).persist();
    for (const p of READ_PATHS) {
      const body = p === '/_plugins/_security/api/nodesdn' ? noHandler : recorded('leader').responses[`GET ${p}`];
      scope.get(p).reply(p === '/_plugins/_security/api/nodesdn' ? 400 : 200, body as nock.Body);
    }
    const { state } = await readCluster('leader', opensearch, conn());
    expect(state.reachable).toBe(true);
    expect(state.objects.nodes_dn).toEqual({});
    expect(state.unreadable?.nodes_dn).toBe(
      'no handler found for uri [/_plugins/_security/api/nodesdn] and method [GET] (the nodesdn API needs plugins.security.nodes_dn_dynamic_config_enabled: true in opensearch.yml)',
    );
  });

  it('a cluster without the security plugin (400, no handler) is read: its remotes, and every security kind unreadable', async () => {
    const security = READ_PATHS.filter((p) => p.startsWith('/_plugins/_security/'));
    const scope = nock('http://plain.example.com:9200').persist();
    for (const p of READ_PATHS) {
      // The answer OpenSearch 2.19.4 gives on a path without a handler (seen with curl on the integration clusters).
      const noHandler = { error: `no handler found for uri [${p}] and method [GET]` };
      const body = security.includes(p) ? noHandler : recorded('follower').responses[`GET ${p}`];
      scope.get(p).reply(security.includes(p) ? 400 : 200, body as nock.Body);
    }
    const plain = { ...conn('http://plain.example.com:9200'), auth: null };
    const { state } = await readCluster('plain', opensearch, plain);
    expect(state.reachable).toBe(true);
    expect(Object.keys(state.objects.remote_cluster)).toEqual(['leader']);
    expect(Object.keys(state.unreadable ?? {}).sort()).toEqual([
      'action_group',
      'internal_user',
      'nodes_dn',
      'role',
      'roles_mapping',
    ]);
    expect(state.unreadable?.role).toBe(
      'no handler found for uri [/_plugins/_security/api/roles] and method [GET] (is the security plugin installed and enabled?)',
    );
  });

  it('with the admin certificate, nodes_dn entries are read', async () => {
    const snapshot = recorded('leader', {
      [OPENSEARCH_RESPONSE_KEYS.nodesDn]: fixture('writes/48_GET__plugins__security_api_nodesdn.after-put.json'),
    });
    const state = opensearch.parse(snapshot);
    expect(state.unreadable).toBeUndefined();
    expect(state.objects.nodes_dn).toEqual({
      'xcluster-follower': {
        body: { nodes_dn: ['CN=node-0.example.com,OU=node,O=node,L=test,C=de'] },
        managed: false,
      },
    });
  });

  it('sends basic auth', async () => {
    const auth = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
    const scope = nock(URL, { reqheaders: { authorization: auth } })
      .persist()
      .get(/.*/)
      .reply(200, {});
    // `{}` is no answer of the right shape: the read fails, but every request carried the credentials.
    await opensearch.read(conn()).catch(() => undefined);
    expect(scope.isDone()).toBe(true);
  });

  it('a 401 makes the cluster unreachable with a reason and no secret', async () => {
    nock(URL).persist().get(/.*/).reply(401, 'Unauthorized', { 'content-type': 'text/plain' });
    const { state } = await readCluster('leader', opensearch, conn());
    expect(state.reachable).toBe(false);
    expect(state.flavor).toBe('opensearch');
    // The real server's 401 is text/plain (writes/31): named with its request and content type.
    expect(state.error).toBe('GET / answered 401 Unauthorized (text/plain): Unauthorized');
    expect(state.error).not.toContain(PASSWORD);
  });

  it('a security plugin error reports its message', async () => {
    nock(URL).persist().get(/.*/).reply(403, { status: 'FORBIDDEN', message: 'no permissions' });
    const { state } = await readCluster('leader', opensearch, conn());
    expect(state.error).toBe('GET / answered 403 Forbidden: no permissions');
  });

  it('a refused connection is reported by its code', async () => {
    nock(URL)
      .persist()
      .get(/.*/)
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const { state } = await readCluster('leader', opensearch, conn());
    expect(state.error).toBe(`connection refused (ECONNREFUSED) at ${URL}`);
  });
});

describe(`OpenSearch flavor: parse (fixtures of OpenSearch ${VERSION})`, () => {
  it('puts reserved, static and hidden objects into reserved, and reads the version', () => {
    const state = opensearch.parse(recorded('leader'));
    expect(state.version).toBe(VERSION);
    expect(state.flavor).toBe('opensearch');
    expect(state.reserved.role).toContain('cross_cluster_replication_leader_full_access');
    expect(state.reserved.role).toContain('cross_cluster_replication_follower_full_access');
    expect(state.reserved.role).toContain('all_access');
    expect(state.reserved.role).toHaveLength(50); // every role of the demo configuration is reserved
    expect(state.objects.role).toEqual({});
    expect(state.reserved.action_group).toHaveLength(26);
    expect(state.reserved.roles_mapping).toContain('kibana_server');
    // The demo's all_access mapping is not reserved: it is a live object, marked as the demo's.
    expect(state.objects.roles_mapping.all_access?.managed).toBe(false);
    expect(state.objects.internal_user.logstash).toEqual({
      body: { backend_roles: ['logstash'], description: 'Demo logstash user, using external role mapping' },
      managed: false,
      demo: true,
    });
  });

  it('reads remotes from flat settings and _remote/info', () => {
    const state = opensearch.parse(recorded('follower'));
    expect(state.objects.remote_cluster.leader).toEqual({
      body: { mode: 'sniff', seeds: ['127.0.0.1:19300'] },
      managed: false,
      scopes: ['persistent'],
    });
    expect(state.remoteInfo.leader?.connected).toBe(true);
  });

  it('a cluster that matches the config shows no drift: defaults, hash and the marker are invisible', () => {
    const live = leaderWithCustomObjects();
    expect(live.objects.role['xcluster-test']).toEqual({
      body: {
        cluster_permissions: ['cluster_monitor'],
        description: 'test role',
        index_permissions: [{ allowed_actions: ['read'], index_patterns: ['logs-*'] }],
      },
      managed: true,
    });
    const want = [
      desired('role', 'xcluster-test', WRITTEN_ROLE),
      desired('roles_mapping', 'xcluster-test', {
        users: ['xcluster-user'],
        backend_roles: ['xcluster-backend'],
        description: 'm',
      }),
      desired('internal_user', 'xcluster-user', {
        backend_roles: ['xcluster-backend'],
        attributes: { 'xcluster.managed': 'true' },
        description: 'test user',
        opendistro_security_roles: ['xcluster-test'],
        hash: 'whatever',
      }),
      desired('action_group', 'xcluster-ag', {
        allowed_actions: ['indices:data/read/search'],
        type: 'index',
        description: 'ag',
      }),
    ];
    expect(diffCluster(want, live, false).changes).toEqual([]);
  });

  it('the written forms with explicit defaults normalize like the server forms', () => {
    const n = opensearch.normalize;
    expect(
      n('role', {
        ...WRITTEN_ROLE,
        index_permissions: [
          { index_patterns: ['logs-*'], allowed_actions: ['read'], fls: [], masked_fields: [], dls: '' },
        ],
        tenant_permissions: [],
        reserved: false,
        hidden: false,
        static: false,
      }),
    ).toEqual(n('role', WRITTEN_ROLE));
    expect(n('internal_user', { hash: '', backend_roles: [], attributes: {}, opendistro_security_roles: [] })).toEqual(
      {},
    );
    expect(n('roles_mapping', { hosts: [], users: [], backend_roles: [], and_backend_roles: [] })).toEqual({});
    expect(n('role', { dls: { term: { public: true } } })).toEqual(n('role', { dls: '{"term":{"public":true}}' }));
  });

  it('dls written as an object equals the string the server returns (writes/04)', () => {
    const live = opensearch.normalize(
      'role',
      (
        fixture('writes/04_GET__plugins__security_api_roles_xcluster-test.after-update.json') as Record<string, unknown>
      )['xcluster-test'],
    );
    const written = opensearch.normalize('role', {
      description: 'test role',
      cluster_permissions: ['cluster_monitor'],
      index_permissions: [
        {
          index_patterns: ['logs-*'],
          dls: { term: { public: true } },
          fls: ['~secret'],
          masked_fields: ['user.email'],
          allowed_actions: ['indices:admin/mappings/get', 'read'],
        },
      ],
      tenant_permissions: [{ tenant_patterns: ['global_tenant'], allowed_actions: ['kibana_all_read'] }],
    });
    expect(written).toEqual(live);
  });

  it('a real difference shows as drift, and the marker sets managed', () => {
    const live = leaderWithCustomObjects();
    const changed = desired('role', 'xcluster-test', { ...WRITTEN_ROLE, cluster_permissions: ['cluster_all'] });
    const { changes } = diffCluster([changed], live, false);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ action: 'update', kind: 'role', name: 'xcluster-test' });
    expect(changes[0]!.diff).toEqual([
      { path: ['cluster_permissions'], before: ['cluster_monitor'], after: ['cluster_all'] },
    ]);
    expect(live.objects.roles_mapping['xcluster-test']?.managed).toBe(true);
    expect(live.objects.action_group['xcluster-ag']?.managed).toBe(true);
  });

  it('an internal user is managed by its attribute managed_by: xcluster, which is invisible', () => {
    const body = { hash: '', attributes: { managed_by: 'xcluster', team: 'a' }, backend_roles: [] };
    const state = opensearch.parse({
      ...recorded('leader'),
      responses: { [OPENSEARCH_RESPONSE_KEYS.internalUsers]: { ours: body } },
    });
    expect(state.objects.internal_user.ours).toEqual({ body: { attributes: { team: 'a' } }, managed: true });
  });
});

describe('OpenSearch flavor: config', () => {
  const OPENSEARCH_FILE = `connection:
  flavor: opensearch
  url: https://follower.example.com:9200
  auth:
    username: admin
    password: { env: FOLLOWER_PASSWORD }
`;

  function load(text: string): ReturnType<typeof loadConfig> {
    const root = mkdtempSync(path.join(tmpdir(), 'xcluster-os-'));
    try {
      const clusters = path.join(root, 'xcluster', 'clusters');
      mkdirSync(clusters, { recursive: true });
      writeFileSync(path.join(clusters, 'follower.yml'), text);
      return loadConfig(path.join(root, 'xcluster'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  it('an OpenSearch cluster file with remote clusters loads, and matches the recorded follower', () => {
    const config = load(`${OPENSEARCH_FILE}remote_clusters:\n  leader:\n    seeds: [127.0.0.1:19300]\n`);
    expect(config.clusters[0]!.connection.flavor).toBe('opensearch');
    const live = opensearch.parse(recorded('follower'));
    expect(diffCluster(config.desired, live, false).changes).toEqual([]);
  });

  it('an Elasticsearch role key on an OpenSearch cluster is an error that says so, not a role in the wrong dialect', () => {
    let messages: string[] = [];
    try {
      load(`${OPENSEARCH_FILE}roles:\n  reader:\n    cluster: [monitor]\n`);
    } catch (e) {
      if (e instanceof ConfigErrors) messages = e.errors.map((x) => x.message);
    }
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/Elasticsearch/);
  });
});
