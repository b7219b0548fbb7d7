// A stateful Elasticsearch behind nock: it keeps what is written and answers reads in the
// server's shape (es-shapes.ts), so that apply → plan round trips can be tested end to end.
// It follows the server where xcluster depends on it:
// - PUT role / role mapping replace the whole object (RoleDescriptor / ExpressionRoleMapping docs);
// - PUT user on an existing user is a partial update: `metadata` is merged into the stored one,
//   omitted `metadata` clears it, omitted `password` keeps it (DESIGN.md, "Known traps");
// - PUT _cluster/settings applies flat or nested persistent settings, `null` removes one, and
//   settings of the other mode are refused with a 400 (DESIGN.md; seed 002/004); transient
//   settings are kept apart and win over persistent ones, as on the server.
// Answer bodies are those of the Elasticsearch API docs (put-role: {"role":{"created":true}},
// put-user: {"created":true}, put-role-mapping: {"role_mapping":{"created":true}}, delete-*:
// {"found":true}, change-password: {}, cluster-put-settings: {"acknowledged":true,…}).

import type nock from 'nock';
import { FIXTURES, reservedUsers, type Line } from '../../fixtures/elasticsearch/index.js';
import { ES_HEADERS } from './es-nock.js';
import { serveAll } from './nock-server.js';
import { reservedRoles, serverRole, serverRoleMapping, serverUser } from './es-shapes.js';

type Obj = Record<string, unknown>;

export interface Recorded {
  method: string;
  path: string;
  body: unknown;
  authorization?: string;
}

interface Failure {
  method: string;
  path: string;
  status: number;
  /** The answer, or how to make it from the request body as sent. */
  body: Obj | ((requestBody: string) => Obj);
  headers?: Record<string, string>;
  /**
   * Only a request with basic credentials (a password check, not the read round's own
   * `_authenticate` with an API key); a name: only a login as that user.
   */
  basicOnly?: boolean | string;
}

/** The user name of a basic `authorization` header. */
const basicUser = (authorization?: string): string | undefined =>
  authorization?.startsWith('Basic ')
    ? Buffer.from(authorization.slice(6), 'base64').toString().split(':')[0]
    : undefined;

