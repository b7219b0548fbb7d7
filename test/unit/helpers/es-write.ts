// What an Elasticsearch server answers to the writes of apply, and a nock server that records
// every request (method, path, body, headers) and answers each route with a sequence of replies
// (a 503 and then a 200, say). Each response body cites the source it was taken from.

import nock from 'nock';
import { ES_HEADERS, URL_WEST } from './es-nock.js';

// --- Success bodies -------------------------------------------------------------------------

/** elastic/elasticsearch-specification security/put_role/examples/response/SecurityPutRoleResponseExample1.yaml */
export const PUT_ROLE_CREATED = { role: { created: true } };
/** Same response class (PutRoleResponse), for a role that already existed. */
export const PUT_ROLE_UPDATED = { role: { created: false } };

/**
 * elastic/elasticsearch-specification security/put_user/examples/response/SecurityPutUserResponseExample1.yaml
 * ("When an existing user is updated, `created` is set to `false`").
 */
export const PUT_USER_CREATED = { created: true };
export const PUT_USER_UPDATED = { created: false };

/** elastic/elasticsearch-specification security/put_role_mapping/examples/response/SecurityPutRoleMappingResponseExample1.yaml */
export const PUT_ROLE_MAPPING_CREATED = { role_mapping: { created: true } };
export const PUT_ROLE_MAPPING_UPDATED = { role_mapping: { created: false } };

/**
 * elastic/elasticsearch-specification security/delete_role, delete_user and delete_role_mapping
 * examples/response/*Example1.yaml: all three answer `{ "found": true }`.
 */
export const DELETE_FOUND = { found: true };

/** elastic/elasticsearch-specification security/change_password/SecurityChangePasswordResponse.ts: an empty body. */
export const CHANGE_PASSWORD_OK = {};

/**
 * `PUT /_cluster/settings` echoes the settings it changed, nested (no flat_settings) and as
 * strings, and leaves out the ones it removed (a PUT of nulls only echoes `{}`): elastic/elasticsearch
 * qa/multi-cluster-search/src/test/resources/rest-api-spec/test/multi_cluster/20_info.yml
 * (`is_true: transient.cluster.remote.remote1.skip_unavailable`, `match: {transient: {}}` after nulls).
 */
export function clusterSettingsAck(persistent: Record<string, unknown>): Record<string, unknown> {
  const nested: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(persistent)) {
    if (value === null) continue;
    const parts = key.split('.');
    let at = nested;
    for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
    at[parts[parts.length - 1]!] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return { acknowledged: true, persistent: nested, transient: {} };
}

/**
 * elastic/elasticsearch-specification security/authenticate/examples/response/SecurityAuthenticateResponseExample1.yaml,
 * for a user of the native realm (realm name/type as the native realm reports them).
 */
export const authenticateOk = (username: string): Record<string, unknown> => ({
  username,
  roles: ['remote-replication'],
  full_name: null,
  email: null,
  metadata: { managed_by: 'xcluster' },
  enabled: true,
  authentication_realm: { name: 'default_native', type: 'native' },
  lookup_realm: { name: 'default_native', type: 'native' },
  authentication_type: 'realm',
});

// --- Error bodies ---------------------------------------------------------------------------

/** The `{ error: { root_cause, type, reason }, status }` envelope of every Elasticsearch error. */
function esError(status: number, cause: Record<string, unknown>): Record<string, unknown> {
  return { error: { root_cause: [cause], ...cause }, status };
}

/**
 * 401 for bad credentials: DefaultAuthenticationFailureHandler.failedAuthentication in
 * elastic/elasticsearch ("unable to authenticate user [{}] for REST request [{}]"), with the
 * WWW-Authenticate header in the body as every 401 carries it.
 */
export const unauthorized = (username: string): Record<string, unknown> =>
  esError(401, {
    type: 'security_exception',
    reason: `unable to authenticate user [${username}] for REST request [/_security/_authenticate]`,
    header: { 'WWW-Authenticate': ['Basic realm="security" charset="UTF-8"', 'ApiKey'] },
  });

/**
 * 400 of a role PUT with an unknown cluster privilege: RoleDescriptorRequestValidator and
 * ClusterPrivilegeResolver.resolve in elastic/elasticsearch (the privilege list is abbreviated).
 */
export const UNKNOWN_PRIVILEGE_REASON =
  'Validation Failed: 1: unknown cluster privilege [manage_cc]. a privilege must be either one of the ' +
  'predefined cluster privilege names [all,manage,manage_ccr,monitor,read_ccr] or a pattern over one of ' +
  'the available cluster actions;';
