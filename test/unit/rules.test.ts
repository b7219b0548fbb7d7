// ACCEPTANCE (issue 6): "Every rule has a test with a config that breaks it (the finding appears,
// with its id, severity and file:line) and one that satisfies it (no finding)." One case per
// rule below; the last test checks that no rule of src/rules/index.ts is left without one.
//
// Configurations are real YAML loaded by loadConfig (helpers/config-dir.ts): the cluster files
// start with six connection lines, so the first object under a section is on line 8.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPlan, lintOnly } from '../../src/drift/plan.js';
import { emptyObjects, formatSource, type ClusterState, type Config, type Finding } from '../../src/model/types.js';
import { rules } from '../../src/rules/index.js';
import { clusterFile, connection, loadFiles, openSearchFile } from './helpers/config-dir.js';
import { liveState } from './helpers/model.js';

// ---------------------------------------------------------------------------------------------
// A CCR estate that satisfies every rule: east leads, west follows (seed 000)

const LEADER_ROLE = `roles:
  remote-replication:
    cluster: [read_ccr]
    indices:
      - names: [leader-index]
        privileges: [monitor, read]
`;
const FOLLOWER_ROLE = `roles:
  remote-replication:
    cluster: [manage_ccr]
    indices:
      - names: [follower-index]
        privileges: [monitor, read, write, manage_follow_index]
`;
const FOLLOWER_USER = `users:
  cross-cluster-user:
    roles: [remote-replication]
`;
const REMOTE = `remote_clusters:
  east:
    cluster: east
    seeds: [east.example.com:9300]
`;
const GOOD = {
  'clusters/east.yml': clusterFile('east', LEADER_ROLE),
  'clusters/west.yml': clusterFile('west', FOLLOWER_ROLE + FOLLOWER_USER + REMOTE),
};
type Files = Record<string, string>;
const withFile = (name: string, text: string, base: Files = GOOD): Files => ({ ...base, [name]: text });
const editFile = (name: string, fn: (t: string) => string, base: Files = GOOD): Files =>
  withFile(name, fn(base[name]!), base);

/** Line of the remote `east` in the good west.yml: after the role (6 lines) and the user (3). */
const WEST_REMOTE_LINE = 7 + 6 + 3 + 1;

const CCR_INTENT = (security: string) => `replication:
  - name: orders
    security: ${security}
    leader: { cluster: east, indices: [leader-index] }
    follower: { cluster: west, indices: [follower-index] }
    role: remote-replication
    user: { name: cross-cluster-user }
`;
const BARE = { 'clusters/east.yml': clusterFile('east'), 'clusters/west.yml': clusterFile('west') };

// ---------------------------------------------------------------------------------------------
// Live state for the rules that need it

/** The live state of a cluster that already holds what `config` wants of it. */
function inSync(config: Config, name: string, extra: Partial<ClusterState> = {}): ClusterState {
  const state = liveState({}, { name, version: '8.15.3', ...extra });
  for (const d of config.desired.filter((x) => x.cluster === name)) {
    state.objects[d.kind][d.name] = { body: d.body, managed: true };
  }
  return state;
}

const lint = (files: Files): Finding[] => lintOnly(loadFiles(files)).findings;

/** Plans `files` against live clusters that match them, each adjusted by `adjust`. */
function plan(files: Files, adjust: Record<string, (s: ClusterState) => ClusterState> = {}): Finding[] {
  const config = loadFiles(files);
  const states = config.clusters.map((c) => (adjust[c.name] ?? ((s) => s))(inSync(config, c.name)));
  return buildPlan(config, states).findings;
}

const version =
  (v: string) =>
  (s: ClusterState): ClusterState => ({ ...s, version: v });
/** A live version with its minimum wire compatibility version (GET /), as the real servers report them. */
const wire =
  (v: string, minimum: string) =>
  (s: ClusterState): ClusterState => ({ ...s, version: v, minimumWireVersion: minimum });
const ES7 = wire('7.17.25', '6.8.0');
const ES8 = wire('8.19.5', '7.17.0');
const ES9 = wire('9.1.5', '8.19.0');
const remoteInfo =
  (info: ClusterState['remoteInfo']) =>
  (s: ClusterState): ClusterState => ({ ...s, remoteInfo: info });

