// Issue 11 against two real OpenSearch 2.19.4 clusters (scripts/opensearch.sh):
// - finding 8: a config that names the (non-reserved) all_access roles mapping without the admin
//   would lock the admin out (recorded in test/fixtures/opensearch/2.19.4/identity/03-05): the
//   plan says self-lockout, apply is refused and writes nothing, the admin still reaches the API;
// - finding 9: with auth_failure_listeners in the security config (uploaded with securityadmin.sh:
//   the REST API refuses a PUT of it), three plans never log in as a user whose configured
//   password is wrong, so neither the user nor 127.0.0.1 is blocked; without listeners the check
//   runs, once per user per plan.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadSecurityConfig } from '../../scripts/opensearch/security-config.js';
import { applyJob, planJob } from '../../src/job.js';
import { type Finding } from '../../src/model/types.js';
import { osRequest, startClusters, type OpenSearchClusters } from './opensearch-cluster.js';

const SECURITY = '/_plugins/_security/api';
const VICTIM = 'xcluster-victim';
/** Constants of this test, set for the run only. */
const VICTIM_PASSWORD = 'Orange-Kite-Passw0rd!7';
const WRONG_PASSWORD = 'Purple-Lamp-Passw0rd!3';
/** The listeners the recorder uploaded (identity/10): two tries per user, four per address. */
const LISTENERS = (
  JSON.parse(
    readFileSync(
      'test/fixtures/opensearch/2.19.4/identity/10_GET__plugins__security_api_securityconfig.with-listeners.json',
      'utf8',
    ),
  ) as { config: { dynamic: { auth_failure_listeners: Record<string, { block_expiry_seconds: number }> } } }
).config.dynamic.auth_failure_listeners;
const BLOCK_SECONDS = Math.max(...Object.values(LISTENERS).map((l) => l.block_expiry_seconds));

let os: OpenSearchClusters | undefined;
let root: string;
const clusters = (): OpenSearchClusters => {
  if (!os) throw new Error('the clusters did not start');
  return os;
};
const admin = () => ({ auth: { user: clusters().adminUser, password: clusters().adminPassword } });
const byRule = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule);

/** A config folder with one OpenSearch cluster file for `name`, connected as the demo admin. */
function configFor(name: 'leader' | 'follower', body: string): string {
  const dir = path.join(mkdtempSync(path.join(root, 'config-')), 'xcluster');
  mkdirSync(path.join(dir, 'clusters'), { recursive: true });
  const file = `connection:
  flavor: opensearch
  url: ${clusters()[name].url}
  auth:
    username: ${clusters().adminUser}
    password: { env: OS_ADMIN_PASSWORD }
  ca: { env: OS_CA_PEM }
${body}`;
  writeFileSync(path.join(dir, 'clusters', `${name}.yml`), file);
  return dir;
}

async function authinfo(name: 'leader' | 'follower', user: string, password: string) {
  return osRequest(clusters()[name], 'GET', '/_plugins/_security/authinfo', { auth: { user, password } });
}

beforeAll(async () => {
  os = await startClusters();
  root = mkdtempSync(path.join(tmpdir(), 'xcluster-lockout-'));
  process.env.OS_ADMIN_PASSWORD = os.adminPassword;
  process.env.OS_CA_PEM = readFileSync(os.leader.caFile, 'utf8');
  process.env.VICTIM_CONFIGURED_PASSWORD = WRONG_PASSWORD;
}, 600_000);

afterAll(async () => {
  for (const k of ['OS_ADMIN_PASSWORD', 'OS_CA_PEM', 'VICTIM_CONFIGURED_PASSWORD']) delete process.env[k];
  if (root) rmSync(root, { recursive: true, force: true });
  await os?.stop();
}, 180_000);

