// Issue 12 items 8–14: the bugs a real OpenSearch 2.19.4 showed. The server's answers are the
// ones recorded from 2.19.4 by scripts/opensearch/record-issue-12.ts
// (test/fixtures/opensearch/2.19.4/issue-12/, requests.json lists each request) and
// scripts/opensearch/record-fixtures.ts (leader/, writes/); HTTP is mocked with nock.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diffCluster } from '../../src/drift/diff.js';
import { buildPlan, lintOnly } from '../../src/drift/plan.js';
import { canonicalJsonText } from '../../src/model/json-text.js';
import { type Connection, type Operation, type RetryPolicy } from '../../src/flavors/flavor.js';
import { opensearch, OPENSEARCH_RESPONSE_KEYS } from '../../src/flavors/opensearch.js';
import { patchFor } from '../../src/flavors/opensearch-write.js';
import {
  emptyObjects,
  emptyReserved,
  formatSource,
  type SourceRef,
  type ClusterState,
  type Config,
  type Desired,
  type Kind,
} from '../../src/model/types.js';
import { clusterFile, loadFiles, openSearchFile } from './helpers/config-dir.js';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'opensearch', '2.19.4');
const fixture = (file: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as unknown;
const issue12 = (file: string): nock.Body => fixture(`issue-12/${file}`) as nock.Body;

const URL = 'https://leader.example.com:9200';
const SECURITY = '/_plugins/_security/api';
const USER_PASSWORD = 'Xcluster-Test-Passw0rd!';
const conn = (): Connection => ({
  cluster: 'leader',
  url: URL,
  auth: { username: 'admin', password: 'Admin-Passw0rd!x' },
  timeoutMs: 2000,
});
const retry: RetryPolicy = {
  retries: 2,
  baseDelayMs: 1,
  maxDelayMs: 1,
  deadlineMs: 5000,
  sleep: () => Promise.resolve(),
};
const opts = { concurrency: 1, retry };

const SOURCE = { file: 'xcluster/clusters/leader.yml', line: 9, column: 3 };
const PASSWORD = { ref: { env: 'P' }, source: SOURCE };

const desired = (kind: Kind, name: string, body: object, extra: Partial<Desired> = {}): Desired => ({
  cluster: 'leader',
  kind,
  name,
  body: opensearch.normalize(kind, body),
  source: SOURCE,
  ...extra,
});

function live(kind: Kind, objects: Record<string, object>): ClusterState {
  const state: ClusterState = {
    name: 'leader',
    flavor: 'opensearch',
    version: '2.19.4',
    reachable: true,
    objects: emptyObjects(),
    reserved: emptyReserved(),
    remoteInfo: {},
  };
  for (const [name, body] of Object.entries(objects)) {
    state.objects[kind][name] = { body: opensearch.normalize(kind, body), managed: true };
  }
  return state;
}

const operations = (wanted: Desired[], state: ClusterState): Operation[] =>
  diffCluster(wanted, state, false).changes.map((change) =>
    change.password ? { change, password: USER_PASSWORD } : { change },
  );

/** A live state that holds what `config` wants of `cluster`, adjusted by `adjust`. */
function inSync(config: Config, cluster: string, version: string): ClusterState {
  const state = { ...live('role', {}), name: cluster, version };
  for (const d of config.desired.filter((x) => x.cluster === cluster)) {
    state.objects[d.kind][d.name] = { body: d.body, managed: true };
  }
  return state;
}

/** file:line relative to the config folder (the tests write it to a temporary directory). */
const at = (s: SourceRef): string => formatSource(s).replace(/^.*\/xcluster\//, 'xcluster/');

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('issue 12 item 8: a change made by hand between the plan and the PATCH is not overwritten', () => {
  const ROLE = { cluster_permissions: ['cluster_monitor'], description: 'xcluster wants this' };

  it('issue 12 item 8: the collection is read again before the PATCH; an object that moved stops the step, named', async () => {
    const state = live('role', { mine: { cluster_permissions: ['cluster_monitor'], description: 'planned' } });
    const ops = operations([desired('role', 'mine', ROLE)], state);
    const handEdited = { cluster_permissions: ['cluster_all'], description: 'edited by hand', reserved: false };
    const read = nock(URL).get(`${SECURITY}/roles`).reply(200, { mine: handEdited });
    const patch = nock(URL).patch(`${SECURITY}/roles`).reply(200, { status: 'OK', message: 'Resource updated.' });
    const [result] = await opensearch.execute(conn(), ops, opts);
    expect(read.isDone()).toBe(true);
    expect(patch.isDone()).toBe(false); // nothing was written over the hand edit
    expect(result!.status).toBe('failed');
    expect(result!.error).toBe(
      'mine changed on the server since the plan (read again before the PATCH): nothing was written; re-run the plan',
    );
  });

  it('issue 12 item 8: when the objects are as planned, the PATCH goes out after the read', async () => {
    const state = live('role', { mine: { cluster_permissions: ['cluster_monitor'], description: 'planned' } });
    const ops = operations([desired('role', 'mine', ROLE), desired('role', 'fresh', ROLE)], state);
    const asPlanned = { mine: { cluster_permissions: ['cluster_monitor'], description: 'planned', reserved: false } };
    const scope = nock(URL)
      .get(`${SECURITY}/roles`)
      .reply(200, asPlanned)
      .patch(`${SECURITY}/roles`)
      .reply(200, { status: 'OK', message: 'Resource updated.' });
    const results = await opensearch.execute(conn(), ops, opts);
    expect(results.map((r) => r.status)).toEqual(['done', 'done']);
    expect(scope.isDone()).toBe(true);
  });

  it('issue 12 item 8: a created name someone made meanwhile is named too', async () => {
    const ops = operations([desired('role', 'fresh', ROLE)], live('role', {}));
    nock(URL)
      .get(`${SECURITY}/roles`)
      .reply(200, { fresh: { cluster_permissions: [], reserved: false } });
    const [result] = await opensearch.execute(conn(), ops, opts);
    expect(result!.error).toMatch(/^fresh changed on the server since the plan/);
  });
});

describe('issue 12 item 9: a roles mapping whose lists are all empty', () => {
  it('issue 12 item 9: is sent with users: [] (issue-12/03: 200), not without any list (issue-12/02: 400)', () => {
    const ops = operations([desired('roles_mapping', 'nobody', { users: [] })], live('roles_mapping', {}));
    expect(patchFor(ops)).toEqual([
      { op: 'add', path: '/nobody', value: { users: [], description: ' [managed by xcluster]' } },
    ]);
    const some = operations([desired('roles_mapping', 'ops', { backend_roles: ['ops'] })], live('roles_mapping', {}));
    expect(patchFor(some)[0]!.value).toEqual({ backend_roles: ['ops'], description: ' [managed by xcluster]' });
  });

  it("issue 12 item 9: the 400's detail beside its reason is in the error (issue-12/02: specify_one_of)", async () => {
    nock(URL)
      .get(`${SECURITY}/rolesmapping`)
      .reply(200, {})
      .patch(`${SECURITY}/rolesmapping`)
      .reply(400, issue12('02_PATCH__plugins__security_api_rolesmapping.no-list.json'));
    const ops = operations([desired('roles_mapping', 'nobody', { users: ['x'] })], live('roles_mapping', {}));
    const [result] = await opensearch.execute(conn(), ops, opts);
    expect(result!.error).toBe(
      '400 Bad Request: Invalid configuration (specify_one_of: backend_roles,hosts,and_backend_roles,users)',
    );
  });
});

describe('issue 12 item 10: action group type kibana, refused from OpenSearch 2.15 on (issue-12/05)', () => {
  const files = (type: string) => ({
    'clusters/leader.yml': openSearchFile(
      'leader',
      `action_groups:\n  dash:\n    allowed_actions: [kibana_all_read]\n    type: ${type}\n`,
    ),
  });
  const planAt = (type: string, version: string) => {
    const config = loadFiles(files(type));
    return buildPlan(config, [inSync(config, 'leader', version)]).findings.filter(
      (f) => f.rule === 'action-group-type',
    );
  };

  it('issue 12 item 10: an error at the line of type when the cluster runs 2.15 or later', () => {
    const [f, ...more] = planAt('kibana', '2.19.4');
    expect(more).toEqual([]);
    expect(f!.severity).toBe('error');
    expect(at(f!.source!)).toBe('xcluster/clusters/leader.yml:11');
    expect(f!.message).toContain('OpenSearch 2.15.0 and later accept only cluster and index, and leader runs 2.19.4');
    expect(planAt('kibana', '3.0.0')).toHaveLength(1);
  });

  it('issue 12 item 10: no finding for a version that stores any type, nor for cluster or index', () => {
    expect(planAt('kibana', '2.14.0')).toEqual([]);
    expect(planAt('index', '2.19.4')).toEqual([]);
    expect(planAt('cluster', '2.19.4')).toEqual([]);
  });

  it('issue 12 item 10: lint, which knows no version, warns at the same line', () => {
    const found = lintOnly(loadFiles(files('kibana'))).findings.filter((f) => f.rule === 'action-group-type');
    expect(found.map((f) => [f.severity, at(f.source!)])).toEqual([['warning', 'xcluster/clusters/leader.yml:11']]);
  });
});

describe('issue 12 item 11: DLS integers above 2^53', () => {
  const BIG = '9007199254740993';
  const roleFile = (dls: string) =>
    openSearchFile(
      'leader',
      `roles:\n  accounts:\n    index_permissions:\n      - index_patterns: [accounts]\n        allowed_actions: [read]\n        dls: ${dls}\n`,
    );
  const served = (fixture('issue-12/07_GET__plugins__security_api_roles_xc12-dls.json') as Record<string, object>)[
    'xc12-dls'
  ]!;
  const liveRole = (body: object) => live('role', { accounts: body });
  const withDls = (text: string) => {
    const permissions = (served as { index_permissions: object[] }).index_permissions;
    return { ...served, index_permissions: [{ ...permissions[0], dls: text }] };
  };

  for (const [form, dls] of [
    ['a YAML mapping', `{ term: { account: ${BIG} } }`],
    ['a JSON string', `'{"term": {"account": ${BIG}}}'`],
  ] as const) {
    it(`issue 12 item 11: written as ${form}, the query keeps ${BIG} exactly, in the model and on the wire`, () => {
      const config = loadFiles({ 'clusters/leader.yml': roleFile(dls) });
      const role = config.desired.find((d) => d.kind === 'role')!;
      expect(JSON.stringify(role.body)).toContain(BIG);
      // The server's answer (issue-12/07) holds the same text: no change.
      expect(diffCluster([role], liveRole(served), false).changes).toEqual([]);
      // The stored query filters …992, another account: that is a change, and the PATCH sends …993.
      const [change, ...more] = diffCluster(
        [role],
        liveRole(withDls('{"term":{"account":9007199254740992}}')),
        false,
      ).changes;
      expect(more).toEqual([]);
      expect(change!.action).toBe('update');
      const [patch] = patchFor([{ change: change! }]);
      const [permission] = patch!.value!.index_permissions as { dls: string }[];
      expect(permission!.dls).toBe(`{"term":{"account":${BIG}}}`);
    });
  }

  it('issue 12 item 11: the canonical text keeps numbers as written and reads JSON as JSON.parse does', () => {
    expect(canonicalJsonText('{ "b": [1.50, -0, 1e400], "a": "\\u0041\\n" }')).toBe('{"a":"A\\n","b":[1.50,-0,1e400]}');
    expect(canonicalJsonText('{"a":1,"a":2}')).toBe('{"a":2}'); // the last one wins
    expect(canonicalJsonText('{"term":{"owner":"${user.name}"}}')).toBe('{"term":{"owner":"${user.name}"}}');
    for (const notJson of [
      '{"term": ${user.name}}',
      '{"a":1,}',
      '01',
      '"\t raw tab"', // a raw tab inside a string
      '[1] [2]',
    ]) {
      expect(canonicalJsonText(notJson), notJson).toBeUndefined();
    }
    expect(canonicalJsonText('['.repeat(500) + ']'.repeat(500))).toBeUndefined(); // bounded nesting
  });

  it('issue 12 item 11: text that only differs in spacing and key order is no change', () => {
    const config = loadFiles({ 'clusters/leader.yml': roleFile(`'{"term":  {"account": ${BIG}}}'`) });
    const role = config.desired.find((d) => d.kind === 'role')!;
    expect(diffCluster([role], liveRole(withDls(`{ "term" : { "account" : ${BIG} } }`)), false).changes).toEqual([]);
  });
});

describe('issue 12 item 12: a refused PATCH names the object the answer is about', () => {
  const USERS = `${SECURITY}/internalusers`;

  async function refused(answer: nock.Body, status: number, ops: Operation[]) {
    nock(URL)
      .get(USERS)
      .reply(200, { a: { backend_roles: ['x'], reserved: false } })
      .patch(USERS)
      .reply(status, answer);
    return opensearch.execute(conn(), ops, opts);
  }

  it("issue 12 item 12: B's weak password (issue-12/08) is B's failure, not A's", async () => {
    const state = live('internal_user', { a: { backend_roles: ['x'] } });
    const ops = operations(
      [
        desired('internal_user', 'a', { backend_roles: ['y'] }),
        desired('internal_user', 'b', {}, { password: PASSWORD }),
      ],
      state,
    );
    const results = await refused(issue12('08_PATCH__plugins__security_api_internalusers.second-weak.json'), 400, ops);
    const byName = Object.fromEntries(results.map((r) => [r.change.name, r.error]));
    expect(byName.b).toBe('400 Bad Request: Weak password (one PATCH for 2 objects: none was applied)');
    expect(byName.a).toBe(
      'not applied: the server refused the PATCH it shared with b (one PATCH for 2 objects: none was applied): 400 Bad Request: Weak password',
    );
  });

  it("issue 12 item 12: a missing role (issue-12/09) blames the user holding it; when nothing tells, 'one of'", async () => {
    const state = live('internal_user', { a: { backend_roles: ['x'] } });
    const ops = operations(
      [
        desired('internal_user', 'a', { backend_roles: ['y'] }),
        desired('internal_user', 'b', { opendistro_security_roles: ['xc12-no-such-role'] }, { password: PASSWORD }),
      ],
      state,
    );
    const missing = issue12('09_PATCH__plugins__security_api_internalusers.second-missing-role.json');
    const results = await refused(missing, 404, ops);
    expect(results[1]!.error).toBe(
      "404 Not Found: role 'xc12-no-such-role' not found. (one PATCH for 2 objects: none was applied)",
    );
    expect(results[0]!.error).toMatch(/^not applied: the server refused the PATCH it shared with b /);
    const both = operations(
      [
        desired('internal_user', 'a', {}, { password: PASSWORD }),
        desired('internal_user', 'b', {}, { password: PASSWORD }),
      ],
      live('internal_user', {}),
    );
    nock(URL)
      .get(USERS)
      .reply(200, {})
      .patch(USERS)
      .reply(400, issue12('08_PATCH__plugins__security_api_internalusers.second-weak.json'));
    const guessed = await opensearch.execute(conn(), both, opts);
    expect(guessed.map((r) => r.error)).toEqual([
      '400 Bad Request: Weak password (about one of a, b; one PATCH for 2 objects: none was applied)',
      '400 Bad Request: Weak password (about one of a, b; one PATCH for 2 objects: none was applied)',
    ]);
  });
});

describe('issue 12 item 13: hidden objects', () => {
  const k = OPENSEARCH_RESPONSE_KEYS;
  const snapshotWith = (roles: unknown) => {
    const responses: Record<string, unknown> = {};
    for (const [key, file] of [
      [k.info, 'leader/GET__.json'],
      [k.rolesMapping, 'leader/GET__plugins__security_api_rolesmapping.json'],
      [k.internalUsers, 'leader/GET__plugins__security_api_internalusers.json'],
      [k.actionGroups, 'leader/GET__plugins__security_api_actiongroups.json'],
      [k.nodesDn, 'leader/GET__plugins__security_api_nodesdn.json'],
      [k.settings, 'leader/GET__cluster_settings.flat_settings=true.json'],
      [k.remoteInfo, 'leader/GET__remote_info.json'],
      [k.authinfo, 'leader/GET__plugins__security_authinfo.json'],
      [k.securityConfig, 'leader/GET__plugins__security_api_securityconfig.json'],
    ] as const)
      responses[key] = fixture(file);
    responses[k.roles] = roles;
    return { format_version: 1 as const, cluster: 'leader', flavor: 'opensearch' as const, responses };
  };
  const files = {
    'clusters/leader.yml': openSearchFile(
      'leader',
      'roles:\n  xc12-hidden:\n    cluster_permissions: [cluster_monitor]\n',
    ),
  };

  it('issue 12 item 13: read with the admin certificate (issue-12/14), a configured hidden name is an error at plan time, not a create', () => {
    const state = opensearch.parse(
      snapshotWith(fixture('issue-12/14_GET__plugins__security_api_roles.admin-cert.json')),
    );
    expect(state.hidden?.role).toEqual(['xc12-hidden']);
    const plan = buildPlan(loadFiles(files), [state]);
    const errors = plan.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => [f.rule, at(f.source!)])).toEqual([['hidden-object', 'xcluster/clusters/leader.yml:9']]);
    expect(errors[0]!.message).toContain('role "xc12-hidden" exists on leader as a hidden object');
    expect(plan.clusters[0]!.changes).toEqual([]);
  });

  it('issue 12 item 13: without the certificate the 404 (issue-12/15) says what it means and names the hidden one', async () => {
    const ROLE = { cluster_permissions: ['cluster_monitor'] };
    const ops = operations(
      [desired('role', 'xc12-visible', ROLE), desired('role', 'xc12-hidden', ROLE)],
      live('role', {}),
    );
    nock(URL)
      .get(`${SECURITY}/roles`)
      .reply(200, {})
      .patch(`${SECURITY}/roles`)
      .reply(404, issue12('15_PATCH__plugins__security_api_roles.hidden.json'));
    const [visible, hidden] = await opensearch.execute(conn(), ops, opts);
    expect(hidden!.error).toContain("404 Not Found: Resource 'xc12-hidden' is not available.");
    expect(hidden!.error).toContain('xc12-hidden exists on the server as a hidden object');
    expect(visible!.error).toMatch(/^not applied: the server refused the PATCH it shared with xc12-hidden /);
  });
});

