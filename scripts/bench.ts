// npm run bench: how xcluster scales, measured rather than asserted (no test times anything).
// Three questions, both flavors, HTTP mocked with nock at the same boundary the unit tests use:
//   1. requests of one read round, for 1 and for 500 objects of each kind;
//   2. time to plan an estate from snapshots (YAML load, normalization, diff, rules, rendering);
//   3. requests an apply of N changes costs (Elasticsearch: one per object; OpenSearch: a read of the
//      collection and one PATCH per kind).
// Medians of a few runs on this machine; compare runs on one machine, not across machines.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import nock from 'nock';
import { diffCluster } from '../src/drift/diff.js';
import { type Connection, type FlavorAdapter, type Snapshot } from '../src/flavors/flavor.js';
import { RESPONSE_KEYS } from '../src/flavors/elasticsearch.js';
import { flavors } from '../src/flavors/index.js';
import { OPENSEARCH_RESPONSE_KEYS } from '../src/flavors/opensearch.js';
import { planJob } from '../src/job.js';
import { emptyObjects, emptyReserved, type ClusterState, type Desired, type Flavor } from '../src/model/types.js';
import { renderText } from '../src/render/text.js';
import { clusterResponses, serverRole, serverRoleMapping, serverUser } from '../test/unit/helpers/es-shapes.js';

const URL = 'https://bench.example.com:9200';
const RETRY = { retries: 0, baseDelayMs: 0, maxDelayMs: 0, deadlineMs: 0, sleep: () => Promise.resolve() };
const conn = (flavor: Flavor): Connection => ({
  cluster: 'bench',
  url: URL,
  auth: flavor === 'elasticsearch' ? { apiKey: 'YmVuY2g6YmVuY2g=' } : { username: 'admin', password: 'bench' },
  timeoutMs: 30_000,
});
const ES_HEADERS = { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' };
/** OpenSearch's answer to a collection PATCH (test/fixtures/opensearch/2.19.4/writes). */
const PATCH_OK = { status: 'OK', message: "'roles' updated." };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(runs: number, f: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await f();
    times.push(performance.now() - start);
  }
  return median(times);
}

// ---------------------------------------------------------------------------------------------
// Server answers with n objects of each kind

const names = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

function elasticsearchResponses(n: number): Record<string, unknown> {
  const role = { cluster: ['monitor'], indices: [{ names: ['logs-*'], privileges: ['read'] }] };
  // No 8.15 server was recorded: its privilege list is the nearest recorded one (8.19.5), which
  // the read round asks for as any cluster's.
  const builtinPrivileges = JSON.parse(
    readFileSync('test/fixtures/elasticsearch/8.19.5/GET__security_privilege__builtin.json', 'utf8'),
  ) as unknown;
  const responses = clusterResponses('8.15', {
    roles: Object.fromEntries(names(n, 'role').map((r) => [r, serverRole('8.15', role)])),
    users: Object.fromEntries(names(n, 'user').map((u) => [u, serverUser(u, { roles: ['role-0'] })])),
    roleMappings: Object.fromEntries(
      names(n, 'mapping').map((m) => [
        m,
        serverRoleMapping({ enabled: true, roles: ['role-0'], rules: { field: { username: m } } }),
      ]),
    ),
  });
  return { ...responses, [RESPONSE_KEYS.builtinPrivileges]: builtinPrivileges };
}

