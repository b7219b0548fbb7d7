// readCluster never throws for server or network trouble: the cluster becomes unreachable with
// a short human reason that never holds a secret.

import { createServer, type Server } from 'node:net';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { elasticsearch } from '../../src/flavors/elasticsearch.js';
import { type Connection } from '../../src/flavors/flavor.js';
import { readCluster, unreachableState } from '../../src/flavors/read.js';
import { FIXTURES } from '../fixtures/elasticsearch/index.js';
import {
  connection,
  ES_HEADERS,
  serveCluster,
  serveUnauthorized,
  TEST_API_KEY,
  TEST_PASSWORD,
  URL_WEST,
} from './helpers/es-nock.js';

const SIX_PATHS = [
  '/',
  '/_security/role',
  '/_security/user',
  '/_security/role_mapping',
  '/_cluster/settings?flat_settings=true',
  '/_remote/info',
];

/** Reads retried at once (a 502 is retried: the tests never wait). */
const NO_WAIT = { retries: 3, baseDelayMs: 0, maxDelayMs: 0, deadlineMs: 60_000, sleep: async () => {} };

const BASIC = { username: 'xcluster', password: TEST_PASSWORD };
const BASIC_HEADER = Buffer.from(`xcluster:${TEST_PASSWORD}`).toString('base64');

/** No form of any test credential appears in the text. */
function expectNoSecret(text: string | undefined): void {
  expect(text).toBeTruthy();
  for (const secret of [TEST_API_KEY, TEST_PASSWORD, BASIC_HEADER, 'ApiKey ', 'Basic ', 'authorization']) {
    expect(text!.toLowerCase()).not.toContain(secret.toLowerCase());
  }
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.disableNetConnect();
});

/** The error node:http emits for a failed lookup or handshake (nock needs an Error instance). */
const socketError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

/** A port on this machine with nothing listening: a real ECONNREFUSED. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A server on this machine that accepts connections and never answers: a real timeout. */
async function silentServer(): Promise<{ port: number; server: Server }> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, server };
}

