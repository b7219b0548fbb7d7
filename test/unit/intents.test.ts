// ACCEPTANCE (issue 6): "Each intent kind expands, in a test, to exactly the role/user/connection
// bodies of the matching seed example (compare with the JSON in the seed, not with our own
// output)." The JSON below is copied from the seed documents (/work/shared/seeds/000–003); the
// expansion goes through loadConfig, as in every command.

import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expandIntents, OPENSEARCH_KINDS } from '../../src/config/intents.js';
import { loadConfig } from '../../src/config/load.js';
import { clusterFileJsonSchema, INTENTS_DEFINITION } from '../../src/config/json-schema.js';
import { intentsFileSchema } from '../../src/config/schema-intents.js';
import { normalize } from '../../src/model/normalize.js';
import { formatSource, type Config, type Desired, type Kind } from '../../src/model/types.js';
import { clusterFile, loadErrors, loadFiles } from './helpers/config-dir.js';

const EAST = clusterFile('east');
const WEST = clusterFile('west');

const get = (config: Config, cluster: string, kind: Kind, name: string): Desired | undefined =>
  config.desired.find((d) => d.cluster === cluster && d.kind === kind && d.name === name);

const objectsOf = (config: Config) => config.desired.map((d) => `${d.cluster} ${d.kind} ${d.name}`).sort();

// ---------------------------------------------------------------------------------------------
// Seed JSON, copied verbatim (password left out: it is a secret reference here)

/** Seed 000 / 001 (certificate) / 002: "creates a remote-replication role on the remote cluster". */
const SEED_CCR_REMOTE_ROLE = {
  cluster: ['read_ccr'],
  indices: [{ names: ['leader-index-name'], privileges: ['monitor', 'read'] }],
};
/** Seed 000 / 001 (certificate) / 002: "creates a remote-replication role on the local cluster". */
const SEED_CCR_LOCAL_ROLE = {
  cluster: ['manage_ccr'],
  indices: [{ names: ['follower-index-name'], privileges: ['monitor', 'read', 'write', 'manage_follow_index'] }],
};
/** Seed 000 / 001 / 002: POST /_security/user/cross-cluster-user (without the password). */
const SEED_CCR_USER = { roles: ['remote-replication'] };
/** Seed 001, API key model: the local remote-replication role for alias my_remote_cluster. */
const SEED_CCR_API_KEY_ROLE = {
  cluster: ['manage_ccr'],
  remote_indices: [
    { clusters: ['my_remote_cluster'], names: ['leader-index'], privileges: ['cross_cluster_replication'] },
  ],
};
/** Seed 002: "adds a remote cluster with an alias of cluster_one" (seeds only, sniff by default). */
const seedRemote = (address: string) => ({ seeds: [address] });
/** Seed 002: the remote-search role on the remote cluster, and on the local cluster (`{}`). */
const SEED_CCS_REMOTE_ROLE = { indices: [{ names: ['target-indices'], privileges: ['read', 'read_cross_cluster'] }] };
const SEED_CCS_LOCAL_ROLE = {};
const SEED_CCS_USER = { roles: ['remote-search'] };
/** Seed 002, "cross-cluster search and Kibana": local and remote logstash-reader, and the user. */
const SEED_KIBANA_LOCAL_ROLE = { indices: [{ names: ['logstash-*'], privileges: ['read', 'view_index_metadata'] }] };
const SEED_KIBANA_REMOTE_ROLE = {
  indices: [{ names: ['logstash-*'], privileges: ['read_cross_cluster', 'read', 'view_index_metadata'] }],
};
const SEED_KIBANA_USER = { roles: ['logstash-reader', 'kibana-access'] };

// ---------------------------------------------------------------------------------------------
// Intents matching each seed example

const CCR_CERTIFICATE = `replication:
  - name: orders
    security: certificate
    leader: { cluster: east, indices: [leader-index-name] }
    follower: { cluster: west, indices: [follower-index-name] }
    role: remote-replication
    user: { name: cross-cluster-user, password: { env: CCR_PASSWORD } }
`;

const CCR_API_KEY = `replication:
  - name: orders
    security: api_key
    leader: { cluster: east, indices: [leader-index] }
    follower: { cluster: west, indices: [follower-index] }
    alias: my_remote_cluster
    role: remote-replication
    user: { name: cross-cluster-user, password: { env: CCR_PASSWORD } }
`;

const CCS = `search:
  - name: targets
    security: certificate
    local: west
    remote: east
    indices: [target-indices]
    role: remote-search
    user: { name: cross-search-user, password: { env: CCS_PASSWORD } }
`;

