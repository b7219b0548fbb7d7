// Issue 11, finding 8: self-lockout. On a real OpenSearch 2.19.4 a config that names the
// (non-reserved) all_access roles mapping without the connection's user took the admin's access
// away: the apply succeeded, and every later plan was refused (403) until someone used the admin
// certificate (recorded in test/fixtures/opensearch/2.19.4/identity/03-07). The plan must refuse
// any change that takes away the access xcluster's own identity needs.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/drift/plan.js';
import { elasticsearch, RESPONSE_KEYS } from '../../src/flavors/elasticsearch.js';
import { opensearch, OPENSEARCH_RESPONSE_KEYS } from '../../src/flavors/opensearch.js';
import { applyJob, planJob } from '../../src/job.js';
import { normalize } from '../../src/model/normalize.js';
import { type ClusterState, type Finding, type Identity } from '../../src/model/types.js';
import { FIXTURES, LINES } from '../fixtures/elasticsearch/index.js';
import { clusterFile, loadFiles, openSearchFile, writeConfigDir } from './helpers/config-dir.js';
import { RECORDINGS, splitList } from './helpers/es-recorded.js';
import { FakeOpenSearch } from './helpers/fake-opensearch.js';
import { liveState } from './helpers/model.js';

const OS = path.join(__dirname, '..', 'fixtures', 'opensearch', '2.19.4');
const recorded = (file: string): unknown => JSON.parse(readFileSync(path.join(OS, file), 'utf8')) as unknown;

/** The leader's recorded read round as a snapshot, with some answers replaced. */
function leaderSnapshot(overrides: Record<string, unknown> = {}) {
  const k = OPENSEARCH_RESPONSE_KEYS;
  const file: Record<string, string> = {
    [k.info]: 'GET__.json',
    [k.roles]: 'GET__plugins__security_api_roles.json',
    [k.rolesMapping]: 'GET__plugins__security_api_rolesmapping.json',
    [k.internalUsers]: 'GET__plugins__security_api_internalusers.json',
    [k.actionGroups]: 'GET__plugins__security_api_actiongroups.json',
    [k.nodesDn]: 'GET__plugins__security_api_nodesdn.basic-auth.json',
    [k.settings]: 'GET__cluster_settings.flat_settings=true.json',
    [k.remoteInfo]: 'GET__remote_info.json',
    [k.authinfo]: 'GET__plugins__security_authinfo.json',
    [k.securityConfig]: 'GET__plugins__security_api_securityconfig.json',
  };
  const responses = Object.fromEntries(Object.entries(file).map(([key, f]) => [key, recorded(`leader/${f}`)]));
  return {
    format_version: 1 as const,
    cluster: 'leader',
    flavor: 'opensearch' as const,
    responses: { ...responses, ...overrides },
  };
}

const lockouts = (findings: Finding[]) => findings.filter((f) => f.rule === 'self-lockout');

/** The plan of one OpenSearch leader file against the recorded leader (optionally changed). */
function planLeader(body: string, state: ClusterState = opensearch.parse(leaderSnapshot()), prune = false) {
  const config = loadFiles({ 'clusters/leader.yml': openSearchFile('leader', body + (prune ? 'prune: true\n' : '')) });
  return buildPlan(config, [state]);
}

