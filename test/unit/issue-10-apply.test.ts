// Issue 10, found against real Elasticsearch 7.17.25, 8.19.5 and 9.1.5: plan and apply end to
// end against stateful fake clusters (helpers/fake-es.ts) — users whose password cannot be
// checked, remotes held in transient settings, and remotes that are down.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// Imported before the adapter on purpose: the two modules import each other.
import { authenticate } from '../../src/flavors/elasticsearch-write.js';
import { elasticsearch, RESPONSE_KEYS } from '../../src/flavors/elasticsearch.js';
import { type FakeElasticsearch, type Recorded } from './helpers/fake-es.js';
import { useExampleEstate } from './helpers/example-estate.js';
import { xcluster } from './helpers/cli.js';

const estate = useExampleEstate('xcluster-issue-10-');
let root: string;
let west: FakeElasticsearch;

beforeEach(() => {
  ({ root, west } = estate);
});

const line = (r: Recorded) => `${r.method} ${r.path.split('?')[0]}`;

function editWest(fn: (text: string) => string): void {
  const p = path.join(root, 'xcluster', 'clusters', 'west.yml');
  writeFileSync(p, fn(readFileSync(p, 'utf8')));
}

const westPlan = (json: string) => JSON.parse(json).clusters.find((c: { name: string }) => c.name === 'west');

/** The writes west received from the `from`-th request on. */
const writesSince = (from: number) => west.requests.slice(from).filter((r) => r.method !== 'GET');

describe('issue 10 bug 4: a user name with ":" cannot be checked through Basic authentication', () => {
  const SVC_PASSWORD = 'svc-Passw0rd-not-real';
  beforeEach(() => {
    process.env.SVC_PASSWORD = SVC_PASSWORD;
    editWest((t) => `${t}users:\n  'svc:reader':\n    password: { env: SVC_PASSWORD }\n    roles: [remote-search]\n`);
  });
  afterEach(() => {
    delete process.env.SVC_PASSWORD;
  });

  it('issue 10 bug 4: no password change on every plan, but a warning that the password cannot be checked', async () => {
    expect((await xcluster('apply', '--yes')).code).toBe(0);
    const before = west.requests.length;
    const plan = await xcluster('plan', '--format', 'json');
    expect(westPlan(plan.stdout).changes).toEqual([]);
    expect(JSON.parse(plan.stdout).findings).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        rule: 'password-unverifiable',
        cluster: 'west',
        source: 'xcluster/clusters/west.yml:28',
      }),
    );
    // No login attempt that the server would read as user "svc".
    const logins = west.requests.slice(before).filter((r) => r.path === '/_security/_authenticate');
    expect(logins.map((r) => Buffer.from(r.authorization!.split(' ')[1]!, 'base64').toString())).not.toContainEqual(
      expect.stringMatching(/^svc:/),
    );
    expect(plan.stdout + plan.stderr).not.toContain(SVC_PASSWORD);
  });

  it('issue 10 bug 4: authenticate never answers "wrong password" for a name Basic auth cannot carry', async () => {
    await expect(
      authenticate({ cluster: 'west', url: west.url, auth: null, timeoutMs: 1000 }, 'svc:reader', SVC_PASSWORD),
    ).rejects.toThrow('the password of svc:reader cannot be checked');
    expect(west.requests).toEqual([]);
  });

  it('issue 10 bug 4: apply plans no password change it cannot verify', async () => {
    await xcluster('apply', '--yes');
    process.env.SVC_PASSWORD = 'another-Passw0rd-not-real';
    const before = west.requests.length;
    const again = await xcluster('apply', '--yes');
    expect(again.code).toBe(0);
    expect(writesSince(before)).toEqual([]);
  });
});

const EAST_TRANSIENT = {
  'cluster.remote.east.mode': 'sniff',
  'cluster.remote.east.seeds': ['east.example.com:9300'],
  'cluster.remote.east.skip_unavailable': 'false',
  'cluster.remote.east.transport.compress': 'true',
  'cluster.remote.east.transport.ping_schedule': '60s',
};