/** The live state of an OpenSearch cluster (the security plugin's 2.19.4). */
/** The built-in (reserved, static) action groups of OpenSearch 2.19.4, as its read round lists them. */
const BUILT_IN_ACTION_GROUPS = Object.keys(
  JSON.parse(
    readFileSync('test/fixtures/opensearch/2.19.4/leader/GET__plugins__security_api_actiongroups.json', 'utf8'),
  ) as object,
);

const openSearch = (s: ClusterState): ClusterState => ({
  ...s,
  flavor: 'opensearch',
  version: '2.19.4',
  reserved: { ...s.reserved, action_group: BUILT_IN_ACTION_GROUPS },
});

/** An OpenSearch leader whose roles mapping (line 9) is for `logs-reader`; with the role itself when `withRole`. */
function mappingEstate(withRole: boolean): Files {
  const mapping = 'roles_mapping:\n  logs-reader:\n    users: [jane]\n';
  const role =
    "roles:\n  logs-reader:\n    index_permissions:\n      - index_patterns: ['logs-*']\n        allowed_actions: [read]\n";
  return { 'clusters/leader.yml': openSearchFile('leader', mapping + (withRole ? role : '')) };
}

/** An OpenSearch leader that accepts the follower's nodes (nodes_dn follower, line 9). */
const NODES_DN = {
  'clusters/leader.yml': openSearchFile('leader', "nodes_dn:\n  follower: ['CN=node-0.example.com,OU=node,O=node']\n"),
};
const NODES_DN_REFUSED =
  'No permission to access REST API: User admin with Security roles [own_index] does not have any role privileged for admin access. No client TLS certificate found in request';

/** The good estate, with a password for west's user (line 14). */
const WITH_PASSWORD = editFile('clusters/west.yml', (t) =>
  t.replace('  cross-cluster-user:\n', '  cross-cluster-user:\n    password: { env: CCU_PASSWORD }\n'),
);
const CHECK_FAILED =
  'authenticating as cross-cluster-user at https://west.example.com:9200 failed: 500 Internal Server Error';
/** An OpenSearch internal user with a password (line 9). */
const INTERNAL_USER = {
  'clusters/leader.yml': openSearchFile('leader', 'internal_users:\n  repl:\n    password: { env: REPL_PASSWORD }\n'),
};
/** The all_access roles mapping (line 9) with `line`. */
const allAccessMapping = (line: string): Files => ({
  'clusters/leader.yml': openSearchFile('leader', `roles_mapping:\n  all_access:\n    ${line}\n`),
});
/** An OpenSearch leader read as the demo admin (authinfo of 2.19.4), all_access mapped to its backend role. */
function connectedAsAdmin(s: ClusterState): ClusterState {
  const state = openSearch(s);
  state.reserved.role = ['all_access', 'security_rest_api_access'];
  state.objects.roles_mapping.all_access = { body: { backend_roles: ['admin'] }, managed: false };
  return { ...state, identity: { username: 'admin', roles: ['own_index', 'all_access'], backendRoles: ['admin'] } };
}

// ---------------------------------------------------------------------------------------------
// The cases

interface Case {
  id: string;
  severity: Finding['severity'];
  /** file:line of the finding, as the end of the source. */
  at: string;
  breaks: () => Finding[];
  satisfies: () => Finding[];
  /** Text the message must hold: what to do. */
  says: string;
}

