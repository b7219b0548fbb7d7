// Records what a real OpenSearch leader answers to the writes behind issue 12 items 9–14, into
// test/fixtures/opensearch/<version>/issue-12/ (its own requests.json), without touching the
// other fixtures: it uses its own object names (xc12-*) and deletes them at the end, so it runs
// against clusters that are already up (fresh or not):
//
//   scripts/opensearch.sh start
//   eval "$(scripts/opensearch.sh env)"
//   npx tsx scripts/opensearch/record-issue-12.ts
//
// Same file format as record-fixtures.ts (one body per file, numbered in the order sent).
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

type Auth = 'admin' | 'admin-cert';

interface Step {
  method: 'GET' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  auth?: Auth;
  variant?: string;
  note?: string;
}

const need = (name: string): string => needEnv(name, 'scripts/opensearch.sh');

const URL_ = need('OS_LEADER_URL');
const CA = readFileSync(need('OS_CA_FILE'));
const ADMIN_USER = need('OS_ADMIN_USER');
const ADMIN_PASSWORD = readFileSync(need('OS_ADMIN_PASSWORD_FILE'), 'utf8').trim();
const ADMIN_CERT = readFileSync(need('OS_ADMIN_CERT_FILE'));
const ADMIN_KEY = readFileSync(need('OS_ADMIN_KEY_FILE'));
const FORMS = passwordForms(ADMIN_USER, ADMIN_PASSWORD);
/** The test users' password: a constant of this recorder, not a secret. */
const TEST_PASSWORD = 'Xcluster-Test-Passw0rd!';
const SEC = '/_plugins/_security/api';

function send(step: Step): Promise<Answer> {
  const cert = step.auth === 'admin-cert';
  return sendHttps({
    url: new URL(step.path, URL_),
    method: step.method,
    body: step.body,
    ca: CA,
    ...(cert ? { cert: ADMIN_CERT, key: ADMIN_KEY } : { basic: { user: ADMIN_USER, password: ADMIN_PASSWORD } }),
  });
}

const version = (JSON.parse((await send({ method: 'GET', path: '/' })).text) as { version: { number: string } }).version
  .number;
const OUT = join('test', 'fixtures', 'opensearch', version, 'issue-12');
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const manifest: object[] = [];
let n = 0;

async function record(step: Step): Promise<Answer> {
  const a = await send(step);
  const text = `${JSON.stringify(parseBody(a.text), null, 2)}\n`;
  refuseSecret(text, FORMS, `the answer to ${step.method} ${step.path}`);
  const file = `${String(++n).padStart(2, '0')}_${fixtureName(step.method, step.path, step.variant)}.json`;
  writeFileSync(join(OUT, file), text);
  manifest.push({
    file,
    cluster: 'leader',
    method: step.method,
    path: step.path,
    auth: step.auth ?? 'admin',
    ...(step.body === undefined ? {} : { request_body: step.body }),
    status: a.status,
    content_type: a.contentType,
    ...(step.note ? { note: step.note } : {}),
  });
  console.log(`${String(a.status).padEnd(4)} ${step.method} ${step.path} -> ${file}`);
  return a;
}

const role = { cluster_permissions: ['cluster_monitor'] };
const add = (name: string, value: unknown) => ({ op: 'add', path: `/${name}`, value });

// Item 9: a roles mapping with no list at all, and with one empty list.
await record({ method: 'PUT', path: `${SEC}/roles/xc12-empty`, body: role });
await record({
  method: 'PATCH',
  path: `${SEC}/rolesmapping`,
  body: [add('xc12-empty', { description: 'nobody yet [managed by xcluster]' })],
  variant: 'no-list',
  note: 'item 9: a mapping whose lists are all empty, sent without them (what xcluster sent before)',
});
await record({
  method: 'PATCH',
  path: `${SEC}/rolesmapping`,
  body: [add('xc12-empty', { users: [], description: 'nobody yet [managed by xcluster]' })],
  variant: 'empty-users',
  note: 'item 9: the same with users: []',
});
await record({ method: 'GET', path: `${SEC}/rolesmapping/xc12-empty` });

