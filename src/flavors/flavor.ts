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

/**
 * What became of one operation. `unknown`: a request was sent and its answer was lost (a reset
 * after sending, a timeout, an unreadable body of a success): it may have been applied, and the
 * verification read decides. `partial`: an operation of several requests of which the first ones
 * were done and a later one failed (or was lost). `skipped`: never started.
 */
export type OperationStatus = 'done' | 'failed' | 'skipped' | 'unknown' | 'partial';

export interface OperationResult {
  change: Change;
  status: OperationStatus;
  /**
   * Why it is not done (never holds a secret): the server's error of a failed operation,
   * "may have been applied: …" of an unknown one, "half done: …" of a partial one, "not started:
   * …" of a skipped one.
   */
  error?: string;
  /** A remark on a done operation, e.g. "in flight when create role r failed". */
  note?: string;
}

export interface ExecuteOptions {
  /** Operations of one step in flight at once. */
  concurrency: number;
  retry: RetryPolicy;
  /** Aborts the requests in flight (a deadline): their operations are then of unknown outcome. */
  signal?: AbortSignal;
  /**
   * Once aborted (SIGINT, SIGTERM, the run deadline), no further operation starts; those in
   * flight finish. Its `reason` (a string or an Error) says why, e.g. "stopped by SIGINT".
   */
  stop?: AbortSignal;
}

/** How the report names an operation that stopped its step: "create role r failed". */
export function stoppedAt(change: Change, status: OperationStatus): string {
  const what = `${change.action} ${change.kind} ${change.name}`;
  if (status === 'unknown') return `${what} may have been applied (its answer was lost)`;
  if (status === 'partial') return `${what} was half done`;
  return `${what} failed`;
}

/** Why `stop` was aborted ("stopped by SIGINT"), or undefined while it is not. */
export function stopReason(stop: AbortSignal | undefined): string | undefined {
  if (stop === undefined || !stop.aborted) return undefined;
  const reason: unknown = stop.reason;
  if (typeof reason === 'string' && reason !== '') return reason;
  return reason instanceof Error && reason.message !== '' ? reason.message : 'stopped';
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
   * themselves. Once one is not done (failed, unknown, partial) or `stop` is aborted, no further
   * operation of the step starts (they are skipped); those in flight then are noted as such.
   */
  execute(conn: Connection, step: Operation[], opts: ExecuteOptions): Promise<OperationResult[]>;
  /** True when `username` / `password` authenticate; false on 401. Throws on any other failure. */
  authenticate(conn: Connection, username: string, password: string, signal?: AbortSignal): Promise<boolean>;
}