describe.sequential('issue 11 finding 8: self-lockout, on a real OpenSearch', () => {
  const LOCKOUT = 'roles_mapping:\n  all_access:\n    users: [someone-else]\n';

  it('issue 11 finding 8: the all_access mapping without the admin: plan says error, apply is refused, the admin still works', async () => {
    const config = configFor('leader', LOCKOUT);
    const before = await osRequest(clusters().leader, 'GET', `${SECURITY}/rolesmapping/all_access`, admin());
    const { plan } = await planJob({ config });
    expect(plan.clusters[0]).toMatchObject({ reachable: true });
    expect(plan.clusters[0]!.changes).toEqual([expect.objectContaining({ action: 'update', name: 'all_access' })]);
    const [lockout] = byRule(plan.findings, 'self-lockout');
    expect(lockout).toMatchObject({ severity: 'error', cluster: 'leader' });
    expect(lockout!.message).toContain('user admin (backend roles admin) reaches the security REST API');
    expect(lockout!.message).toContain('Keep it: keep backend_roles: [admin] in roles_mapping all_access');

    const outcome = await applyJob({ config, confirm: () => Promise.resolve(true) });
    expect(outcome.status).toBe('refused');

    const after = await osRequest(clusters().leader, 'GET', `${SECURITY}/rolesmapping/all_access`, admin());
    expect(after.body).toEqual(before.body);
    const me = await authinfo('leader', clusters().adminUser, clusters().adminPassword);
    expect((me.body as { roles: string[] }).roles).toContain('all_access');
    expect((await osRequest(clusters().leader, 'GET', `${SECURITY}/roles`, admin())).status).toBe(200);
  });

  it('issue 11 finding 8: the same mapping with the admin kept is no finding', async () => {
    const { plan } = await planJob({
      config: configFor(
        'leader',
        'roles_mapping:\n  all_access:\n    users: [someone-else]\n    backend_roles: [admin]\n',
      ),
    });
    expect(byRule(plan.findings, 'self-lockout')).toEqual([]);
  });
});

describe.sequential('issue 11 finding 9: password checks and failed-login listeners, on a real OpenSearch', () => {
  const VICTIM_CONFIG = `internal_users:\n  ${VICTIM}:\n    password: { env: VICTIM_CONFIGURED_PASSWORD }\n`;
  let demoConfig: Record<string, unknown>;

  beforeAll(async () => {
    const config = await osRequest(clusters().follower, 'GET', `${SECURITY}/securityconfig`, admin());
    demoConfig = (config.body as { config: { dynamic: Record<string, unknown> } }).config.dynamic;
    // The victim exists with another password than the config's: every check of it is a failed login.
    const put = await osRequest(clusters().follower, 'PUT', `${SECURITY}/internalusers/${VICTIM}`, {
      ...admin(),
      body: { password: VICTIM_PASSWORD, attributes: { managed_by: 'xcluster' } },
    });
    expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
  });

  afterAll(async () => {
    // After a failure (the old code's logins), 127.0.0.1 may be blocked: even securityadmin.sh with
    // the admin certificate is refused (identity/16) until the block expires.
    const restore = () => {
      if (demoConfig) uploadSecurityConfig('follower', demoConfig);
    };
    try {
      restore();
    } catch {
      await new Promise((r) => setTimeout(r, (BLOCK_SECONDS + 3) * 1000));
      restore();
    }
    await osRequest(clusters().follower, 'DELETE', `${SECURITY}/internalusers/${VICTIM}`, admin());
  }, 60_000);

  it('issue 11 finding 9: with auth_failure_listeners, three plans never log in as the user; neither it nor 127.0.0.1 is blocked', async () => {
    uploadSecurityConfig('follower', { ...demoConfig, auth_failure_listeners: LISTENERS });
    const read = await osRequest(clusters().follower, 'GET', `${SECURITY}/securityconfig`, admin());
    expect(
      Object.keys(
        (read.body as { config: { dynamic: { auth_failure_listeners: object } } }).config.dynamic
          .auth_failure_listeners,
      ),
    ).toEqual(Object.keys(LISTENERS));
    const config = configFor('follower', VICTIM_CONFIG);
    const plans = [];
    for (let run = 1; run <= 3; run++) plans.push((await planJob({ config })).plan);
    // The old code's three failed logins blocked the victim (allowed_tries 2): its right password
    // then got 401, as recorded in identity/14.
    expect((await authinfo('follower', VICTIM, VICTIM_PASSWORD)).status).toBe(200);
    expect((await authinfo('follower', clusters().adminUser, clusters().adminPassword)).status).toBe(200);
    for (const [i, plan] of plans.entries()) {
      expect(plan.clusters[0], `plan ${i + 1}`).toMatchObject({ reachable: true, changes: [] });
      const [info] = byRule(plan.findings, 'password-check-skipped');
      expect(info, `plan ${i + 1}`).toMatchObject({ severity: 'info', cluster: 'follower' });
      expect(info!.message).toContain('internal_authentication_backend_limiting (username), ip_rate_limiting (ip)');
    }
  });

  it('issue 11 finding 9: without listeners, the check runs once per user per plan and finds the other password', async () => {
    uploadSecurityConfig('follower', demoConfig);
    const { plan } = await planJob({ config: configFor('follower', VICTIM_CONFIG) });
    expect(byRule(plan.findings, 'password-check-skipped')).toEqual([]);
    expect(plan.clusters[0]!.changes).toEqual([
      expect.objectContaining({ action: 'update', kind: 'internal_user', name: VICTIM }),
    ]);
  });
});