describe('issue 11 finding 8: the read round keeps who xcluster is', () => {
  it('issue 11 finding 8: OpenSearch authinfo (recorded): the admin, its backend role, its mapped roles, its address', () => {
    expect(opensearch.parse(leaderSnapshot()).identity).toEqual({
      username: 'admin',
      roles: ['own_index', 'all_access'],
      backendRoles: ['admin'],
      host: '127.0.0.1',
    });
    // The super-admin certificate: its DN, and none of the REST API roles (identity/01).
    const cert = opensearch.parse(
      leaderSnapshot({
        [OPENSEARCH_RESPONSE_KEYS.authinfo]: recorded('identity/01_GET__plugins__security_authinfo.admin-cert.json'),
      }),
    ).identity;
    expect(cert).toEqual({
      username: 'CN=kirk,OU=client,O=client,L=test,C=de',
      roles: ['own_index'],
      backendRoles: [],
    });
  });

  it.each(RECORDINGS)('issue 11 finding 8: Elasticsearch $version _authenticate (recorded): realm and roles', (rec) => {
    const parse = (answer: unknown) =>
      elasticsearch.parse({
        format_version: 1,
        cluster: 'west',
        flavor: 'elasticsearch',
        responses: { ...rec.responses, [RESPONSE_KEYS.identity]: answer },
      }).identity;
    expect(parse(rec.responses[RESPONSE_KEYS.identity])).toEqual({
      username: 'xcluster-admin',
      roles: ['superuser'],
      realm: { name: 'default_file', type: 'file' },
      authenticationType: 'realm',
    });
    const answerOf = (variant: string) =>
      rec.answer(rec.writes.find((w) => w.file.endsWith(`authenticate.${variant}.json`))!);
    expect(parse(answerOf('native-user'))).toMatchObject({
      username: 'rec-cross-cluster-user',
      roles: ['rec-remote-replication'],
      realm: { type: 'native' },
    });
    expect(parse(answerOf('api-key'))).toMatchObject({
      username: 'xcluster-admin',
      roles: [],
      authenticationType: 'api_key',
    });
  });

  it('issue 11 finding 8: the hand-built fixtures answer _authenticate as the recorded API key of their version', () => {
    for (const line of LINES) {
      const rec = RECORDINGS.find((r) => r.line === line)!;
      const apiKey = rec.answer(rec.writes.find((w) => w.file.endsWith('authenticate.api-key.json'))!);
      expect(FIXTURES[line].responses['GET /_security/_authenticate'], line).toStrictEqual(apiKey);
    }
  });

  // The rule's tables, imported here only: the other tests run on the code before the rule too.
  const tables = () => import('../../src/rules/self-lockout.js');

  it('issue 11 finding 8: only superuser of the built-in roles grants all or manage_security (7.17.25, 8.19.5, 9.1.5)', async () => {
    const { BUILT_IN_SECURITY_ROLES } = await tables();
    for (const rec of RECORDINGS) {
      const { builtIn } = splitList(rec.responses[RESPONSE_KEYS.roles]);
      const granting = Object.entries(builtIn)
        .filter(([, r]) => (r.cluster as string[]).some((p) => p === 'all' || p === 'manage_security'))
        .map(([name]) => name);
      expect(granting, rec.version).toEqual([...BUILT_IN_SECURITY_ROLES]);
    }
  });

  it('issue 11 finding 8: the REST API roles are reserved roles of the demo configuration', async () => {
    const { REST_API_ROLES } = await tables();
    const roles = recorded('leader/GET__plugins__security_api_roles.json') as Record<string, { reserved: boolean }>;
    for (const r of REST_API_ROLES) expect(roles[r]?.reserved, r).toBe(true);
  });
});

