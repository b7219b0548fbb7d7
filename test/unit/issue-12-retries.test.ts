// Issue 12 item 3: reads are retried. A read changes nothing, so an answer lost to a 429 with
// Retry-After, a 502/503/504, a reset in the middle of the body or a truncated body is asked
// again (bounded in count and within the cluster's deadline, with jitter, after the server's
// Retry-After); a refusal (401, 403, 404) or an answer of the wrong shape is not. Today a single
// 429 makes the cluster unreachable. The clients' own retries are off: one retry policy, ours.

import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { elasticsearch, RESPONSE_KEYS } from '../../src/flavors/elasticsearch.js';
import { type RetryPolicy } from '../../src/flavors/flavor.js';
import { readCluster } from '../../src/flavors/read.js';
import { FIXTURES } from '../fixtures/elasticsearch/index.js';
import { connection, ES_HEADERS, serveCluster, TEST_API_KEY, URL_WEST } from './helpers/es-nock.js';
import { faultServer, type Fault, type FaultServer } from './helpers/fault-server.js';

const ES = FIXTURES['8.15'].responses;

/** A policy that never waits and records the delays it was asked to sleep. */
function recording(retries = 3, deadlineMs = 60_000): { policy: RetryPolicy; sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    policy: { retries, baseDelayMs: 100, maxDelayMs: 1000, deadlineMs, sleep: async (ms) => void sleeps.push(ms) },
  };
}

const servers: FaultServer[] = [];
beforeAll(() => nock.disableNetConnect());
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  nock.cleanAll();
  nock.disableNetConnect();
});

/** The fixture round, with `key` first answered by `first` (in order), then as recorded. */
function serveFirst(key: string, first: [number, unknown, Record<string, string>][]): void {
  const { [key]: body, ...rest } = ES;
  serveCluster(rest);
  const [method, pathAndQuery] = key.split(' ') as [string, string];
  for (const [status, answer, headers] of first) {
    nock(URL_WEST)
      .intercept(pathAndQuery, method)
      .reply(status, answer as nock.Body, headers);
  }
  nock(URL_WEST)
    .intercept(pathAndQuery, method)
    .reply(200, body as nock.Body, ES_HEADERS);
}

const TOO_MANY = { error: { type: 'circuit_breaking_exception', reason: '[parent] Data too large' }, status: 429 };

describe('issue 12 item 3: reads are retried (status answers)', () => {
  it('issue 12 item 3: a 429 with Retry-After is waited out as the server asked, then the cluster is read', async () => {
    serveFirst(RESPONSE_KEYS.roles, [[429, TOO_MANY, { ...ES_HEADERS, 'retry-after': '2' }]]);
    const { policy, sleeps } = recording();
    const { state } = await readCluster('west', elasticsearch, connection(), { retry: policy });
    expect(state.reachable).toBe(true);
    expect(sleeps).toEqual([2000]);
  });

  it('issue 12 item 3: 502, 503 and 504 are retried with backoff (full jitter under the ceiling)', async () => {
    serveFirst(RESPONSE_KEYS.users, [
      [502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' }],
      [503, { error: { type: 'master_not_discovered_exception', reason: null }, status: 503 }, ES_HEADERS],
      [504, 'Gateway Timeout', { 'content-type': 'text/plain' }],
    ]);
    const { policy, sleeps } = recording();
    const { state } = await readCluster('west', elasticsearch, connection(), { retry: policy });
    expect(state.reachable).toBe(true);
    expect(sleeps).toHaveLength(3);
    sleeps.forEach((ms, n) => expect(ms).toBeLessThan(100 * 2 ** n));
  });

  it('issue 12 item 3: retries are bounded: the last answer is reported when they are spent', async () => {
    serveFirst(
      RESPONSE_KEYS.roles,
      Array.from({ length: 3 }, () => [503, TOO_MANY, ES_HEADERS] as [number, unknown, Record<string, string>]),
    );
    const { policy, sleeps } = recording(2);
    const { state } = await readCluster('west', elasticsearch, connection(), { retry: policy });
    expect(state.reachable).toBe(false);
    expect(state.error).toContain('GET /_security/role answered 503 Service Unavailable');
    expect(sleeps).toHaveLength(2);
  });

  it('issue 12 item 3: a Retry-After beyond the deadline is not slept through: the cluster fails at once', async () => {
    serveFirst(RESPONSE_KEYS.roles, [[429, TOO_MANY, { ...ES_HEADERS, 'retry-after': '3600' }]]);
    const { policy, sleeps } = recording(3, 120_000);
    const { state } = await readCluster('west', elasticsearch, connection(), { retry: policy });
    expect(state.reachable).toBe(false);
    expect(state.error).toContain('GET /_security/role answered 429 Too Many Requests');
    expect(sleeps).toEqual([]);
  });

  for (const status of [401, 403, 404]) {
    it(`issue 12 item 3: a ${status} is not retried`, async () => {
      serveFirst(RESPONSE_KEYS.roles, [
        [status, { error: { type: 'security_exception', reason: 'no' }, status }, ES_HEADERS],
      ]);
      const { policy, sleeps } = recording();
      const { state } = await readCluster('west', elasticsearch, connection(), { retry: policy });
      expect(state.reachable).toBe(false);
      expect(state.error).toMatch(new RegExp(`^GET /_security/role answered ${status} `));
      expect(sleeps).toEqual([]);
    });
  }

  it('issue 12 item 3: an answer of the wrong shape is not retried', async () => {
    serveFirst(RESPONSE_KEYS.roles, [[200, [], ES_HEADERS]]);
    const { policy, sleeps } = recording();
    const { state } = await readCluster('west', elasticsearch, connection(), { retry: policy });
    expect(state.reachable).toBe(false);
    expect(sleeps).toEqual([]);
  });

  it("issue 12 item 3: the client's own retries are off: with no retries allowed, one 503 is the answer", async () => {
    serveFirst(RESPONSE_KEYS.roles, [[503, TOO_MANY, ES_HEADERS]]);
    const { policy } = recording(0);
    const { state } = await readCluster('west', elasticsearch, connection(), { retry: policy });
    expect(state.reachable).toBe(false);
    expect(state.error).toContain('503 Service Unavailable');
  });
});

describe('issue 12 item 3: reads are retried (lost answers, real local server)', () => {
  const once = (fault: Fault, key: string) => (req: { key: string; n: number }) =>
    req.key === key && req.n === 0 ? fault : undefined;

  for (const fault of [{ kind: 'reset-mid-body' }, { kind: 'truncate' }] as const) {
    it(`issue 12 item 3: a ${fault.kind} answer is asked again, and the cluster is read`, async () => {
      nock.enableNetConnect('127.0.0.1');
      const server = await faultServer(ES, once(fault, RESPONSE_KEYS.roles));
      servers.push(server);
      const { policy, sleeps } = recording();
      const conn = { cluster: 'west', url: server.url, auth: { apiKey: TEST_API_KEY }, timeoutMs: 5000 };
      const { state } = await readCluster('west', elasticsearch, conn, { retry: policy });
      expect(state.error).toBeUndefined();
      expect(state.reachable).toBe(true);
      expect(server.seen.filter((r) => r.key === RESPONSE_KEYS.roles)).toHaveLength(2);
      expect(sleeps).toHaveLength(1);
    });
  }
});
