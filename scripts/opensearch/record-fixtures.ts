// Records what two real OpenSearch clusters answer, as fixtures for the OpenSearch flavor's unit
// tests. Run against clusters freshly started by scripts/opensearch.sh (their state matters):
//
//   scripts/opensearch.sh start
//   eval "$(scripts/opensearch.sh env)"
//   npx tsx scripts/opensearch/record-fixtures.ts        # writes test/fixtures/opensearch/<version>/
//   scripts/opensearch.sh stop
//
// Every file holds one response body, exactly as the server sent it (re-indented), except that
// any non-empty `hash` is replaced by "<redacted>". A body that is not JSON is stored as a JSON
// string. `requests.json` lists each file with its request (method, path, body, auth) and the
// answer's status and content type. The recorder refuses to write a file that contains the
// admin password (raw, JSON-escaped, URL-encoded or as the basic auth of user:password).
//
// The last section (identity/, issue 11) locks the admin out and restores it with the admin
// certificate, and uploads auth_failure_listeners with securityadmin.sh
// (scripts/opensearch.sh securityconfig), blocks a user and then 127.0.0.1, waits the block out
// and uploads the demo security config again.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  fixtureName,
  parseBody,
  passwordForms,
  refuseSecret,
  sendHttps,
  type Answer,
  need as needEnv,
} from '../record-common.js';
import { uploadSecurityConfig } from './security-config.js';

type Cluster = 'leader' | 'follower';
type Auth = 'admin' | 'admin-cert' | 'admin-cert-and-basic' | { user: string; password: string };

interface Step {
  cluster: Cluster;
  method: 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST';
  path: string;
  body?: unknown;
  auth?: Auth;
  /** Appended to the file name to tell two answers to the same request apart. */
  variant?: string;
  note?: string;
}

const need = (name: string): string => needEnv(name, 'scripts/opensearch.sh');

const URLS: Record<Cluster, string> = { leader: need('OS_LEADER_URL'), follower: need('OS_FOLLOWER_URL') };
const CA = readFileSync(need('OS_CA_FILE'));
const ADMIN_USER = need('OS_ADMIN_USER');
const ADMIN_PASSWORD = readFileSync(need('OS_ADMIN_PASSWORD_FILE'), 'utf8').trim();
const ADMIN_CERT = readFileSync(need('OS_ADMIN_CERT_FILE'));
const ADMIN_KEY = readFileSync(need('OS_ADMIN_KEY_FILE'));
const LEADER_TRANSPORT = need('OS_LEADER_TRANSPORT');
const PASSWORD_FORMS = passwordForms(ADMIN_USER, ADMIN_PASSWORD);

/** The test user's password: a constant of this recorder, not a secret. */
const TEST_PASSWORD = 'Xcluster-Test-Passw0rd!';

function send(step: Step): Promise<Answer> {
  const auth = step.auth ?? 'admin';
  return sendHttps({
    url: new URL(step.path, URLS[step.cluster]),
    method: step.method,
    body: step.body,
    ca: CA,
    ...(auth === 'admin' || auth === 'admin-cert-and-basic'
      ? { basic: { user: ADMIN_USER, password: ADMIN_PASSWORD } }
      : {}),
    ...(auth === 'admin-cert' || auth === 'admin-cert-and-basic' ? { cert: ADMIN_CERT, key: ADMIN_KEY } : {}),
    ...(typeof auth === 'object' ? { basic: { user: auth.user, password: auth.password } } : {}),
  });
}

function redact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redact);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = k === 'hash' && typeof x === 'string' && x !== '' ? '<redacted>' : redact(x);
    }
    return out;
  }
  return v;
}

interface ManifestEntry {
  file: string;
  cluster: Cluster;
  method: string;
  path: string;
  auth: string;
  request_body?: unknown;
  status: number;
  content_type: string;
  note?: string;
}