const CCS_KIBANA = `search:
  - name: logstash
    security: certificate
    local: west
    remote: east
    indices: ['logstash-*']
    role: logstash-reader
    kibana: true
    user: { name: cross-cluster-kibana, password: { env: KIBANA_PASSWORD }, roles: [kibana-access] }
`;

const load = (intents: string, files: Record<string, string> = {}) =>
  loadFiles({ 'clusters/east.yml': EAST, 'clusters/west.yml': WEST, 'intents.yml': intents, ...files });

describe('intents expand to the seed examples', () => {
  it('Elasticsearch replication, certificate (seed 000): roles of the same name on both, the user and the connection on the follower', () => {
    const config = load(CCR_CERTIFICATE);
    expect(objectsOf(config)).toEqual([
      'east role remote-replication',
      'west remote_cluster east',
      'west role remote-replication',
      'west user cross-cluster-user',
    ]);
    expect(get(config, 'east', 'role', 'remote-replication')!.body).toEqual(normalize('role', SEED_CCR_REMOTE_ROLE));
    expect(get(config, 'west', 'role', 'remote-replication')!.body).toEqual(normalize('role', SEED_CCR_LOCAL_ROLE));
    const user = get(config, 'west', 'user', 'cross-cluster-user')!;
    expect(user.body).toEqual(normalize('user', SEED_CCR_USER));
    expect(user.password?.ref).toEqual({ env: 'CCR_PASSWORD' });
    const remote = get(config, 'west', 'remote_cluster', 'east')!;
    expect(remote.body).toEqual(normalize('remote_cluster', seedRemote('east.example.com:9300')));
    expect(remote.linkedCluster).toBe('east');
  });

  it('Elasticsearch replication, api_key (seed 001): the follower role with remote_indices, the user; no role on the leader', () => {
    const config = load(CCR_API_KEY);
    expect(objectsOf(config)).toEqual(['west role remote-replication', 'west user cross-cluster-user']);
    expect(get(config, 'west', 'role', 'remote-replication')!.body).toEqual(normalize('role', SEED_CCR_API_KEY_ROLE));
    expect(get(config, 'west', 'user', 'cross-cluster-user')!.body).toEqual(normalize('user', SEED_CCR_USER));
    // The cross-cluster API key the leader must grant is stated by a rule (rules.test.ts: api-key-required).
    expect(config.intents).toEqual([expect.objectContaining({ security: 'api_key', alias: 'my_remote_cluster' })]);
  });

  it('Elasticsearch search, certificate (seed 002): read + read_cross_cluster on the remote, an empty role and the user locally', () => {
    const config = load(CCS);
    expect(objectsOf(config)).toEqual([
      'east role remote-search',
      'west remote_cluster east',
      'west role remote-search',
      'west user cross-search-user',
    ]);
    expect(get(config, 'east', 'role', 'remote-search')!.body).toEqual(normalize('role', SEED_CCS_REMOTE_ROLE));
    expect(get(config, 'west', 'role', 'remote-search')!.body).toEqual(normalize('role', SEED_CCS_LOCAL_ROLE));
    expect(get(config, 'west', 'user', 'cross-search-user')!.body).toEqual(normalize('user', SEED_CCS_USER));
    expect(get(config, 'west', 'remote_cluster', 'east')!.body).toEqual(
      normalize('remote_cluster', seedRemote('east.example.com:9300')),
    );
  });

  it('Elasticsearch search with kibana: true (seed 002, "cross-cluster search and Kibana")', () => {
    const config = load(CCS_KIBANA);
    expect(get(config, 'west', 'role', 'logstash-reader')!.body).toEqual(normalize('role', SEED_KIBANA_LOCAL_ROLE));
    expect(get(config, 'east', 'role', 'logstash-reader')!.body).toEqual(normalize('role', SEED_KIBANA_REMOTE_ROLE));
    expect(get(config, 'west', 'user', 'cross-cluster-kibana')!.body).toEqual(normalize('user', SEED_KIBANA_USER));
    expect(get(config, 'east', 'user', 'cross-cluster-kibana')).toBeUndefined();
  });

  // Seed 003 has no JSON bodies: "create an identical user on each cluster (for example,
  // replication_user) and map them to the cross_cluster_replication_leader_full_access role on the
  // remote cluster and cross_cluster_replication_follower_full_access on the follower cluster".
  const OPENSEARCH = `replication:
  - name: replication
    security: certificate
    leader: { cluster: leader, indices: [leader-01] }
    follower: { cluster: follower, indices: [follower-01] }
    user: { name: replication_user, password: { env: REPLICATION_PASSWORD } }
`;
  const expandOpenSearch = () =>
    expandIntents(
      { yaml: yamlOf(OPENSEARCH), data: intentsFileSchema.parse(parseDocument(OPENSEARCH).toJS()) },
      {
        clusters: [
          { name: 'leader', flavor: 'opensearch' },
          { name: 'follower', flavor: 'opensearch' },
        ],
        transports: { leader: 'leader.example.com:9300' },
        handWritten: [],
      },
    );

  it('OpenSearch replication (seed 003): the same user on both clusters, mapped to the leader and follower roles', () => {
    const { desired, errors } = expandOpenSearch();
    expect(errors).toEqual([]);
    const summary = desired.map((d) => [d.cluster, d.kind, d.name, d.body]);
    // Exactly these five objects, in any order.
    expect(summary).toHaveLength(5);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['leader', OPENSEARCH_KINDS.user, 'replication_user', {}],
        ['follower', OPENSEARCH_KINDS.user, 'replication_user', {}],
        [
          'leader',
          OPENSEARCH_KINDS.mapping,
          'cross_cluster_replication_leader_full_access',
          { users: ['replication_user'] },
        ],
        [
          'follower',
          OPENSEARCH_KINDS.mapping,
          'cross_cluster_replication_follower_full_access',
          { users: ['replication_user'] },
        ],
        ['follower', 'remote_cluster', 'leader', { mode: 'sniff', seeds: ['leader.example.com:9300'] }],
      ]),
    );
  });
});

