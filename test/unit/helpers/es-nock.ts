// Serves a fixture cluster through nock, the HTTP boundary of the unit tests, and records what
// each request looked like so tests can assert on paths and headers.

import { readFileSync } from 'node:fs';
import nock from 'nock';
import { elasticsearch } from '../../../src/flavors/elasticsearch.js';
import { type Connection } from '../../../src/flavors/flavor.js';
import { type ClusterState } from '../../../src/model/types.js';

/**
 * What every Elasticsearch 7.14+ response carries. The client refuses a 2xx answer without
 * `x-elastic-product: Elasticsearch` (its product check).
 */
export const ES_HEADERS = {
  'content-type': 'application/json',
  'x-elastic-product': 'Elasticsearch',
};

export const URL_WEST = 'https://west.example.com:9200';

/** Obvious test placeholders, never real credentials. */
export const TEST_API_KEY = 'VGVzdEFwaUtleUlkOnRlc3Qtc2VjcmV0LXZhbHVl';
export const TEST_PASSWORD = 'test-password-not-real';

export const connection = (extra: Partial<Connection> = {}): Connection => ({
  cluster: 'west',
  url: URL_WEST,
  auth: { apiKey: TEST_API_KEY },
  timeoutMs: 5000,
  ...extra,
});

export interface SeenRequest {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  headers: Record<string, string>;
}

/**
 * Answers each `"METHOD /path?query"` key of `responses` with its body, `times` times, and
 * returns the list of requests seen (filled in as they arrive).
 */
export function serveCluster(
  responses: Record<string, unknown>,
  opts: { url?: string; times?: number; status?: number } = {},
): SeenRequest[] {
  const seen: SeenRequest[] = [];
  const scope = nock(opts.url ?? URL_WEST);
  for (const [key, body] of Object.entries(responses)) {
    const [method = 'GET', path = '/'] = key.split(' ');
    scope
      .intercept(path, method)
      .times(opts.times ?? 1)
      .reply(function () {
        seen.push({ method, path: this.req.path, headers: { ...this.req.headers } });
        return [opts.status ?? 200, body as nock.Body, ES_HEADERS];
      });
  }
  return seen;
}

/** The recorded answer of 8.19.5 to `GET /_security/_authenticate` as a native user. */
const NATIVE_USER = JSON.parse(
  readFileSync(
    new URL(
      '../../fixtures/elasticsearch/8.19.5/writes/15_GET__security__authenticate.native-user.json',
      import.meta.url,
    ),
    'utf8',
  ),
) as Record<string, unknown>;

/**
 * One successful login as `username` with basic credentials (a password check), answered as the
 * real server answers a native user; the read round's own `_authenticate` is served apart.
 */
export function serveLogin(username: string, url = URL_WEST): void {
  nock(url)
    .get('/_security/_authenticate')
    .matchHeader(
      'authorization',
      (v) => v.startsWith('Basic ') && Buffer.from(v.slice(6), 'base64').toString().startsWith(`${username}:`),
    )
    .reply(200, { ...NATIVE_USER, username }, ES_HEADERS);
}

/** A 401 as Elasticsearch sends it for bad credentials (security_exception, WWW-Authenticate). */
export function serveUnauthorized(paths: string[], reason: string, url = URL_WEST): void {
  const body = {
    error: {
      root_cause: [
        {
          type: 'security_exception',
          reason,
          header: { 'WWW-Authenticate': ['Basic realm="security" charset="UTF-8"', 'ApiKey'] },
        },
      ],
      type: 'security_exception',
      reason,
      header: { 'WWW-Authenticate': ['Basic realm="security" charset="UTF-8"', 'ApiKey'] },
    },
    status: 401,
  };
  const scope = nock(url);
  for (const path of paths) {
    scope.get(path).reply(401, body, { ...ES_HEADERS, 'www-authenticate': 'ApiKey' });
  }
}

/** Serves `responses` once and reads them with the Elasticsearch flavor, end to end. */
export async function readServed(
  responses: Record<string, unknown>,
  conn: Connection = connection(),
): Promise<ClusterState> {
  serveCluster(responses, { url: conn.url });
  return elasticsearch.parse(await elasticsearch.read(conn));
}