const CASES: Case[] = [
  {
    id: 'reserved-object',
    severity: 'error',
    at: 'clusters/west.yml:8',
    breaks: () =>
      plan(
        editFile('clusters/west.yml', (t) => t.replace('remote-replication:', 'superuser:')),
        {
          west: (s) => ({ ...s, reserved: { ...s.reserved, role: ['superuser'] } }),
        },
      ),
    satisfies: () => plan(GOOD),
    says: 'give your role another name',
  },
  {
    id: 'unknown-privilege',
    severity: 'error',
    at: 'clusters/west.yml:8',
    breaks: () =>
      lint(editFile('clusters/west.yml', (t) => t.replace('cluster: [manage_ccr]', 'cluster: [mange_ccr]'))),
    satisfies: () =>
      lint(editFile('clusters/west.yml', (t) => t.replace('[manage_ccr]', '[manage_ccr, "cluster:monitor/main"]'))),
    says: 'unknown cluster privilege "mange_ccr"; did you mean "manage_ccr"?',
  },
  {
    id: 'ccr-role-names-match',
    severity: 'error',
    at: 'clusters/west.yml:8',
    breaks: () => lint(withFile('clusters/east.yml', clusterFile('east'))),
    satisfies: () => lint(GOOD),
    says: 'add role remote-replication to the leader',
  },
  {
    id: 'ccr-leader-privileges',
    severity: 'error',
    at: 'clusters/east.yml:8',
    breaks: () => lint(editFile('clusters/east.yml', (t) => t.replace('[monitor, read]', '[monitor]'))),
    satisfies: () => lint(GOOD),
    says: 'lacks read (on an index); grant read_ccr, and monitor, read on the leader index',
  },
  {
    id: 'ccr-follower-privileges',
    severity: 'error',
    at: 'clusters/west.yml:8',
    breaks: () =>
      lint(
        editFile('clusters/west.yml', (t) =>
          t.replace('[monitor, read, write, manage_follow_index]', '[monitor, read, manage_follow_index]'),
        ),
      ),
    satisfies: () => lint(GOOD),
    says: 'lacks write (on an index); grant manage_ccr, and monitor, read, write, manage_follow_index on the follower index',
  },
  {
    id: 'ccs-remote-privileges',
    severity: 'error',
    at: 'clusters/east.yml:8',
    breaks: () => lint(ccs('[read_cross_cluster]')),
    satisfies: () => lint(ccs('[read, read_cross_cluster]')),
    says: 'lacks read (on an index); grant read, read_cross_cluster on the target indices',
  },
  {
    id: 'api-key-covers-remote-indices',
    severity: 'error',
    at: 'clusters/west.yml:8',
    breaks: () => lint(apiKeyEstate('[leader-index, other-index]')),
    satisfies: () => lint(apiKeyEstate('[leader-index]')),
    says: 'cross_cluster_replication on other-index',
  },
  {
    id: 'api-key-required',
    severity: 'info',
    at: 'intents.yml:2',
    breaks: () => lint({ ...BARE, 'intents.yml': CCR_INTENT('api_key') }),
    satisfies: () => lint({ ...BARE, 'intents.yml': CCR_INTENT('certificate') }),
    says: 'east must grant west a cross-cluster API key with access.replication: [{ names: [leader-index] }]',
  },
  {
    id: 'remote-settings-valid',
    severity: 'error',
    at: `clusters/west.yml:${WEST_REMOTE_LINE}`,
    breaks: () =>
      lint(
        editFile('clusters/west.yml', (t) => t.replace('    seeds: [east.example.com:9300]\n', '    mode: sniff\n')),
      ),
    satisfies: () => lint(GOOD),
    says: 'sniff mode needs seeds',
  },
  {
    id: 'remote-connection-reset',
    severity: 'warning',
    at: `clusters/west.yml:${WEST_REMOTE_LINE}`,
    breaks: () => plan(withCompress(true), { west: (s) => withLiveCompress(s, false) }),
    satisfies: () => plan(withCompress(true), { west: (s) => ({ ...withLiveCompress(s, true) }) }),
    says: 'apply at a quiet time',
  },
  {
    id: 'remote-connected',
    severity: 'error',
    at: `clusters/west.yml:${WEST_REMOTE_LINE}`,
    breaks: () => plan(GOOD, { west: remoteInfo({ east: { connected: false, mode: 'sniff' } }) }),
    satisfies: () => plan(GOOD, { west: remoteInfo({ east: { connected: true, mode: 'sniff' } }) }),
    says: 'check that its seeds or proxy address are reachable from west',
  },
  {
    id: 'remote-version-compatible',
    severity: 'error',
    at: `clusters/west.yml:${WEST_REMOTE_LINE}`,
    breaks: () => plan(GOOD, { west: ES9, east: ES7 }),
    satisfies: () => plan(GOOD, { west: ES8, east: ES9 }),
    says: 'west (9.1.5) → east (7.17.25): the servers refuse to connect (west accepts 8.19.0 and later, east accepts 6.8.0 and later)',
  },
  {
    id: 'field-needs-version',
    severity: 'error',
    at: 'clusters/east.yml:8',
    breaks: () => plan(withLeaderRoleField('    description: the leader side of orders\n'), { east: ES7 }),
    satisfies: () => plan(withLeaderRoleField('    description: the leader side of orders\n'), { east: ES8 }),
    says: 'role remote-replication on east: description needs Elasticsearch 8.15 or later, and east runs 7.17.25',
  },
  {
    id: 'remote-cert-auth-deprecated',
    severity: 'warning',
    at: `clusters/west.yml:${WEST_REMOTE_LINE}`,
    breaks: () => plan(GOOD, { west: version('9.1.0'), east: version('9.1.0') }),
    satisfies: () => plan(GOOD),
    says: 'migrate it to API key authentication',
  },
  {
    id: 'user-on-local-only',
    severity: 'info',
    at: 'clusters/east.yml:14',
    breaks: () => lint(editFile('clusters/east.yml', (t) => t + FOLLOWER_USER)),
    satisfies: () => lint(GOOD),
    says: 'remove user cross-cluster-user from east',
  },
  {
    id: 'run-as-needed',
    severity: 'warning',
    at: 'clusters/east.yml:8',
    breaks: () => lint(runAs(false)),
    satisfies: () => lint(runAs(true)),
    says: 'add run_as: [jane] to role remote-replication on east',
  },
  {
    id: 'opensearch-security-mismatch',
    severity: 'error',
    at: 'clusters/west.yml:6',
    breaks: () => lint(openSearchAuth('  auth:\n    username: admin\n    password: { env: P }\n', '')),
    satisfies: () => lint(openSearchAuth('', '')),
    says: 'enable the security plugin fully on both, for TLS only on both, or on neither',
  },
  {
    id: 'remote-flavor-mismatch',
    severity: 'error',
    at: `clusters/west.yml:${WEST_REMOTE_LINE}`,
    breaks: () => lint(editFile('clusters/east.yml', () => openSearchFile('east'))),
    satisfies: () => lint(GOOD),
    says: 'remote cluster "east" of west (elasticsearch) points at east (opensearch): Elasticsearch and OpenSearch clusters cannot be remote clusters of each other',
  },
  {
    id: 'unknown-reference',
    severity: 'error',
    at: 'clusters/leader.yml:9',
    breaks: () => plan(mappingEstate(false), { leader: openSearch }),
    satisfies: () => plan(mappingEstate(true), { leader: openSearch }),
    says: 'roles_mapping "logs-reader" is for role "logs-reader", which exists neither in the config nor on leader; the server would refuse it (404) mid-apply',
  },
  {
    id: 'kind-unreadable',
    severity: 'error',
    at: 'clusters/leader.yml:9',
    breaks: () => plan(NODES_DN, { leader: (s) => ({ ...openSearch(s), unreadable: { nodes_dn: NODES_DN_REFUSED } }) }),
    satisfies: () => plan(NODES_DN, { leader: openSearch }),
    says: `cannot read nodes_dn on leader: ${NODES_DN_REFUSED}; nodes_dn follower cannot be planned without reading it. If the API needs a TLS client certificate (OpenSearch's nodesdn API needs the admin certificate), set connection.client_certificate`,
  },
  {
    id: 'unusable-name',
    severity: 'warning',
    // A live object has no line of its own: the finding points at the connection it was read through.
    at: 'clusters/west.yml:1',
    breaks: () =>
      plan(GOOD, {
        west: (s) => ({ ...s, unusableNames: [{ kind: 'role', name: 'constructor', reason: 'a reason' }] }),
      }),
    satisfies: () => plan(GOOD),
    says: 'role "constructor" on west is left alone: a reason',
  },
  {
    id: 'password-unverifiable',
    severity: 'warning',
    at: 'clusters/west.yml:14',
    breaks: () =>
      plan(WITH_PASSWORD, {
        west: (s) => ({
          ...s,
          uncheckedPasswords: [{ name: 'cross-cluster-user', cause: 'failed', detail: CHECK_FAILED }],
        }),
      }),
    satisfies: () => plan(WITH_PASSWORD),
    says: `the password of user cross-cluster-user on west could not be checked (${CHECK_FAILED}), so the plan shows no password change for it`,
  },
  {
    id: 'password-check-skipped',
    severity: 'info',
    at: 'clusters/leader.yml:9',
    breaks: () =>
      plan(INTERNAL_USER, {
        leader: (s) => ({
          ...openSearch(s),
          skippedPasswordChecks: { cause: 'listeners', detail: 'ip_rate_limiting (ip)', users: ['repl'] },
        }),
      }),
    satisfies: () => plan(INTERNAL_USER, { leader: openSearch }),
    says: 'the passwords of repl on leader are not checked: its security config counts failed logins (auth_failure_listeners: ip_rate_limiting (ip))',
  },
  {
    id: 'hidden-object',
    severity: 'error',
    at: 'clusters/leader.yml:9',
    breaks: () =>
      plan(mappingEstate(true), {
        leader: (s) => ({ ...openSearch(s), hidden: { roles_mapping: ['logs-reader'] } }),
      }),
    satisfies: () => plan(mappingEstate(true), { leader: openSearch }),
    says: 'roles_mapping "logs-reader" exists on leader as a hidden object',
  },
  {
    id: 'action-group-type',
    severity: 'error',
    at: 'clusters/leader.yml:11',
    breaks: () => plan(actionGroup('kibana'), { leader: openSearch }),
    satisfies: () => plan(actionGroup('index'), { leader: openSearch }),
    says: 'type kibana of action group ag on leader: OpenSearch 2.15.0 and later accept only cluster and index, and leader runs 2.19.4',
  },
  {
    id: 'new-user-password',
    severity: 'error',
    at: 'clusters/leader.yml:9',
    breaks: () => plan(PASSWORDLESS_USER, { leader: (s) => withoutUsers(openSearch(s)) }),
    satisfies: () => plan(PASSWORDLESS_USER, { leader: openSearch }),
    says: 'internal_users.jane.password is not set, and user jane does not exist on leader',
  },
  {
    id: 'self-lockout',
    severity: 'error',
    at: 'clusters/leader.yml:9',
    breaks: () => plan(allAccessMapping('users: [someone-else]'), { leader: connectedAsAdmin }),
    satisfies: () => plan(allAccessMapping('backend_roles: [admin]'), { leader: connectedAsAdmin }),
    says: 'Keep it: keep backend_roles: [admin] in roles_mapping all_access',
  },
];

