// `xcluster apply` end to end against stateful fake Elasticsearch clusters (helpers/fake-es.ts):
// the order of the requests, convergence, prune, failures and passwords.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { run, type Io } from '../../src/cli.js';
import { type FakeElasticsearch, type Recorded } from './helpers/fake-es.js';
import { EXAMPLE_SECRETS, useExampleEstate } from './helpers/example-estate.js';
import { xcluster } from './helpers/cli.js';

const SECRETS = EXAMPLE_SECRETS;
const estate = useExampleEstate('xcluster-apply-');
let root: string;
let east: FakeElasticsearch;
let west: FakeElasticsearch;

beforeEach(() => {
  ({ root, east, west } = estate);
});

const line = (r: Recorded) => `${r.method} ${r.path.split('?')[0]}`;

/** Edits xcluster/clusters/<file> (or, with a path, any file of xcluster/) in place. */
function edit(file: string, fn: (text: string) => string): void {
  const p = path.join(root, 'xcluster', file.includes('/') ? file : path.join('clusters', file));
  writeFileSync(p, fn(readFileSync(p, 'utf8')));
}

describe('apply of examples/ccr to empty clusters', () => {
  it('sends remote connections, then roles, then role mappings, then users; a plan right after is empty; a second apply writes nothing', async () => {
    const first = await xcluster('apply', '--yes');
    expect(first.code).toBe(0);
    expect(west.writes().map(line)).toEqual([
      'PUT /_cluster/settings',
      'PUT /_security/role/remote-replication',
      'PUT /_security/role/remote-search',
      'PUT /_security/role_mapping/ldap-replication-operators',
      'PUT /_security/user/cross-cluster-user',
      'PUT /_security/user/cross-search-user',
    ]);
    expect(east.writes().map(line)).toEqual([
      'PUT /_security/role/remote-replication',
      'PUT /_security/role/remote-search',
    ]);
    expect(first.stdout).toMatch(/^Apply: 8 done, 0 failed, 0 skipped · 2 of 2 clusters verified/);

    const plan = await xcluster('plan', '--detailed-exitcode');
    expect(plan.stdout.split('\n')[0]).toBe('Plan: 0 to create, 0 to update, 0 to delete');
    expect(plan.code).toBe(0);

    const writesBefore = east.writes().length + west.writes().length;
    const second = await xcluster('apply', '--yes');
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('no changes; nothing to apply');
    expect(east.writes().length + west.writes().length).toBe(writesBefore);
  });

  it('writes the ownership marker into the metadata of every object it creates', async () => {
    await xcluster('apply', '--yes');
    for (const body of [...Object.values(west.roles), ...Object.values(west.mappings)]) {
      expect(body.metadata).toMatchObject({ managed_by: 'xcluster' });
    }
    expect(west.users['cross-cluster-user']!.body.metadata).toMatchObject({ managed_by: 'xcluster' });
  });
});

describe('remote clusters', () => {
  it('prune: removing a remote from the config sends null for each of its settings and nothing else', async () => {
    // The intents of the example need remote east; a second remote to east is free to go.
    const archive = [
      '  archive:',
      '    cluster: east',
      '    seeds: [east.example.com:9300]',
      '    skip_unavailable: true',
      '    transport: { compress: true, ping_schedule: 60s }',
      '',
    ].join('\n');
    edit('west.yml', (t) => t + archive);
    await xcluster('apply', '--yes');
    edit('west.yml', (t) => t.replace(archive, '') + 'prune: true\n');
    const before = west.writes().length;
    const r = await xcluster('apply', '--yes');
    expect(r.code).toBe(0);
    const writes = west.writes().slice(before);
    expect(writes.map(line)).toEqual(['PUT /_cluster/settings']);
    expect(writes[0]!.body).toEqual({
      persistent: {
        'cluster.remote.archive.mode': null,
        'cluster.remote.archive.seeds': null,
        'cluster.remote.archive.skip_unavailable': null,
        'cluster.remote.archive.transport.compress': null,
        'cluster.remote.archive.transport.ping_schedule': null,
      },
    });
    expect(Object.keys(west.persistent).filter((k) => !k.startsWith('cluster.remote.east.'))).toEqual([]);
  });

  it('changing skip_unavailable sends only that remote setting', async () => {
    await xcluster('apply', '--yes');
    west.persistent['cluster.remote.other.seeds'] = ['other.example.com:9300'];
    edit('west.yml', (t) => t.replace('skip_unavailable: true', 'skip_unavailable: false'));
    const before = west.writes().length;
    expect((await xcluster('apply', '--yes')).code).toBe(0);
    const writes = west.writes().slice(before);
    expect(writes.map((w) => w.body)).toEqual([{ persistent: { 'cluster.remote.east.skip_unavailable': false } }]);
  });

  it('a remote that does not point at a cluster of the estate is never pruned', async () => {
    await xcluster('apply', '--yes');
    west.persistent['cluster.remote.partner.seeds'] = ['partner.example.org:9300'];
    edit('west.yml', (t) => t + 'prune: true\n');
    const r = await xcluster('plan', '--format', 'json');
    const westPlan = JSON.parse(r.stdout).clusters.find((c: { name: string }) => c.name === 'west');
    expect(westPlan.changes).toEqual([]);
    expect(westPlan.unmanaged).toContainEqual({ kind: 'remote_cluster', name: 'partner' });
  });
});