/** Whether a failure meant for logins (`basicOnly`) applies to a request by `user`. */
const loginMatches = (only: Failure['basicOnly'], user: string | undefined): boolean =>
  !only || (user !== undefined && (only === true || only === user));

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function flatten(value: unknown, prefix: string, out: Obj): Obj {
  if (!isObject(value)) {
    out[prefix] = value;
    return out;
  }
  for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

/** One scope's settings after a PUT: `null` removes a setting, values are stored as strings. */
function applySettings(current: Obj, update: unknown): Obj {
  const next = { ...current };
  for (const [k, v] of Object.entries(flatten(update ?? {}, '', {}))) {
    if (v === null) delete next[k];
    else next[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return next;
}

/** A lost answer: a reset connection, or a 200 whose JSON is cut in the middle. */
function lost(how: Loss, answer: unknown): Promise<nock.ReplyFnResult> | nock.ReplyFnResult {
  if (how === 'reset') return Promise.reject(connectionReset());
  const text = JSON.stringify(answer);
  return [200, text.slice(0, Math.max(1, Math.floor(text.length / 2))), ES_HEADERS];
}

/** An Elasticsearch error body, as the server sends it. */
export const esError = (status: number, type: string, reason: string): Obj => ({
  error: { root_cause: [{ type, reason }], type, reason },
  status,
});

/** How an answer is lost: the connection reset before it, or a success cut short mid-body. */
export type Loss = 'reset' | 'truncate';

interface LostAnswer {
  method: string;
  path: string;
  how: Loss;
  /** Whether the server carried the request out before its answer was lost. */
  applied: boolean;
}

/** A connection reset after the request was sent, as a client sees it. */
export const connectionReset = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

export class FakeElasticsearch {
  roles: Record<string, Obj> = {};
  users: Record<string, { body: Obj; password: string }> = {};
  mappings: Record<string, Obj> = {};
  persistent: Record<string, unknown> = {};
  transient: Record<string, unknown> = {};
  /** Remote aliases whose connection never comes up. */
  disconnected = new Set<string>();
  requests: Recorded[] = [];
  private failures: Failure[] = [];
  private losses: LostAnswer[] = [];
  /** Called with each write as it arrives, before it is answered. */
  onWrite?: (request: Recorded) => void;
  /** File-realm users (name → password): they log in as superuser and are never listed, like a real bootstrap admin. */
  private fileRealm = new Map<string, string>();

  constructor(
    readonly url: string,
    readonly line: Line = '8.15',
  ) {}

  /** A file-realm superuser the connection can log in as with basic auth. */
  withFileRealmAdmin(username: string, password: string): this {
    this.fileRealm.set(username, password);
    return this;
  }

  /** The next request matching method and path gets this answer instead (once). */
  failNext(
    method: string,
    path: string,
    status: number,
    body: Failure['body'],
    headers?: Record<string, string>,
  ): void {
    this.failures.push({ method, path, status, body, headers });
  }

  /**
   * The next request matching method and path gets a 400 whose reason quotes the request body, as
   * a server's parse error does; `reason` says how (by default the body in brackets).
   */
  echoNext(method: string, path: string, reason = (sent: string) => `failed to parse [${sent}]`): void {
    this.failNext(method, path, 400, (sent) => esError(400, 'mapper_parsing_exception', reason(sent)));
  }

  /**
   * The answer to the next request matching method and path is lost (once): the server carries
   * it out (or not, with `applied: false`), then the connection is reset or the answer cut short.
   */
  loseNext(method: string, path: string, how: Loss, applied = true): void {
    this.losses.push({ method, path, how, applied });
  }

  /** The next password check (a basic-auth `_authenticate`) gets this answer instead (once). */
  failNextLogin(status: number, body: Obj, user?: string): void {
    this.failures.push({ method: 'GET', path: '/_security/_authenticate', status, body, basicOnly: user ?? true });
  }

  /** The password checks received: logins as `user` (`_authenticate` with its basic credentials). */
  loginsAs(user: string): Recorded[] {
    return this.requests.filter((r) => r.path === '/_security/_authenticate' && basicUser(r.authorization) === user);
  }

  writes(): Recorded[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  /** The answer to one request, as the fake's nock interceptor gives it (also usable behind a real HTTP server). */
  respond(
    method: string,
    uri: string,
    body: unknown,
    authorization?: string,
  ): nock.ReplyFnResult | Promise<nock.ReplyFnResult> {
    const parsed = typeof body === 'string' && body !== '' ? JSON.parse(body) : body || undefined;
    this.requests.push({ method, path: uri, body: parsed, authorization });
    if (method !== 'GET') this.onWrite?.(this.requests[this.requests.length - 1]!);
    const sent = typeof body === 'string' ? body : JSON.stringify(body ?? '');
    const lossAt = this.losses.findIndex((l) => l.method === method && l.path === uri.split('?')[0]);
    const loss = lossAt >= 0 ? this.losses.splice(lossAt, 1)[0] : undefined;
    if (loss && !loss.applied) return lost(loss.how, { acknowledged: true });
    const [status, answer, headers] = this.answer(method, uri.split('?')[0]!, parsed, authorization, sent);
    if (loss) return lost(loss.how, answer);
    return [status, answer as nock.Body, { ...ES_HEADERS, ...headers }];
  }

  install(): this {
    serveAll(this.url, ['GET', 'PUT', 'POST', 'DELETE'], (...args) => this.respond(...args));
    return this;
  }

  private answer(
    method: string,
    path: string,
    body: unknown,
    authorization: string | undefined,
    sent: string,
  ): [number, unknown, Obj?] {
    const i = this.failures.findIndex(
      (f) => f.method === method && f.path === path && loginMatches(f.basicOnly, basicUser(authorization)),
    );
    if (i >= 0) {
      const [f] = this.failures.splice(i, 1);
      return [f!.status, typeof f!.body === 'function' ? f!.body(sent) : f!.body, f!.headers];
    }
    const b = isObject(body) ? body : {};
    const [, api, kind, name, action] = path.split('/').map(decodeURIComponent);
    if (method === 'GET') return this.read(path, authorization);
    if (path === '/_cluster/settings' && method === 'PUT') return this.putSettings(b);
    if (api !== '_security' || !name) return [404, esError(404, 'not_found', `no handler for ${method} ${path}`)];
    if (method === 'DELETE') return this.remove(kind!, name);
    if (kind === 'role') return this.put(this.roles, name, b, (created) => ({ role: { created } }));
    if (kind === 'role_mapping') return this.put(this.mappings, name, b, (created) => ({ role_mapping: { created } }));
    if (kind === 'user' && action === '_password') return this.changePassword(name, b);
    if (kind === 'user') return this.putUser(name, b);
    return [404, esError(404, 'not_found', path)];
  }

  private read(path: string, authorization?: string): [number, unknown] {
    const fixture = FIXTURES[this.line].responses;
    const mapEntries = <T>(o: Record<string, T>, f: (name: string, v: T) => Obj) =>
      Object.fromEntries(Object.entries(o).map(([n, v]) => [n, f(n, v)]));
    switch (path) {
      case '/':
        return [200, fixture['GET /']];
      case '/_security/role':
        return [200, { ...reservedRoles(this.line), ...mapEntries(this.roles, (_, r) => serverRole(this.line, r)) }];
      case '/_security/user':
        return [200, { ...reservedUsers(), ...mapEntries(this.users, (n, u) => serverUser(n, u.body)) }];
      case '/_security/role_mapping':
        return [200, mapEntries(this.mappings, (_, m) => serverRoleMapping(m))];
      case '/_cluster/settings':
        return [200, { persistent: this.persistent, transient: this.transient }];
      case '/_remote/info':
        return [200, this.remoteInfo()];
      case '/_security/_authenticate':
        return this.authenticate(authorization);
      case '/_security/privilege/_builtin': {
        const builtin = fixture['GET /_security/privilege/_builtin'];
        return builtin ? [200, builtin] : [404, esError(404, 'not_found', path)];
      }
      default:
        return [404, esError(404, 'not_found', path)];
    }
  }

  private put(store: Record<string, Obj>, name: string, body: Obj, reply: (created: boolean) => Obj): [number, Obj] {
    const created = !(name in store);
    store[name] = body;
    return [200, reply(created)];
  }

  private putUser(name: string, body: Obj): [number, Obj] {
    const { password, ...fields } = body;
    const existing = this.users[name];
    if (!existing) {
      if (typeof password !== 'string')
        return [
          400,
          esError(
            400,
            'action_request_validation_exception',
            'password must be specified unless you are updating an existing user',
          ),
        ];
      this.users[name] = { body: fields, password };
      return [200, { created: true }];
    }
    const metadata = 'metadata' in fields ? { ...(existing.body.metadata as Obj), ...(fields.metadata as Obj) } : {};
    existing.body = { ...existing.body, ...fields, metadata };
    if (typeof password === 'string') existing.password = password;
    return [200, { created: false }];
  }

  private changePassword(name: string, body: Obj): [number, Obj] {
    const user = this.users[name];
    if (!user) return [404, esError(404, 'resource_not_found_exception', `user [${name}] not found`)];
    user.password = String(body.password);
    return [200, {}];
  }

  private remove(kind: string, name: string): [number, Obj] {
    const store: Record<string, unknown> | undefined =
      kind === 'role' ? this.roles : kind === 'user' ? this.users : kind === 'role_mapping' ? this.mappings : undefined;
    if (!store) return [404, esError(404, 'not_found', kind)];
    const found = name in store;
    delete store[name];
    return [found ? 200 : 404, kind === 'role_mapping' ? { found } : { found }];
  }

  private putSettings(body: Obj): [number, Obj] {
    const persistent = applySettings(this.persistent, body.persistent);
    const transient = applySettings(this.transient, body.transient);
    const invalid = this.invalidRemote({ ...persistent, ...transient });
    if (invalid) return [400, esError(400, 'illegal_argument_exception', invalid)];
    [this.persistent, this.transient] = [persistent, transient];
    return [200, { acknowledged: true, persistent: body.persistent ?? {}, transient: body.transient ?? {} }];
  }

  /** The settings in force: a transient one wins over its persistent namesake. */
  private effective(): Obj {
    return { ...this.persistent, ...this.transient };
  }

  /** The server judges the resulting settings: no setting of the other mode may remain. */
  private invalidRemote(settings: Obj): string | undefined {
    for (const alias of this.aliases(settings)) {
      const mode = settings[`cluster.remote.${alias}.mode`] ?? 'sniff';
      const other = mode === 'proxy' ? 'seeds' : 'proxy_address';
      if (`cluster.remote.${alias}.${other}` in settings) {
        return `Setting "cluster.remote.${alias}.${other}" cannot be used with the configured "cluster.remote.${alias}.mode" [required=${mode === 'proxy' ? 'SNIFF' : 'PROXY'}, configured=${String(mode).toUpperCase()}]`;
      }
    }
    return undefined;
  }

  private aliases(settings: Obj = this.effective()): string[] {
    const out = new Set<string>();
    for (const k of Object.keys(settings)) {
      const m = /^cluster\.remote\.([^.]+)\./.exec(k);
      if (m) out.add(m[1]!);
    }
    return [...out];
  }

  private remoteInfo(): Obj {
    return Object.fromEntries(
      this.aliases().map((alias) => {
        const s = (k: string) => this.effective()[`cluster.remote.${alias}.${k}`];
        const mode = (s('mode') as string) ?? 'sniff';
        const connected = !this.disconnected.has(alias);
        const common = {
          connected,
          mode,
          initial_connect_timeout: '30s',
          skip_unavailable: s('skip_unavailable') !== 'false',
        };
        return [
          alias,
          mode === 'proxy'
            ? {
                ...common,
                proxy_address: s('proxy_address'),
                server_name: s('server_name') ?? '',
                num_proxy_sockets_connected: connected ? 18 : 0,
                max_proxy_socket_connections: 18,
              }
            : { ...common, seeds: s('seeds'), num_nodes_connected: connected ? 1 : 0, max_connections_per_cluster: 3 },
        ];
      }),
    );
  }

  private authenticate(authorization?: string): [number, Obj] {
    const [scheme, value] = (authorization ?? '').split(' ');
    // The connection's own API key: the identity of the read round, as the fixture line answers it.
    if (scheme === 'ApiKey' && value)
      return [200, FIXTURES[this.line].responses['GET /_security/_authenticate'] as Obj];
    if (scheme === 'Basic' && value) {
      const decoded = Buffer.from(value, 'base64').toString();
      const at = decoded.indexOf(':');
      const [username, password] = [decoded.slice(0, at), decoded.slice(at + 1)];
      if (this.fileRealm.get(username) === password) {
        const realm = { name: 'default_file', type: 'file' };
        return [
          200,
          {
            username,
            roles: ['superuser'],
            authentication_realm: realm,
            lookup_realm: realm,
            authentication_type: 'realm',
          },
        ];
      }
      const user = this.users[username];
      if (user && user.password === password) {
        return [
          200,
          {
            username,
            roles: user.body.roles ?? [],
            full_name: null,
            email: null,
            metadata: {},
            enabled: true,
            authentication_realm: { name: 'default_native', type: 'native' },
            lookup_realm: { name: 'default_native', type: 'native' },
            authentication_type: 'realm',
          },
        ];
      }
    }
    return [
      401,
      esError(401, 'security_exception', 'unable to authenticate user for REST request [/_security/_authenticate]'),
    ];
  }
}
