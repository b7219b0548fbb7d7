// xcluster against two real OpenSearch clusters (scripts/opensearch.sh): the OpenSearch version
// of examples/ccr (examples/ccr-opensearch) is planned, applied and planned again; drift made by
// hand through the API shows as exactly that drift and is applied away; the seed 003 replication
// user works on both clusters; the server's own objects are never touched. TLS is verified
// against the demo root CA throughout.

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyJob, planJob, type ApplyOutcome } from '../../src/job.js';
import { type Change, type Plan } from '../../src/model/types.js';
import { osRequest, startClusters, type ClusterEndpoint, type OpenSearchClusters } from './opensearch-cluster.js';

const CONFIG = 'examples/ccr-opensearch/xcluster';
// Passwords of the example's users: constants of this test, set for the run only.
const PASSWORDS = {
  REPLICATION_USER_PASSWORD: 'Xcluster-Repl-Passw0rd!',
  SEARCH_USER_PASSWORD: 'Xcluster-Search-Passw0rd!',
};
const SECURITY = '/_plugins/_security/api';

let os: OpenSearchClusters | undefined;
/** The server's own objects as the demo configuration left them, read before xcluster ran. */
let builtInsBefore: unknown;

const clusters = (): OpenSearchClusters => {
  if (!os) throw new Error('the clusters did not start');
  return os;
};
const admin = () => ({ auth: { user: clusters().adminUser, password: clusters().adminPassword } });
const endpoint = (name: 'leader' | 'follower'): ClusterEndpoint => clusters()[name];
const log: string[] = [];

async function get(name: 'leader' | 'follower', path: string): Promise<unknown> {
  const r = await osRequest(endpoint(name), 'GET', path, admin());
  expect(r.status, `GET ${path} on ${name}`).toBe(200);
  return r.body;
}