/** An OpenSearch action group of the given type: `type` on line 11. */
const actionGroup = (type: string): Files => ({
  'clusters/leader.yml': openSearchFile(
    'leader',
    `action_groups:\n  ag:\n    allowed_actions: [read]\n    type: ${type}\n`,
  ),
});

/** An OpenSearch user without a password (line 9), and a live state without any user. */
const PASSWORDLESS_USER = {
  'clusters/leader.yml': openSearchFile('leader', 'internal_users:\n  jane:\n    backend_roles: [readers]\n'),
};
const withoutUsers = (s: ClusterState): ClusterState => ({
  ...s,
  objects: { ...s.objects, internal_user: emptyObjects().internal_user },
});

/** west searches east (seed 002, written by hand): an empty local role, east's role with `privileges`. */
function ccs(privileges: string): Files {
  const eastRole = `roles:\n  remote-search:\n    indices:\n      - names: ['logs-*']\n        privileges: ${privileges}\n`;
  return {
    'clusters/east.yml': clusterFile('east', eastRole),
    'clusters/west.yml': clusterFile('west', 'roles:\n  remote-search: {}\n' + REMOTE),
  };
}

/** An api_key replication intent, and a hand-written west role asking the leader for `names`. */
function apiKeyEstate(names: string): Files {
  const role = `roles:\n  audit-replication:\n    cluster: [manage_ccr]\n    remote_indices:\n      - clusters: [east]\n        names: ${names}\n        privileges: [cross_cluster_replication]\n`;
  return { ...BARE, 'clusters/west.yml': clusterFile('west', role), 'intents.yml': CCR_INTENT('api_key') };
}

