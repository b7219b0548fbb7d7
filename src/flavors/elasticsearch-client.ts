// How xcluster's Elasticsearch client talks to a cluster: shared by the read and write sides.
// The client only opens the connection and hands over the response stream; http.ts reads,
// bounds and checks every answer, and is the one retry policy.

import { type IncomingHttpHeaders } from 'node:http';
import { Client, HttpConnection, WeightedConnectionPool } from '@elastic/elasticsearch';
import { Readable } from 'node:stream';
import { type Connection } from './flavor.js';
import { type Send } from './http.js';

export type ClientOptions = ConstructorParameters<typeof Client>[0];

/**
 * One node, named by the config: never marked dead. The client's pool takes a node out after a
 * reset or a 503, and every later request (our retries included) then fails with "no living
 * connections" without being sent.
 */
class OneNodePool extends WeightedConnectionPool {
  override markDead(): this {
    return this;
  }
}

/** The CA to verify the server against, and the client certificate to present, when given. */
export function tlsOptions(conn: Connection): { tls?: { ca?: string; cert?: string; key?: string } } {
  const cert = conn.clientCertificate;
  if (!conn.ca && !cert) return {};
  return {
    tls: { ...(conn.ca ? { ca: conn.ca } : {}), ...(cert ? { cert: cert.certificate, key: cert.key } : {}) },
  };
}

/** Client options of every request to a cluster. */
export function clientOptions(conn: Connection): ClientOptions {
  return {
    node: conn.url,
    // The default undici connection bypasses node:http, so nock (our test boundary) never sees
    // it; HttpConnection goes through node:http like every other HTTP client we test.
    Connection: HttpConnection,
    ConnectionPool: OneNodePool,
    // The 9.x client sends `application/vnd.elasticsearch+json; compatible-with=9`, which 8.x
    // and 7.x servers refuse with a 400. Plain JSON is understood by every version we read.
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    ...(conn.auth ? { auth: conn.auth } : {}),
    ...tlsOptions(conn),
    // A socket idle timeout, and only until the headers: http.ts holds the wall-clock deadline.
    requestTimeout: conn.timeoutMs,
    // One retry policy, http.ts's (reads) and the write side's: the client's own retries off.
    maxRetries: 0,
  };
}

/** Sends through `client` and hands over the unread body; `signal` stops the request. */
export function esSend(client: Client): Send {
  return async (request, signal) => {
    const result = await client.transport
      .request(
        {
          method: request.method,
          path: request.path,
          ...(request.querystring ? { querystring: request.querystring } : {}),
          ...(request.body !== undefined ? { body: request.body as Record<string, unknown> } : {}),
        },
        { signal, asStream: true, meta: true, maxRetries: 0 },
      )
      .catch((err: unknown) => answerBehindProductCheck(err));
    return {
      statusCode: result.statusCode ?? 0,
      headers: (result.headers ?? {}) as IncomingHttpHeaders,
      body: result.body as Readable,
    };
  };
}

/**
 * The client refuses a 2xx without `x-elastic-product: Elasticsearch` (ProductNotSupportedError)
 * before anyone sees the answer. When that answer is not JSON (a proxy's login page), it is handed
 * on (without its body, which the client has dropped) so that http.ts names the endpoint, status and
 * content type; a JSON answer from some other
 * product stays refused, as the client refuses it.
 */
function answerBehindProductCheck(err: unknown): {
  statusCode?: number;
  headers?: Record<string, unknown>;
  body: unknown;
} {
  const meta =
    err instanceof Error && err.name === 'ProductNotSupportedError' ? (err as { meta?: unknown }).meta : undefined;
  const answer = meta as { statusCode?: number; headers?: IncomingHttpHeaders } | undefined;
  const type = answer?.headers?.['content-type'];
  if (answer === undefined || (typeof type === 'string' && /json/i.test(type))) throw err;
  // The client drops the body before its check: the status and headers are what is left to tell.
  const { 'content-length': _dropped, ...headers } = answer.headers ?? {};
  return { statusCode: answer.statusCode, headers, body: Readable.from([]) };
}