// Item 10: action group types.
await record({
  method: 'PATCH',
  path: `${SEC}/actiongroups`,
  body: [add('xc12-ag', { allowed_actions: ['kibana_all_read'], type: 'kibana' })],
  variant: 'kibana',
  note: 'item 10: type kibana',
});

// Item 11: a DLS query with an integer above 2^53, as text.
const dls = '{"term":{"account":9007199254740993}}';
await record({
  method: 'PUT',
  path: `${SEC}/roles/xc12-dls`,
  body: { index_permissions: [{ index_patterns: ['accounts'], allowed_actions: ['read'], dls }] },
  note: 'item 11: dls as the text 9007199254740993',
});
await record({ method: 'GET', path: `${SEC}/roles/xc12-dls`, note: 'item 11: the dls text comes back verbatim' });

// Item 12: one PATCH of two users, the second one refused.
await record({
  method: 'PATCH',
  path: `${SEC}/internalusers`,
  body: [add('xc12-a', { password: TEST_PASSWORD }), add('xc12-b', { password: 'weak' })],
  variant: 'second-weak',
  note: "item 12: B's weak password; the answer names no user",
});
await record({
  method: 'PATCH',
  path: `${SEC}/internalusers`,
  body: [
    add('xc12-a', { password: TEST_PASSWORD }),
    add('xc12-b', { password: TEST_PASSWORD, opendistro_security_roles: ['xc12-no-such-role'] }),
  ],
  variant: 'second-missing-role',
  note: 'item 12: B names a missing role; the answer names the role, not the user',
});

// Item 13: a hidden role, made with the admin certificate.
await record({
  method: 'PUT',
  path: `${SEC}/roles/xc12-hidden`,
  body: { ...role, hidden: true },
  auth: 'admin-cert',
  note: 'item 13: hidden: true with the super-admin certificate',
});
await record({
  method: 'GET',
  path: `${SEC}/roles/xc12-hidden`,
  variant: 'basic-auth',
  note: 'item 13: basic auth: the same 404 as a missing role',
});
await record({ method: 'GET', path: `${SEC}/roles/xc12-no-such-role`, note: 'item 13: a missing role, to compare' });
await record({
  method: 'GET',
  path: `${SEC}/roles/xc12-hidden`,
  auth: 'admin-cert',
  variant: 'admin-cert',
  note: 'item 13: the certificate sees it, hidden: true',
});
await record({
  method: 'GET',
  path: `${SEC}/roles`,
  auth: 'admin-cert',
  variant: 'admin-cert',
  note: 'item 13: the list with the certificate holds the hidden role',
});
await record({
  method: 'PATCH',
  path: `${SEC}/roles`,
  body: [add('xc12-visible', role), add('xc12-hidden', role)],
  variant: 'hidden',
  note: 'item 13: basic auth writing the hidden name: 404, and the other role is not written either',
});

// Item 14: a new user without a password.
await record({
  method: 'PUT',
  path: `${SEC}/internalusers/xc12-nopass`,
  body: { backend_roles: [] },
  note: 'item 14: PUT of a new user without password',
});
await record({
  method: 'PATCH',
  path: `${SEC}/internalusers`,
  body: [add('xc12-nopass', { backend_roles: [] })],
  variant: 'new-without-password',
  note: 'item 14: PATCH of a new user without password is accepted (a user no password logs in as)',
});

// Clean up (not recorded).
for (const [kind, name, auth] of [
  ['internalusers', 'xc12-nopass', 'admin'],
  ['internalusers', 'xc12-a', 'admin'],
  ['internalusers', 'xc12-b', 'admin'],
  ['rolesmapping', 'xc12-empty', 'admin'],
  ['roles', 'xc12-empty', 'admin'],
  ['roles', 'xc12-dls', 'admin'],
  ['roles', 'xc12-visible', 'admin'],
  ['roles', 'xc12-hidden', 'admin-cert'],
  ['actiongroups', 'xc12-ag', 'admin'],
] as const) {
  await send({ method: 'DELETE', path: `${SEC}/${kind}/${name}`, auth });
}

const requests = `${JSON.stringify({ version, 'issue-12': manifest }, null, 2)}\n`;
refuseSecret(requests, FORMS, 'requests.json');
writeFileSync(join(OUT, 'requests.json'), requests);
console.log(`wrote ${OUT}`);
