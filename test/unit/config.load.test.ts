import { describe, expect, it } from 'vitest';
import { loadConfig, timeoutMs } from '../../src/config/load.js';
import { ConfigErrors } from '../../src/model/errors.js';
import { formatSource } from '../../src/model/types.js';

const DIR = 'test/fixtures/config/valid/xcluster';
const WEST = 'test/fixtures/config/valid/xcluster/clusters/west.yml';
const EAST = 'test/fixtures/config/valid/xcluster/clusters/east.yaml';

describe('loadConfig: a valid two-cluster config', () => {
  const config = loadConfig(DIR);

  it('reads every cluster file, sorted, named after the file', () => {
    expect(config.dir).toBe(DIR);
    expect(config.clusters.map((c) => [c.name, c.file])).toEqual([
      ['east', EAST],
      ['west', WEST],
    ]);
  });

  it('maps the connection, with secrets as references and their places', () => {
    const [east, west] = config.clusters;
    expect(west).toEqual({
      name: 'west',
      file: WEST,
      prune: false,
      checkPasswords: 'plan',
      connection: {
        flavor: 'elasticsearch',
        url: 'https://west.example.com:9200',
        auth: { kind: 'api_key', apiKey: { ref: { env: 'WEST_API_KEY' }, source: { file: WEST, line: 6, column: 5 } } },
        ca: { ref: { file: 'certs/west.pem' }, source: { file: WEST, line: 7, column: 3 } },
        transport: 'west.example.com:9300',
        timeoutMs: 30_000,
        deadlineMs: 120_000,
        source: { file: WEST, line: 2, column: 1 },
      },
    });
    expect(east?.prune).toBe(true);
    expect(east?.connection.timeoutMs).toBe(500);
    expect(east?.connection.auth).toEqual({
      kind: 'basic',
      username: 'admin',
      password: { ref: { env: 'EAST_PASSWORD' }, source: { file: EAST, line: 6, column: 5 } },
    });
    expect(east?.connection.ca).toBeUndefined();
  });

  it('gives one Desired per object, in file order, sourced at the line of its key', () => {
    expect(config.desired.map((d) => [d.cluster, d.kind, d.name, formatSource(d.source)])).toEqual([
      ['east', 'role', 'leader-reader', `${EAST}:10`],
      ['west', 'role', 'remote-replication', `${WEST}:10`],
      ['west', 'user', 'cross-cluster-user', `${WEST}:16`],
      ['west', 'role_mapping', 'ldap-admins', `${WEST}:20`],
      ['west', 'remote_cluster', 'east', `${WEST}:25`],
    ]);
  });

  it('normalizes bodies', () => {
    const body = (name: string) => config.desired.find((d) => d.name === name)?.body;
    expect(body('remote-replication')).toEqual({
      cluster: ['manage_ccr'],
      indices: [{ names: ['follower-index-name'], privileges: ['manage_follow_index', 'monitor', 'read', 'write'] }],
    });
    // A lone index name is a list, privileges are lower-cased, a JSON-string query is an object,
    // allow_restricted_indices: false is the default.
    expect(body('leader-reader')).toEqual({
      cluster: ['read_ccr'],
      indices: [{ names: ['leader-index'], privileges: ['read'], query: { term: { public: true } } }],
    });
    expect(body('ldap-admins')).toEqual({
      roles: ['superuser'],
      rules: { field: { groups: 'cn=admins,dc=example,dc=com' } },
    });
  });

  it("keeps a user's password out of the body, as a reference with its place", () => {
    const user = config.desired.find((d) => d.kind === 'user');
    expect(user?.body).toEqual({ roles: ['remote-replication'] });
    expect(user?.password).toEqual({
      ref: { env: 'CROSS_CLUSTER_USER_PASSWORD' },
      source: { file: WEST, line: 17, column: 5 },
    });
  });

  it("keeps a remote's cluster link out of the body", () => {
    const remote = config.desired.find((d) => d.kind === 'remote_cluster');
    expect(remote?.linkedCluster).toBe('east');
    expect(remote?.body).toEqual({
      mode: 'sniff',
      seeds: ['east.example.com:9300'],
      skip_unavailable: true,
      transport: { compress: true, ping_schedule: '60s' },
    });
  });
});

describe('loadConfig: selecting clusters', () => {
  it('loads only the selected clusters, still checking links against every file', () => {
    // west links to east; selecting west alone must not call that link unknown.
    const config = loadConfig(DIR, { clusters: ['west'] });
    expect(config.clusters.map((c) => c.name)).toEqual(['west']);
    expect(new Set(config.desired.map((d) => d.cluster))).toEqual(new Set(['west']));
  });

  it('refuses an unknown cluster name, listing the known ones', () => {
    expect(() => loadConfig(DIR, { clusters: ['west', 'north'] })).toThrow(ConfigErrors);
    expect(() => loadConfig(DIR, { clusters: ['north'] })).toThrow(
      'unknown cluster "north" selected; known clusters: east, west',
    );
  });
});

describe('timeoutMs', () => {
  it.each([
    [30, 30_000],
    [1.5, 1500],
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
  ] as const)('%s → %i ms', (input, ms) => {
    expect(timeoutMs(input)).toBe(ms);
  });
});