async function put(name: 'leader' | 'follower', path: string, body: unknown): Promise<void> {
  const r = await osRequest(endpoint(name), 'PUT', path, { ...admin(), body });
  expect(r.status, `PUT ${path} on ${name}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
}

/** Reserved roles, the admin user and the mappings the demo configuration ships. */
async function builtIns(): Promise<unknown> {
  const roles = (await get('leader', `${SECURITY}/roles`)) as Record<string, { reserved?: boolean }>;
  const reserved = Object.fromEntries(Object.entries(roles).filter(([, r]) => r.reserved === true));
  return {
    reserved,
    admin: [
      await get('leader', `${SECURITY}/internalusers/admin`),
      await get('follower', `${SECURITY}/internalusers/admin`),
    ],
    allAccess: [
      await get('leader', `${SECURITY}/rolesmapping/all_access`),
      await get('follower', `${SECURITY}/rolesmapping/all_access`),
    ],
  };
}

const plan = async (): Promise<Plan> => (await planJob({ config: CONFIG, log: (l) => log.push(l) })).plan;
const apply = (): Promise<ApplyOutcome> =>
  applyJob({ config: CONFIG, confirm: () => Promise.resolve(true), log: (l) => log.push(l), remoteWaitMs: 60_000 });

const changesOf = (p: Plan): Change[] => p.clusters.flatMap((c) => c.changes);
const summaryOf = (p: Plan): string[] =>
  changesOf(p)
    .map((c) => `${c.cluster} ${c.action} ${c.kind} ${c.name}`)
    .sort();
const errorsOf = (p: Plan) => p.findings.filter((f) => f.severity === 'error');

function expectApplied(outcome: ApplyOutcome): void {
  expect(outcome.status).toBe('applied');
  if (outcome.status !== 'applied') return;
  for (const c of outcome.result.clusters) {
    expect(c.reachable, c.name).toBe(true);
    expect(
      c.verified,
      `${c.name} verified: ${JSON.stringify(c.remaining)} ${JSON.stringify(c.operations.filter((o) => o.status !== 'done'))}`,
    ).toBe(true);
  }
}

async function authinfo(name: 'leader' | 'follower', user: string, password: string) {
  return osRequest(endpoint(name), 'GET', '/_plugins/_security/authinfo', { auth: { user, password } });
}

beforeAll(async () => {
  Object.assign(process.env, PASSWORDS);
  os = await startClusters();
  builtInsBefore = await builtIns();
}, 600_000);

afterAll(async () => {
  for (const k of Object.keys(PASSWORDS)) delete process.env[k];
  await os?.stop();
}, 180_000);

describe.sequential('examples/ccr-opensearch against two real OpenSearch clusters', () => {
  it('plans every object of the example as a create on the fresh clusters, with no error', async () => {
    const p = await plan();
    expect(p.clusters.map((c) => [c.name, c.reachable])).toEqual([
      ['follower', true],
      ['leader', true],
    ]);
    expect(errorsOf(p)).toEqual([]);
    expect(summaryOf(p)).toEqual([
      'follower create internal_user replication-user',
      'follower create internal_user search-user',
      'follower create remote_cluster leader',
      'follower create role logs-search',
      'follower create roles_mapping cross_cluster_replication_follower_full_access',
      'follower create roles_mapping logs-search',
      'leader create action_group logs-read',
      'leader create internal_user replication-user',
      'leader create internal_user search-user',
      'leader create nodes_dn follower',
      'leader create role logs-search',
      'leader create roles_mapping cross_cluster_replication_leader_full_access',
      'leader create roles_mapping logs-search',
    ]);
  });

  it('applies it; verification re-reads both clusters and finds the remote connected', async () => {
    expectApplied(await apply());
    const info = (await get('follower', '/_remote/info')) as Record<string, { connected: boolean; seeds: string[] }>;
    expect(info.leader?.connected).toBe(true);
    expect(info.leader?.seeds).toEqual([clusters().leader.transport]);
  });

  it('then plans empty', async () => {
    const p = await plan();
    expect(errorsOf(p)).toEqual([]);
    expect(changesOf(p)).toEqual([]);
  });

  it('seed 003: the same replication user authenticates on both clusters, mapped to the predefined roles', async () => {
    const leader = await authinfo('leader', 'replication-user', PASSWORDS.REPLICATION_USER_PASSWORD);
    const follower = await authinfo('follower', 'replication-user', PASSWORDS.REPLICATION_USER_PASSWORD);
    expect(leader.status).toBe(200);
    expect(follower.status).toBe(200);
    expect((leader.body as { roles: string[] }).roles).toContain('cross_cluster_replication_leader_full_access');
    expect((follower.body as { roles: string[] }).roles).toContain('cross_cluster_replication_follower_full_access');
  });

  it('wrote the ownership markers: the description suffix, the managed_by attribute, and nodes_dn with the admin certificate', async () => {
    const role = (await get('leader', `${SECURITY}/roles/logs-search`)) as Record<string, { description: string }>;
    expect(role['logs-search']!.description).toBe(
      'Searched from the follower (cross-cluster search) [managed by xcluster]',
    );
    const user = (await get('leader', `${SECURITY}/internalusers/search-user`)) as Record<
      string,
      { attributes: Record<string, string> }
    >;
    expect(user['search-user']!.attributes).toEqual({ team: 'observability', managed_by: 'xcluster' });
    const c = clusters();
    const nodes = await osRequest(endpoint('leader'), 'GET', `${SECURITY}/nodesdn`, {
      cert: c.adminCertFile,
      key: c.adminKeyFile,
    });
    expect(nodes.body).toEqual({ follower: { nodes_dn: ['CN=node-0.example.com,OU=node,O=node,L=test,C=de'] } });
  });

  it('a role changed by hand through the API plans as exactly that drift; apply brings it back', async () => {
    const role = (await get('leader', `${SECURITY}/roles/logs-search`)) as Record<string, Record<string, unknown>>;
    const { reserved: _r, hidden: _h, static: _s, ...body } = role['logs-search']!;
    await put('leader', `${SECURITY}/roles/logs-search`, { ...body, cluster_permissions: ['cluster_all'] });
    const p = await plan();
    expect(summaryOf(p)).toEqual(['leader update role logs-search']);
    expect(changesOf(p)[0]!.diff).toEqual([
      { path: ['cluster_permissions'], before: ['cluster_all'], after: ['cluster_monitor'] },
    ]);
    expectApplied(await apply());
    expect(changesOf(await plan())).toEqual([]);
  });

  it('a password changed by hand is drift of a sensitive value; apply sets the configured one again', async () => {
    const user = (await get('follower', `${SECURITY}/internalusers/search-user`)) as Record<
      string,
      Record<string, unknown>
    >;
    const { reserved: _r, hidden: _h, static: _s, hash: _hash, ...body } = user['search-user']!;
    await put('follower', `${SECURITY}/internalusers/search-user`, { ...body, password: 'Changed-By-Hand-0!' });
    const p = await plan();
    expect(summaryOf(p)).toEqual(['follower update internal_user search-user']);
    expect(changesOf(p)[0]!.diff).toEqual([{ path: ['password'], before: '(sensitive)', after: '(sensitive)' }]);
    expectApplied(await apply());
    expect((await authinfo('follower', 'search-user', PASSWORDS.SEARCH_USER_PASSWORD)).status).toBe(200);
    expect((await authinfo('follower', 'search-user', 'Changed-By-Hand-0!')).status).toBe(401);
    expect(changesOf(await plan())).toEqual([]);
  });

  it('prune deletes what carries the marker and the config no longer names, never an unmarked object', async () => {
    const permissions = { cluster_permissions: ['cluster_monitor'] };
    await put('leader', `${SECURITY}/roles/left-over`, { ...permissions, description: 'old [managed by xcluster]' });
    await put('leader', `${SECURITY}/roles/hand-made`, { ...permissions, description: 'made by an operator' });
    const p = await plan();
    expect(summaryOf(p)).toEqual(['leader delete role left-over']);
    expect(p.clusters.find((c) => c.name === 'leader')!.unmanaged).toContainEqual({
      kind: 'role',
      name: 'hand-made',
    });
    expectApplied(await apply());
    const after = await osRequest(endpoint('leader'), 'GET', `${SECURITY}/roles/left-over`, admin());
    expect(after.status).toBe(404);
    expect(await get('leader', `${SECURITY}/roles/hand-made`)).toHaveProperty('hand-made');
  });

  it('the bundled CLI (dist/cli.js) plans the applied estate as no change: exit 0 with --detailed-exitcode', () => {
    const run = spawnSync(process.execPath, ['dist/cli.js', 'plan', '--config', CONFIG, '--detailed-exitcode'], {
      encoding: 'utf8',
      env: { ...process.env, ...PASSWORDS },
    });
    expect(run.stderr).toContain('leader: read 2.19.4');
    expect(run.stdout.split('\n')[0]).toMatch(/^Plan: 0 to create, 0 to update, 0 to delete/);
    expect(run.status).toBe(0);
  });

  it('left the reserved roles, the admin user and the demo mappings as they were', async () => {
    expect(await builtIns()).toEqual(builtInsBefore);
    const c = clusters();
    expect((await authinfo('leader', c.adminUser, c.adminPassword)).status).toBe(200);
    expect((await authinfo('follower', c.adminUser, c.adminPassword)).status).toBe(200);
  });
});

describe.sequential('references the server would refuse mid-apply, against the real follower', () => {
  const dir = '.tmp/xcluster-references/xcluster';
  const follower = `connection:
  flavor: opensearch
  url: https://127.0.0.1:19201
  auth: { username: admin, password: { file: ../../opensearch/admin-password } }
  ca: { file: ../../opensearch/certs/root-ca.pem }
roles_mapping:
  no-such-role:
    users: [someone]
internal_users:
  someone:
    password: { env: SEARCH_USER_PASSWORD }
    opendistro_security_roles: [missing-role, cross_cluster_replication_follower_full_access]
`;

  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(`${dir}/clusters`, { recursive: true });
    writeFileSync(`${dir}/clusters/follower.yml`, follower);
  });

  it('are errors at plan time, and apply refuses before writing anything', async () => {
    const { plan: p } = await planJob({ config: dir });
    const errors = errorsOf(p).map((f) => `${f.rule} line ${f.source?.line}`);
    expect(errors.sort()).toEqual(['unknown-reference line 10', 'unknown-reference line 7']);
    const outcome = await applyJob({ config: dir, confirm: () => Promise.resolve(true) });
    expect(outcome.status).toBe('refused');
    const mapping = await osRequest(endpoint('follower'), 'GET', `${SECURITY}/rolesmapping/no-such-role`, admin());
    expect(mapping.status).toBe(404);
    const user = await osRequest(endpoint('follower'), 'GET', `${SECURITY}/internalusers/someone`, admin());
    expect(user.status).toBe(404);
  });
});
