// Issue 11, finding 9: password checks lock accounts. A password's drift is found by logging in
// as the user; on an OpenSearch with auth_failure_listeners, three plans blocked the user (its
// right password then got 401), then the address 127.0.0.1, after which xcluster itself failed
// ("Authentication finally failed"; recorded in test/fixtures/opensearch/2.19.4/identity/10-16).
// Wanted: no login where failures are counted (an info finding says so), one attempt per user per
// run, `check_passwords: plan | drift | never`, and a check that could not run is a warning.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAction, type ActionIo } from '../../src/github/action.js';
import { planJob, snapshotJob } from '../../src/job.js';
import { type Finding } from '../../src/model/types.js';
import { FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';
import { xcluster } from './helpers/cli.js';
import { loadErrors, openSearchFile, writeConfigDir } from './helpers/config-dir.js';
import { useExampleEstate } from './helpers/example-estate.js';
import { FakeOpenSearch } from './helpers/fake-opensearch.js';

const OS = path.join(__dirname, '..', 'fixtures', 'opensearch', '2.19.4');
const recorded = (file: string): unknown => JSON.parse(readFileSync(path.join(OS, file), 'utf8')) as unknown;
const byRule = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule);

describe('issue 11 finding 9: OpenSearch with failed-login listeners', () => {
  const URL = 'https://leader.example.com:9200';
  const ADMIN_PASSWORD = 'Admin-Passw0rd-not-real';
  const REPL_PASSWORD = 'Repl-Passw0rd-not-real';
  let fake: FakeOpenSearch;

  beforeEach(() => {
    nock.disableNetConnect();
    fake = new FakeOpenSearch(URL, ADMIN_PASSWORD).install();
    // repl exists on the server with another password than the config's: a check would fail.
    fake.collections.internalusers!.repl = {
      hash: '',
      reserved: false,
      hidden: false,
      backend_roles: [],
      attributes: { managed_by: 'xcluster' },
    };
    fake.passwords.set('repl', 'Changed-Passw0rd-elsewhere');
    Object.assign(process.env, { ADMIN_PASSWORD, REPL_PASSWORD });
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    delete process.env.ADMIN_PASSWORD;
    delete process.env.REPL_PASSWORD;
  });

  const config = (extra = '') =>
    writeConfigDir({
      'clusters/leader.yml': openSearchFile(
        'leader',
        `internal_users:\n  repl:\n    password: { env: REPL_PASSWORD }\n${extra}`,
      ).replace('https://leader.example.com:9200', URL),
    });

  it('issue 11 finding 9: three plans never log in as the user, and the admin keeps working; an info finding says why', async () => {
    fake.withFailureListeners();
    const dir = config();
    for (let run = 0; run < 3; run++) {
      const { plan } = await planJob({ config: dir });
      expect(plan.clusters[0]!.reachable, `plan ${run + 1}`).toBe(true);
      expect(plan.clusters[0]!.changes).toEqual([]);
      const [info] = byRule(plan.findings, 'password-check-skipped');
      expect(info).toMatchObject({ severity: 'info', cluster: 'leader', source: expect.objectContaining({ line: 9 }) });
      expect(info!.message).toContain(
        'auth_failure_listeners: internal_authentication_backend_limiting (username), ip_rate_limiting (ip)',
      );
    }
    expect(fake.loginsAs('repl')).toEqual([]);
  });

  it('issue 11 finding 9: a security config xcluster may not read: no login either, and a warning', async () => {
    fake.securityConfigAnswer = {
      status: 403,
      body: recorded('identity/05_GET__plugins__security_api_roles.locked-out.json'),
    };
    const { plan } = await planJob({ config: config() });
    expect(fake.loginsAs('repl')).toEqual([]);
    const [warning] = byRule(plan.findings, 'password-unverifiable');
    expect(warning).toMatchObject({ severity: 'warning', cluster: 'leader' });
    expect(warning!.message).toContain('could not be read (FORBIDDEN: No permission to access REST API');
    expect(warning!.message).toContain('check_passwords: never');
  });

  it('issue 11 finding 9: a snapshot keeps only the listeners of the security config, never the rest (it may hold secrets)', async () => {
    fake.withFailureListeners();
    const out = path.join(writeConfigDir({}), '..', 'leader.json');
    await snapshotJob({ config: config(), out });
    const text = readFileSync(out, 'utf8');
    // The recorded config holds a JWT signing_key and LDAP settings; a real one, their secrets.
    expect(
      JSON.stringify(recorded('identity/10_GET__plugins__security_api_securityconfig.with-listeners.json')),
    ).toContain('signing_key');
    expect(text).not.toContain('signing_key');
    expect(text).not.toContain('authc');
    const snapshot = JSON.parse(text) as { responses: Record<string, unknown> };
    expect(snapshot.responses['GET /_plugins/_security/api/securityconfig']).toEqual({
      config: {
        dynamic: {
          auth_failure_listeners: (
            recorded('identity/10_GET__plugins__security_api_securityconfig.with-listeners.json') as {
              config: { dynamic: { auth_failure_listeners: unknown } };
            }
          ).config.dynamic.auth_failure_listeners,
        },
      },
    });
  });

  it('issue 11 finding 9: without listeners (the demo configuration), one login per user per plan, and the change is planned', async () => {
    const dir = config();
    const { plan } = await planJob({ config: dir });
    expect(fake.loginsAs('repl')).toHaveLength(1);
    expect(plan.clusters[0]!.changes).toEqual([
      expect.objectContaining({ action: 'update', kind: 'internal_user', name: 'repl' }),
    ]);
    expect(byRule(plan.findings, 'password-check-skipped')).toEqual([]);
  });
});

