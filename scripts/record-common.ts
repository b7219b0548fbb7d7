// What the fixture recorders (scripts/opensearch/record-fixtures.ts,
// scripts/elasticsearch/record-fixtures.ts) share: one HTTPS request as the test clusters take
// it, the file name of a recorded answer, and the check that no file holds the admin password.
import { request as httpsRequest } from 'node:https';

export interface Answer {
  status: number;
  contentType: string;
  /** The `warning` header (deprecations), when the server sent one. */
  warning?: string;
  text: string;
}

export interface HttpsCall {
  url: URL;
  method: string;
  body?: unknown;
  /** `{ user, password }` for basic auth; none for a client certificate (or no) auth. */
  basic?: { user: string; password: string };
  /** The `encoded` form of an Elasticsearch API key (`Authorization: ApiKey …`), instead of basic auth. */
  apiKey?: string;
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export const basicAuthHeader = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** One request, JSON in and out (plain `application/json`, as xcluster's clients send it). */
export function sendHttps(call: HttpsCall): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  // A DELETE with a body goes out chunked without it, and a server that reads no body of a DELETE
  // (Elasticsearch 7.17) takes the rest for the start of the next request on the connection.
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  if (call.basic) headers.authorization = basicAuthHeader(call.basic.user, call.basic.password);
  if (call.apiKey) headers.authorization = `ApiKey ${call.apiKey}`;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      call.url,
      {
        method: call.method,
        headers,
        ca: call.ca,
        ...(call.cert && call.key ? { cert: call.cert, key: call.key } : {}),
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const warning = res.headers.warning;
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            ...(warning ? { warning: Array.isArray(warning) ? warning.join(', ') : warning } : {}),
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${call.method} ${call.url.pathname}`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** One request as `requests.json` of scripts/elasticsearch/record-fixtures.ts lists it. */
export interface RecordedRequest {
  /** The answer's file: in the version folder for the read round, in writes/ for the writes. */
  file: string;
  cluster: string;
  method: string;
  path: string;
  request_body?: unknown;
  status: number;
  content_type: string;
  /** The `warning` header (deprecations). */
  warning?: string;
  /** What the list filter dropped (other people's objects), for a filtered read. */
  filtered?: string;
  note?: string;
}

/** The body as JSON, or as the string it is when it is not JSON. */
export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * `GET /_security/role` → `GET__security_role`; `GET /` → `GET__`; the query after a `.`
 * with `&` turned into `.`; then `.variant`.
 */
export function fixtureName(method: string, pathAndQuery: string, variant?: string): string {
  const [path = '/', query] = pathAndQuery.split('?');
  let name = path === '/' ? `${method}__` : `${method}${path.replaceAll('/', '_')}`;
  if (query) name += `.${query.replaceAll('&', '.')}`;
  if (variant) name += `.${variant}`;
  return name;
}

/** The forms a password can take in a file: raw, JSON-escaped, URL-encoded, in a basic auth header. */
export function passwordForms(user: string, password: string): string[] {
  const forms = [
    password,
    JSON.stringify(password).slice(1, -1),
    encodeURIComponent(password),
    Buffer.from(`${user}:${password}`).toString('base64'),
  ];
  return [...new Set(forms)].filter((f) => f.length > 0);
}

/** Throws when `text` holds any of `forms`; `what` names the file in the message (never the value). */
export function refuseSecret(text: string, forms: string[], what: string): void {
  if (forms.some((f) => text.includes(f))) throw new Error(`${what} holds the admin password: not written`);
}

/** An environment variable the recorder needs; `script` is the one whose `env` sets it. */
export function need(name: string, script: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run eval "$(${script} env)" first`);
  return v;
}