export const BAD_ROLE = esError(400, { type: 'action_request_validation_exception', reason: UNKNOWN_PRIVILEGE_REASON });

/**
 * 400 of a settings PUT that leaves `seeds` under proxy mode: elastic/elasticsearch
 * qa/multi-cluster-search/src/test/resources/rest-api-spec/test/multi_cluster/15_connection_mode_configuration.yml
 */
export const seedsUnderProxy = (alias: string): Record<string, unknown> =>
  esError(400, {
    type: 'illegal_argument_exception',
    reason:
      `Setting "cluster.remote.${alias}.seeds" cannot be used with the configured ` +
      `"cluster.remote.${alias}.mode" [required=SNIFF, configured=PROXY]`,
  });

/**
 * 503 while no master is elected: MasterNotDiscoveredException.status() is SERVICE_UNAVAILABLE
 * (elastic/elasticsearch server/.../discovery/MasterNotDiscoveredException.java). A 7.17 node
 * sends `"reason": null` (the body is quoted verbatim in many user reports of `_cat/nodes`);
 * newer sources construct it with "", so a reason may be null or empty.
 */
export const NO_MASTER = esError(503, { type: 'master_not_discovered_exception', reason: null });

/**
 * 429 of the parent circuit breaker, as an 8.x node answers it (openfoodfacts-monitoring issue
 * #54 quotes the full body; durability TRANSIENT is the retryable kind).
 */
export const CIRCUIT_BREAKER = esError(429, {
  type: 'circuit_breaking_exception',
  reason:
    '[parent] Data too large, data for [<http_request>] would be [1027528328/979.9mb], which is larger than ' +
    'the limit of [1020054732/972.7mb], real usage: [1027528328/979.9mb], new bytes reserved: [0/0b]',
  bytes_wanted: 1027528328,
  bytes_limit: 1020054732,
  durability: 'TRANSIENT',
});

// --- The recording server -------------------------------------------------------------------

export interface RecordedRequest {
  method: string;
  path: string;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Fail the connection instead of answering (e.g. ECONNRESET). */
  error?: { code: string; message: string };
}

const parseBody = (body: string): unknown => {
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
};

/** What a real server answers a write of this route with, when a test gives no body. */
export function defaultAnswer(method: string, path: string): unknown {
  if (method === 'DELETE') return DELETE_FOUND;
  if (path === '/_cluster/settings') return { acknowledged: true, persistent: {}, transient: {} };
  if (method === 'POST') return CHANGE_PASSWORD_OK;
  if (path.startsWith('/_security/role_mapping/')) return PUT_ROLE_MAPPING_CREATED;
  if (path.startsWith('/_security/role/')) return PUT_ROLE_CREATED;
  if (path.startsWith('/_security/user/')) return PUT_USER_CREATED;
  return {};
}

/**
 * Serves `routes` ("METHOD /path" → one reply, or replies in order) and records every request,
 * answered or not, in arrival order.
 */
export function serveWrites(routes: [string, Reply | Reply[]][], url = URL_WEST): RecordedRequest[] {
  const seen: RecordedRequest[] = [];
  const scope = nock(url);
  scope.on('request', (req: { method: string; path: string; headers: RecordedRequest['headers'] }, _i, body) => {
    seen.push({ method: req.method, path: req.path, body: parseBody(String(body ?? '')), headers: { ...req.headers } });
  });
  for (const [route, replies] of routes) {
    const [method = 'GET', path = '/'] = route.split(' ');
    for (const reply of Array.isArray(replies) ? replies : [replies]) {
      const interceptor = scope.intercept(path, method);
      // An Error instance: nock 14 turns a plain object into a request that never ends.
      if (reply.error) interceptor.replyWithError(Object.assign(new Error(reply.error.message), reply.error));
      else {
        const body = reply.body ?? defaultAnswer(method, path);
        interceptor.reply(reply.status ?? 200, body as nock.Body, { ...ES_HEADERS, ...reply.headers });
      }
    }
  }
  return seen;
}

/** A retry policy that never waits and records the delays it was asked to sleep. */
export function recordingPolicy(overrides: Partial<{ retries: number; deadlineMs: number }> = {}) {
  const sleeps: number[] = [];
  return {
    sleeps,
    policy: {
      retries: overrides.retries ?? 3,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      deadlineMs: overrides.deadlineMs ?? 60_000,
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
    },
  };
}