describe('safety', () => {
  it('a reserved role or user named in the config is refused at plan time, and apply changes nothing', async () => {
    edit('west.yml', (t) => t + 'users:\n  elastic:\n    roles: [superuser]\n');
    edit('east.yml', (t) => t.replace('roles:\n', 'roles:\n  superuser:\n    cluster: [all]\n'));
    const plan = await xcluster('plan', '--format', 'json');
    const findings = JSON.parse(plan.stdout).findings;
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'reserved-object', cluster: 'east', source: 'xcluster/clusters/east.yml:11' }),
        expect.objectContaining({ rule: 'reserved-object', cluster: 'west', source: 'xcluster/clusters/west.yml:28' }),
      ]),
    );
    expect(plan.code).toBe(1);
    const apply = await xcluster('apply', '--yes');
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('apply refused: the plan has 2 error finding(s); nothing was changed');
    expect([...east.writes(), ...west.writes()]).toEqual([]);
  });

  it('a live object without the marker is never deleted, with or without prune', async () => {
    west.roles['hand-made'] = { cluster: ['monitor'] };
    west.users.jane = { body: { roles: ['hand-made'] }, password: 'x' };
    for (const prune of [false, true]) {
      if (prune) edit('west.yml', (t) => t + 'prune: true\n');
      await xcluster('apply', '--yes');
      expect(west.writes().filter((w) => w.method === 'DELETE')).toEqual([]);
      expect(west.roles['hand-made']).toBeDefined();
      expect(west.users.jane).toBeDefined();
    }
  });

  it('with prune, an object carrying the marker that the config no longer names is deleted, users before roles', async () => {
    await xcluster('apply', '--yes');
    // cross-search-user and remote-search come from the search intent.
    edit('./intents.yml', (t) => t.replace(/\nsearch:[\s\S]*$/, '\n'));
    edit('west.yml', (t) => t.concat('prune: true\n'));
    const before = west.writes().length;
    const r = await xcluster('apply', '--yes');
    expect(r.code).toBe(0);
    expect(west.writes().slice(before).map(line)).toEqual([
      'DELETE /_security/user/cross-search-user',
      'DELETE /_security/role/remote-search',
    ]);
  });
});

