// Two real OpenSearch clusters for the integration tests, through scripts/opensearch.sh:
// `leader` and `follower`, single-node each, security plugin with the demo configuration, TLS
// on HTTP and transport signed by the demo root CA. See docs/opensearch-integration.md.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scripts/opensearch.sh', import.meta.url));

export interface ClusterEndpoint {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** The demo root CA that signed the node certificate: verify TLS against it. */
  caFile: string;
  /** `127.0.0.1:<port>` of the transport layer: what a remote cluster's `seeds` name. */
  transport: string;
}

export interface OpenSearchClusters {
  version: string;
  leader: ClusterEndpoint;
  follower: ClusterEndpoint;
  adminUser: string;
  adminPassword: string;
  /** The demo super-admin client certificate and key (CN=kirk): the nodesdn API takes only it. */
  adminCertFile: string;
  adminKeyFile: string;
  stop(): Promise<void>;
}

function run(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      process.stderr.write(d);
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else
        reject(
          new Error(
            `scripts/opensearch.sh ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${err.slice(-4000)}`,
          ),
        );
    });
  });
}

/** Parses `export NAME=value` lines (values quoted by bash's printf %q). */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2]!;
    if (v.startsWith("'") && v.endsWith("'")) v = v.slice(1, -1);
    else v = v.replace(/\\(.)/g, '$1');
    env[m[1]!] = v;
  }
  return env;
}

/**
 * Clusters someone else runs on the same addresses (the official Docker image, README
 * "Integration tests"): the tests neither start nor stop them, and expect them freshly created.
 */
const EXTERNAL = process.env.XCLUSTER_OPENSEARCH_EXTERNAL === '1';

/**
 * Starts both clusters and returns how to reach them. With `fresh` (the default) clusters left
 * running by an earlier run are stopped first, so every start has the demo configuration's state.
 */
export async function startClusters(opts: { fresh?: boolean; timeoutMs?: number } = {}): Promise<OpenSearchClusters> {
  const timeoutMs = opts.timeoutMs ?? 540_000;
  if (!EXTERNAL && (opts.fresh ?? true)) await run(['stop'], 120_000);
  if (!EXTERNAL) await run(['start'], timeoutMs);
  const env = parseEnv(await run(['env'], 30_000));
  const need = (k: string): string => {
    const v = env[k];
    if (!v) throw new Error(`scripts/opensearch.sh env printed no ${k}`);
    return v;
  };
  const caFile = need('OS_CA_FILE');
  return {
    version: need('OS_VERSION'),
    leader: { url: need('OS_LEADER_URL'), caFile, transport: need('OS_LEADER_TRANSPORT') },
    follower: { url: need('OS_FOLLOWER_URL'), caFile, transport: need('OS_FOLLOWER_TRANSPORT') },
    adminUser: need('OS_ADMIN_USER'),
    adminPassword: readFileSync(need('OS_ADMIN_PASSWORD_FILE'), 'utf8').trim(),
    adminCertFile: need('OS_ADMIN_CERT_FILE'),
    adminKeyFile: need('OS_ADMIN_KEY_FILE'),
    stop: async () => {
      if (!EXTERNAL) await run(['stop'], 120_000);
    },
  };
}

export interface OsAnswer {
  status: number;
  body: unknown;
}

/**
 * One request over TLS verified against `ca` (no verification is ever turned off). `auth` is
 * basic auth; without it, pass `cert`/`key` to authenticate with a client certificate.
 */
export function osRequest(
  endpoint: { url: string; caFile?: string },
  method: string,
  path: string,
  opts: {
    body?: unknown;
    auth?: { user: string; password: string };
    cert?: string;
    key?: string;
    ca?: Buffer | null;
  } = {},
): Promise<OsAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (opts.auth) {
    headers.authorization = `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`).toString('base64')}`;
  }
  const ca = opts.ca === null ? undefined : (opts.ca ?? (endpoint.caFile ? readFileSync(endpoint.caFile) : undefined));
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, endpoint.url),
      {
        method,
        headers,
        ...(ca ? { ca } : {}),
        ...(opts.cert && opts.key ? { cert: readFileSync(opts.cert), key: readFileSync(opts.key) } : {}),
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON (the security plugin answers 401 with text/plain)
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
