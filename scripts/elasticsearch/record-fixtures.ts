// Records what the three real Elasticsearch clusters of scripts/elasticsearch.sh answer, as
// fixtures for the Elasticsearch flavor's unit tests (test/fixtures/elasticsearch/<version>/):
//
//   scripts/elasticsearch.sh start      # or use the clusters already running
//   eval "$(scripts/elasticsearch.sh env)"
//   npx tsx scripts/elasticsearch/record-fixtures.ts [es7] [es8] [es9]   # default: all three
//
// Per cluster it PUTs the objects the hand-built fixtures (test/fixtures/elasticsearch/{7.17,
// 8.15,9.1}/cluster.ts) model, all named `rec-…`, and two remotes to another cluster of the
// three (on 7.17 also a transient setting over a persistent one); records each answer in
// writes/; records xcluster's read round (READS in src/flavors/elasticsearch.ts, which holds
// `GET /_security/privilege/_builtin` and `_authenticate`); records `_authenticate` as a native
// user and as an API key (issue 11); then deletes what it wrote (recorded too), so the cluster
// is left as found. Other people's tests may write to the same clusters meanwhile: the list
// answers keep only the built-in objects and the recorder's own (see `filtered` in
// requests.json); nothing else in a body is changed. No file is written that holds the admin
// password (raw, JSON-escaped, URL-encoded, or as the base64 of user:password).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  fixtureName,
  parseBody,
  passwordForms,
  refuseSecret,
  sendHttps,
  type Answer,
  type RecordedRequest as ManifestEntry,
  need as needEnv,
} from '../record-common.js';

type Obj = Record<string, unknown>;
type Name = 'es7' | 'es8' | 'es9';

interface Step {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** Who sends it: the admin (default), a recorded user, or an API key (its `encoded` form). */
  auth?: { user: string; password: string } | { apiKey: string };
  /** Appended to the file name to tell two answers to the same request apart. */
  variant?: string;
  note?: string;
}

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const need = (name: string): string => needEnv(name, 'scripts/elasticsearch.sh');

const CA = readFileSync(need('ES_CA_FILE'));
const ADMIN_USER = need('ES_ADMIN_USER');
const ADMIN_PASSWORD = readFileSync(need('ES_ADMIN_PASSWORD_FILE'), 'utf8').trim();
const PASSWORD_FORMS = passwordForms(ADMIN_USER, ADMIN_PASSWORD);

/** Each cluster's remotes point at another one of the three whose wire protocol it speaks. */
const CLUSTERS: Record<Name, { url: string; transport: string; remoteTo: Name }> = {
  es7: { url: need('ES_ES7_URL'), transport: need('ES_ES7_TRANSPORT'), remoteTo: 'es8' },
  es8: { url: need('ES_ES8_URL'), transport: need('ES_ES8_TRANSPORT'), remoteTo: 'es9' },
  es9: { url: need('ES_ES9_URL'), transport: need('ES_ES9_TRANSPORT'), remoteTo: 'es8' },
};

/** The recorded users' password: a constant of this recorder, not a secret. */
const TEST_PASSWORD = 'Xcluster-Rec-Passw0rd!';
const OUT_ROOT = join('test', 'fixtures', 'elasticsearch');

// ---------------------------------------------------------------------------------------------
// What is written: the objects of the hand-built fixtures, under the recorder's own names

interface Objects {
  roles: Record<string, Obj>;
  /** Roles a server of this major refuses (7.17: the 8.x fields): PUT, recorded, expected 400. */
  refusedRoles: Record<string, Obj>;
  users: Record<string, Obj>;
  /** In order; one with `refused` (its file's variant) must be answered 400. */
  mappings: { name: string; body: Obj; refused?: string; note?: string }[];
  /** One `PUT /_cluster/settings` each, flat keys, as xcluster sends a remote. */
  remotes: { alias: string; scope: 'persistent' | 'transient'; settings: Obj; refused?: string; note?: string }[];
}