describe('issue 12 item 14: a new user without a password', () => {
  const planOf = (files: Record<string, string>, cluster: string, usersLive: boolean) => {
    const config = loadFiles(files);
    const state = inSync(config, cluster, '2.19.4');
    if (!usersLive) {
      state.objects.internal_user = emptyObjects().internal_user;
      state.objects.user = emptyObjects().user;
    }
    return buildPlan(config, [state]).findings.filter((f) => f.rule === 'new-user-password');
  };
  const openSearchUser = {
    'clusters/leader.yml': openSearchFile('leader', 'internal_users:\n  jane:\n    backend_roles: [readers]\n'),
  };
  const elasticUser = { 'clusters/west.yml': clusterFile('west', 'users:\n  jane:\n    roles: [readers]\n') };

  it('issue 12 item 14: OpenSearch: an error naming internal_users.jane.password at the user line when jane does not exist', () => {
    const [f, ...more] = planOf(openSearchUser, 'leader', false);
    expect(more).toEqual([]);
    expect(f!.severity).toBe('error');
    expect(at(f!.source!)).toBe('xcluster/clusters/leader.yml:9');
    expect(f!.message).toMatch(/^internal_users\.jane\.password is not set, and user jane does not exist on leader/);
  });

  it('issue 12 item 14: Elasticsearch: the same, naming users.jane.password', () => {
    const [f] = planOf(elasticUser, 'west', false);
    expect(at(f!.source!)).toBe('xcluster/clusters/west.yml:8');
    expect(f!.message).toMatch(/^users\.jane\.password is not set, and user jane does not exist on west/);
  });

  it('issue 12 item 14: a user that exists keeps its password: no finding, and lint says nothing', () => {
    expect(planOf(openSearchUser, 'leader', true)).toEqual([]);
    expect(lintOnly(loadFiles(openSearchUser)).findings.filter((f) => f.rule === 'new-user-password')).toEqual([]);
  });
});
