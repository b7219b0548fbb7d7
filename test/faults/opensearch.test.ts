// Issue 12, acceptance 1: the fault suite's read faults against a stand-in OpenSearch 2.19.4
// (the fake of the unit tests, served over HTTP by stand-in.ts), in plan mode: the same faults as
// on Elasticsearch (faults.ts), on the security plugin's endpoints. `leader` is read through the
// proxy, `follower` directly: it is the healthy cluster of the run.

import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xcluster } from '../unit/helpers/cli.js';
import { OPENSEARCH_FAULTS, onOpenSearch, TIMEOUT, type FaultCase } from './faults.js';
import { bounded, checkRead, keys, report, type ClusterJson } from './harness.js';
import { FaultProxy } from './proxy.js';
import { startOpenSearch } from './stand-in.js';

const ADMIN_PASSWORD = 'Admin-Passw0rd-not-real';

const clusterFile = (url: string, connection: string): string =>
  [
    'connection:',
    '  flavor: opensearch',
    `  url: ${url}`,
    '  auth:',
    '    username: admin',
    '    password: { env: ADMIN_PASSWORD }',
    connection.trimEnd(),
    'roles:',
    '  xc-reader:',
    '    cluster_permissions: [cluster_monitor]',
    '    index_permissions:',
    "      - index_patterns: ['logs-*']",
    '        allowed_actions: [read]',
    '',
  ].join('\n');

async function estate(connection = `  timeout: ${TIMEOUT}\n`) {
  const [leader, follower] = await Promise.all([startOpenSearch(ADMIN_PASSWORD), startOpenSearch(ADMIN_PASSWORD)]);
  // A role made by hand: the true plan lists it as unmanaged, a plan of an "empty" cluster would not.
  leader.fake.collections.roles!['hand-made'] = {
    reserved: false,
    hidden: false,
    cluster_permissions: ['cluster_monitor'],
  };
  const proxy = await new FaultProxy(leader.url).start();
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'xcluster-faults-os-')), 'xcluster');
  mkdirSync(path.join(dir, 'clusters'), { recursive: true });
  writeFileSync(path.join(dir, 'clusters', 'leader.yml'), clusterFile(proxy.url, connection));
  writeFileSync(path.join(dir, 'clusters', 'follower.yml'), clusterFile(follower.url, '  timeout: 5s\n'));
  const stop = async () => {
    await Promise.all([proxy.stop(), leader.stop(), follower.stop()]);
    rmSync(path.dirname(dir), { recursive: true, force: true });
  };
  return { dir, leader, follower, proxy, stop };
}

const plan = (dir: string, f?: FaultCase) => ['plan', '--config', dir, '--format', 'json', ...(f?.args ?? [])];

let baseline: { leader: ClusterJson; follower: ClusterJson };

beforeAll(async () => {
  process.env.ADMIN_PASSWORD = ADMIN_PASSWORD;
  const e = await estate();
  try {
    const clean = report(await xcluster(...plan(e.dir)));
    baseline = { leader: clean.leader!, follower: clean.follower! };
  } finally {
    await e.stop();
  }
  // Not vacuous: the true plan has a create and an unmanaged role.
  expect(keys(baseline.leader.changes)).toEqual(['create role xc-reader']);
  expect(JSON.stringify(baseline.leader.unmanaged)).toContain('hand-made');
}, 30_000);

afterAll(() => {
  delete process.env.ADMIN_PASSWORD;
});

async function tryFault(generic: FaultCase): Promise<void> {
  const f = onOpenSearch(generic);
  const e = await estate(f.connection);
  try {
    if (f.fault.kind === 'refuse') await e.proxy.closePort();
    else e.proxy.inject({ method: 'GET', path: f.readPath!, ...(f.times ? { times: f.times } : {}), fault: f.fault });
    const run = await bounded(e.proxy, plan(e.dir, f));
    if (run === 'late') throw new Error('the run did not return in time: no deadline ended it');
    const got = report(run);
    const { leader, follower } = got as { leader: ClusterJson; follower: ClusterJson };
    expect(follower.reachable).toBe(true);
    expect(keys(follower.changes)).toEqual(keys(baseline.follower.changes));
    checkRead(f, leader, baseline.leader);
    expect(run.code, 'plan exits 1 when a cluster is unreachable, 0 otherwise').toBe(leader.reachable ? 0 : 1);
    expect(e.leader.fake.seen.filter((r) => r.method !== 'GET')).toEqual([]);
  } finally {
    await e.stop();
  }
}

describe('issue 12 acceptance 1: OpenSearch, plan, the fault on a read', () => {
  for (const fault of OPENSEARCH_FAULTS) {
    it(`issue 12 acceptance 1: ${fault.name} (OpenSearch plan)`, () => tryFault(fault), 30_000);
  }
});