describe('issue 11 finding 8: OpenSearch, against the recorded leader', () => {
  it('issue 11 finding 8: the all_access mapping without the admin is an error that says how to keep the access', () => {
    const found = lockouts(planLeader('roles_mapping:\n  all_access:\n    users: [someone-else]\n').findings);
    expect(found).toEqual([
      expect.objectContaining({ severity: 'error', cluster: 'leader', source: expect.objectContaining({ line: 9 }) }),
    ]);
    expect(found[0]!.message).toContain('the update of roles_mapping all_access');
    expect(found[0]!.message).toContain('user admin (backend roles admin) reaches the security REST API');
    expect(found[0]!.message).toContain('Keep it: keep backend_roles: [admin] in roles_mapping all_access');
  });

  it('issue 11 finding 8: the mapping that keeps the admin, by backend role or by name, is no finding', () => {
    expect(lockouts(planLeader('roles_mapping:\n  all_access:\n    backend_roles: [admin, ops]\n').findings)).toEqual(
      [],
    );
    expect(lockouts(planLeader('roles_mapping:\n  all_access:\n    users: [admin]\n').findings)).toEqual([]);
    // Another way to the REST API: security_rest_api_access mapped to the admin.
    const both = 'roles_mapping:\n  all_access:\n    users: [ops]\n  security_rest_api_access:\n    users: [admin]\n';
    expect(lockouts(planLeader(both).findings)).toEqual([]);
  });

  it('issue 11 finding 8: prune deleting a marked all_access mapping is an error at the connection', () => {
    const state = opensearch.parse(leaderSnapshot());
    state.objects.roles_mapping.all_access!.managed = true;
    const plan = planLeader('roles_mapping: {}\n', state, true);
    expect(plan.clusters[0]!.changes).toContainEqual(expect.objectContaining({ action: 'delete', name: 'all_access' }));
    const found = lockouts(plan.findings);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('the deletion (prune) of roles_mapping all_access');
    expect(found[0]!.message).toContain('name roles_mapping all_access in the config, so that prune leaves it');
    expect(found[0]!.source).toMatchObject({ line: 1 }); // the connection: the deletion has no line of its own
  });

  it('issue 11 finding 8: an internal user that loses the backend role its mapping matches', () => {
    const state = opensearch.parse(leaderSnapshot());
    state.objects.internal_user.ops = {
      body: opensearch.normalize('internal_user', { backend_roles: ['ops-admins'] }),
      managed: true,
    };
    state.objects.roles_mapping.security_rest_api_access = {
      body: opensearch.normalize('roles_mapping', { backend_roles: ['ops-admins'] }),
      managed: false,
    };
    const ops: Identity = {
      username: 'ops',
      roles: ['own_index', 'security_rest_api_access'],
      backendRoles: ['ops-admins'],
      host: '127.0.0.1',
    };
    const user = (roles: string) =>
      `internal_users:\n  ops:\n    password: { env: OPS_PASSWORD }\n    backend_roles: [${roles}]\n`;
    process.env.OPS_PASSWORD = 'Ops-Passw0rd-not-real';
    try {
      const found = lockouts(planLeader(user('readers'), { ...state, identity: ops }).findings);
      expect(found).toHaveLength(1);
      expect(found[0]!.message).toContain('the update of internal_user ops');
      expect(found[0]!.message).toContain('keep backend_roles: [ops-admins] in internal_user ops');
      expect(lockouts(planLeader(user('readers, ops-admins'), { ...state, identity: ops }).findings)).toEqual([]);
    } finally {
      delete process.env.OPS_PASSWORD;
    }
  });

  it('issue 11 finding 8: the super-admin certificate reaches the API whatever the mappings: no finding', () => {
    const cert = recorded('identity/01_GET__plugins__security_authinfo.admin-cert.json');
    const state = opensearch.parse(leaderSnapshot({ [OPENSEARCH_RESPONSE_KEYS.authinfo]: cert }));
    expect(lockouts(planLeader('roles_mapping:\n  all_access:\n    users: [someone-else]\n', state).findings)).toEqual(
      [],
    );
  });

  it('issue 11 finding 8: a snapshot without the identity is not judged', () => {
    const { [OPENSEARCH_RESPONSE_KEYS.authinfo]: _gone, ...responses } = leaderSnapshot().responses;
    const state = opensearch.parse({ ...leaderSnapshot(), responses });
    expect(state.identity).toBeUndefined();
    expect(lockouts(planLeader('roles_mapping:\n  all_access:\n    users: [x]\n', state).findings)).toEqual([]);
  });
});

