// How xcluster's Elasticsearch client talks to a cluster: shared by the read and write sides.

import { Client, HttpConnection } from '@elastic/elasticsearch';
import { type Connection } from './flavor.js';

export type ClientOptions = ConstructorParameters<typeof Client>[0];

/** Connection failures are retried this many times; 4xx/5xx answers other than 502-504 never are. */
const MAX_RETRIES = 2;

/** The CA to verify the server against, and the client certificate to present, when given. */
export function tlsOptions(conn: Connection): { tls?: { ca?: string; cert?: string; key?: string } } {
  const cert = conn.clientCertificate;
  if (!conn.ca && !cert) return {};
  return {
    tls: { ...(conn.ca ? { ca: conn.ca } : {}), ...(cert ? { cert: cert.certificate, key: cert.key } : {}) },
  };
}

/** Client options of every request to a cluster; the write side overrides `maxRetries` (it retries itself). */
export function clientOptions(conn: Connection): ClientOptions {
  return {
    node: conn.url,
    // The default undici connection bypasses node:http, so nock (our test boundary) never sees
    // it; HttpConnection goes through node:http like every other HTTP client we test.
    Connection: HttpConnection,
    // The 9.x client sends `application/vnd.elasticsearch+json; compatible-with=9`, which 8.x
    // and 7.x servers refuse with a 400. Plain JSON is understood by every version we read.
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    ...(conn.auth ? { auth: conn.auth } : {}),
    ...tlsOptions(conn),
    requestTimeout: conn.timeoutMs,
    maxRetries: MAX_RETRIES,
  };
}
