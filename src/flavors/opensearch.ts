// The OpenSearch flavor (security plugin): the read round and parse. One round of ten parallel
// GETs kept verbatim in a Snapshot, then turned into canonical live state by a pure parse. The
// canonical forms are in opensearch-canonical.ts, the write side in opensearch-write.ts. What the real server answers is recorded in
// test/fixtures/opensearch/2.19.4/ (its README lists the server's habits this code relies on).

import { type ClusterState, type Identity, type Kind, type LoginFailureListeners } from '../model/types.js';
import { addObjects, baseState, type Dialect } from './settings.js';
import { ANY_OBJECT, READ_SHAPES } from './answers.js';
import { type Connection, type FlavorAdapter, type ReadOptions, type Snapshot } from './flavor.js';
import { AnswerError, kindOf, readRequest, type Answer, type ClusterRequest, type Send, type Shape } from './http.js';
import { openSearchClient, openSearchSend } from './opensearch-client.js';
import { authenticate, execute } from './opensearch-write.js';
import { isBuiltIn, isHidden, isManaged, normalize } from './opensearch-canonical.js';
import { isDemoObject } from './opensearch-demo.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys of `Snapshot.responses`: the request line of each of the ten reads. */
export const OPENSEARCH_RESPONSE_KEYS = {
  info: 'GET /',
  roles: 'GET /_plugins/_security/api/roles',
  rolesMapping: 'GET /_plugins/_security/api/rolesmapping',
  internalUsers: 'GET /_plugins/_security/api/internalusers',
  actionGroups: 'GET /_plugins/_security/api/actiongroups',
  nodesDn: 'GET /_plugins/_security/api/nodesdn',
  settings: 'GET /_cluster/settings?flat_settings=true',
  remoteInfo: 'GET /_remote/info',
  /** Who xcluster is: user name, backend roles, mapped roles (self-lockout). */
  authinfo: 'GET /_plugins/_security/authinfo',
  /** The security config: its auth_failure_listeners make a failed login block a user or an address. */
  securityConfig: 'GET /_plugins/_security/api/securityconfig',
} as const;

/**
 * The read round. Its size is fixed: every list endpoint returns all objects of its kind in one
 * response, so a cluster with 500 roles costs the same ten requests as one with 1.
 */
const READS: readonly string[] = Object.values(OPENSEARCH_RESPONSE_KEYS);

// ---------------------------------------------------------------------------------------------
// Read

/** What a 400 `no handler found` on the security plugin's own APIs means. */
const NO_SECURITY = 'is the security plugin installed and enabled?';

/**
 * The security plugin's reads, by kind, with the answers that leave a kind unread rather than
 * failing the round. A 400 is OpenSearch's `no handler found for uri`: the security plugin is
 * not installed (a cluster without security still has remote clusters to manage), or, for
 * nodesdn, `plugins.security.nodes_dn_dynamic_config_enabled` is off (the API then has no
 * route). The nodesdn API also wants the super-admin client certificate (403 with basic auth).
 * The answer is kept as the server sent it, and parse reports the kind as unreadable.
 */
const SECURITY_READS: readonly { kind: Kind; key: string; tolerate: number[]; noHandler: string }[] = [
  { kind: 'action_group', key: OPENSEARCH_RESPONSE_KEYS.actionGroups, tolerate: [400], noHandler: NO_SECURITY },
  { kind: 'role', key: OPENSEARCH_RESPONSE_KEYS.roles, tolerate: [400], noHandler: NO_SECURITY },
  { kind: 'roles_mapping', key: OPENSEARCH_RESPONSE_KEYS.rolesMapping, tolerate: [400], noHandler: NO_SECURITY },
  { kind: 'internal_user', key: OPENSEARCH_RESPONSE_KEYS.internalUsers, tolerate: [400], noHandler: NO_SECURITY },
  {
    kind: 'nodes_dn',
    key: OPENSEARCH_RESPONSE_KEYS.nodesDn,
    tolerate: [400, 403],
    noHandler: 'the nodesdn API needs plugins.security.nodes_dn_dynamic_config_enabled: true in opensearch.yml',
  },
];

/**
 * The other reads of the security plugin that may be refused: both are 400 without the plugin,
 * and reading the security config needs the REST API access (a role of
 * plugins.security.restapi.roles_enabled) that authinfo does not.
 */