describe('failures', () => {
  it('a 503 on one write is retried and succeeds', async () => {
    west.failNext(
      'PUT',
      '/_security/role/remote-replication',
      503,
      {
        error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' },
        status: 503,
      },
      { 'retry-after': '0' },
    );
    const r = await xcluster('apply', '--yes');
    expect(r.code).toBe(0);
    expect(west.writes().filter((w) => w.path === '/_security/role/remote-replication')).toHaveLength(2);
  });

  it('a 400 on the third write stops that cluster; the report names done, failed and skipped; exit 1; a re-run converges', async () => {
    west.failNext('PUT', '/_security/role/remote-search', 400, {
      error: {
        root_cause: [{ type: 'illegal_argument_exception', reason: 'unknown cluster privilege [mange_ccr]' }],
        type: 'illegal_argument_exception',
        reason: 'unknown cluster privilege [mange_ccr]',
      },
      status: 400,
    });
    const r = await xcluster('apply', '--yes', '--concurrency', '1');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('cluster west: stopped at the first failure');
    expect(r.stdout).toMatch(/done +create remote_cluster east/);
    expect(r.stdout).toMatch(/done +update role remote-replication|done +create role remote-replication/);
    expect(r.stdout).toContain(
      'FAILED  create role remote-search: 400 illegal_argument_exception: unknown cluster privilege [mange_ccr]',
    );
    expect(r.stdout).toMatch(/skipped +create role_mapping ldap-replication-operators/);
    expect(r.stdout).toMatch(/skipped +create user cross-cluster-user/);
    expect(r.stdout).toContain('cluster east: verified');
    expect(west.users).toEqual({});

    const json = await xcluster('plan', '--format', 'json');
    expect(JSON.parse(json.stdout).summary).toMatchObject({ create: 4 });
    const again = await xcluster('apply', '--yes');
    expect(again.code).toBe(0);
    expect((await xcluster('plan', '--detailed-exitcode')).code).toBe(0);
  });
});

describe('passwords', () => {
  it('a changed password is found by authenticating as the user and set with _password; it appears nowhere else', async () => {
    const first = await xcluster('apply', '--yes');
    const newPassword = 'N3w-Passw0rd-not-real';
    process.env.CROSS_CLUSTER_USER_PASSWORD = newPassword;
    const plan = await xcluster('plan', '--format', 'json');
    const change = JSON.parse(plan.stdout).clusters[1].changes[0];
    expect(change).toMatchObject({
      action: 'update',
      kind: 'user',
      name: 'cross-cluster-user',
      diff: [{ path: ['password'], before: '(sensitive)', after: '(sensitive)' }],
    });
    const before = west.requests.length;
    const apply = await xcluster('apply', '--yes');
    expect(apply.code).toBe(0);
    const writes = west.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(writes.map(line)).toEqual(['POST /_security/user/cross-cluster-user/_password']);
    expect(west.users['cross-cluster-user']!.password).toBe(newPassword);

    // Every byte printed and every request body: the passwords are only in the requests that set them.
    const printed = [first, plan, apply].map((r) => r.stdout + r.stderr).join('\n');
    const all = [...east.requests, ...west.requests];
    for (const secret of [...Object.values(SECRETS), newPassword]) {
      expect(printed).not.toContain(secret);
      expect(all.filter((r) => JSON.stringify(r.body ?? '').includes(secret)).map(line)).toEqual(
        secret === newPassword
          ? ['POST /_security/user/cross-cluster-user/_password']
          : secret === SECRETS.CROSS_CLUSTER_USER_PASSWORD
            ? ['PUT /_security/user/cross-cluster-user']
            : secret === SECRETS.CROSS_SEARCH_USER_PASSWORD
              ? ['PUT /_security/user/cross-search-user']
              : [],
      );
    }
  });
});

describe('confirmation', () => {
  async function withAnswer(answer: string) {
    let stdout = '';
    let stderr = '';
    const asked: string[] = [];
    const io: Io = {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      isTTY: false,
      ask: async (q) => {
        asked.push(q);
        return answer;
      },
    };
    const code = await run(['apply'], io);
    return { code, stdout, stderr, asked };
  }

  it('on a terminal, shows the plan and applies only after "yes"', async () => {
    const no = await withAnswer('y');
    expect(no.stderr).toContain('Plan: 8 to create, 0 to update, 0 to delete');
    expect(no.asked).toEqual(['Apply these changes? Only "yes" is accepted: ']);
    expect(no.stderr).toContain('apply cancelled; nothing was changed');
    expect(no.code).toBe(1);
    expect([...east.writes(), ...west.writes()]).toEqual([]);

    const yes = await withAnswer('yes');
    expect(yes.code).toBe(0);
    expect(west.writes().length).toBeGreaterThan(0);
  });

  it('without a terminal, refuses to run unless --yes', async () => {
    const r = await xcluster('apply');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('apply needs --yes when there is no terminal to confirm on');
    expect(east.requests).toEqual([]);
  });
});