/** The good estate, with `lines` added to east's role remote-replication (line 8). */
const withLeaderRoleField = (lines: string): Files => editFile('clusters/east.yml', (t) => t + lines);

const withCompress = (compress: boolean): Files =>
  editFile('clusters/west.yml', (t) => t + `    transport: { compress: ${compress} }\n`);

function withLiveCompress(s: ClusterState, compress: boolean): ClusterState {
  const east = s.objects.remote_cluster.east!;
  const body = { ...east.body, transport: { compress } };
  return { ...s, objects: { ...s.objects, remote_cluster: { east: { ...east, body } } } };
}

/** The follower role lets its users act for jane; the leader's role does so too when `both`. */
function runAs(both: boolean): Files {
  const files = editFile('clusters/west.yml', (t) =>
    t.replace('    cluster: [manage_ccr]\n', '    cluster: [manage_ccr]\n    run_as: [jane]\n'),
  );
  return both ? editFile('clusters/east.yml', (t) => t + '    run_as: [jane]\n', files) : files;
}

/** Two OpenSearch clusters with the given auth lines (empty: no credentials, over https: TLS only). */
function openSearchAuth(
  eastAuth: string,
  westAuth: string,
  flavor: 'opensearch' | 'elasticsearch' = 'opensearch',
): Files {
  return {
    'clusters/east.yml': connection('east', eastAuth, flavor),
    'clusters/west.yml': connection('west', westAuth, flavor) + REMOTE,
  };
}