const OTHER_TOLERATED: Record<string, number[]> = {
  [OPENSEARCH_RESPONSE_KEYS.authinfo]: [400],
  [OPENSEARCH_RESPONSE_KEYS.securityConfig]: [400, 403],
};

const tolerated = (key: string): number[] =>
  SECURITY_READS.find((x) => x.key === key)?.tolerate ?? OTHER_TOLERATED[key] ?? [];

/** Of an answer that is not the security config, only what a refusal says: `{ status, message }`, `{ error }`. */
function refusalOnly(body: unknown): unknown {
  if (!isObject(body)) return body;
  return Object.fromEntries(['status', 'message', 'reason', 'error'].filter((k) => k in body).map((k) => [k, body[k]]));
}

/**
 * What the snapshot keeps of an answer: all of it, but of the security config only its
 * auth_failure_listeners. The rest of it may hold secrets (an LDAP bind password, a JWT signing
 * key), which a snapshot file must never hold; nothing else of it is read.
 */
function keptOf(key: string, body: unknown): unknown {
  if (key !== OPENSEARCH_RESPONSE_KEYS.securityConfig) return body;
  const config = isObject(body) && isObject(body.config) ? body.config : undefined;
  const dynamic = config && isObject(config.dynamic) ? config.dynamic : undefined;
  if (!dynamic) return refusalOnly(body); // kept to say why it is unknown
  return { config: { dynamic: { auth_failure_listeners: dynamic.auth_failure_listeners ?? {} } } };
}

/** The top-level shape of each read's 2xx answer. */
const SHAPES: Record<string, Shape> = {
  [OPENSEARCH_RESPONSE_KEYS.info]: READ_SHAPES.info,
  [OPENSEARCH_RESPONSE_KEYS.roles]: READ_SHAPES.roles,
  [OPENSEARCH_RESPONSE_KEYS.rolesMapping]: READ_SHAPES.roleMappings,
  [OPENSEARCH_RESPONSE_KEYS.internalUsers]: READ_SHAPES.users,
  [OPENSEARCH_RESPONSE_KEYS.actionGroups]: READ_SHAPES.actionGroups,
  [OPENSEARCH_RESPONSE_KEYS.nodesDn]: READ_SHAPES.nodesDn,
  [OPENSEARCH_RESPONSE_KEYS.settings]: READ_SHAPES.settings,
  [OPENSEARCH_RESPONSE_KEYS.remoteInfo]: READ_SHAPES.remoteInfo,
  [OPENSEARCH_RESPONSE_KEYS.authinfo]: READ_SHAPES.identity,
  [OPENSEARCH_RESPONSE_KEYS.securityConfig]: ANY_OBJECT,
};

/**
 * A tolerated refusal must say it is one (`{ error }`, `{ status, message }`): any other body
 * under a 400/403 would be read as an empty kind.
 */
function checkedRefusal(key: string, answer: Answer): unknown {
  const body = answer.body;
  if (answer.status < 300 || (isObject(body) && (typeof body.error === 'string' || typeof body.status === 'string'))) {
    return body;
  }
  throw new AnswerError(
    `${key} answered ${answer.status}: unexpected answer shape: expected a refusal ({ error } or { status, message }), got ${kindOf(body)}`,
    key,
    answer.status,
    'application/json',
    { statusCode: answer.status, headers: answer.headers, body },
  );
}

/** One read of the round, checked and retried, with its tolerated refusals. */
async function readOne(send: Send, key: string, conn: Connection, opts: ReadOptions): Promise<unknown> {
  const url = new URL(key.slice('GET '.length), 'http://x');
  const querystring = Object.fromEntries(url.searchParams);
  const request: ClusterRequest = { method: 'GET', path: url.pathname, ...(url.search ? { querystring } : {}) };
  const answer = await readRequest(send, request, { conn, ...opts }, { shape: SHAPES[key], tolerate: tolerated(key) });
  return keptOf(key, checkedRefusal(key, answer));
}

/** The failure to report of several: an answer says more than a lost connection. */
const answered = (e: unknown): boolean => e instanceof Error && ['AnswerError', 'StatusError'].includes(e.name);