describe('issue 11 finding 9: Elasticsearch estate (examples/ccr)', () => {
  const estate = useExampleEstate('xcluster-issue-11-');
  const west = () => estate.west;
  const logins = () => ['cross-cluster-user', 'cross-search-user'].map((u) => west().loginsAs(u).length);
  const editWest = (fn: (t: string) => string) => {
    const p = path.join(estate.root, 'xcluster', 'clusters', 'west.yml');
    writeFileSync(p, fn(readFileSync(p, 'utf8')));
  };
  const json = (out: string) =>
    JSON.parse(out) as { findings: Finding[]; clusters: { name: string; changes: unknown[] }[] };
  const westChanges = (out: string) => json(out).clusters.find((c) => c.name === 'west')!.changes;

  it('issue 11 finding 9: one login attempt per user per run: an apply logs in as each user at most once', async () => {
    expect((await xcluster('apply', '--yes')).code).toBe(0);
    // Users the apply created are not logged in as again to verify them.
    expect(logins()).toEqual([0, 0]);
    process.env.CROSS_CLUSTER_USER_PASSWORD = 'Another-ccu-Passw0rd-not-real';
    const before = logins();
    const again = await xcluster('apply', '--yes', '--format', 'json');
    expect(again.code).toBe(0);
    // One check found the change; the verification after the password change did not log in again.
    expect(logins().map((n, i) => n - before[i]!)).toEqual([1, 1]);
  });

  it('issue 11 finding 9: a check that fails with 500 is a warning, never "no change"', async () => {
    await xcluster('apply', '--yes');
    west().failNextLogin(500, { error: { type: 'exception', reason: 'security index unavailable' }, status: 500 });
    const plan = await xcluster('plan', '--format', 'json');
    const warnings = byRule(json(plan.stdout).findings, 'password-unverifiable');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'warning', cluster: 'west' });
    expect(warnings[0]!.message).toMatch(
      /the password of user cross-(cluster|search)-user on west could not be checked \(authenticating as .* failed: 500 exception: security index unavailable\)/,
    );
    expect(plan.stdout).toContain('"warnings": 1');
  });

  it('issue 11 finding 9: a timeout or a network error is a warning too, and the login is not retried', async () => {
    await xcluster('apply', '--yes');
    west().failNextLogin(503, { error: { type: 'cluster_block_exception', reason: 'no master' }, status: 503 });
    const before = logins();
    const plan = await xcluster('plan', '--format', 'json');
    expect(byRule(json(plan.stdout).findings, 'password-unverifiable')).toHaveLength(1);
    expect(logins().map((n, i) => n - before[i]!)).toEqual([1, 1]);
  });

  it('issue 11 finding 9: check_passwords: never: no login at all, no password needed, no change planned', async () => {
    await xcluster('apply', '--yes');
    editWest((t) => `${t}check_passwords: never\n`);
    process.env.CROSS_CLUSTER_USER_PASSWORD = 'Another-ccu-Passw0rd-not-real';
    const before = logins();
    const plan = await xcluster('plan', '--format', 'json', '--detailed-exitcode');
    expect(logins()).toEqual(before);
    expect(westChanges(plan.stdout)).toEqual([]);
    expect(plan.code).toBe(0);
  });

  it("issue 11 finding 9: check_passwords: drift: a plan does not log in, the Action's drift mode does", async () => {
    await xcluster('apply', '--yes');
    editWest((t) => `${t}check_passwords: drift\n`);
    process.env.CROSS_CLUSTER_USER_PASSWORD = 'Another-ccu-Passw0rd-not-real';
    const before = logins();
    const plan = await xcluster('plan', '--format', 'json');
    expect(logins()).toEqual(before);
    expect(westChanges(plan.stdout)).toEqual([]);
    const gh = new FakeGitHub();
    const io: ActionIo = {
      info: () => {},
      error: () => {},
      warning: () => {},
      notice: () => {},
      setOutput: () => {},
      setFailed: () => {},
      writeSummary: async () => {},
    };
    const ctx = { eventName: 'schedule', owner: OWNER, repo: REPO, sha: 'a'.repeat(40), tempDir: estate.root };
    const inputs = {
      mode: 'drift' as const,
      config: 'xcluster',
      comment: true,
      failOn: 'error' as const,
      driftLabel: 'xcluster-drift',
    };
    await runAction(inputs, ctx, io, () => gh.octokit());
    expect(logins().map((n, i) => n - before[i]!)).toEqual([1, 1]);
    expect(String(gh.issues[0]?.body)).toContain('! user cross-cluster-user');
  });

  it('issue 11 finding 9: check_passwords takes plan, drift or never', () => {
    const file = (value: string) => ({
      'clusters/west.yml': `connection:\n  flavor: elasticsearch\n  url: https://west.example.com:9200\ncheck_passwords: ${value}\n`,
    });
    for (const ok of ['plan', 'drift', 'never']) expect(loadErrors(file(ok)), ok).toEqual([]);
    expect(loadErrors(file('sometimes'))).toEqual([
      expect.stringMatching(
        /xcluster\/clusters\/west\.yml:4:1: check_passwords: expected one of "plan", "drift", "never"$/,
      ),
    ]);
  });
});
