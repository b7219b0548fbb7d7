// Issue 12 item 1: deadlines. `timeout:` was a socket idle timeout: a server answering one byte a
// second held `plan` as long as anyone waited, and since all clusters were awaited together, the
// healthy cluster's plan was never printed either; 16 hung password checks multiplied the
// timeout. Now each request has a wall-clock deadline (connection.timeout, body included), each
// cluster one for its whole read round and password checks (connection.deadline), and the run
// one (--deadline): past any of them the cluster is unreachable, saying which, and the others are
// planned as usual. Every stand-in here is a real HTTP server on this machine (a drip and a hang
// cannot be faked with nock).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { elasticsearch } from '../../src/flavors/elasticsearch.js';
import { type Connection, type Operation } from '../../src/flavors/flavor.js';
import { opensearch, OPENSEARCH_RESPONSE_KEYS } from '../../src/flavors/opensearch.js';
import { readCluster } from '../../src/flavors/read.js';
import { planJob } from '../../src/job.js';
import { FIXTURES } from '../fixtures/elasticsearch/index.js';
import { xcluster } from './helpers/cli.js';
import { writeConfigDir } from './helpers/config-dir.js';
import { faultServer, type Fault, type FaultServer } from './helpers/fault-server.js';
import { TEST_API_KEY } from './helpers/es-nock.js';

const ES = FIXTURES['8.15'].responses;
const servers: FaultServer[] = [];

async function serve(
  responses: Record<string, unknown>,
  fault?: Parameters<typeof faultServer>[1],
  headers?: Record<string, string>,
) {
  const server = await faultServer(responses, fault, headers);
  servers.push(server);
  return server;
}

const always =
  (fault: Fault, key?: string) =>
  (req: { key: string }): Fault | undefined =>
    key === undefined || req.key === key ? fault : undefined;

const conn = (url: string, extra: Partial<Connection> = {}): Connection => ({
  cluster: 'west',
  url,
  auth: { apiKey: TEST_API_KEY },
  timeoutMs: 10_000,
  ...extra,
});

beforeAll(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  nock.cleanAll();
});

