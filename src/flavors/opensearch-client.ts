// How xcluster's OpenSearch client talks to a cluster: shared by the read and write sides. The
// official client, because the Elasticsearch one refuses servers that are not Elastic's. It only
// opens the connection and hands over the response stream; http.ts reads, bounds and checks
// every answer, and is the one retry policy.

import { Client, ConnectionPool, type ClientOptions } from '@opensearch-project/opensearch';
import { type Readable } from 'node:stream';
import { type Connection } from './flavor.js';
import { type Send } from './http.js';

/**
 * One node, named by the config: never marked dead (after a reset the pool would refuse every
 * later request, our retries included, with "no living connections").
 */
class OneNodePool extends ConnectionPool {
  override markDead(): this {
    return this;
  }
}

/** A client for `conn`, with the credentials of `auth` instead when given (a password check). */
export function openSearchClient(
  conn: Connection,
  overrides: { auth?: { username: string; password: string } } = {},
): Client {
  const cert = conn.clientCertificate;
  const auth = overrides.auth ?? (conn.auth && 'username' in conn.auth ? conn.auth : undefined);
  // No API keys: OpenSearch's security plugin has none (the config refuses one for OpenSearch).
  const options: ClientOptions = {
    node: conn.url,
    ConnectionPool: OneNodePool,
    headers: { accept: 'application/json' },
    ...(auth ? { auth: { username: auth.username, password: auth.password } } : {}),
    ssl: {
      ...(conn.ca ? { ca: conn.ca } : {}),
      ...(cert ? { cert: cert.certificate, key: cert.key } : {}),
    },
    // A socket idle timeout, and only until the headers: http.ts holds the wall-clock deadline.
    requestTimeout: conn.timeoutMs,
    // One retry policy, http.ts's (reads) and the write side's: the client's own retries off.
    maxRetries: 0,
    // One node, named by the config: never ask the cluster for others.
    sniffOnStart: false,
    sniffOnConnectionFault: false,
  };
  return new Client(options);
}

/** Sends through `client` and hands over the unread body; `signal` aborts the request. */
export function openSearchSend(client: Client): Send {
  return async (request, signal) => {
    const pending = client.transport.request(
      {
        method: request.method,
        path: request.path,
        ...(request.querystring ? { querystring: request.querystring } : {}),
        ...(request.body !== undefined ? { body: request.body as Record<string, unknown> } : {}),
      },
      { asStream: true, maxRetries: 0 },
    );
    const abort = (): void => void pending.abort();
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    try {
      const result = await pending;
      return {
        statusCode: result.statusCode ?? 0,
        headers: (result.headers ?? {}) as Record<string, string>,
        body: result.body as unknown as Readable,
      };
    } finally {
      signal.removeEventListener('abort', abort);
    }
  };
}