const version = await (async () => {
  const a = await send({ cluster: 'leader', method: 'GET', path: '/' });
  return (JSON.parse(a.text) as { version: { number: string } }).version.number;
})();
const OUT = process.argv[2] ?? join('test', 'fixtures', 'opensearch', version);
rmSync(OUT, { recursive: true, force: true });
const manifest: Record<string, ManifestEntry[]> = {};
/** The next number of a numbered folder's files, by folder: they are numbered in the order sent. */
const counters: Record<string, number> = {};
const nextNumber = (folder: string): string =>
  String((counters[folder] = (counters[folder] ?? 0) + 1)).padStart(2, '0');

async function record(folder: string, step: Step, numbered = false): Promise<Answer> {
  const a = await send(step);
  const text = `${JSON.stringify(redact(parseBody(a.text)), null, 2)}\n`;
  refuseSecret(text, PASSWORD_FORMS, `the answer to ${step.method} ${step.path}`);
  const base = fixtureName(step.method, step.path, step.variant);
  const file = numbered ? `${nextNumber(folder)}_${base}.json` : `${base}.json`;
  mkdirSync(join(OUT, folder), { recursive: true });
  writeFileSync(join(OUT, folder, file), text);
  const auth = step.auth ?? 'admin';
  (manifest[folder] ??= []).push({
    file,
    cluster: step.cluster,
    method: step.method,
    path: step.path,
    auth: typeof auth === 'string' ? auth : `basic ${auth.user}`,
    ...(step.body === undefined ? {} : { request_body: step.body }),
    status: a.status,
    content_type: a.contentType,
    ...(step.note ? { note: step.note } : {}),
  });
  console.log(
    `${String(a.status).padEnd(4)} ${step.cluster.padEnd(9)} ${step.method} ${step.path} -> ${folder}/${file}`,
  );
  return a;
}

const SEC = '/_plugins/_security/api';

/** The read round of one cluster, plus a few reads around it. */
async function readRound(cluster: Cluster): Promise<void> {
  const r = (path: string, extra: Partial<Step> = {}) => record(cluster, { cluster, method: 'GET', path, ...extra });
  await r('/');
  await r(`${SEC}/roles`);
  await r(`${SEC}/rolesmapping`);
  await r(`${SEC}/internalusers`);
  await r(`${SEC}/actiongroups`);
  await r(`${SEC}/tenants`);
  await r(`${SEC}/nodesdn`, { auth: 'admin-cert', note: 'super-admin only: the demo admin certificate (CN=kirk)' });
  await r(`${SEC}/nodesdn?show_all=true`, {
    auth: 'admin-cert',
    note: 'show_all adds the static plugins.security.nodes_dn',
  });
  await r(`${SEC}/nodesdn`, { variant: 'basic-auth', note: 'the admin user with basic auth: refused' });
  await r('/_cluster/settings');
  await r('/_cluster/settings?flat_settings=true');
  await r('/_cluster/settings?flat_settings=true&include_defaults=true', {
    note: 'large; kept for the defaults of cluster.remote.*',
  });
  await r('/_remote/info');
  await r('/_plugins/_security/authinfo');
  await r(`${SEC}/securityconfig`, {
    note: 'the security config: auth_failure_listeners is {} in the demo configuration',
  });
  await r('/_plugins/_security/health');
}

async function waitConnected(): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const a = await send({ cluster: 'follower', method: 'GET', path: '/_remote/info' });
    const info = JSON.parse(a.text) as Record<string, { connected?: boolean }>;
    if (info.leader?.connected) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error('the follower did not connect to the leader within 60 s');
}

// ---- 1. the fresh leader, as the demo configuration leaves it ----
await readRound('leader');

// ---- 2. the follower, after adding the leader as a remote cluster ----
await record('follower', {
  cluster: 'follower',
  method: 'PUT',
  path: '/_cluster/settings',
  body: { persistent: { 'cluster.remote.leader.seeds': [LEADER_TRANSPORT] } },
});
await waitConnected();
await readRound('follower');

