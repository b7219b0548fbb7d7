// Reading one cluster without ever throwing for server or network trouble: a cluster that cannot
// be read becomes `reachable: false` with a short reason, and the plan reports it as an error.
// The reason never holds a secret: it is built from error codes, HTTP statuses and the server's
// `error.reason`, never from request headers, and known secret values are scrubbed from it.

import { basicCredentials, maskSecrets } from '../model/redact.js';
import { emptyObjects, emptyReserved, type ClusterState, type Flavor } from '../model/types.js';
import { type Connection, type FlavorAdapter, type ReadOptions, type Snapshot } from './flavor.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Longest reason we report: a proxy's HTML error page is not a reason. */
const MAX_REASON = 300;

/** The state of a cluster that could not be read. */
export function unreachableState(name: string, flavor: Flavor, error: string): ClusterState {
  return {
    name,
    flavor,
    reachable: false,
    error,
    objects: emptyObjects(),
    reserved: emptyReserved(),
    remoteInfo: {},
  };
}

/** Reads and parses one cluster. Callers read many clusters with Promise.all. */
export async function readCluster(
  name: string,
  flavor: FlavorAdapter,
  conn: Connection,
  opts: ReadOptions = {},
): Promise<{ state: ClusterState; snapshot?: Snapshot }> {
  let snapshot: Snapshot;
  try {
    snapshot = await flavor.read(conn, opts);
  } catch (err) {
    return { state: unreachableState(name, flavor.flavor, describeReadError(err, conn)) };
  }
  try {
    return { state: { ...flavor.parse(snapshot), name }, snapshot };
  } catch (err) {
    const reason = scrub(`unreadable response from ${displayUrl(conn.url)}: ${messageOf(err)}`, conn);
    return { state: unreachableState(name, flavor.flavor, reason), snapshot };
  }
}

/** The URL as it may be shown: no user info, query or fragment. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname === '/' ? '' : u.pathname;
    return `${u.protocol}//${u.host}${path}`;
  } catch {
    return '(invalid url)'; // an unparsable URL may hold anything, a password included
  }
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const nameOf = (err: unknown): string => (err instanceof Error ? err.name : '');

/**
 * A short human reason for a failed read. The error classes are matched by name, so the
 * OpenSearch client (which shares them) is described the same way.
 */
export function describeReadError(err: unknown, conn: Connection): string {
  const at = displayUrl(conn.url);
  switch (nameOf(err)) {
    // http.ts's own errors name the request, the status and content type, or the limit passed.
    case 'AnswerError':
    case 'StatusError':
    case 'DeadlineError':
    case 'TruncatedError':
      return scrub(messageOf(err), conn);
    // A JSON 2xx without `x-elastic-product` (http.ts reads every other answer itself).
    case 'ProductNotSupportedError':
      return `the server at ${at} is not the expected product (no matching x-elastic-product header)`;
    default:
      return scrub(networkReason(messageOf(err), err, at), conn);
  }
}

/** Node socket and TLS errors by their code, which the client keeps only in the message. */
const NETWORK_CODES: [RegExp, string][] = [
  [/ECONNREFUSED/, 'connection refused (ECONNREFUSED)'],
  [/ENOTFOUND/, 'host not found (ENOTFOUND)'],
  [/EAI_AGAIN/, 'DNS lookup failed (EAI_AGAIN)'],
  [/ECONNRESET|socket hang up/, 'connection reset (ECONNRESET)'],
  [/ETIMEDOUT/, 'connection timed out (ETIMEDOUT)'],
  [/EHOSTUNREACH/, 'host unreachable (EHOSTUNREACH)'],
  [/ENETUNREACH/, 'network unreachable (ENETUNREACH)'],
];

const TLS_ERROR = /certificate|self[- ]signed|altnames|SSL|TLS|CERT_|EPROTO/i;

function networkReason(message: string, err: unknown, at: string): string {
  const code = isObject(err) && typeof err.code === 'string' ? err.code : '';
  const text = `${code} ${message}`;
  for (const [pattern, reason] of NETWORK_CODES) if (pattern.test(text)) return `${reason} at ${at}`;
  if (TLS_ERROR.test(text)) return `TLS error at ${at}: ${message}`;
  return `read failed at ${at}: ${message}`;
}

/** Credentials written into the URL itself (`https://user:pass@host`), decoded and raw. */
function urlCredentials(url: string): string[] {
  try {
    const { password } = new URL(url);
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

/** Every credential of the connection, in clear and as its Basic header carries it, and `extra`. */
export function secretsOf(conn: Connection, extra: (string | undefined)[] = []): string[] {
  const out: string[] = [...urlCredentials(conn.url)];
  const auth = conn.auth;
  if (auth && 'apiKey' in auth) out.push(auth.apiKey);
  if (auth && 'password' in auth) out.push(auth.password, basicCredentials(auth.username, auth.password));
  for (const s of extra) if (s) out.push(s);
  return out;
}

/**
 * `text` with every form of `secrets` (and of every registered secret) masked, then cut to `max`
 * characters: masked before the cut, so that no piece of a secret outlives it.
 */
export function scrubbed(text: string, secrets: readonly string[], max: number): string {
  const out = maskSecrets(text, secrets);
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

const scrub = (text: string, conn: Connection): string => scrubbed(text, secretsOf(conn), MAX_REASON);
