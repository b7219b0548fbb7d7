import { type Canonical, type ClusterState, type Flavor, type Kind } from '../model/types.js';

/** A connection whose secrets have been resolved. Lives only in memory; never printed. */
export interface Connection {
  cluster: string;
  url: string;
  auth: { apiKey: string } | { username: string; password: string } | null;
  /** PEM text of the CA that signs the cluster's HTTP certificate. */
  ca?: string;
  timeoutMs: number;
}

/**
 * What one read round returned, keyed by request ("GET /_security/role"), exactly as the server
 * sent it. `xcluster snapshot` writes this; `plan --from-snapshot` reads it back.
 */
export interface Snapshot {
  format_version: 1;
  cluster: string;
  flavor: Flavor;
  responses: Record<string, unknown>;
}

/** The only code that knows a server's dialect. */
export interface FlavorAdapter {
  flavor: Flavor;
  /** One round of parallel requests; their number never grows with the number of objects. */
  read(conn: Connection): Promise<Snapshot>;
  /** Turns recorded responses into canonical live state (pure). */
  parse(snapshot: Snapshot): ClusterState;
  /** The canonical form of a desired or live body, so that equal means equal. */
  normalize(kind: Kind, body: unknown): Canonical;
}