/** The example's snapshot of a real OpenSearch 2.19.4 leader, with n more objects of each kind. */
function openSearchResponses(n: number): Record<string, unknown> {
  const base = JSON.parse(readFileSync('examples/ccr-opensearch/live/leader.json', 'utf8')) as Snapshot;
  // The example was recorded before the read round asked who xcluster is and for the security
  // config: those two answers come from the recorded fixtures of the same version.
  const recorded = (file: string): unknown =>
    JSON.parse(readFileSync(`test/fixtures/opensearch/2.19.4/leader/${file}`, 'utf8')) as unknown;
  const r: Record<string, unknown> = {
    [OPENSEARCH_RESPONSE_KEYS.authinfo]: recorded('GET__plugins__security_authinfo.json'),
    [OPENSEARCH_RESPONSE_KEYS.securityConfig]: recorded('GET__plugins__security_api_securityconfig.json'),
    ...base.responses,
  };
  const flags = { reserved: false, hidden: false, static: false };
  const more = (key: string, make: (name: string) => object, prefix: string) => {
    r[key] = { ...(r[key] as object), ...Object.fromEntries(names(n, prefix).map((x) => [x, make(x)])) };
  };
  const permissions = [{ index_patterns: ['logs-*'], allowed_actions: ['read'], fls: [], masked_fields: [] }];
  more(
    'GET /_plugins/_security/api/roles',
    () => ({
      ...flags,
      cluster_permissions: ['cluster_monitor'],
      index_permissions: permissions,
      tenant_permissions: [],
    }),
    'role',
  );
  more(
    'GET /_plugins/_security/api/internalusers',
    () => ({ ...flags, hash: '', backend_roles: [], attributes: {}, opendistro_security_roles: [] }),
    'user',
  );
  more(
    'GET /_plugins/_security/api/rolesmapping',
    (m) => ({ ...flags, users: [m], backend_roles: [], hosts: [], and_backend_roles: [] }),
    'role',
  );
  return r;
}

const responsesOf = (flavor: Flavor, n: number) =>
  flavor === 'elasticsearch' ? elasticsearchResponses(n) : openSearchResponses(n);

/** Serves `responses` for any number of requests; returns a counter of the requests seen. */
function serve(flavor: Flavor, responses: Record<string, unknown>): { count: number } {
  const seen = { count: 0 };
  const headers = flavor === 'elasticsearch' ? ES_HEADERS : { 'content-type': 'application/json' };
  const scope = nock(URL).persist();
  for (const [key, body] of Object.entries(responses)) {
    const pathAndQuery = key.slice('GET '.length);
    scope.get(pathAndQuery).reply(() => {
      seen.count++;
      return [200, body as nock.Body, headers];
    });
  }
  return seen;
}

// ---------------------------------------------------------------------------------------------
// 1. The read round

