// A stateful OpenSearch (security plugin 2.19.4, demo configuration) behind nock, for plan →
// apply → plan round trips. It starts from the leader's recorded read round
// (test/fixtures/opensearch/2.19.4/leader/) and follows the real server where issue 11 depends
// on it (recorded in identity/ of that folder):
// - who a request is: authinfo of the basic-auth user, its backend roles from its internal user,
//   its roles from the roles mappings (users, backend_roles; `*` patterns), as identity/04 shows;
// - the security REST API answers only a caller with all_access or security_rest_api_access:
//   403 "No permission to access REST API…" otherwise (identity/05);
// - with auth_failure_listeners (identity/10), failed logins count per user and per address, and
//   once `allowed_tries` is reached the right password gets 401 "Unauthorized" too (identity/14),
//   then every basic-auth request 401 "Authentication finally failed" (identity/15);
// - a collection PATCH applies `add` / `remove` of whole objects (writes/05).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type nock from 'nock';
import { serveAll } from './nock-server.js';

type Obj = Record<string, unknown>;

const ROOT = path.join(__dirname, '..', '..', 'fixtures', 'opensearch', '2.19.4');
const recorded = (file: string): unknown => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as unknown;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const JSON_TYPE = { 'content-type': 'application/json; charset=UTF-8' };
const TEXT_TYPE = { 'content-type': 'text/plain; charset=UTF-8' };
const REST_API_ROLES = ['all_access', 'security_rest_api_access'];
const API = '/_plugins/_security/api/';

export interface Seen {
  method: string;
  path: string;
  /** The basic-auth user name, when the request had one. */
  user?: string;
  status: number;
}

/** A failed-login listener as the security config holds it. */
interface Listener {
  type: 'username' | 'ip';
  allowed_tries: number;
}

export class FakeOpenSearch {
  readonly collections: Record<string, Record<string, Obj>> = {
    roles: recorded('leader/GET__plugins__security_api_roles.json') as Record<string, Obj>,
    rolesmapping: recorded('leader/GET__plugins__security_api_rolesmapping.json') as Record<string, Obj>,
    internalusers: recorded('leader/GET__plugins__security_api_internalusers.json') as Record<string, Obj>,
    actiongroups: recorded('leader/GET__plugins__security_api_actiongroups.json') as Record<string, Obj>,
  };
  /** Passwords by user name (the fake's own: the server never returns a hash). */
  readonly passwords = new Map<string, string>();
  /** The answer to GET securityconfig instead of the recorded one, e.g. a 403. */
  securityConfigAnswer?: { status: number; body: unknown };
  seen: Seen[] = [];
  private listeners: Listener[] = [];
  /** Requests (method and path) whose answer is lost once: carried out (or not), then the connection reset. */
  private losses: { method: string; path: string; applied: boolean }[] = [];
  private failures = new Map<string, number>();
  private addressFailures = 0;

  constructor(
    readonly url: string,
    adminPassword: string,
  ) {
    this.passwords.set('admin', adminPassword);
  }

  /** The recorded auth_failure_listeners of identity/10 (username: 2 tries, ip: 4 tries). */
  withFailureListeners(): this {
    const config = recorded('identity/10_GET__plugins__security_api_securityconfig.with-listeners.json') as {
      config: { dynamic: { auth_failure_listeners: Record<string, Listener> } };
    };
    this.listeners = Object.values(config.config.dynamic.auth_failure_listeners);
    return this;
  }

  /** The next `method` `path` is carried out (or not, with `applied: false`), then its connection reset. */
  loseNext(method: string, path: string, applied = true): void {
    this.losses.push({ method, path, applied });
  }

  /** Logins as `user` the fake received (password checks and reads alike). */
  loginsAs(user: string): Seen[] {
    return this.seen.filter((r) => r.user === user && r.path === '/_plugins/_security/authinfo');
  }

  install(): this {
    serveAll(this.url, ['GET', 'PUT', 'PATCH', 'DELETE'], (...request) => this.respond(...request));
    return this;
  }

  /** One request, as nock or a real server (test/faults/stand-in.ts) hands it over: status, body, headers. */
  respond(
    method: string,
    uri: string,
    body: unknown,
    authorization?: string,
  ): nock.ReplyFnResult | Promise<nock.ReplyFnResult> {
    const user = basicUser(authorization);
    const at = this.losses.findIndex((l) => l.method === method && l.path === uri.split('?')[0]);
    const loss = at >= 0 ? this.losses.splice(at, 1)[0] : undefined;
    const [status, answer, headers] =
      loss?.applied === false ? [0, {}, {}] : this.answer(method, uri.split('?')[0]!, body, user);
    this.seen.push({ method, path: uri, status, ...(user ? { user: user.name } : {}) });
    if (loss) return Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    return [status, answer as nock.Body, headers as Record<string, string>];
  }

  // -------------------------------------------------------------------------------------------