/** Reads the ten responses in parallel. Throws the most telling failure when any of them fails. */
async function read(conn: Connection, opts: ReadOptions = {}): Promise<Snapshot> {
  const client = openSearchClient(conn);
  const send = openSearchSend(client);
  try {
    const settled = await Promise.allSettled(READS.map((key) => readOne(send, key, conn, opts)));
    const responses: Record<string, unknown> = {};
    const failures: unknown[] = [];
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') responses[READS[i]!] = s.value;
      else failures.push(s.reason);
    });
    if (failures.length > 0) throw failures.find(answered) ?? failures[0];
    return { format_version: 1, cluster: conn.cluster, flavor: 'opensearch', responses };
  } finally {
    await client.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Parse

/**
 * Why a tolerated read was refused, or undefined for a real answer: OpenSearch's
 * `{ error: "no handler found for uri …" }` (400), with `noHandler` to say what that means, or the
 * security plugin's `{ status, message }` (403). A snapshot recorded without that read is a
 * refusal too.
 */
function refusal(response: unknown, noHandler: string): string | undefined {
  if (response === undefined) return 'not in the snapshot';
  if (!isObject(response)) return undefined;
  if (typeof response.error === 'string') return `${response.error} (${noHandler})`;
  if (typeof response.status !== 'string') return undefined;
  const why = typeof response.message === 'string' ? response.message : response.reason;
  return `${response.status}${typeof why === 'string' ? `: ${why}` : ''}`;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** `127.0.0.1:53720` → `127.0.0.1`; `[::1]:53720` → `::1`. */
function hostOf(address: unknown): string | undefined {
  if (typeof address !== 'string' || address === '') return undefined;
  const colon = address.lastIndexOf(':');
  const host = colon > 0 ? address.slice(0, colon) : address;
  return host.replace(/^\[(.*)\]$/, '$1');
}

/**
 * `GET /_plugins/_security/authinfo`: `user_name`, `backend_roles`, `roles` (the mapped security
 * roles) and `remote_address`. Undefined without a user name or roles: no guess is judged.
 */
function identityOf(body: unknown): Identity | undefined {
  if (!isObject(body) || typeof body.user_name !== 'string' || !Array.isArray(body.roles)) return undefined;
  const host = hostOf(body.remote_address);
  return {
    username: body.user_name,
    roles: strings(body.roles),
    backendRoles: strings(body.backend_roles),
    ...(host ? { host } : {}),
  };
}

/** The auth_failure_listeners of the security config (`config.dynamic`), as `name (type)`. */
function loginFailureListenersOf(response: unknown): LoginFailureListeners {
  const refused = refusal(response, NO_SECURITY);
  if (refused !== undefined) return { known: false, reason: refused };
  const config = isObject(response) && isObject(response.config) ? response.config : {};
  const dynamic = isObject(config.dynamic) ? config.dynamic : undefined;
  if (!dynamic) return { known: false, reason: 'the security config holds no config.dynamic' };
  const listeners = isObject(dynamic.auth_failure_listeners) ? dynamic.auth_failure_listeners : {};
  return {
    known: true,
    listeners: Object.entries(listeners).map(([name, l]) =>
      isObject(l) && typeof l.type === 'string' ? `${name} (${l.type})` : name,
    ),
  };
}

/** Canonical live state from recorded responses. Pure: the same snapshot gives the same state. */
function parse(snapshot: Snapshot): ClusterState {
  const r = snapshot.responses;
  const k = OPENSEARCH_RESPONSE_KEYS;
  const state = baseState(snapshot, DIALECT, { info: r[k.info], settings: r[k.settings], remoteInfo: r[k.remoteInfo] });
  for (const { kind, key, noHandler } of SECURITY_READS) {
    const refused = refusal(r[key], noHandler);
    if (refused === undefined) addObjects(state, kind, r[key], DIALECT);
    else state.unreadable = { ...state.unreadable, [kind]: refused };
  }
  const identity = identityOf(r[k.authinfo]);
  return {
    ...state,
    ...(identity ? { identity } : {}),
    loginFailureListeners: loginFailureListenersOf(r[k.securityConfig]),
  };
}

const DIALECT: Dialect = { flavor: 'opensearch', normalize, isBuiltIn, isManaged, isHidden, isDemo: isDemoObject };

export const opensearch: FlavorAdapter = {
  flavor: 'opensearch',
  read,
  parse,
  normalize,
  execute,
  authenticate,
};
