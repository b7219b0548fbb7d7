// Issue 12 item 2: answers are checked. A 302 (an SSO redirect), a 200 HTML login page, or a list
// endpoint answering `[]`, `null` or a string was read as an empty cluster: every configured
// object planned as a create, no unmanaged object listed, and with a malformed role list the
// reserved check let `superuser` through to a PUT. Every read is checked (2xx, a JSON content
// type, the top-level shape of that endpoint) and anything else makes the cluster unreachable,
// naming the request, the status and the content type. Writes are checked the same way: against
// a redirect or a login page, apply reported "done" for writes that never reached the server.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as Answers from '../../src/flavors/answers.js';
import { RESPONSE_KEYS, elasticsearch } from '../../src/flavors/elasticsearch.js';
import { type Operation, type RetryPolicy } from '../../src/flavors/flavor.js';
import { opensearch } from '../../src/flavors/opensearch.js';
import { readCluster } from '../../src/flavors/read.js';
import { FIXTURES, LINES } from '../fixtures/elasticsearch/index.js';
import { connection, ES_HEADERS, serveCluster, URL_WEST } from './helpers/es-nock.js';

const HTML = { 'content-type': 'text/html; charset=utf-8' };
const LOGIN_PAGE = '<!doctype html><html><body><form action="/login">Sign in</form></body></html>';
const NO_WAIT: RetryPolicy = { retries: 3, baseDelayMs: 0, maxDelayMs: 0, deadlineMs: 60_000, sleep: async () => {} };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** The 8.15 fixture round with the answer of `key` replaced by `reply`. */
function serveWith(key: string, reply: (scope: nock.Interceptor) => nock.Scope): void {
  const { [key]: _replaced, ...rest } = FIXTURES['8.15'].responses;
  serveCluster(rest, { times: 4 });
  const [method, pathAndQuery] = key.split(' ') as [string, string];
  reply(nock(URL_WEST).intercept(pathAndQuery, method));
}

const read = async () => (await readCluster('west', elasticsearch, connection(), { retry: NO_WAIT })).state;

describe('issue 12 item 2: reads are checked (Elasticsearch)', () => {
  it('issue 12 item 2: a 302 to a login page makes the cluster unreachable, naming request, status, type and target', async () => {
    serveWith(RESPONSE_KEYS.roles, (i) =>
      i.reply(302, LOGIN_PAGE, { ...HTML, location: 'https://sso.example.com/login?state=secret-token' }),
    );
    const state = await read();
    expect(state.reachable).toBe(false);
    expect(state.error).toBe(
      "GET /_security/role answered 302 Found (text/html), to https://sso.example.com/login: not the cluster's JSON API (a proxy or a login page?)",
    );
  });

  it('issue 12 item 2: a 200 HTML login page makes the cluster unreachable', async () => {
    serveWith(RESPONSE_KEYS.users, (i) => i.reply(200, LOGIN_PAGE, { ...ES_HEADERS, ...HTML }));
    const state = await read();
    expect(state.reachable).toBe(false);
    expect(state.error).toBe(
      "GET /_security/user answered 200 OK (text/html): not the cluster's JSON API (a proxy or a login page?)",
    );
  });

  for (const [label, body, got] of [
    ['[]', [], 'got an array'],
    ['null', null, 'got null'],
    ['a string', 'roles', 'got a string'],
    ['a role that is a string', { superuser: 'reserved' }, 'got a string at "superuser"'],
  ] as const) {
    it(`issue 12 item 2: a role list answering ${label} is no empty cluster: unreachable, saying what came`, async () => {
      serveWith(RESPONSE_KEYS.roles, (i) => i.reply(200, JSON.stringify(body), ES_HEADERS));
      const state = await read();
      expect(state.reachable).toBe(false);
      expect(state.error).toBe(
        `GET /_security/role: unexpected answer shape: expected an object of roles by name, ${got}`,
      );
    });
  }

  it('issue 12 item 2: settings without persistent and transient objects are refused', async () => {
    serveWith(RESPONSE_KEYS.settings, (i) => i.reply(200, { persistent: [] }, ES_HEADERS));
    const state = await read();
    expect(state.error).toBe(
      'GET /_cluster/settings: unexpected answer shape: expected cluster settings ({ persistent, transient }), got an array at "persistent"',
    );
  });

  it('issue 12 item 2: a server info without version.number is refused', async () => {
    serveWith(RESPONSE_KEYS.info, (i) => i.reply(200, { tagline: 'You Know, for Search' }, ES_HEADERS));
    const state = await read();
    expect(state.reachable).toBe(false);
    expect(state.error).toContain('GET /: unexpected answer shape: expected the server info');
  });

  it('issue 12 item 2: an optional read of the wrong shape is left out, never believed', async () => {
    serveWith(RESPONSE_KEYS.builtinPrivileges, (i) => i.reply(200, '[]', ES_HEADERS));
    const { state, snapshot } = await readCluster('west', elasticsearch, connection(), { retry: NO_WAIT });
    expect(state.reachable).toBe(true);
    expect(snapshot!.responses[RESPONSE_KEYS.builtinPrivileges]).toBeUndefined();
  });
});

