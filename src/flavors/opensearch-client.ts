// How xcluster's OpenSearch client talks to a cluster: shared by the read and write sides. The
// official client, because the Elasticsearch one refuses servers that are not Elastic's.

import { Client, type ClientOptions } from '@opensearch-project/opensearch';
import { type Connection } from './flavor.js';

/** Connection failures are retried this many times; 4xx/5xx answers other than 502-504 never are. */
const MAX_RETRIES = 2;

/** A client for `conn`; `maxRetries: 0` for the write side, which retries itself (honouring Retry-After). */
export function openSearchClient(
  conn: Connection,
  overrides: { maxRetries?: number; auth?: { username: string; password: string } } = {},
): Client {
  const cert = conn.clientCertificate;
  const auth = overrides.auth ?? (conn.auth && 'username' in conn.auth ? conn.auth : undefined);
  // No API keys: OpenSearch's security plugin has none (the config refuses one for OpenSearch).
  const options: ClientOptions = {
    node: conn.url,
    headers: { accept: 'application/json' },
    ...(auth ? { auth: { username: auth.username, password: auth.password } } : {}),
    ssl: {
      ...(conn.ca ? { ca: conn.ca } : {}),
      ...(cert ? { cert: cert.certificate, key: cert.key } : {}),
    },
    requestTimeout: conn.timeoutMs,
    maxRetries: overrides.maxRetries ?? MAX_RETRIES,
    // One node, named by the config: never ask the cluster for others.
    sniffOnStart: false,
    sniffOnConnectionFault: false,
  };
  return new Client(options);
}
