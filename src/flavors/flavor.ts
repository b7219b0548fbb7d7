import { type Canonical, type Change, type ClusterState, type Flavor, type Kind } from '../model/types.js';

/** A connection whose secrets have been resolved. Lives only in memory; never printed. */
export interface Connection {
  cluster: string;
  url: string;
  auth: { apiKey: string } | { username: string; password: string } | null;
  /** PEM text of the CA that signs the cluster's HTTP certificate. */
  ca?: string;
  /** PEM text of a TLS client certificate and its key (OpenSearch's admin APIs, PKI realms). */
  clientCertificate?: { certificate: string; key: string };
  /** Wall-clock limit of each request, headers and body (connection.timeout). */
  timeoutMs: number;
  /** Limit of one read round of this cluster with its retries and password checks (connection.deadline). */
  deadlineMs?: number;
}

/** What bounds one read round: the cluster's deadline, and a retry policy (tests give one that never sleeps). */
export interface ReadOptions {
  signal?: AbortSignal;
  retry?: RetryPolicy;
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
export interface FlavorAdapter extends FlavorWriter {
  flavor: Flavor;
  /** One round of parallel requests; their number never grows with the number of objects. */
  read(conn: Connection, opts?: ReadOptions): Promise<Snapshot>;
  /** Turns recorded responses into canonical live state (pure). */
  parse(snapshot: Snapshot): ClusterState;
  /** The canonical form of a desired or live body, so that equal means equal. */
  normalize(kind: Kind, body: unknown): Canonical;
}

/** One change to carry out, with the secret it needs (resolved just before it runs; never printed). */
export interface Operation {
  change: Change;
  password?: string;
}

export type OperationStatus = 'done' | 'failed' | 'skipped';

export interface OperationResult {
  change: Change;
  status: OperationStatus;
  /** The server's error, for a failed operation (never holds a secret). */
  error?: string;
}

export interface ExecuteOptions {
  /** Operations of one step in flight at once. */
  concurrency: number;
  retry: RetryPolicy;
  /** Aborts the requests in flight (a deadline): their operations are then of unknown outcome. */
  signal?: AbortSignal;
}

/** Retries of a write on 429/502/503/504 and connection resets: bounded in count and in time. */
export interface RetryPolicy {
  retries: number;
  /** First backoff; doubles each time, with full jitter, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry starts after this much time since the first attempt. */
  deadlineMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** The write side of a flavor. */
export interface FlavorWriter {
  /**
   * Carries out one step: operations of one kind and direction, in any order among
   * themselves. Once one fails, no further operation of the step starts (they are skipped).
   */
  execute(conn: Connection, step: Operation[], opts: ExecuteOptions): Promise<OperationResult[]>;
  /** True when `username` / `password` authenticate; false on 401. Throws on any other failure. */
  authenticate(conn: Connection, username: string, password: string, signal?: AbortSignal): Promise<boolean>;
}