describe.each(CASES)('rule $id', (c) => {
  it('a config that breaks it: the finding, with its id, severity, file:line and what to do', () => {
    const found = c.breaks().filter((f) => f.rule === c.id);
    expect(found, JSON.stringify(found)).toHaveLength(1);
    const [f] = found;
    expect(f!.severity).toBe(c.severity);
    expect(formatSource(f!.source!)).toMatch(new RegExp(`${c.at.replace(/\./g, '\\.')}$`));
    expect(f!.message).toContain(c.says);
  });

  it('a config that satisfies it: no finding', () => {
    expect(c.satisfies().filter((f) => f.rule === c.id)).toEqual([]);
  });
});

describe('the rule list', () => {
  it('every rule has a case above, a stable id and a one-line description', () => {
    expect(rules.map((r) => r.id).sort()).toEqual(CASES.map((c) => c.id).sort());
    for (const r of rules) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(r.description).not.toContain('\n');
      expect(CASES.find((c) => c.id === r.id)?.severity).toBe(r.severity);
    }
  });

  it('the README lists every rule with its id and severity', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Rules'), readme.indexOf('## Development'));
    for (const r of rules) expect(section).toMatch(new RegExp(`\\| \`${r.id}\` +\\| ${r.severity} +\\|`));
  });

  it('lists each rule once', () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });
});