function yamlOf(text: string) {
  const lines = new LineCounter();
  return { file: 'intents.yml', doc: parseDocument(text, { lineCounter: lines }), lines };
}

describe('expanded objects keep the intent', () => {
  const config = load(CCR_CERTIFICATE);

  it("every object is sourced at the intent's line and carries its name", () => {
    for (const d of config.desired) {
      expect(formatSource(d.source)).toMatch(/xcluster\/intents\.yml:2$/);
      expect(d.intent).toBe('orders');
    }
  });

  it('the secret reference of the password points at its own line', () => {
    expect(get(config, 'west', 'user', 'cross-cluster-user')!.password?.source.line).toBe(7);
  });

  it('only the selected clusters get objects; the intents are all kept', () => {
    const west = loadFiles(
      { 'clusters/east.yml': EAST, 'clusters/west.yml': WEST, 'intents.yml': CCR_CERTIFICATE },
      { clusters: ['west'] },
    );
    expect(new Set(west.desired.map((d) => d.cluster))).toEqual(new Set(['west']));
    expect(west.intents).toHaveLength(1);
  });

  it('two intents that share a role name grant both; the shared connection appears once', () => {
    const both = load(
      CCR_CERTIFICATE +
        `  - name: invoices
    security: certificate
    leader: { cluster: east, indices: [invoices] }
    follower: { cluster: west, indices: [invoices-copy] }
    role: remote-replication
    user: { name: cross-cluster-user, password: { env: CCR_PASSWORD } }
`,
    );
    const leader = get(both, 'east', 'role', 'remote-replication')!;
    expect(leader.body).toEqual(
      normalize('role', {
        cluster: ['read_ccr'],
        indices: [
          { names: ['leader-index-name'], privileges: ['monitor', 'read'] },
          { names: ['invoices'], privileges: ['monitor', 'read'] },
        ],
      }),
    );
    expect(leader.intent).toBe('orders, invoices');
    expect(both.desired.filter((d) => d.kind === 'remote_cluster')).toHaveLength(1);
  });
});