// ---- 3. writes on the leader, in this order ----
const W = 'writes';
const w = (step: Omit<Step, 'cluster'> & { cluster?: Cluster }) => record(W, { cluster: 'leader', ...step }, true);
const role = {
  description: 'test role [managed by xcluster]',
  cluster_permissions: ['cluster_monitor'],
  index_permissions: [{ index_patterns: ['logs-*'], allowed_actions: ['read'] }],
};
await w({ method: 'PUT', path: `${SEC}/roles/xcluster-test`, body: role, note: 'create' });
await w({
  method: 'GET',
  path: `${SEC}/roles/xcluster-test`,
  note: 'the server fills dls, fls, masked_fields, tenant_permissions',
});
await w({
  method: 'PUT',
  path: `${SEC}/roles/xcluster-test`,
  body: {
    ...role,
    index_permissions: [
      {
        index_patterns: ['logs-*'],
        allowed_actions: ['read', 'indices:admin/mappings/get'],
        fls: ['~secret'],
        masked_fields: ['user.email'],
        dls: '{"term":{"public":true}}',
      },
    ],
    tenant_permissions: [{ tenant_patterns: ['global_tenant'], allowed_actions: ['kibana_all_read'] }],
  },
  note: 'replace (same name again)',
});
await w({ method: 'GET', path: `${SEC}/roles/xcluster-test`, variant: 'after-update' });
await w({
  method: 'PATCH',
  path: `${SEC}/roles`,
  body: [
    { op: 'add', path: '/xcluster-patch', value: { ...role, description: 'patched in [managed by xcluster]' } },
    { op: 'replace', path: '/xcluster-test/description', value: 'changed by patch [managed by xcluster]' },
  ],
  note: 'collection PATCH: add one role, change another, in one write',
});
await w({ method: 'GET', path: `${SEC}/roles/xcluster-patch` });
await w({ method: 'PATCH', path: `${SEC}/roles`, body: [{ op: 'remove', path: '/xcluster-patch' }], note: 'remove' });
await w({
  method: 'PATCH',
  path: `${SEC}/roles`,
  body: [{ op: 'remove', path: '/xcluster-missing' }],
  variant: 'remove-missing',
  note: 'remove of a role that does not exist',
});
await w({
  method: 'PATCH',
  path: `${SEC}/roles`,
  body: [
    { op: 'add', path: '/xcluster-atomic', value: role },
    { op: 'add', path: '/cross_cluster_replication_leader_full_access/description', value: 'x' },
  ],
  variant: 'touches-reserved',
  note: 'one valid op and one on a reserved role: is the valid one applied?',
});
await w({ method: 'GET', path: `${SEC}/roles/xcluster-atomic`, note: 'after the refused PATCH' });
await w({
  method: 'PATCH',
  path: `${SEC}/roles`,
  body: [
    { op: 'add', path: '/xcluster-atomic', value: role },
    { op: 'replace', path: '/xcluster-test/tenant_permissions/5', value: {} },
  ],
  variant: 'bad-path',
  note: 'one valid op and one whose path does not exist: is the valid one applied?',
});
await w({ method: 'GET', path: `${SEC}/roles/xcluster-atomic`, variant: 'after-bad-path' });
await w({
  method: 'PATCH',
  path: `${SEC}/roles`,
  body: [{ op: 'add', path: '/xcluster-bad', value: { cluster_permissions: ['cluster_monitor'], nonsense: true } }],
  variant: 'invalid-field',
  note: 'an unknown key in the role',
});
await w({
  method: 'PUT',
  path: `${SEC}/roles/xcluster-bad`,
  body: { cluster_permissions: 'cluster_monitor' },
  variant: 'invalid-type',
  note: 'a string where a list is expected',
});
await w({
  method: 'PUT',
  path: `${SEC}/roles/cross_cluster_replication_leader_full_access`,
  body: role,
  note: 'PUT on a reserved role',
});
await w({ method: 'PUT', path: `${SEC}/roles/all_access`, body: role, note: 'PUT on a static role' });
await w({
  method: 'DELETE',
  path: `${SEC}/roles/cross_cluster_replication_follower_full_access`,
  note: 'DELETE of a reserved role',
});
await w({ method: 'GET', path: `${SEC}/roles/xcluster-missing`, note: 'missing role' });