describe('issue 10 bug 5: remotes held in transient settings', () => {
  it('issue 10 bug 5: the read remembers which settings scopes hold each remote, beside its body', () => {
    const settings = {
      persistent: { 'cluster.remote.a.seeds': 'a:9300', 'cluster.remote.b.seeds': 'b:9300' },
      transient: { 'cluster.remote.b.skip_unavailable': 'true', 'cluster.remote.c.seeds': 'c:9300' },
    };
    const state = elasticsearch.parse({
      format_version: 1,
      cluster: 'west',
      flavor: 'elasticsearch',
      responses: { [RESPONSE_KEYS.settings]: settings },
    });
    const scopes = Object.fromEntries(Object.entries(state.objects.remote_cluster).map(([k, v]) => [k, v.scopes]));
    expect(scopes).toEqual({ a: ['persistent'], b: ['persistent', 'transient'], c: ['transient'] });
    expect(state.objects.remote_cluster.b!.body).toEqual({ mode: 'sniff', seeds: ['b:9300'], skip_unavailable: true });
  });

  beforeEach(async () => {
    await xcluster('apply', '--yes');
    // Set up by hand in transient settings (and only there): the server lets them win.
    west.persistent = {};
    west.transient = { ...EAST_TRANSIENT };
  });

  it('issue 10 bug 5: the plan names the scope, apply writes transient, and the next plan is empty', async () => {
    const plan = await xcluster('plan');
    expect(plan.stdout).toContain('~ remote_cluster east (transient settings)');
    const before = west.requests.length;
    const apply = await xcluster('apply', '--yes');
    expect(apply.code).toBe(0);
    expect(writesSince(before).map((w) => w.body)).toEqual([
      { transient: { 'cluster.remote.east.skip_unavailable': true } },
    ]);
    expect(west.persistent).toEqual({});
    const after = await xcluster('plan', '--detailed-exitcode');
    expect(after.code).toBe(0);
  });

  it('issue 10 bug 5: removing a remote nulls it in each scope that holds it', async () => {
    west.persistent['cluster.remote.archive.seeds'] = ['east.example.com:9300'];
    west.transient['cluster.remote.archive.skip_unavailable'] = 'true';
    west.transient['cluster.remote.east.skip_unavailable'] = 'true';
    editWest((t) => `${t}prune: true\n`);
    const before = west.requests.length;
    expect((await xcluster('apply', '--yes')).code).toBe(0);
    const nulls = {
      'cluster.remote.archive.mode': null,
      'cluster.remote.archive.seeds': null,
      'cluster.remote.archive.skip_unavailable': null,
    };
    expect(writesSince(before).map((w) => w.body)).toEqual([{ persistent: nulls, transient: nulls }]);
    expect(Object.keys({ ...west.persistent, ...west.transient }).filter((k) => k.includes('archive'))).toEqual([]);
  });
});

describe('issue 10 bug 11: a remote that is down does not block unrelated changes', () => {
  beforeEach(async () => {
    await xcluster('apply', '--yes');
    west.disconnected.add('east');
    // An unrelated change: the role mapping grants one more role.
    editWest((t) => t.replace('roles: [remote-replication]', 'roles: [remote-replication, remote-search]'));
  });

  it('issue 10 bug 11: with skip_unavailable: true the down remote is a warning; apply writes and verifies the rest', async () => {
    const before = west.requests.length;
    const r = await xcluster('apply', '--yes', '--format', 'json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.findings).toContainEqual(
      expect.objectContaining({ severity: 'warning', rule: 'remote-connected', cluster: 'west' }),
    );
    expect(writesSince(before).map(line)).toEqual(['PUT /_security/role_mapping/ldap-replication-operators']);
    // Reported, not a verification failure: the apply did not touch remote east.
    expect(westPlan(r.stdout)).toMatchObject({ verified: true, remotes: [{ alias: 'east', connected: false }] });
  });

  it('issue 10 bug 11: the text report says the untouched remote is down, beside the verified cluster', async () => {
    const r = await xcluster('apply', '--yes');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'cluster west: verified: a fresh plan is empty; remote(s) not connected, not touched by this apply: east',
    );
  });

  it('issue 10 bug 11: with skip_unavailable: false the down remote is an error and apply is refused', async () => {
    west.persistent['cluster.remote.east.skip_unavailable'] = 'false';
    editWest((t) => t.replace('skip_unavailable: true', 'skip_unavailable: false'));
    const before = west.requests.length;
    const r = await xcluster('apply', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('apply refused');
    expect(writesSince(before)).toEqual([]);
  });
});