describe('a hand-written remote connection of the same alias', () => {
  const handWritten = (seeds: string, link = '') =>
    WEST + `remote_clusters:\n  east:\n${link}    seeds: [${seeds}]\n    skip_unavailable: true\n`;

  it('is the one the intent uses when it points at the same cluster (its settings are kept)', () => {
    const config = load(CCS, { 'clusters/west.yml': handWritten('east.example.com:9300') });
    const remotes = config.desired.filter((d) => d.kind === 'remote_cluster');
    expect(remotes).toHaveLength(1);
    expect(remotes[0]!.intent).toBeUndefined();
    expect(remotes[0]!.body.skip_unavailable).toBe(true);
  });

  it('is a conflict when it points elsewhere, naming both places', () => {
    const errors = loadErrors({
      'clusters/east.yml': EAST,
      'clusters/west.yml': handWritten('elsewhere.example.com:9300'),
      'intents.yml': CCS,
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /intents\.yml:2:5: search intent "targets": remote_clusters\.east of west \(.*west\.yml:8\)/,
    );
  });
});

describe('intent configuration errors, with file:line', () => {
  const errorsOf = (intents: string, files: Record<string, string> = {}) =>
    loadErrors({ 'clusters/east.yml': EAST, 'clusters/west.yml': WEST, 'intents.yml': intents, ...files });

  it('an object also written by hand names both sources', () => {
    const west = WEST + 'roles:\n  remote-search: {}\n';
    const [error, ...rest] = errorsOf(CCS, { 'clusters/west.yml': west });
    expect(rest).toEqual([]);
    expect(error).toMatch(/intents\.yml:2:5: role "remote-search" on west comes from intent "targets"/);
    expect(error).toMatch(/also written by hand at .*clusters\/west\.yml:8; remove one of them/);
  });

  it('a leader without a transport address, when no connection is written by hand', () => {
    const east = 'connection:\n  flavor: elasticsearch\n  url: https://east.example.com:9200\n';
    expect(errorsOf(CCR_CERTIFICATE, { 'clusters/east.yml': east })).toEqual([
      expect.stringMatching(/intents\.yml:2:5: replication intent "orders": cluster east has no connection\.transport/),
    ]);
  });

  it('an unknown cluster, with the nearest name', () => {
    expect(errorsOf(CCR_CERTIFICATE.replace('cluster: east', 'cluster: eats'))).toEqual([
      expect.stringMatching(
        /intents\.yml:4:15: replication\[0\]\.leader\.cluster: unknown cluster "eats" .*did you mean "east"\?/,
      ),
    ]);
  });

  it('an unknown key, with the nearest known one (the schema)', () => {
    expect(errorsOf(CCR_CERTIFICATE.replace('    role:', '    rol:'))).toEqual([
      expect.stringMatching(/intents\.yml:6:5: unknown key "rol" in replication\[0\]; did you mean "role"\?/),
    ]);
  });

  it('an inline password', () => {
    const [error] = errorsOf(CCR_CERTIFICATE.replace('{ env: CCR_PASSWORD }', 's3cret-Passw0rd'));
    expect(error).toMatch(/intents\.yml:7:\d+: .*inline secret/);
    expect(error).not.toContain('s3cret-Passw0rd');
  });

  it('a replication intent without a role (Elasticsearch), and two intents of one name', () => {
    expect(errorsOf(CCR_CERTIFICATE.replace('    role: remote-replication\n', ''))).toEqual([
      expect.stringMatching(/intents\.yml:2:5: replication intent "orders": missing role/),
    ]);
    const twice = CCR_CERTIFICATE + CCR_CERTIFICATE.replace('replication:\n', '');
    expect(errorsOf(twice)).toEqual([
      expect.stringMatching(
        /intents\.yml:8:5: replication intent "orders": the name is already used at .*intents\.yml:2/,
      ),
    ]);
  });
});

describe('schema/intents.schema.json', () => {
  it('points at the intents definition of the generated xcluster.schema.json', () => {
    const pointer = JSON.parse(readFileSync('schema/intents.schema.json', 'utf8')) as { $ref: string };
    expect(pointer.$ref).toBe(`xcluster.schema.json#/definitions/${INTENTS_DEFINITION}`);
    const definitions = clusterFileJsonSchema().definitions as Record<string, { properties?: object }>;
    expect(Object.keys(definitions[INTENTS_DEFINITION]?.properties ?? {})).toEqual(['replication', 'search']);
    expect(definitions.replicationIntent).toBeDefined();
  });

  it("shares the cluster file's definitions it reuses unchanged (the secret reference)", () => {
    const alone = z.toJSONSchema(intentsFileSchema, { target: 'draft-7', io: 'input' }).definitions ?? {};
    const together = clusterFileJsonSchema().definitions as Record<string, unknown>;
    expect(Object.keys(alone)).toContain('secret');
    for (const [id, definition] of Object.entries(alone)) expect(together[id], id).toEqual(definition);
  });
});

describe('examples/ccr uses intents', () => {
  it('for its replication and search', () => {
    const config = loadConfig('examples/ccr/xcluster');
    expect(config.intents?.map((i) => [i.kind, i.name])).toEqual([
      ['replication', 'orders'],
      ['search', 'logs'],
    ]);
  });
});