describe('issue 12 item 2: reads are checked (OpenSearch)', () => {
  const URL = 'https://leader.example.com:9200';
  const JSON_TYPE = { 'content-type': 'application/json; charset=UTF-8' };
  const conn = {
    cluster: 'leader',
    url: URL,
    auth: { username: 'admin', password: 'Xcluster-Test-Passw0rd!' },
    timeoutMs: 2000,
  };

  it('issue 12 item 2: an internal user list answering [] makes the cluster unreachable', async () => {
    nock(URL).persist().get('/_plugins/_security/api/internalusers').reply(200, '[]', JSON_TYPE);
    nock(URL)
      .persist()
      .get(/.*/)
      .reply(200, { version: { number: '2.19.4' } }, JSON_TYPE);
    const { state } = await readCluster('leader', opensearch, conn, { retry: NO_WAIT });
    expect(state.reachable).toBe(false);
    expect(state.error).toBe(
      'GET /_plugins/_security/api/internalusers: unexpected answer shape: expected an object of users by name, got an array',
    );
  });

  it('issue 12 item 2: a tolerated 403 must still be a refusal, not an empty list', async () => {
    nock(URL).persist().get('/_plugins/_security/api/roles').reply(403, {}, JSON_TYPE);
    nock(URL)
      .persist()
      .get(/.*/)
      .reply(200, { version: { number: '2.19.4' } }, JSON_TYPE);
    const { state } = await readCluster('leader', opensearch, conn, { retry: NO_WAIT });
    expect(state.reachable).toBe(false);
    expect(state.error).toContain('GET /_plugins/_security/api/roles answered 403');
  });
});

/** Loaded when used, so that the other tests of this file run (and fail) on a build without it. */
const shapes = (): Promise<typeof Answers> => import('../../src/flavors/answers.js');