// roles mapping
await w({
  method: 'PUT',
  path: `${SEC}/rolesmapping/xcluster-test`,
  body: {
    users: ['xcluster-user'],
    backend_roles: ['xcluster-backend'],
    hosts: [],
    description: 'm [managed by xcluster]',
  },
});
await w({ method: 'GET', path: `${SEC}/rolesmapping/xcluster-test` });
await w({ method: 'GET', path: `${SEC}/rolesmapping/xcluster-missing`, note: 'mapping of a role that does not exist' });
await w({
  method: 'PUT',
  path: `${SEC}/rolesmapping/xcluster-missing`,
  body: { users: ['x'] },
  note: 'mapping for a role that does not exist',
});
await w({
  method: 'PATCH',
  path: `${SEC}/rolesmapping`,
  body: [{ op: 'add', path: '/xcluster-missing', value: { users: ['x'] } }],
  variant: 'missing-role',
  note: 'PATCH adding a mapping for a role that does not exist',
});
await w({
  method: 'PATCH',
  path: `${SEC}/rolesmapping`,
  body: [{ op: 'replace', path: '/xcluster-test/and_backend_roles', value: ['a', 'b'] }],
  variant: 'replace-defaulted-field',
  note: 'replace of a field the GET shows but the stored document lacks',
});
await w({
  method: 'PATCH',
  path: `${SEC}/rolesmapping`,
  body: [{ op: 'add', path: '/xcluster-test/and_backend_roles', value: ['a', 'b'] }],
  note: 'add sets the field whether or not it is stored',
});
await w({ method: 'GET', path: `${SEC}/rolesmapping/xcluster-test`, variant: 'after-patch' });
// (all_access's mapping is not reserved in the demo configuration: a PUT on it succeeds and
// would lock the admin out, so the reserved case uses kibana_server's.)
await w({ method: 'PUT', path: `${SEC}/rolesmapping/kibana_server`, body: { users: ['x'] }, note: 'reserved mapping' });

// internal users
const user = {
  password: TEST_PASSWORD,
  backend_roles: ['xcluster-backend'],
  attributes: { 'xcluster.managed': 'true' },
  opendistro_security_roles: ['xcluster-test'],
  description: 'test user',
};
await w({ method: 'PUT', path: `${SEC}/internalusers/xcluster-user`, body: user, note: 'create' });
await w({ method: 'GET', path: `${SEC}/internalusers/xcluster-user` });
await w({
  method: 'GET',
  path: '/_plugins/_security/authinfo',
  auth: { user: 'xcluster-user', password: TEST_PASSWORD },
  variant: 'as-xcluster-user',
});
await w({
  method: 'GET',
  path: '/_plugins/_security/authinfo',
  auth: { user: 'xcluster-user', password: 'Wrong-Passw0rd!' },
  variant: 'wrong-password',
});
const { password: _pw, ...userNoPassword } = user;
await w({
  method: 'PUT',
  path: `${SEC}/internalusers/xcluster-user`,
  body: { ...userNoPassword, description: 'replaced without a password' },
  variant: 'without-password',
  note: 'PUT of an existing user without password: is the hash kept?',
});
await w({
  method: 'GET',
  path: '/_plugins/_security/authinfo',
  auth: { user: 'xcluster-user', password: TEST_PASSWORD },
  variant: 'after-put-without-password',
});
await w({ method: 'GET', path: `${SEC}/internalusers/xcluster-user`, variant: 'after-put-without-password' });
await w({
  method: 'PUT',
  path: `${SEC}/internalusers/xcluster-user2`,
  body: { ...userNoPassword },
  variant: 'new-without-password',
  note: 'a new user without password',
});
await w({
  method: 'PUT',
  path: `${SEC}/internalusers/xcluster-weak`,
  body: { password: 'weak' },
  variant: 'weak-password',
});
await w({
  method: 'PUT',
  path: `${SEC}/internalusers/xcluster-user3`,
  body: { ...user, opendistro_security_roles: ['xcluster-no-such-role'] },
  variant: 'unknown-role',
});
await w({
  method: 'PATCH',
  path: `${SEC}/internalusers`,
  body: [
    { op: 'replace', path: '/xcluster-user/attributes', value: { 'xcluster.managed': 'true', team: 'a' } },
    { op: 'add', path: '/xcluster-user4', value: { password: TEST_PASSWORD, backend_roles: [] } },
  ],
});
await w({ method: 'GET', path: `${SEC}/internalusers/xcluster-user4` });
await w({ method: 'PUT', path: `${SEC}/internalusers/admin`, body: user, note: 'PUT on the reserved admin user' });
await w({ method: 'GET', path: `${SEC}/internalusers/xcluster-missing` });