describe('issue 11 finding 8: Elasticsearch, manage_security through the connection user', () => {
  const OPS_ROLE = { cluster: ['manage_security', 'monitor'] };
  const native = (roles: string[]): Identity => ({
    username: 'ops',
    roles,
    realm: { name: 'default_native', type: 'native' },
    authenticationType: 'realm',
  });
  /** west with native user ops holding `roles`, and roles ops-security (manage_security) and readers. */
  function west(identity: Identity, roles = identity.roles): ClusterState {
    return liveState(
      {
        role: {
          'ops-security': { body: OPS_ROLE, managed: true },
          readers: { body: { cluster: ['monitor'] }, managed: true },
        },
        user: { ops: { body: { roles }, managed: true } },
      },
      { identity, reserved: { ...liveState().reserved, role: ['superuser'] } },
    );
  }
  const planWest = (body: string, state: ClusterState, prune = false) =>
    lockouts(
      buildPlan(loadFiles({ 'clusters/west.yml': clusterFile('west', body + (prune ? 'prune: true\n' : '')) }), [state])
        .findings,
    );

  it("issue 11 finding 8: a config that removes manage_security from the connection user's role is an error", () => {
    const found = planWest('roles:\n  ops-security:\n    cluster: [monitor]\n', west(native(['ops-security'])));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', source: expect.objectContaining({ line: 8 }) });
    expect(found[0]!.message).toContain(
      'the update of role ops-security takes away the access xcluster connects to west with',
    );
    expect(found[0]!.message).toContain('user ops (native realm default_native) reaches the security APIs');
    expect(found[0]!.message).toContain('keep manage_security (or all) in its cluster privileges in role ops-security');
  });

  it('issue 11 finding 8: the user itself: its roles changed, disabled, or pruned', () => {
    const state = west(native(['ops-security']));
    const user = (extra: string) => `users:\n  ops:\n    roles: [readers]\n${extra}`;
    expect(planWest(user(''), state)[0]!.message).toContain('the update of user ops');
    expect(planWest('users:\n  ops:\n    roles: [ops-security]\n    enabled: false\n', state)).toHaveLength(1);
    expect(planWest('users: {}\n', state, true)[0]!.message).toContain('the deletion (prune) of user ops');
    expect(planWest('users:\n  ops:\n    roles: [ops-security, readers]\n', state)).toEqual([]);
  });

  it("issue 11 finding 8: access kept another way, or out of the plan's reach, is no finding", () => {
    const strip = 'roles:\n  ops-security:\n    cluster: [monitor]\n';
    // superuser too (built in: no plan changes it)
    expect(planWest(strip, west(native(['ops-security', 'superuser'])))).toEqual([]);
    // the file realm admin of the test clusters (recorded): superuser
    expect(
      planWest(
        strip,
        west({ username: 'xcluster-admin', roles: ['superuser'], realm: { name: 'default_file', type: 'file' } }),
      ),
    ).toEqual([]);
    // an API key: its privileges were fixed when it was made
    expect(planWest(strip, west({ username: 'ops', roles: [], authenticationType: 'api_key' }))).toEqual([]);
    // a file-based role xcluster cannot see
    expect(planWest(strip, west(native(['ops-security', 'file-admins']), ['ops-security', 'file-admins']))).toEqual([]);
  });

  it('issue 11 finding 8: a realm user (LDAP, SAML…) whose role loses manage_security', () => {
    const ldap: Identity = { username: 'jane', roles: ['ops-security'], realm: { name: 'ldap1', type: 'ldap' } };
    expect(planWest('roles:\n  ops-security:\n    cluster: [monitor]\n', west(ldap))).toHaveLength(1);
  });

  it('issue 11 finding 8: roles normalize the same on both sides (no false alarm on an unchanged role)', () => {
    const state = west(native(['ops-security']));
    state.objects.role['ops-security'] = { body: normalize('role', OPS_ROLE), managed: true };
    expect(planWest('roles:\n  ops-security:\n    cluster: [monitor, manage_security]\n', state)).toEqual([]);
  });
});

describe('issue 11 finding 8: plan and apply against a stateful OpenSearch', () => {
  const ADMIN_PASSWORD = 'Admin-Passw0rd-not-real';
  const URL = 'https://leader.example.com:9200';
  let cwd: string;
  let fake: FakeOpenSearch;

  beforeEach(() => {
    cwd = process.cwd();
    nock.disableNetConnect();
    fake = new FakeOpenSearch(URL, ADMIN_PASSWORD).install();
    process.env.ADMIN_PASSWORD = ADMIN_PASSWORD;
  });
  afterEach(() => {
    process.chdir(cwd);
    nock.cleanAll();
    nock.enableNetConnect();
    delete process.env.ADMIN_PASSWORD;
  });

  const leaderDir = (body: string) => {
    const file = openSearchFile('leader', body).replace('https://leader.example.com:9200', URL);
    return writeConfigDir({ 'clusters/leader.yml': file });
  };

  it('issue 11 finding 8: plan says error, apply is refused and writes nothing, the admin keeps its access', async () => {
    const config = leaderDir('roles_mapping:\n  all_access:\n    users: [someone-else]\n');
    const { plan } = await planJob({ config });
    expect(lockouts(plan.findings)).toHaveLength(1);
    const outcome = await applyJob({ config, confirm: () => Promise.resolve(true) });
    expect(outcome.status).toBe('refused');
    expect(fake.seen.filter((r) => r.method !== 'GET')).toEqual([]);
    const again = await planJob({ config });
    expect(again.plan.clusters[0]!.reachable).toBe(true);
  });

  it('issue 11 finding 8: what the old apply did: once the mapping is written, every plan is refused (403)', async () => {
    fake.collections.rolesmapping!.all_access = { users: ['someone-else'], backend_roles: [], hosts: [] };
    const { plan } = await planJob({ config: leaderDir('') });
    expect(plan.clusters[0]).toMatchObject({ reachable: false });
    expect(plan.clusters[0]!.error).toContain(
      '403 Forbidden: No permission to access REST API: User admin with Security roles [own_index]',
    );
  });
});