describe('issue 12 item 2: every recorded answer of a real server passes its shape', () => {
  it('issue 12 item 2: the recorded read rounds of Elasticsearch 7.17, 8.15 and 9.1', async () => {
    const { READ_SHAPES } = await shapes();
    const byKey: Record<string, keyof typeof Answers.READ_SHAPES> = {
      [RESPONSE_KEYS.info]: 'info',
      [RESPONSE_KEYS.roles]: 'roles',
      [RESPONSE_KEYS.users]: 'users',
      [RESPONSE_KEYS.roleMappings]: 'roleMappings',
      [RESPONSE_KEYS.settings]: 'settings',
      [RESPONSE_KEYS.remoteInfo]: 'remoteInfo',
      [RESPONSE_KEYS.builtinPrivileges]: 'builtinPrivileges',
      [RESPONSE_KEYS.identity]: 'identity',
    };
    let checked = 0;
    for (const line of LINES) {
      for (const [key, body] of Object.entries(FIXTURES[line].responses)) {
        const shape = READ_SHAPES[byKey[key]!];
        expect(shape.schema.safeParse(body).success, `${line} ${key}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(18);
  });

  it('issue 12 item 2: the recorded list answers of OpenSearch 2.19.4 and Elasticsearch 8.19.5 / 9.1.5 files', async () => {
    const { READ_SHAPES } = await shapes();
    const root = path.join(__dirname, '..', 'fixtures');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = path.join(dir, f);
        return statSync(p).isDirectory() ? files(p) : f.startsWith('GET_') && f.endsWith('.json') ? [p] : [];
      });
    const shapeOf = (file: string): keyof typeof Answers.READ_SHAPES | undefined => {
      const name = path.basename(file);
      if (/^GET__\.json$/.test(name)) return 'info';
      if (/^GET__cluster_settings\.flat_settings=true\.json$/.test(name)) return 'settings';
      if (/^GET__remote_info\.json$/.test(name)) return 'remoteInfo';
      if (/^GET__security_role\.json$|^GET__plugins__security_api_roles\.json$/.test(name)) return 'roles';
      if (/^GET__security_user\.json$|^GET__plugins__security_api_internalusers\.json$/.test(name)) return 'users';
      if (/^GET__security_role_mapping\.json$|^GET__plugins__security_api_rolesmapping\.json$/.test(name))
        return 'roleMappings';
      if (/^GET__plugins__security_api_actiongroups\.json$/.test(name)) return 'actionGroups';
      if (/^GET__plugins__security_api_nodesdn\.json$/.test(name)) return 'nodesDn';
      return undefined;
    };
    let checked = 0;
    for (const file of [...files(path.join(root, 'opensearch')), ...files(path.join(root, 'elasticsearch'))]) {
      const shape = shapeOf(file);
      if (!shape) continue;
      const body = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      expect(READ_SHAPES[shape].schema.safeParse(body).success, file).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });
});

describe('issue 12 item 2: write answers are checked', () => {
  const roleOp = (): Operation =>
    ({
      change: { kind: 'role', name: 'r', action: 'create', body: { cluster: ['monitor'] }, diff: [] },
    }) as unknown as Operation;
  const execute = () =>
    elasticsearch.execute(connection(), [roleOp()], { concurrency: 1, retry: { ...NO_WAIT, retries: 0 } });

  it('issue 12 item 2: a write redirected to a login page is failed, naming method, path, status and type', async () => {
    nock(URL_WEST)
      .put('/_security/role/r')
      .reply(302, LOGIN_PAGE, { ...HTML, location: 'https://sso.example.com/login' });
    const [result] = await execute();
    expect(result).toMatchObject({
      status: 'failed',
      error:
        "PUT /_security/role/r answered 302 Found (text/html), to https://sso.example.com/login: not the cluster's JSON API (a proxy or a login page?)",
    });
  });

  it('issue 12 item 2: a write answered by a 200 HTML page is failed', async () => {
    nock(URL_WEST)
      .put('/_security/role/r')
      .reply(200, LOGIN_PAGE, { ...ES_HEADERS, ...HTML });
    const [result] = await execute();
    expect(result!.status).toBe('failed');
    expect(result!.error).toContain('PUT /_security/role/r answered 200 OK (text/html)');
  });

  it('issue 12 item 2: a role PUT answered with JSON of another shape is failed', async () => {
    nock(URL_WEST).put('/_security/role/r').reply(200, { acknowledged: true }, ES_HEADERS);
    const [result] = await execute();
    expect(result).toMatchObject({
      status: 'failed',
      error: 'PUT /_security/role/r: unexpected answer shape: expected { role: { created } }, got nothing at "role"',
    });
  });

  it('issue 12 item 2: an OpenSearch PATCH answered by a login page is failed', async () => {
    const URL = 'https://leader.example.com:9200';
    // Read again right before the PATCH (item 8): the role is new.
    nock(URL).get('/_plugins/_security/api/roles').reply(200, {}, { 'content-type': 'application/json' });
    nock(URL).patch('/_plugins/_security/api/roles').reply(200, LOGIN_PAGE, HTML);
    const conn = {
      cluster: 'leader',
      url: URL,
      auth: { username: 'admin', password: 'Xcluster-Test-Passw0rd!' },
      timeoutMs: 2000,
    };
    const [result] = await opensearch.execute(conn, [roleOp()], { concurrency: 1, retry: { ...NO_WAIT, retries: 0 } });
    expect(result!.status).toBe('failed');
    expect(result!.error).toContain('PATCH /_plugins/_security/api/roles answered 200 OK (text/html)');
  });

  it('issue 12 item 2: a password check answered by a login page is no "current" password', async () => {
    nock(URL_WEST)
      .get('/_security/_authenticate')
      .reply(200, LOGIN_PAGE, { ...ES_HEADERS, ...HTML });
    await expect(elasticsearch.authenticate(connection(), 'ops', 'a-password-long-enough')).rejects.toThrow(
      /GET \/_security\/_authenticate answered 200 OK \(text\/html\)/,
    );
  });
});