function objectsFor(major: number, remoteTransport: string): Objects {
  const modern = major >= 8;
  const ccrApiKey = {
    cluster: ['manage_ccr'],
    remote_indices: [
      { clusters: ['my_remote_cluster'], names: ['leader-index'], privileges: ['cross_cluster_replication'] },
    ],
  };
  const enrich = {
    remote_cluster: [{ privileges: ['monitor_enrich'], clusters: ['my_remote_cluster'] }],
    description: 'Enrich from the remote cluster.',
    metadata: { team: 'enrich' },
  };
  const eightOnly = { 'rec-remote-replication-api-key': ccrApiKey, 'rec-remote-enrich': enrich };
  const sniff = 'cluster.remote.rec-sniff.';
  const proxy = 'cluster.remote.rec-proxy.';
  return {
    roles: {
      // seed 000: the local (follower) CCR role
      'rec-remote-replication': {
        cluster: ['manage_ccr'],
        indices: [{ names: ['follower-index-name'], privileges: ['monitor', 'read', 'write', 'manage_follow_index'] }],
      },
      // DLS/FLS: a query object, a string `names`; a query string, grant without except
      'rec-dls-reader': {
        indices: [
          {
            names: 'events-*',
            privileges: ['read'],
            field_security: { grant: ['*'], except: ['secret.*'] },
            query: { term: { team: 'west' } },
          },
          {
            names: ['audit-*'],
            privileges: ['read', 'view_index_metadata'],
            field_security: { grant: ['@timestamp', 'message'] },
            query: '{"match_all":{}}',
            allow_restricted_indices: true,
          },
        ],
      },
      'rec-app-admin': {
        cluster: ['monitor', 'manage_security'],
        global: { application: { manage: { applications: ['myapp'] } } },
        applications: [{ application: 'myapp', privileges: ['admin', 'read'], resources: ['*'] }],
        run_as: ['rec-cross-cluster-user'],
        metadata: { team: 'apps', level: 2 },
      },
      ...(modern ? eightOnly : {}),
    },
    refusedRoles: modern ? {} : eightOnly,
    users: {
      'rec-cross-cluster-user': { password: TEST_PASSWORD, roles: ['rec-remote-replication'] },
      'rec-ops-bot': {
        password: TEST_PASSWORD,
        roles: ['rec-app-admin', 'rec-dls-reader'],
        full_name: 'Ops Bot',
        email: 'ops-bot@example.com',
        metadata: { intelligence: 7, team: 'ops' },
        enabled: false,
      },
    },
    mappings: [
      {
        name: 'rec-saml-admins',
        refused: 'roles-and-role-templates',
        note: 'roles and role_templates at once (the hand-built 8.15 saml-admins): refused',
        body: {
          enabled: false,
          roles: ['superuser'],
          role_templates: [{ template: { source: '_user_{{username}}' } }],
          rules: { all: [{ field: { 'realm.name': ['saml1'] } }, { field: { groups: ['admins', 'ops'] } }] },
          metadata: { version: 1 },
        },
      },
      {
        name: 'rec-saml-admins',
        note: 'the same without roles',
        body: {
          enabled: false,
          role_templates: [{ template: { source: '_user_{{username}}' } }],
          rules: { all: [{ field: { 'realm.name': ['saml1'] } }, { field: { groups: ['admins', 'ops'] } }] },
          metadata: { version: 1 },
        },
      },
      {
        name: 'rec-saml-users',
        refused: 'without-enabled',
        note: 'enabled left out: refused (missing field [enabled])',
        body: { roles: ['rec-dls-reader'], rules: { field: { 'realm.name': 'saml1' } } },
      },
      {
        name: 'rec-saml-users',
        note: 'roles only; except inside all',
        body: {
          enabled: true,
          roles: ['rec-dls-reader', 'rec-remote-replication'],
          rules: { all: [{ field: { 'realm.name': 'saml1' } }, { except: { field: { groups: 'contractors' } } }] },
        },
      },
      {
        name: 'rec-ldap-groups',
        note: 'a json-format template; any',
        body: {
          enabled: true,
          role_templates: [{ template: { source: '{{#tojson}}groups{{/tojson}}' }, format: 'json' }],
          rules: { any: [{ field: { 'realm.name': 'ldap1' } }, { field: { dn: '*,ou=admins,dc=example,dc=com' } }] },
          metadata: {},
        },
      },
    ],
    remotes: [
      {
        alias: 'rec-sniff',
        scope: 'persistent',
        settings: {
          [`${sniff}mode`]: 'sniff',
          [`${sniff}seeds`]: [remoteTransport],
          [`${sniff}skip_unavailable`]: true,
          [`${sniff}transport.compress`]: true,
        },
      },
      {
        alias: 'rec-proxy',
        scope: 'persistent',
        settings: {
          [`${proxy}mode`]: 'proxy',
          [`${proxy}proxy_address`]: remoteTransport,
          [`${proxy}server_name`]: 'localhost',
          [`${proxy}proxy_socket_connections`]: 3,
          [`${proxy}skip_unavailable`]: false,
          [`${proxy}transport.compress`]: true,
          [`${proxy}transport.ping_schedule`]: '60s',
        },
      },
      ...(modern
        ? []
        : [
            {
              alias: 'rec-sniff',
              scope: 'transient' as const,
              settings: { [`${sniff}skip_unavailable`]: false },
              refused: 'alone',
              note: 'a transient skip_unavailable alone (as in the hand-built 7.17 cluster_two): refused',
            },
            {
              alias: 'rec-sniff',
              scope: 'transient' as const,
              settings: { [`${sniff}seeds`]: [remoteTransport], [`${sniff}skip_unavailable`]: false },
              note: 'transient seeds and skip_unavailable over the persistent ones of the same names',
            },
          ]),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Recording

const send = (name: Name, step: Step): Promise<Answer> =>
  sendHttps({
    url: new URL(step.path, CLUSTERS[name].url),
    method: step.method,
    body: step.body,
    ...(step.auth === undefined
      ? { basic: { user: ADMIN_USER, password: ADMIN_PASSWORD } }
      : 'apiKey' in step.auth
        ? { apiKey: step.auth.apiKey }
        : { basic: step.auth }),
    ca: CA,
  });

const isBuiltIn = (body: unknown): boolean =>
  isObject(body) && isObject(body.metadata) && (body.metadata._reserved === true || body.metadata._read_only === true);

/** `{ name: body }` of a list read: the built-in objects and the recorder's, nothing else. */
function keepObjects(body: unknown, mine: Set<string>): { body: unknown; dropped: number } {
  if (!isObject(body)) return { body, dropped: 0 };
  const kept = Object.entries(body).filter(([name, o]) => isBuiltIn(o) || mine.has(name));
  return { body: Object.fromEntries(kept), dropped: Object.keys(body).length - kept.length };
}

const REMOTE_KEY = /^(?:cluster|search)\.remote\.([^.]+)\./;

/** Settings: every remote setting of another alias goes; every other setting stays. */
function keepSettings(body: unknown, aliases: Set<string>): { body: unknown; dropped: number } {
  if (!isObject(body)) return { body, dropped: 0 };
  let dropped = 0;
  const out: Obj = {};
  for (const [scope, settings] of Object.entries(body)) {
    if (!isObject(settings)) {
      out[scope] = settings;
      continue;
    }
    const kept = Object.entries(settings).filter(([key]) => {
      const alias = REMOTE_KEY.exec(key)?.[1];
      return alias === undefined || aliases.has(alias);
    });
    dropped += Object.keys(settings).length - kept.length;
    out[scope] = Object.fromEntries(kept);
  }
  return { body: out, dropped };
}

type Filter = (body: unknown) => { body: unknown; dropped: number };

class Recorder {
  readonly manifest: { read: ManifestEntry[]; writes: ManifestEntry[] } = { read: [], writes: [] };
  private counter = 0;

  constructor(
    readonly cluster: Name,
    readonly out: string,
  ) {}

  /** One request; its answer in `writes/` (numbered, in the order sent) or in the version folder. */
  async record(folder: 'read' | 'writes', step: Step, filter?: Filter): Promise<{ answer: Answer; body: unknown }> {
    const answer = await send(this.cluster, step);
    const parsed = parseBody(answer.text);
    const { body, dropped } = filter && answer.status === 200 ? filter(parsed) : { body: parsed, dropped: 0 };
    const text = `${JSON.stringify(body, null, 2)}\n`;
    refuseSecret(text, PASSWORD_FORMS, `the answer to ${step.method} ${step.path}`);
    const base = fixtureName(step.method, step.path, step.variant);
    const file = folder === 'writes' ? `${String(++this.counter).padStart(2, '0')}_${base}.json` : `${base}.json`;
    const dir = folder === 'writes' ? join(this.out, 'writes') : this.out;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), text);
    this.manifest[folder].push({
      file,
      cluster: this.cluster,
      method: step.method,
      path: step.path,
      ...(step.body === undefined ? {} : { request_body: step.body }),
      status: answer.status,
      content_type: answer.contentType,
      ...(answer.warning ? { warning: answer.warning } : {}),
      ...(filter ? { filtered: `kept the built-in objects and the recorder's; dropped ${dropped}` } : {}),
      ...(step.note ? { note: step.note } : {}),
    });
    const where = folder === 'writes' ? `writes/${file}` : file;
    console.log(`${String(answer.status).padEnd(4)} ${this.cluster} ${step.method} ${step.path} -> ${where}`);
    return { answer, body };
  }

  write(step: Step): Promise<{ answer: Answer; body: unknown }> {
    return this.record('writes', step);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Until the sniff remote reports `connected: true` (at most 60 s), and the proxy one too (at most 20 s more). */
async function waitConnected(name: Name): Promise<void> {
  const connected = async (alias: string) => {
    const info = parseBody((await send(name, { method: 'GET', path: '/_remote/info' })).text);
    return isObject(info) && isObject(info[alias]) && info[alias].connected === true;
  };
  const until = async (alias: string, seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      if (await connected(alias)) return true;
      await sleep(1000);
    }
    return false;
  };
  if (!(await until('rec-sniff', 60))) throw new Error(`${name}: rec-sniff did not connect within 60 s`);
  if (!(await until('rec-proxy', 20))) console.log(`${name}: rec-proxy not connected after 20 s; recorded as is`);
}

const objectPaths = (o: Objects) => [
  ...Object.keys(o.users).map((n) => `/_security/user/${n}`),
  ...[...new Set(o.mappings.map((m) => m.name))].map((n) => `/_security/role_mapping/${n}`),
  ...Object.keys({ ...o.roles, ...o.refusedRoles }).map((n) => `/_security/role/${n}`),
];

/** Null for each remote setting the recorder wrote, in the scopes it wrote them. */
function removalBody(o: Objects): Obj {
  const body: Record<string, Obj> = {};
  for (const r of o.remotes) for (const key of Object.keys(r.settings)) (body[r.scope] ??= {})[key] = null;
  return body;
}

/** Deletes what the recorder wrote (a 404 is fine); recorded when a recorder is given. */
async function cleanUp(name: Name, o: Objects, rec?: Recorder): Promise<void> {
  const run = (step: Step) => (rec ? rec.write(step).then((r) => r.answer) : send(name, step));
  for (const path of objectPaths(o)) await run({ method: 'DELETE', path });
  const removal = removalBody(o);
  const answer = await run({
    method: 'PUT',
    path: '/_cluster/settings',
    body: removal,
    variant: 'remove',
    note: 'null removes each setting',
  });
  if (answer.status !== 200) throw new Error(`${name}: removing the remotes answered ${answer.status}: ${answer.text}`);
}

/** The cluster is as found: no `rec-` object or remote setting left. */
async function checkClean(name: Name, o: Objects): Promise<void> {
  for (const path of objectPaths(o)) {
    const a = await send(name, { method: 'GET', path });
    const body = parseBody(a.text);
    if (a.status === 200 && isObject(body) && Object.keys(body).length > 0) throw new Error(`${name}: ${path} is left`);
  }
  const settings = JSON.stringify(parseBody((await send(name, { method: 'GET', path: '/_cluster/settings' })).text));
  if (settings.includes('rec-')) throw new Error(`${name}: remote settings of the recorder are left: ${settings}`);
}

function expectPresent(name: Name, what: string, body: unknown, names: string[]): void {
  const missing = names.filter((n) => !isObject(body) || !(n in body));
  if (missing.length > 0) {
    throw new Error(`${name}: ${what} lacks ${missing.join(', ')} (removed by someone else meanwhile?): run again`);
  }
}

/**
 * `GET /_security/_authenticate` as each kind of identity xcluster may connect as (issue 11,
 * finding 8): a native user (the admin's is in the read round: the file realm), and an API key
 * of the admin. The key is made for this and invalidated at once; its secret is never written.
 */
async function recordIdentities(rec: Recorder): Promise<void> {
  const authenticate = (variant: string, auth: Step['auth'], note: string) =>
    rec.write({ method: 'GET', path: '/_security/_authenticate', auth, variant, note });
  await authenticate('native-user', { user: 'rec-cross-cluster-user', password: TEST_PASSWORD }, 'a native user');
  const created = await send(rec.cluster, { method: 'POST', path: '/_security/api_key', body: { name: 'rec-key' } });
  const key = parseBody(created.text);
  if (created.status !== 200 || !isObject(key) || typeof key.id !== 'string' || typeof key.api_key !== 'string') {
    throw new Error(`${rec.cluster}: creating an API key answered ${created.status}`);
  }
  // `encoded` is 8.x's; 7.17 answers id and api_key only.
  const encoded = Buffer.from(`${key.id}:${key.api_key}`).toString('base64');
  const failed = await authenticate(
    'api-key',
    { apiKey: encoded },
    "an API key of the admin (no role descriptors: the admin's roles)",
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  // Invalidated whatever happened, by name: also what an earlier, failed run left.
  const gone = await send(rec.cluster, { method: 'DELETE', path: '/_security/api_key', body: { name: 'rec-key' } });
  if (failed !== undefined) throw failed;
  if (gone.status !== 200)
    throw new Error(`${rec.cluster}: invalidating rec-key answered ${gone.status}: ${gone.text}`);
}

async function recordCluster(name: Name): Promise<void> {
  const info = parseBody((await send(name, { method: 'GET', path: '/' })).text) as { version: { number: string } };
  const version = info.version.number;
  const major = Number(version.split('.')[0]);
  const o = objectsFor(major, CLUSTERS[CLUSTERS[name].remoteTo].transport);
  const out = join(OUT_ROOT, version);
  await cleanUp(name, o); // what a failed earlier run may have left
  rmSync(out, { recursive: true, force: true });
  const rec = new Recorder(name, out);
  try {
    // ---- writes ----
    /** Writes one object; a step marked `refused` must be answered 400, any other 200. */
    const put = async (step: Step, refused?: string): Promise<void> => {
      const { answer } = await rec.write(refused ? { ...step, variant: refused } : step);
      if (answer.status !== (refused ? 400 : 200)) {
        throw new Error(`${name}: ${step.method} ${step.path} answered ${answer.status}: ${answer.text}`);
      }
    };
    const created = { role: [] as string[], user: [] as string[], role_mapping: [] as string[] };
    for (const [role, body] of Object.entries(o.roles)) {
      await put({ method: 'PUT', path: `/_security/role/${role}`, body });
      created.role.push(role);
    }
    for (const [role, body] of Object.entries(o.refusedRoles)) {
      const note = `a ${major}.x server refuses the 8.x role fields`;
      await put({ method: 'PUT', path: `/_security/role/${role}`, body, note }, 'refused');
    }
    for (const [user, body] of Object.entries(o.users)) {
      await put({ method: 'PUT', path: `/_security/user/${user}`, body });
      created.user.push(user);
    }
    for (const m of o.mappings) {
      const path = `/_security/role_mapping/${m.name}`;
      await put({ method: 'PUT', path, body: m.body, ...(m.note ? { note: m.note } : {}) }, m.refused);
      if (!m.refused && !created.role_mapping.includes(m.name)) created.role_mapping.push(m.name);
    }
    for (const r of o.remotes) {
      const variant = `${r.alias}.${r.scope}${r.refused ? `.${r.refused}` : ''}`;
      const step: Step = { method: 'PUT', path: '/_cluster/settings', body: { [r.scope]: r.settings }, variant };
      await put(r.note ? { ...step, note: r.note } : step, r.refused ? variant : undefined);
    }
    await waitConnected(name);

    // ---- the read round, as xcluster sends it, and the built-in privileges ----
    const aliases = new Set(o.remotes.map((r) => r.alias));
    const read = (path: string, filter?: Filter) =>
      rec.record('read', { method: 'GET', path }, filter).then((r) => r.body);
    const mine =
      (names: string[]): Filter =>
      (body) =>
        keepObjects(body, new Set(names));
    await read('/');
    expectPresent(name, 'GET /_security/role', await read('/_security/role', mine(created.role)), created.role);
    expectPresent(name, 'GET /_security/user', await read('/_security/user', mine(created.user)), created.user);
    const mappings = await read('/_security/role_mapping', mine(created.role_mapping));
    expectPresent(name, 'GET /_security/role_mapping', mappings, created.role_mapping);
    const settings = await read('/_cluster/settings?flat_settings=true', (body) => keepSettings(body, aliases));
    expectPresent(name, 'persistent settings', isObject(settings) ? settings.persistent : undefined, [
      'cluster.remote.rec-sniff.seeds',
      'cluster.remote.rec-proxy.proxy_address',
    ]);
    const remoteInfo = await read('/_remote/info', (body) => keepObjects(body, aliases));
    expectPresent(name, 'GET /_remote/info', remoteInfo, [...aliases]);
    await read('/_security/privilege/_builtin');
    await read('/_security/_authenticate');
    await recordIdentities(rec);

    // ---- clean up, recorded ----
    await cleanUp(name, o, rec);
    await rec.write({ method: 'GET', path: '/_remote/info', variant: 'after-remove' });
  } catch (err) {
    await cleanUp(name, o).catch((e: unknown) => console.error(`${name}: clean-up failed too: ${String(e)}`));
    throw err;
  }
  await checkClean(name, o);
  const requests = `${JSON.stringify({ version, cluster: name, ...rec.manifest }, null, 2)}\n`;
  refuseSecret(requests, PASSWORD_FORMS, 'requests.json');
  writeFileSync(join(out, 'requests.json'), requests);
  console.log(`wrote ${out}`);
}

const chosen = process.argv.slice(2);
for (const name of (chosen.length > 0 ? chosen : Object.keys(CLUSTERS)) as Name[]) {
  if (!(name in CLUSTERS)) throw new Error(`unknown cluster ${name} (known: ${Object.keys(CLUSTERS).join(', ')})`);
  await recordCluster(name);
}