describe('readCluster', () => {
  it('returns the parsed state and the snapshot of a reachable cluster', async () => {
    serveCluster(FIXTURES['8.15'].responses);
    const { state, snapshot } = await readCluster('west', elasticsearch, connection());
    expect(state).toMatchObject({ name: 'west', reachable: true, version: '8.15.3' });
    expect(state.error).toBeUndefined();
    expect(snapshot?.responses['GET /']).toEqual(FIXTURES['8.15'].responses['GET /']);
  });

  it('names the state after the cluster it was asked for', async () => {
    serveCluster(FIXTURES['9.1'].responses);
    const { state } = await readCluster('west-prod', elasticsearch, connection({ cluster: 'other' }));
    expect(state.name).toBe('west-prod');
  });

  it('reports connection refused with the address, for a port nothing listens on', async () => {
    nock.enableNetConnect('127.0.0.1');
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { state, snapshot } = await readCluster('west', elasticsearch, connection({ url }));
    expect(state.reachable).toBe(false);
    expect(state.error).toBe(`connection refused (ECONNREFUSED) at ${url}`);
    expect(snapshot).toBeUndefined();
    expectNoSecret(state.error);
  });

  it('reports a timeout with the configured limit, for a server that never answers', async () => {
    nock.enableNetConnect('127.0.0.1');
    const { port, server } = await silentServer();
    try {
      const url = `http://127.0.0.1:${port}`;
      const { state } = await readCluster('west', elasticsearch, connection({ url, timeoutMs: 200 }));
      expect(state.reachable).toBe(false);
      expect(state.error).toBe(`GET /: no answer within 200 ms (connection.timeout) at ${url}`);
    } finally {
      server.close();
    }
  });

  it('reports 401 with the server reason and no credential, for an API key', async () => {
    serveUnauthorized(
      SIX_PATHS,
      'unable to authenticate with provided credentials and anonymous access is not allowed for this request',
    );
    const { state } = await readCluster('west', elasticsearch, connection());
    expect(state.reachable).toBe(false);
    expect(state.error).toBe(
      'GET / answered 401 Unauthorized: unable to authenticate with provided credentials and anonymous access is not allowed for this request',
    );
    expectNoSecret(state.error);
  });

  it('reports 401 with no credential, for a username and password', async () => {
    serveUnauthorized(SIX_PATHS, 'unable to authenticate user [xcluster] for REST request [/_security/role]');
    const { state } = await readCluster('west', elasticsearch, connection({ auth: BASIC }));
    expect(state.error).toMatch(/^GET \/ answered 401 Unauthorized: unable to authenticate user \[xcluster\]/);
    expectNoSecret(state.error);
  });

  it('scrubs a credential even when the server echoes it back in its reason', async () => {
    serveUnauthorized(SIX_PATHS, `bad key [${TEST_API_KEY}] in header [ApiKey ${TEST_API_KEY}]`);
    const { state } = await readCluster('west', elasticsearch, connection());
    expect(state.error).toContain('401 Unauthorized');
    expect(state.error).not.toContain(TEST_API_KEY);
  });

  it('reports 403 with the missing privilege the server names', async () => {
    const reason =
      'action [cluster:admin/xpack/security/role/get] is unauthorized for user [xcluster] with effective roles [viewer]';
    const scope = nock(URL_WEST);
    for (const path of SIX_PATHS) {
      scope.get(path).reply(
        403,
        {
          error: { root_cause: [{ type: 'security_exception', reason }], type: 'security_exception', reason },
          status: 403,
        },
        ES_HEADERS,
      );
    }
    const { state } = await readCluster('west', elasticsearch, connection());
    expect(state.error).toBe(`GET / answered 403 Forbidden: ${reason}`);
  });

  it('reports a DNS failure', async () => {
    nock(URL_WEST)
      .get(/.*/)
      .times(20)
      .replyWithError(socketError('ENOTFOUND', 'getaddrinfo ENOTFOUND west.example.com'));
    const { state } = await readCluster('west', elasticsearch, connection());
    expect(state.error).toBe(`host not found (ENOTFOUND) at ${URL_WEST}`);
  });

  it('reports a TLS error with its cause', async () => {
    nock(URL_WEST)
      .get(/.*/)
      .times(20)
      .replyWithError(socketError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'));
    const { state } = await readCluster('west', elasticsearch, connection());
    expect(state.error).toBe(`TLS error at ${URL_WEST}: self-signed certificate`);
  });

  it('reports a server that is not Elasticsearch (no x-elastic-product header)', async () => {
    const scope = nock(URL_WEST);
    for (const path of SIX_PATHS) scope.get(path).reply(200, {}, { 'content-type': 'application/json' });
    const { state } = await readCluster('west', elasticsearch, connection());
    expect(state.reachable).toBe(false);
    expect(state.error).toContain('is not the expected product');
  });

  it('never shows credentials written into the URL', async () => {
    nock.enableNetConnect('127.0.0.1');
    const url = `http://xcluster:${TEST_PASSWORD}@127.0.0.1:${await closedPort()}`;
    const { state } = await readCluster('west', elasticsearch, connection({ url, auth: null }));
    expect(state.error).toMatch(/^connection refused \(ECONNREFUSED\) at http:\/\/127\.0\.0\.1:\d+$/);
    expectNoSecret(state.error);
  });

  it('reports a URL it cannot use instead of throwing, without echoing it', async () => {
    const { state } = await readCluster('west', elasticsearch, connection({ url: `not a url ${TEST_PASSWORD}` }));
    expect(state.reachable).toBe(false);
    expect(state.error).toContain('(invalid url)');
    expectNoSecret(state.error);
  });

  it('cuts a proxy error page down to a short reason', async () => {
    const page = `<html><body>${'Bad Gateway '.repeat(100)}</body></html>`;
    const scope = nock(URL_WEST);
    for (const path of SIX_PATHS) scope.get(path).times(4).reply(502, page, { 'content-type': 'text/html' });
    const { state } = await readCluster('west', elasticsearch, connection(), { retry: NO_WAIT });
    expect(state.error).toBe(
      "GET / answered 502 Bad Gateway (text/html): not the cluster's JSON API (a proxy or a login page?)",
    );
    expect(state.error!.length).toBeLessThanOrEqual(301);
  });

  it('turns an unparsable snapshot into an unreachable state instead of throwing', async () => {
    const broken = {
      ...elasticsearch,
      read: async (c: Connection) => ({
        format_version: 1 as const,
        cluster: c.cluster,
        flavor: 'elasticsearch' as const,
        responses: {},
      }),
      parse: () => {
        throw new Error('bad shape');
      },
    };
    const { state, snapshot } = await readCluster('west', broken, connection());
    expect(state.reachable).toBe(false);
    expect(state.error).toBe(`unreadable response from ${URL_WEST}: bad shape`);
    expect(snapshot).toBeDefined();
  });
});

describe('unreachableState', () => {
  it('is an empty, unreachable state carrying the reason', () => {
    const state = unreachableState('east', 'elasticsearch', 'timed out after 30000 ms');
    expect(state).toMatchObject({
      name: 'east',
      flavor: 'elasticsearch',
      reachable: false,
      error: 'timed out after 30000 ms',
    });
    expect(state.objects.role).toEqual({});
    expect(state.reserved.user).toEqual([]);
    expect(state.remoteInfo).toEqual({});
  });
});