// action groups
await w({
  method: 'PUT',
  path: `${SEC}/actiongroups/xcluster-ag`,
  body: { allowed_actions: ['indices:data/read/search'], type: 'index', description: 'ag [managed by xcluster]' },
});
await w({ method: 'GET', path: `${SEC}/actiongroups/xcluster-ag` });
await w({
  method: 'PATCH',
  path: `${SEC}/actiongroups`,
  body: [{ op: 'replace', path: '/xcluster-ag/allowed_actions', value: ['indices:data/read/*'] }],
});
await w({ method: 'GET', path: `${SEC}/actiongroups/xcluster-missing` });
await w({
  method: 'PUT',
  path: `${SEC}/actiongroups/read`,
  body: { allowed_actions: ['x'] },
  note: 'reserved action group',
});

// nodes_dn (super-admin only)
const followerDn = 'CN=node-0.example.com,OU=node,O=node,L=test,C=de';
await w({
  method: 'PUT',
  path: `${SEC}/nodesdn/xcluster-follower`,
  body: { nodes_dn: [followerDn] },
  auth: 'admin-cert',
});
await w({ method: 'GET', path: `${SEC}/nodesdn`, auth: 'admin-cert', variant: 'after-put' });
await w({
  method: 'PATCH',
  path: `${SEC}/nodesdn`,
  body: [{ op: 'add', path: '/xcluster-other', value: { nodes_dn: ['CN=other.example.com'] } }],
  auth: 'admin-cert',
});
await w({
  method: 'PUT',
  path: `${SEC}/nodesdn/xcluster-follower`,
  body: { nodes_dn: [followerDn] },
  variant: 'basic-auth',
  note: 'admin user with basic auth: refused',
});
await w({ method: 'DELETE', path: `${SEC}/nodesdn/xcluster-other`, auth: 'admin-cert' });

// a 409: concurrent writes to the same configuration document
{
  let found = false;
  for (let round = 0; round < 5 && !found; round++) {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        send({ cluster: 'leader', method: 'PUT', path: `${SEC}/roles/xcluster-race-${round}-${i}`, body: role }),
      ),
    );
    const conflict = answers.findIndex((a) => a.status === 409);
    const statuses = answers.map((a) => a.status).join(',');
    console.log(`race round ${round}: ${statuses}`);
    if (conflict >= 0) {
      found = true;
      // Store the very answer that came back as 409.
      const a = answers[conflict]!;
      const file = `${nextNumber(W)}_${fixtureName('PUT', `${SEC}/roles/xcluster-race`, 'conflict')}.json`;
      const text = `${JSON.stringify(parseBody(a.text), null, 2)}\n`;
      refuseSecret(text, PASSWORD_FORMS, `the answer to PUT ${SEC}/roles/xcluster-race`);
      writeFileSync(join(OUT, W, file), text);
      manifest[W]!.push({
        file,
        cluster: 'leader',
        method: 'PUT',
        path: `${SEC}/roles/xcluster-race-${round}-${conflict}`,
        auth: 'admin',
        request_body: role,
        status: a.status,
        content_type: a.contentType,
        note: `one of 12 concurrent PUTs of distinct roles (statuses: ${statuses})`,
      });
    }
  }
  if (!found) console.log('no 409 in 5 rounds of 12 concurrent PUTs');
}

// deletes
await w({ method: 'DELETE', path: `${SEC}/roles/xcluster-atomic` });
await w({ method: 'DELETE', path: `${SEC}/rolesmapping/xcluster-test` });
await w({ method: 'DELETE', path: `${SEC}/roles/xcluster-test` });
await w({ method: 'DELETE', path: `${SEC}/roles/xcluster-test`, variant: 'again', note: 'already deleted' });
await w({ method: 'DELETE', path: `${SEC}/internalusers/xcluster-user` });
await w({ method: 'DELETE', path: `${SEC}/actiongroups/xcluster-ag` });