describe('rules: further cases', () => {
  it('a config built from intents satisfies every rule', () => {
    const files = { ...BARE, 'intents.yml': CCR_INTENT('certificate') };
    expect(lint(files)).toEqual([]);
    expect(plan(files, { west: remoteInfo({ east: { connected: true } }) })).toEqual([]);
  });

  it('issue 10 bug 6: 8.19 → 7.17 and 9.1 → 8.19 connect on the wire: a warning about the table, not an error', () => {
    for (const [west, east] of [
      [ES8, ES7],
      [ES9, ES8],
    ]) {
      const found = plan(GOOD, { west: west!, east: east! }).filter((f) => f.rule === 'remote-version-compatible');
      expect(found).toEqual([expect.objectContaining({ severity: 'warning' })]);
      expect(found[0]!.message).toContain('connects, but outside the documented compatibility table');
    }
  });

  it('issue 10 bug 6: without minimum wire versions (an old snapshot) the table decides, as before', () => {
    const found = plan(GOOD, { east: version('9.1.0') }).filter((f) => f.rule === 'remote-version-compatible');
    expect(found).toEqual([expect.objectContaining({ severity: 'error' })]);
    expect(found[0]!.message).toContain('west (8.15.3) → east (9.1.0) is not a compatible pair of versions');
    expect(plan(GOOD, { west: version('8.17.1'), east: version('8.19.0') })).toEqual([]);
  });

  it('issue 10 bug 8: remote_indices (8.14), remote_cluster and description (8.15) against 7.17 are plan errors, one per field', () => {
    const fields =
      '    description: x\n    remote_indices: [{ clusters: [a], names: [i], privileges: [read] }]\n    remote_cluster: [{ clusters: [a], privileges: [monitor_enrich] }]\n';
    const found = plan(withLeaderRoleField(fields), { east: ES7 }).filter((f) => f.rule === 'field-needs-version');
    expect(found.map((f) => [f.severity, f.message])).toEqual([
      ['error', expect.stringContaining('description needs Elasticsearch 8.15 or later, and east runs 7.17.25')],
      ['error', expect.stringContaining('remote_cluster needs Elasticsearch 8.15 or later, and east runs 7.17.25')],
      ['error', expect.stringContaining('remote_indices needs Elasticsearch 8.14 or later, and east runs 7.17.25')],
    ]);
    const on814 = plan(withLeaderRoleField(fields), { east: wire('8.14.3', '7.17.0') });
    expect(on814.filter((f) => f.rule === 'field-needs-version').map((f) => f.message)).toEqual([
      expect.stringContaining('description needs Elasticsearch 8.15'),
      expect.stringContaining('remote_cluster needs Elasticsearch 8.15'),
    ]);
  });

  it('issue 10 bug 8: offline lint says nothing about versions', () => {
    const files = withLeaderRoleField('    description: x\n');
    expect(lint(files).filter((f) => f.rule === 'field-needs-version')).toEqual([]);
  });

  it('issue 10 bug 8: only Elasticsearch clusters are judged by Elasticsearch versions', () => {
    const config = loadFiles(mappingEstate(true));
    const role = config.desired.find((d) => d.kind === 'role')!;
    const withDescription = { ...config, desired: [{ ...role, body: { ...role.body, description: 'x' } }] };
    const found = buildPlan(withDescription, [openSearch(inSync(withDescription, 'leader'))]).findings;
    expect(found.filter((f) => f.rule === 'field-needs-version')).toEqual([]);
  });

  it('remote-version-compatible: a version outside the table is a warning', () => {
    const found = plan(GOOD, { west: version('7.10.2') }).filter((f) => f.rule === 'remote-version-compatible');
    expect(found).toEqual([expect.objectContaining({ severity: 'warning' })]);
    expect(found[0]!.message).toContain('outside the version compatibility table');
  });

  it('remote-cert-auth-deprecated: a remote with API key credentials is not reported', () => {
    const apiKey = remoteInfo({ east: { connected: true, cluster_credentials: '::es_redacted::' } });
    const found = plan(GOOD, { west: (s) => apiKey(version('9.1.0')(s)), east: version('9.1.0') });
    expect(found.filter((f) => f.rule === 'remote-cert-auth-deprecated')).toEqual([]);
  });

  it("issue 10 bug 11: a remote that sets no skip_unavailable is judged by the server's own value (true by default from 8.15)", () => {
    const down = (skip: boolean) =>
      plan(GOOD, { west: remoteInfo({ east: { connected: false, mode: 'sniff', skip_unavailable: skip } }) });
    const severities = (found: Finding[]) => found.filter((f) => f.rule === 'remote-connected').map((f) => f.severity);
    expect(severities(down(true))).toEqual(['warning']);
    expect(severities(down(false))).toEqual(['error']);
  });

  it('remote-connected: a remote the plan creates is judged after apply, not before', () => {
    const found = plan(GOOD, {
      west: (s) => ({
        ...remoteInfo({ east: { connected: false } })(s),
        objects: { ...s.objects, remote_cluster: {} },
      }),
    });
    expect(found.filter((f) => f.rule === 'remote-connected')).toEqual([]);
  });

  it('remote-settings-valid: an unknown setting and a seed that is not host:port', () => {
    const config = loadFiles(GOOD);
    const remote = config.desired.find((d) => d.kind === 'remote_cluster')!;
    const bad = {
      ...remote,
      body: { ...remote.body, seeds: ['east.example.com'], skip_unavailabel: true, transport: { compres: true } },
    };
    const found = lintOnly({ ...config, desired: [bad] }).findings.filter((f) => f.rule === 'remote-settings-valid');
    expect(found[0]!.message).toContain('unknown setting skip_unavailabel; did you mean skip_unavailable?');
    expect(found[0]!.message).toContain('"east.example.com" is not host:port');
    expect(found[0]!.message).toContain('unknown setting transport.compres; did you mean transport.compress?');
  });

  it('unknown-privilege: index privileges too, with the nearest name', () => {
    const files = editFile('clusters/east.yml', (t) => t.replace('[monitor, read]', '[monitor, raed]'));
    const [f] = lint(files).filter((x) => x.rule === 'unknown-privilege');
    expect(f!.message).toContain('unknown index privilege "raed"; did you mean "read"?');
  });

  it('opensearch-security-mismatch is only about OpenSearch clusters', () => {
    const files = openSearchAuth('  auth:\n    api_key: { env: KEY }\n', '', 'elasticsearch');
    expect(lint(files).filter((f) => f.rule === 'opensearch-security-mismatch')).toEqual([]);
  });

  it('opensearch-security-mismatch: a client certificate alone is the security plugin fully on', () => {
    const basic = '  auth:\n    username: admin\n    password: { env: P }\n';
    const certificate = '  client_certificate:\n    certificate: { env: C }\n    key: { env: K }\n';
    expect(lint(openSearchAuth(basic, certificate)).filter((f) => f.rule === 'opensearch-security-mismatch')).toEqual(
      [],
    );
    expect(lint(openSearchAuth(basic, '')).filter((f) => f.rule === 'opensearch-security-mismatch')).toHaveLength(1);
  });

  it('unknown-reference: a role that is live, reserved or in the config is known; one the plan prunes is not', () => {
    const user = 'internal_users:\n  jane:\n    opendistro_security_roles: [logs-reader, all_access]\n';
    const files = { 'clusters/leader.yml': openSearchFile('leader', user) };
    const found = (adjust: (s: ClusterState) => ClusterState) =>
      plan(files, { leader: (s) => adjust(openSearch(s)) }).filter((f) => f.rule === 'unknown-reference');
    const reserved = (s: ClusterState): ClusterState => ({ ...s, reserved: { ...s.reserved, role: ['all_access'] } });
    expect(found(reserved).map((f) => f.message)).toEqual([
      'internal_user "jane" names role "logs-reader" in opendistro_security_roles, which exists neither in the config nor on leader; the server would refuse it (404) mid-apply: add role "logs-reader" to the config or fix the name',
    ]);
    expect(formatSource(found(reserved)[0]!.source!)).toMatch(/clusters\/leader\.yml:9$/);
    const withRole = (managed: boolean) => (s: ClusterState) => {
      const role = { body: { cluster_permissions: ['cluster_monitor'] }, managed };
      return reserved({ ...s, objects: { ...s.objects, role: { 'logs-reader': role } } });
    };
    expect(found(withRole(false))).toEqual([]);
    // With prune: true, the marked live role that the config does not name is deleted by the plan.
    const pruned = { 'clusters/leader.yml': files['clusters/leader.yml'] + 'prune: true\n' };
    const prunedFindings = plan(pruned, { leader: (s) => withRole(true)(openSearch(s)) });
    expect(prunedFindings.filter((f) => f.rule === 'unknown-reference').map((f) => f.message)).toEqual([
      expect.stringContaining(
        'role "logs-reader" in opendistro_security_roles, which this plan deletes from leader (prune)',
      ),
    ]);
  });

  it('unknown-reference: an action group a role names must exist; the server would store the typo unchecked', () => {
    const role = (actions: string) =>
      `roles:\n  r:\n    cluster_permissions: [cluster_monitr]\n    index_permissions:\n      - index_patterns: [x]\n        allowed_actions: ${actions}\n`;
    const found = (actions: string) =>
      plan({ 'clusters/leader.yml': openSearchFile('leader', role(actions)) }, { leader: openSearch })
        .filter((f) => f.rule === 'unknown-reference')
        .map((f) => f.message);
    expect(found("[read, 'indices:data/read/*']")).toEqual([
      'role "r" names action_group "cluster_monitr" in cluster_permissions, which exists neither in the config nor on leader; the server takes the name unchecked and the permission grants nothing: add action_group "cluster_monitr" to the config or fix the name',
    ]);
    expect(found('[raed]')).toHaveLength(2);
  });

  it('unknown-reference and kind-unreadable say nothing about an unreachable cluster', () => {
    const unreachable = (s: ClusterState): ClusterState => ({
      ...openSearch(s),
      reachable: false,
      unreadable: { nodes_dn: 'refused' },
    });
    const found = [...plan(mappingEstate(false), { leader: unreachable }), ...plan(NODES_DN, { leader: unreachable })];
    expect(found.filter((f) => ['unknown-reference', 'kind-unreadable'].includes(f.rule))).toEqual([]);
  });

  it('unknown-reference: an OpenSearch replication intent maps the predefined (reserved) roles', () => {
    const intent = `replication:
  - name: orders
    security: certificate
    leader: { cluster: leader, indices: [leader-01] }
    follower: { cluster: follower, indices: [follower-01] }
    user: { name: replication_user }
`;
    const files = {
      'clusters/leader.yml': openSearchFile('leader'),
      'clusters/follower.yml': openSearchFile('follower'),
      'intents.yml': intent,
    };
    const predefined = (s: ClusterState): ClusterState => ({
      ...openSearch(s),
      reserved: {
        ...s.reserved,
        role: ['cross_cluster_replication_follower_full_access', 'cross_cluster_replication_leader_full_access'],
      },
    });
    expect(
      plan(files, { leader: predefined, follower: predefined }).filter((f) => f.rule === 'unknown-reference'),
    ).toEqual([]);
    const missing = plan(files, { leader: openSearch, follower: predefined }).filter(
      (f) => f.rule === 'unknown-reference',
    );
    expect(missing.map((f) => [f.cluster, formatSource(f.source!)])).toEqual([
      ['leader', expect.stringMatching(/intents\.yml:2$/)],
    ]);
  });

  it('the cross-cluster rules say nothing about a cluster that is not selected', () => {
    const config = loadFiles(withFile('clusters/east.yml', clusterFile('east')), { clusters: ['west'] });
    expect(lintOnly(config).findings.filter((f) => f.rule === 'ccr-role-names-match')).toEqual([]);
  });
});