/** The recorded read round of OpenSearch 2.19.4 (leader), keyed as the snapshot keys it. */
function openSearchResponses(): Record<string, unknown> {
  const folder = path.join(__dirname, '..', 'fixtures', 'opensearch', '2.19.4', 'leader');
  const out: Record<string, unknown> = {};
  for (const key of Object.values(OPENSEARCH_RESPONSE_KEYS)) {
    const [p, q] = key.slice('GET '.length).split('?');
    const file = `${p === '/' ? 'GET__' : `GET${p!.replace(/\//g, '_')}`}${q ? `.${q.replace(/&/g, '.')}` : ''}.json`;
    out[key] = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as unknown;
  }
  return out;
}

const OPENSEARCH_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

describe('issue 12 item 1: a wall-clock deadline per request (connection.timeout)', () => {
  it('issue 12 item 1: an Elasticsearch answer dripping one byte a second is aborted mid-body at the timeout', async () => {
    const server = await serve(ES, always({ kind: 'drip' }, 'GET /_security/role'));
    const { state } = await readCluster('west', elasticsearch, conn(server.url, { timeoutMs: 300 }));
    expect(state.reachable).toBe(false);
    expect(state.error).toBe(`GET /_security/role: no answer within 300 ms (connection.timeout) at ${server.url}`);
  }, 10_000);

  it('issue 12 item 1: an OpenSearch answer dripping one byte a second is aborted mid-body at the timeout', async () => {
    const server = await serve(
      openSearchResponses(),
      always({ kind: 'drip' }, 'GET /_plugins/_security/api/internalusers'),
      OPENSEARCH_HEADERS,
    );
    const auth = { username: 'admin', password: 'Xcluster-Test-Passw0rd!' };
    const { state } = await readCluster('leader', opensearch, conn(server.url, { timeoutMs: 300, auth }));
    expect(state.reachable).toBe(false);
    expect(state.error).toBe(
      `GET /_plugins/_security/api/internalusers: no answer within 300 ms (connection.timeout) at ${server.url}`,
    );
  }, 10_000);

  it('issue 12 item 1: a write whose answer drips is aborted at the timeout and never reported done', async () => {
    const server = await serve({}, always({ kind: 'drip' }));
    const op: Operation = {
      change: { kind: 'role', name: 'r', action: 'create', body: { cluster: ['monitor'] }, diff: [] },
    } as unknown as Operation;
    const retry = { retries: 0, baseDelayMs: 0, maxDelayMs: 0, deadlineMs: 1000, sleep: async () => {} };
    const [result] = await elasticsearch.execute(conn(server.url, { timeoutMs: 300 }), [op], { concurrency: 1, retry });
    expect(result!.status).not.toBe('done');
    expect(result!.error).toContain('PUT /_security/role/r: no answer within 300 ms (connection.timeout)');
  }, 10_000);
});

describe('issue 12 item 1: a deadline per cluster (connection.deadline)', () => {
  it('issue 12 item 1: a cluster that hangs is unreachable at its deadline, whatever the per-request timeout', async () => {
    const server = await serve(ES, always({ kind: 'hang' }));
    const { state } = await readCluster(
      'west',
      elasticsearch,
      conn(server.url, { timeoutMs: 10_000, deadlineMs: 300 }),
      {
        signal: AbortSignal.timeout(300),
      },
    );
    expect(state.reachable).toBe(false);
    expect(state.error).toMatch(/no answer|deadline|stopped/);
  }, 10_000);

  const WEST_YAML = (url: string, extra = '') => `connection:
  flavor: elasticsearch
  url: ${url}
  auth:
    api_key: { env: ISSUE12_KEY }
${extra}roles:
  reader:
    cluster: [monitor]
`;

  it('issue 12 item 1: plan returns within the deadline of a hung cluster and prints the healthy one', async () => {
    process.env.ISSUE12_KEY = TEST_API_KEY;
    const hung = await serve(ES, always({ kind: 'hang' }));
    const healthy = await serve(ES);
    const dir = writeConfigDir({
      'clusters/east.yml': WEST_YAML(hung.url, '  deadline: 300ms\n'),
      'clusters/west.yml': WEST_YAML(healthy.url),
    });
    const { plan } = await planJob({ config: dir });
    const east = plan.clusters.find((c) => c.name === 'east')!;
    const west = plan.clusters.find((c) => c.name === 'west')!;
    expect(east.reachable).toBe(false);
    expect(east.error).toBe(`deadline of 300 ms (connection.deadline) passed while reading ${hung.url}`);
    expect(west.reachable).toBe(true);
    expect(west.changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual(['create role reader']);
  }, 10_000);

  it('issue 12 item 1: 16 hung password checks stop at the cluster deadline, and no login starts after it', async () => {
    process.env.ISSUE12_KEY = TEST_API_KEY;
    process.env.ISSUE12_PASSWORD = 'a-password-long-enough';
    const names = Array.from({ length: 16 }, (_, i) => `user${i}`);
    const liveUsers = Object.fromEntries(
      names.map((n) => [
        n,
        { username: n, roles: ['reader'], full_name: null, email: null, metadata: {}, enabled: true },
      ]),
    );
    const server = await serve({ ...ES, 'GET /_security/user': liveUsers }, (req) =>
      req.authorization.startsWith('Basic ') ? { kind: 'hang' } : undefined,
    );
    const users = names.map((n) => `  ${n}:\n    password: { env: ISSUE12_PASSWORD }\n    roles: [reader]\n`).join('');
    const dir = writeConfigDir({
      'clusters/west.yml': WEST_YAML(server.url, '  timeout: 3s\n  deadline: 500ms\n') + `users:\n${users}`,
    });
    const { plan } = await planJob({ config: dir });
    const west = plan.clusters[0]!;
    expect(west.reachable).toBe(false);
    expect(west.error).toBe(`deadline of 500 ms (connection.deadline) passed while reading ${server.url}`);
    // Four checks at a time: the first four hung, and none started once the deadline passed.
    expect(server.seen.filter((r) => r.authorization.startsWith('Basic '))).toHaveLength(4);
  }, 20_000);
});

describe('issue 12 item 1: a deadline per run (--deadline)', () => {
  const YAML = (url: string) => `connection:
  flavor: elasticsearch
  url: ${url}
  auth:
    api_key: { env: ISSUE12_KEY }
`;

  it('issue 12 item 1: a cluster unread at the run deadline is unreachable, saying so', async () => {
    process.env.ISSUE12_KEY = TEST_API_KEY;
    const hung = await serve(ES, always({ kind: 'hang' }));
    const dir = writeConfigDir({ 'clusters/east.yml': YAML(hung.url) });
    const { plan } = await planJob({ config: dir, deadlineMs: 300 });
    expect(plan.clusters[0]).toMatchObject({ reachable: false, error: 'run deadline (300 ms) passed' });
  }, 10_000);

  it('issue 12 item 1: plan --deadline 300ms reports the hung cluster and exits 1', async () => {
    process.env.ISSUE12_KEY = TEST_API_KEY;
    const hung = await serve(ES, always({ kind: 'hang' }));
    const dir = writeConfigDir({ 'clusters/east.yml': YAML(hung.url) });
    const r = await xcluster('plan', '--config', dir, '--deadline', '300ms');
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('run deadline (300 ms) passed');
  }, 10_000);

  it('issue 12 item 1: --deadline takes a duration and refuses anything else', async () => {
    const dir = writeConfigDir({ 'clusters/east.yml': YAML('http://127.0.0.1:9') });
    const r = await xcluster('snapshot', '--config', dir, '--out', path.join(dir, 'out'), '--deadline', 'soon');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('expected a duration such as 30m, 90s or 500ms');
  });
});