// ---- 4. remote cluster settings on the follower ----
const f = (step: Omit<Step, 'cluster'>) => w({ cluster: 'follower', ...step });
await f({
  method: 'PUT',
  path: '/_cluster/settings',
  body: { persistent: { 'cluster.remote.leader.skip_unavailable': true } },
  variant: 'skip_unavailable',
});
await f({
  method: 'PUT',
  path: '/_cluster/settings',
  body: { persistent: { 'cluster.remote.leader.proxy_address': LEADER_TRANSPORT } },
  variant: 'proxy-setting-in-sniff-mode',
  note: 'a setting of the other mode',
});
await f({
  method: 'PUT',
  path: '/_cluster/settings',
  body: { persistent: { 'cluster.remote.leader.mode': 'proxy' } },
  variant: 'proxy-mode-with-seeds',
  note: 'switching mode while seeds are set',
});
await f({
  method: 'PUT',
  path: '/_cluster/settings',
  body: {
    persistent: {
      'cluster.remote.leader.mode': 'proxy',
      'cluster.remote.leader.seeds': null,
      'cluster.remote.leader.proxy_address': LEADER_TRANSPORT,
    },
  },
  variant: 'to-proxy-mode',
});
await f({
  method: 'GET',
  path: '/_remote/info',
  variant: 'proxy-mode',
  note: 'right after the switch (may not be connected yet)',
});
await f({
  method: 'PUT',
  path: '/_cluster/settings',
  body: {
    persistent: {
      'cluster.remote.leader.mode': null,
      'cluster.remote.leader.proxy_address': null,
      'cluster.remote.leader.skip_unavailable': null,
    },
  },
  variant: 'remove',
  note: 'null removes each setting',
});
await f({ method: 'GET', path: '/_remote/info', variant: 'after-remove' });
await f({ method: 'GET', path: '/_cluster/settings?flat_settings=true', variant: 'after-remove' });

// ---- 5. who xcluster is, and what takes its access away (issue 11, findings 8 and 9), on the leader ----
const I = 'identity';
const id = (step: Omit<Step, 'cluster'>) => record(I, { cluster: 'leader', ...step }, true);
const AUTHINFO = '/_plugins/_security/authinfo';
await id({
  method: 'GET',
  path: AUTHINFO,
  auth: 'admin-cert',
  variant: 'admin-cert',
  note: 'the super-admin certificate',
});
await id({
  method: 'GET',
  path: AUTHINFO,
  auth: 'admin-cert-and-basic',
  variant: 'admin-cert-and-basic',
  note: 'certificate and basic auth at once: who is it?',
});

// Finding 8: the demo's all_access mapping is not reserved; without backend role admin the admin loses the REST API.
const allAccess = JSON.parse(
  (await send({ cluster: 'leader', method: 'GET', path: `${SEC}/rolesmapping/all_access` })).text,
) as Record<string, Record<string, unknown>>;
const { reserved: _r, hidden: _h, ...allAccessBody } = allAccess.all_access!;
await id({
  method: 'PUT',
  path: `${SEC}/rolesmapping/all_access`,
  body: { users: ['someone-else'] },
  note: 'the all_access mapping without the admin (its backend role admin): accepted',
});
await id({ method: 'GET', path: AUTHINFO, variant: 'locked-out', note: 'the admin after that PUT' });
await id({ method: 'GET', path: `${SEC}/roles`, variant: 'locked-out', note: 'the admin after that PUT' });
await id({
  method: 'PUT',
  path: `${SEC}/rolesmapping/all_access`,
  body: allAccessBody,
  auth: 'admin-cert',
  variant: 'restore',
  note: 'restored with the super-admin certificate',
});
await id({ method: 'GET', path: `${SEC}/roles`, variant: 'restored' });