async function readRound(): Promise<string[]> {
  const rows: string[] = [];
  for (const flavor of ['elasticsearch', 'opensearch'] as const) {
    for (const n of [1, 500]) {
      const seen = serve(flavor, responsesOf(flavor, n));
      const adapter: FlavorAdapter = flavors[flavor];
      const ms = await timed(5, () => adapter.read(conn(flavor)));
      rows.push(`| ${flavor} | ${n} | ${seen.count / 5} | ${ms.toFixed(1)} |`);
      nock.cleanAll();
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// 2. Plan of an estate from snapshots

function elasticsearchFile(n: number): string {
  const lines = [
    'connection:',
    '  flavor: elasticsearch',
    `  url: ${URL}`,
    '  auth: { api_key: { env: BENCH_KEY } }',
    'roles:',
  ];
  for (const r of names(n, 'role'))
    lines.push(`  ${r}: { cluster: [monitor], indices: [{ names: ['logs-*'], privileges: [read] }] }`);
  lines.push('users:');
  for (const u of names(n, 'user')) lines.push(`  ${u}: { roles: [role-0] }`);
  lines.push('role_mappings:');
  for (const m of names(n, 'mapping')) lines.push(`  ${m}: { roles: [role-0], rules: { field: { username: ${m} } } }`);
  return lines.join('\n') + '\n';
}

function openSearchFile(n: number): string {
  const lines = [
    'connection:',
    '  flavor: opensearch',
    `  url: ${URL}`,
    '  auth: { username: admin, password: { env: BENCH_PASSWORD } }',
    'roles:',
  ];
  for (const r of names(n, 'role'))
    lines.push(
      `  ${r}: { cluster_permissions: [cluster_monitor], index_permissions: [{ index_patterns: ['logs-*'], allowed_actions: [read] }] }`,
    );
  lines.push('internal_users:');
  for (const u of names(n, 'user')) lines.push(`  ${u}: {}`);
  lines.push('roles_mapping:');
  for (const m of names(n, 'role')) lines.push(`  ${m}: { users: [${m}] }`);
  return lines.join('\n') + '\n';
}

async function planEstate(): Promise<string[]> {
  const rows: string[] = [];
  const root = mkdtempSync(path.join(tmpdir(), 'xcluster-bench-'));
  try {
    for (const flavor of ['elasticsearch', 'opensearch'] as const) {
      for (const [clusters, n] of [
        [10, 50],
        [10, 500],
      ] as const) {
        const dir = path.join(root, `${flavor}-${clusters}-${n}`);
        mkdirSync(path.join(dir, 'xcluster', 'clusters'), { recursive: true });
        mkdirSync(path.join(dir, 'live'));
        const responses = responsesOf(flavor, n);
        for (const c of names(clusters, 'cluster')) {
          const file = flavor === 'elasticsearch' ? elasticsearchFile(n) : openSearchFile(n);
          writeFileSync(path.join(dir, 'xcluster', 'clusters', `${c}.yml`), file);
          const snapshot: Snapshot = { format_version: 1, cluster: c, flavor, responses };
          writeFileSync(path.join(dir, 'live', `${c}.json`), JSON.stringify(snapshot));
        }
        let changes = 0;
        const ms = await timed(3, async () => {
          const { plan } = await planJob({ config: path.join(dir, 'xcluster'), fromSnapshot: path.join(dir, 'live') });
          renderText(plan, { colour: false });
          changes = plan.clusters.reduce((sum, c) => sum + c.changes.length, 0);
        });
        const objects = clusters * n * 3;
        rows.push(
          `| ${flavor} | ${clusters} × ${n * 3} | ${changes} | ${ms.toFixed(0)} | ${((ms / objects) * 1000).toFixed(0)} |`,
        );
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// 3. Requests of an apply

function emptyState(flavor: Flavor): ClusterState {
  return { name: 'bench', flavor, reachable: true, objects: emptyObjects(), reserved: emptyReserved(), remoteInfo: {} };
}

async function applyRequests(): Promise<string[]> {
  const rows: string[] = [];
  for (const flavor of ['elasticsearch', 'opensearch'] as const) {
    const adapter = flavors[flavor];
    const body = flavor === 'elasticsearch' ? { cluster: ['monitor'] } : { cluster_permissions: ['cluster_monitor'] };
    for (const n of [1, 500]) {
      const wanted: Desired[] = names(n, 'role').map((name) => ({
        cluster: 'bench',
        kind: 'role',
        name,
        body: adapter.normalize('role', body),
        source: { file: 'bench.yml', line: 1, column: 1 },
      }));
      const step = diffCluster(wanted, emptyState(flavor), false).changes.map((change) => ({ change }));
      let requests = 0;
      // Each write is answered as the server answers it (answers are checked): a role PUT of
      // Elasticsearch, a collection PATCH of OpenSearch; the collection read again before the PATCH is empty.
      const answer = (): nock.ReplyFnResult => {
        requests++;
        return [200, flavor === 'elasticsearch' ? { role: { created: true } } : PATCH_OK, ES_HEADERS];
      };
      nock(URL).persist().put(/.*/).reply(answer).patch(/.*/).reply(answer);
      nock(URL)
        .persist()
        .get(/.*/)
        .reply(() => (requests++, [200, {}, ES_HEADERS]));
      let done = 0;
      const ms = await timed(1, async () => {
        const results = await adapter.execute(conn(flavor), step, { concurrency: 8, retry: RETRY });
        done = results.filter((r) => r.status === 'done').length;
      });
      nock.cleanAll();
      rows.push(`| ${flavor} | ${n} | ${done} | ${requests} | ${ms.toFixed(0)} |`);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  nock.disableNetConnect();
  process.env.BENCH_KEY = 'bench-key-not-real';
  process.env.BENCH_PASSWORD = 'bench-password-not-real';
  console.log(`xcluster benchmark · node ${process.version} · ${new Date().toISOString()}\n`);
  console.log('1. One read round (requests per cluster; median of 5, ms)\n');
  console.log('| flavor | objects of each kind | requests | ms |\n| --- | --- | --- | --- |');
  for (const row of await readRound()) console.log(row);
  console.log('\n2. Plan from snapshots: load, normalize, diff, rules, text (median of 3)\n');
  console.log('| flavor | clusters × objects | changes | ms | µs per object |\n| --- | --- | --- | --- | --- |');
  for (const row of await planEstate()) console.log(row);
  console.log('\n3. Apply: requests for N role creates (concurrency 8)\n');
  console.log('| flavor | changes | done | requests | ms |\n| --- | --- | --- | --- | --- |');
  for (const row of await applyRequests()) console.log(row);
}

await main();