  private answer(method: string, uri: string, body: unknown, user?: Credentials): [number, unknown, Obj] {
    const who = this.login(user);
    if (typeof who === 'string') return [401, who, TEXT_TYPE];
    if (uri === '/_plugins/_security/authinfo') return [200, this.authinfo(who), JSON_TYPE];
    if (uri.startsWith(API)) {
      if (!who.roles.some((r) => REST_API_ROLES.includes(r))) {
        return [403, recorded('identity/05_GET__plugins__security_api_roles.locked-out.json'), JSON_TYPE];
      }
      return this.securityApi(method, uri.slice(API.length), body);
    }
    if (uri === '/') return [200, recorded('leader/GET__.json'), JSON_TYPE];
    if (uri === '/_cluster/settings')
      return [200, recorded('leader/GET__cluster_settings.flat_settings=true.json'), JSON_TYPE];
    if (uri === '/_remote/info') return [200, {}, JSON_TYPE];
    return [404, { error: `no handler found for uri [${uri}] and method [${method}]` }, JSON_TYPE];
  }

  /** Who the credentials are, or the 401 text the server answers. Counts failures as the listeners do. */
  private login(user?: Credentials): Identity | string {
    const ip = this.listeners.find((l) => l.type === 'ip');
    if (ip && this.addressFailures >= ip.allowed_tries) return 'Authentication finally failed';
    if (!user) return 'Unauthorized';
    const byUser = this.listeners.find((l) => l.type === 'username');
    const blocked = byUser !== undefined && (this.failures.get(user.name) ?? 0) >= byUser.allowed_tries;
    if (blocked || this.passwords.get(user.name) !== user.password || !this.collections.internalusers![user.name]) {
      this.failures.set(user.name, (this.failures.get(user.name) ?? 0) + 1);
      this.addressFailures++;
      return 'Unauthorized';
    }
    return this.identity(user.name);
  }

  private identity(name: string): Identity {
    const record = this.collections.internalusers![name]!;
    const backendRoles = strings(record.backend_roles);
    const matches = (patterns: string[], values: string[]) =>
      patterns.some((p) => values.some((v) => p === '*' || p === v));
    const mapped = Object.entries(this.collections.rolesmapping!)
      .filter(([, m]) => matches(strings(m.users), [name]) || matches(strings(m.backend_roles), backendRoles))
      .map(([role]) => role);
    return { name, backendRoles, roles: [...new Set([...mapped, ...strings(record.opendistro_security_roles)])] };
  }

  /** The recorded authinfo (leader/…authinfo.json) with this identity's fields. */
  private authinfo(who: Identity): Obj {
    const base = recorded('leader/GET__plugins__security_authinfo.json') as Obj;
    return {
      ...base,
      user: `User [name=${who.name}, backend_roles=[${who.backendRoles.join(', ')}], requestedTenant=null]`,
      user_name: who.name,
      backend_roles: who.backendRoles,
      roles: who.roles,
    };
  }

  private securityApi(method: string, rest: string, body: unknown): [number, unknown, Obj] {
    const [collection, name] = rest.split('/').map(decodeURIComponent);
    if (collection === 'securityconfig') {
      const answer = this.securityConfigAnswer;
      if (answer) return [answer.status, answer.body, JSON_TYPE];
      const file =
        this.listeners.length > 0
          ? 'identity/10_GET__plugins__security_api_securityconfig.with-listeners.json'
          : 'leader/GET__plugins__security_api_securityconfig.json';
      return [200, recorded(file), JSON_TYPE];
    }
    if (collection === 'nodesdn')
      return [403, recorded('leader/GET__plugins__security_api_nodesdn.basic-auth.json'), JSON_TYPE];
    const store = this.collections[collection!];
    if (!store) return [400, { error: `no handler found for uri [${rest}]` }, JSON_TYPE];
    if (method === 'GET' && !name) return [200, store, JSON_TYPE];
    if (method === 'PATCH' && !name) return this.patch(collection!, store, body);
    return [400, { status: 'BAD_REQUEST', message: `${method} ${rest} is not faked` }, JSON_TYPE];
  }

  /** add / remove of whole objects, as xcluster sends them; passwords kept apart. */
  private patch(collection: string, store: Record<string, Obj>, body: unknown): [number, unknown, Obj] {
    const ops = (typeof body === 'string' ? JSON.parse(body) : body) as { op: string; path: string; value?: Obj }[];
    for (const op of ops) {
      const name = op.path.slice(1).replace(/~1/g, '/').replace(/~0/g, '~');
      if (op.op === 'remove') delete store[name];
      if (op.op !== 'add' || !op.value) continue;
      const { password, ...value } = op.value;
      if (collection === 'internalusers' && typeof password === 'string') this.passwords.set(name, password);
      store[name] = { hash: '', reserved: false, hidden: false, ...value };
    }
    return [200, recorded('writes/05_PATCH__plugins__security_api_roles.json'), JSON_TYPE];
  }
}

interface Credentials {
  name: string;
  password: string;
}

interface Identity {
  name: string;
  backendRoles: string[];
  roles: string[];
}

function basicUser(header: string | undefined): Credentials | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString();
  const at = decoded.indexOf(':');
  return { name: decoded.slice(0, at), password: decoded.slice(at + 1) };
}