// Finding 9: failed-login listeners. The REST API refuses to change the security config here
// (plugins.security.unsupported.restapi.allow_securityconfig_modification is off), so the
// listeners are uploaded with securityadmin.sh (scripts/opensearch.sh securityconfig).
const securityConfig = JSON.parse(
  (await send({ cluster: 'leader', method: 'GET', path: `${SEC}/securityconfig` })).text,
) as {
  config: { dynamic: Record<string, unknown> };
};
const dynamic = securityConfig.config.dynamic;
await id({
  method: 'PUT',
  path: `${SEC}/securityconfig/config`,
  body: dynamic,
  variant: 'basic-auth',
  note: 'PUT of the security config as the admin',
});
await id({
  method: 'PUT',
  path: `${SEC}/securityconfig/config`,
  body: dynamic,
  auth: 'admin-cert',
  variant: 'admin-cert',
  note: 'PUT of the security config with the super-admin certificate',
});
const BLOCK_SECONDS = 15;
const LISTENERS = {
  internal_authentication_backend_limiting: {
    type: 'username',
    authentication_backend: 'intern',
    allowed_tries: 2,
    time_window_seconds: 60,
    block_expiry_seconds: BLOCK_SECONDS,
    max_blocked_clients: 100000,
    max_tracked_clients: 100000,
  },
  ip_rate_limiting: {
    type: 'ip',
    allowed_tries: 4,
    time_window_seconds: 60,
    block_expiry_seconds: BLOCK_SECONDS,
    max_blocked_clients: 100000,
    max_tracked_clients: 100000,
  },
};
uploadSecurityConfig('leader', { ...dynamic, auth_failure_listeners: LISTENERS });
await id({
  method: 'GET',
  path: `${SEC}/securityconfig`,
  variant: 'with-listeners',
  note: `after uploading auth_failure_listeners ${JSON.stringify(LISTENERS)}`,
});
const LOCKOUT_USER = 'xcluster-lockout';
await id({ method: 'PUT', path: `${SEC}/internalusers/${LOCKOUT_USER}`, body: { password: TEST_PASSWORD } });
for (const attempt of [1, 2]) {
  await id({
    method: 'GET',
    path: AUTHINFO,
    auth: { user: LOCKOUT_USER, password: 'Wrong-Passw0rd!' },
    variant: `wrong-password-${attempt}`,
  });
}
await id({
  method: 'GET',
  path: AUTHINFO,
  auth: { user: LOCKOUT_USER, password: TEST_PASSWORD },
  variant: 'blocked-user',
  note: 'the right password after allowed_tries (2) wrong ones',
});
// More failed logins from 127.0.0.1 (not recorded), until the address itself is blocked.
let ipBlocked = false;
for (let n = 0; n < 10 && !ipBlocked; n++) {
  await send({
    cluster: 'leader',
    method: 'GET',
    path: AUTHINFO,
    auth: { user: 'xcluster-nobody', password: 'Wrong-Passw0rd!' },
  });
  ipBlocked = (await send({ cluster: 'leader', method: 'GET', path: AUTHINFO })).status === 401;
}
if (!ipBlocked) throw new Error('127.0.0.1 was not blocked after 10 more failed logins');
await id({ method: 'GET', path: AUTHINFO, variant: 'ip-blocked', note: 'the admin, once 127.0.0.1 is blocked' });
await id({
  method: 'GET',
  path: AUTHINFO,
  auth: 'admin-cert',
  variant: 'ip-blocked-admin-cert',
  note: 'the super-admin certificate, once 127.0.0.1 is blocked',
});
await new Promise((r) => setTimeout(r, (BLOCK_SECONDS + 3) * 1000));
uploadSecurityConfig('leader', dynamic);
await id({ method: 'GET', path: `${SEC}/securityconfig`, variant: 'restored', note: 'the demo security config again' });
await id({ method: 'DELETE', path: `${SEC}/internalusers/${LOCKOUT_USER}` });

const requests = `${JSON.stringify({ version, ...manifest }, null, 2)}\n`;
refuseSecret(requests, PASSWORD_FORMS, 'requests.json');
writeFileSync(join(OUT, 'requests.json'), requests);
console.log(`wrote ${OUT}`);
