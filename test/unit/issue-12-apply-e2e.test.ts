// Issue 12 items 4 and 5 end to end: `xcluster apply` against stateful fake clusters
// (helpers/fake-es.ts, fake-opensearch.ts) whose answers are lost, applied or not; the report,
// the JSON, the exit code, and a re-run that converges.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyJob, applyExitCode } from '../../src/job.js';
import { renderApply } from '../../src/render/apply.js';
import { type RetryPolicy } from '../../src/flavors/flavor.js';
import { type FakeElasticsearch } from './helpers/fake-es.js';
import { FakeOpenSearch } from './helpers/fake-opensearch.js';
import { useExampleEstate } from './helpers/example-estate.js';
import { openSearchFile, writeConfigDir } from './helpers/config-dir.js';
import { xcluster } from './helpers/cli.js';

const NO_RETRY: RetryPolicy = { retries: 0, baseDelayMs: 0, maxDelayMs: 0, deadlineMs: 0, sleep: async () => {} };

describe('issue 12: Elasticsearch (examples/ccr)', () => {
  const estate = useExampleEstate('xcluster-issue12-');
  let west: FakeElasticsearch;
  beforeEach(() => {
    west = estate.west;
  });

  const edit = (file: string, fn: (text: string) => string): void => {
    const p = path.join(estate.root, 'xcluster', file);
    writeFileSync(p, fn(readFileSync(p, 'utf8')));
  };

  it('issue 12 item 4: a write applied whose answer was cut short is done after the verification read; the rest waits for a re-run', async () => {
    west.loseNext('PUT', '/_security/role/remote-search', 'truncate');
    const r = await xcluster('apply', '--yes');
    expect(r.stdout).toContain(
      'done    create role remote-search (answer lost; the verification read shows it applied)',
    );
    // An unknown stops the cluster like a failure: what follows it did not start.
    expect(r.stdout).toContain(
      'cluster west: stopped: 3 not started; a fresh plan shows 3 change(s) still to make; run apply again to finish',
    );
    expect(r.stdout).toMatch(
      /skipped create role_mapping ldap-replication-operators: not started: create role remote-search may have been applied/,
    );
    expect(r.code).toBe(1);
    expect((await xcluster('apply', '--yes')).code).toBe(0);
  });

  it('issue 12 item 4: one not applied is failed after the verification read; remaining is the fresh plan; a re-run converges', async () => {
    west.loseNext('PUT', '/_security/role/remote-search', 'truncate', false);
    const r = await xcluster('apply', '--yes', '--format', 'json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    const westJson = json.clusters.find((c: { name: string }) => c.name === 'west');
    const byName = Object.fromEntries(westJson.changes.map((c: { name: string }) => [c.name, c]));
    expect(byName['remote-search']).toMatchObject({ status: 'failed' });
    expect(byName['remote-search'].error).toMatch(
      /^answer lost \(PUT \/_security\/role\/remote-search: the JSON answer ends early .*\); the verification read shows it not applied$/,
    );
    expect(byName['remote-replication']).toMatchObject({ status: 'done' });
    // The fresh plan: what is left, without what was done.
    expect(westJson.remaining.map((c: { kind: string; name: string }) => `${c.kind} ${c.name}`).sort()).toEqual([
      'role remote-search',
      'role_mapping ldap-replication-operators',
      'user cross-cluster-user',
      'user cross-search-user',
    ]);
    expect(westJson.verified).toBe(false);
    expect((await xcluster('apply', '--yes')).code).toBe(0);
    expect((await xcluster('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('issue 12 item 4: a user update whose password change failed after its PUT is PARTIAL, half done, exit 1', async () => {
    expect((await xcluster('apply', '--yes')).code).toBe(0);
    west.users['cross-cluster-user']!.body.roles = ['remote-replication', 'hand-added'];
    west.users['cross-cluster-user']!.password = 'an-old-password-not-real';
    west.failNext('POST', '/_security/user/cross-cluster-user/_password', 400, {
      error: { type: 'illegal_argument_exception', reason: 'password too short' },
      status: 400,
    });
    const r = await xcluster('apply', '--yes');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'PARTIAL update user cross-cluster-user: half done: PUT /_security/user/cross-cluster-user done; POST /_security/user/cross-cluster-user/_password failed: 400 illegal_argument_exception: password too short',
    );
    expect(r.stdout).toMatch(/^Apply: \d+ done, 0 failed, \d+ skipped, 1 partial · 1 of 2 clusters verified/);
    expect(r.stdout).toContain('cluster west: stopped at the first failure: 1 half done');
    expect(west.users['cross-cluster-user']!.body.roles).toEqual(['remote-replication']);
  });

  it('issue 12 item 4: a DELETE whose answer was lost and whose retry gets 404 is done: it was deleted', async () => {
    await xcluster('apply', '--yes');
    edit('intents.yml', (t) => t.replace(/\nsearch:[\s\S]*$/, '\n'));
    edit('clusters/west.yml', (t) => t + 'prune: true\n');
    west.loseNext('DELETE', '/_security/user/cross-search-user', 'reset');
    const r = await xcluster('apply', '--yes');
    expect(r.stdout).toContain(
      'done    delete user cross-search-user (its answer was lost and the retry found it gone (404): deleted)',
    );
    expect(r.code).toBe(0);
  });

  it('issue 12 item 5: a stop during apply (in-process): nothing new starts, the report says why and what a fresh plan shows', async () => {
    const stop = new AbortController();
    west.onWrite = () => stop.abort('stopped by SIGINT');
    const config = path.join(estate.root, 'xcluster');
    const outcome = await applyJob({ config, confirm: async () => true, stop: stop.signal, retry: NO_RETRY });
    if (outcome.status !== 'applied') throw new Error(outcome.status);
    expect(west.writes().map((w) => `${w.method} ${w.path}`)).toEqual(['PUT /_cluster/settings']);
    const westResult = outcome.result.clusters.find((c) => c.name === 'west')!;
    expect(westResult.operations.map((o) => o.status)).toEqual([
      'done',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(westResult.operations[1]!.error).toBe('not started: stopped by SIGINT');
    expect(westResult.remaining).toHaveLength(5);
    expect(outcome.result.stopped).toBe('stopped by SIGINT');
    expect(renderApply(outcome.result, 'text')).toContain(
      'cluster west: stopped by SIGINT: 5 not started; a fresh plan shows 5 change(s) still to make; run apply again to finish',
    );
    expect(applyExitCode(outcome)).toBe(1);
  });
});

describe('issue 12 item 4: OpenSearch, a PATCH whose answer was lost', () => {
  const ADMIN_PASSWORD = 'Admin-Passw0rd-not-real';
  const URL = 'https://leader.example.com:9200';
  let fake: FakeOpenSearch;
  beforeEach(() => {
    nock.disableNetConnect();
    fake = new FakeOpenSearch(URL, ADMIN_PASSWORD).install();
    process.env.ADMIN_PASSWORD = ADMIN_PASSWORD;
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    delete process.env.ADMIN_PASSWORD;
  });

  const config = () =>
    writeConfigDir({
      'clusters/leader.yml': openSearchFile(
        'leader',
        'roles:\n  x-reader:\n    cluster_permissions: [cluster_monitor]\n  x-writer:\n    cluster_permissions: [cluster_monitor]\n',
      ).replace('https://leader.example.com:9200', URL),
    });

  for (const applied of [true, false]) {
    it(`issue 12 item 4: every operation of the step is unknown, and the verification read shows it ${applied ? 'applied' : 'not applied'}`, async () => {
      fake.loseNext('PATCH', '/_plugins/_security/api/roles', applied);
      const outcome = await applyJob({ config: config(), confirm: async () => true, retry: NO_RETRY });
      if (outcome.status !== 'applied') throw new Error(outcome.status);
      const leader = outcome.result.clusters[0]!;
      expect(leader.operations.map((o) => o.status)).toEqual(applied ? ['done', 'done'] : ['failed', 'failed']);
      expect(leader.operations[0]!.note ?? leader.operations[0]!.error).toMatch(
        applied
          ? /^answer lost; the verification read shows it applied$/
          : /^answer lost \(connection error: socket hang up \(one PATCH for 2 objects: all of them or none was applied\)\); the verification read shows it not applied$/,
      );
      expect(leader.verified).toBe(applied);
      expect(leader.remaining!.map((c) => c.name)).toEqual(applied ? [] : ['x-reader', 'x-writer']);
    });
  }
});
