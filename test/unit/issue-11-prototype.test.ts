// Issue 11, finding 2: names from a server never reach Object.prototype. A settings key
// `cluster.remote.__proto__.seeds` (a cluster, a proxy, a snapshot given to --from-snapshot) wrote
// `Object.prototype.seeds`, and prune then deleted a remote outside the estate; `__proto__.mode`
// made apply write and then crash. Users called `constructor` or `toString` crashed the plan, and a
// role `toString` was planned as an update though it did not exist. Maps by name have no prototype;
// live objects named `__proto__`, `constructor` or `prototype` are reported and left alone. The
// config's side is in issue-11-prototype-config.test.ts.

import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffCluster } from '../../src/drift/diff.js';
import { buildPlan } from '../../src/drift/plan.js';
import { elasticsearch } from '../../src/flavors/elasticsearch.js';
import { type Snapshot } from '../../src/flavors/flavor.js';
import { xcluster } from './helpers/cli.js';
import { clusterFile, loadFiles } from './helpers/config-dir.js';
import { serveCluster } from './helpers/es-nock.js';
import { clusterResponses, serverRole, serverUser } from './helpers/es-shapes.js';
import { useExampleEstate } from './helpers/example-estate.js';
import { desired, liveState } from './helpers/model.js';

type Obj = Record<string, unknown>;

/** What a polluted Object.prototype would answer for; removed after each test so one failure stays one. */
const POLLUTABLE = ['seeds', 'mode', 'proxy_address', 'skip_unavailable', 'body', 'managed', 'push'];
const prototypeProperties = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();
const CLEAN = prototypeProperties();

afterEach(() => {
  for (const key of POLLUTABLE) delete (Object.prototype as Obj)[key];
});

function expectPrototypeClean(): void {
  expect(prototypeProperties()).toEqual(CLEAN);
  for (const key of POLLUTABLE) expect(({} as Obj)[key], key).toBeUndefined();
}

/** examples/ccr in a temporary folder, with prune on in west.yml and its recorded snapshots. */
function exampleWithSnapshots(): { root: string; config: string; live: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'xcluster-i11-'));
  cpSync('examples/ccr', root, { recursive: true });
  appendFileSync(path.join(root, 'xcluster/clusters/west.yml'), 'prune: true\n');
  return { root, config: path.join(root, 'xcluster'), live: path.join(root, 'live') };
}

function editSnapshot(file: string, edit: (responses: Obj) => void): void {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as { responses: Obj };
  edit(snapshot.responses);
  writeFileSync(file, JSON.stringify(snapshot));
}

const SETTINGS = 'GET /_cluster/settings?flat_settings=true';

describe('issue 11 finding 2: live settings named __proto__', () => {
  let dirs: ReturnType<typeof exampleWithSnapshots>;
  beforeEach(() => {
    dirs = exampleWithSnapshots();
  });
  afterEach(() => rmSync(dirs.root, { recursive: true, force: true }));

  it('issue 11 finding 2: a snapshot with cluster.remote.__proto__.seeds and .mode pollutes nothing, prunes nothing, and the plan says why the remote is left alone', async () => {
    editSnapshot(path.join(dirs.live, 'west.json'), (r) => {
      const persistent = (r[SETTINGS] as { persistent: Obj }).persistent;
      // The transport address of east (an estate address) under __proto__, and a remote that
      // points outside the estate: with Object.prototype.seeds set, it passed for xcluster's.
      persistent['cluster.remote.__proto__.seeds'] = ['east.example.com:9300'];
      persistent['cluster.remote.__proto__.mode'] = 'sniff';
      persistent['cluster.remote.outside.mode'] = 'proxy';
      persistent['cluster.remote.outside.proxy_address'] = 'outside.example.com:9300';
    });
    const r = await xcluster('plan', '--config', dirs.config, '--from-snapshot', dirs.live, '--format', 'json');
    expectPrototypeClean();
    const plan = JSON.parse(r.stdout) as { clusters: { changes: Obj[]; unmanaged: Obj[] }[]; findings: Obj[] };
    expect(plan.clusters.flatMap((c) => c.changes).filter((c) => c.action === 'delete')).toEqual([]);
    expect(plan.clusters.flatMap((c) => c.unmanaged)).toContainEqual({ kind: 'remote_cluster', name: 'outside' });
    expect(plan.findings).toContainEqual(
      expect.objectContaining({
        rule: 'unusable-name',
        severity: 'warning',
        cluster: 'west',
        message: expect.stringContaining('remote_cluster "__proto__" on west is left alone') as unknown,
      }),
    );
    expect(r.stderr).toBe('');
  });

  it('issue 11 finding 2: parse of live settings and remote info keyed __proto__ writes no prototype and keeps no such remote', () => {
    const responses = JSON.parse(
      JSON.stringify({
        ...clusterResponses('8.15', { persistent: { 'cluster.remote.__proto__.seeds': ['a.example.com:9300'] } }),
        'GET /_remote/info': JSON.parse('{"__proto__": {"connected": true, "mode": "sniff"}}') as unknown,
      }),
    ) as Obj;
    // The same key in transient settings too: remoteScopesFromSettings pushed onto Object.prototype.
    (responses[SETTINGS] as { transient: Obj }).transient['cluster.remote.__proto__.mode'] = 'proxy';
    const snapshot: Snapshot = { format_version: 1, cluster: 'west', flavor: 'elasticsearch', responses };
    const state = elasticsearch.parse(snapshot);
    expectPrototypeClean();
    expect(Object.keys(state.objects.remote_cluster)).toEqual([]);
    expect(state.objects.remote_cluster.__proto__).toBeUndefined();
    expect(state.remoteInfo.__proto__).toBeUndefined();
    expect(state.unusableNames).toEqual([
      { kind: 'remote_cluster', name: '__proto__', reason: expect.stringContaining('never a valid name') as unknown },
    ]);
  });
});

describe('issue 11 finding 2: apply with a live cluster.remote.__proto__.mode', () => {
  const estate = useExampleEstate('xcluster-i11-apply-');

  it('issue 11 finding 2: apply writes what the plan holds, reports, and leaves Object.prototype alone; the next plan names the remote', async () => {
    estate.west.persistent['cluster.remote.__proto__.mode'] = 'proxy';
    estate.west.persistent['cluster.remote.__proto__.proxy_address'] = 'elsewhere.example.com:9300';
    const r = await xcluster('apply', '--yes');
    expectPrototypeClean();
    expect(r.stdout).toMatch(/^Apply: 8 done, 0 failed, 0 skipped · 2 of 2 clusters verified/);
    const settingsWrites = estate.west.writes().filter((w) => w.path.startsWith('/_cluster/settings'));
    expect(JSON.stringify(settingsWrites)).not.toContain('__proto__');
    expect(r.code).toBe(0);
    // The apply report lists operations; the plan is where findings are told.
    const plan = await xcluster('plan');
    expect(plan.stdout).toContain('remote_cluster "__proto__" on west is left alone');
    expectPrototypeClean();
  });
});

describe('issue 11 finding 2: users and roles named like Object.prototype members', () => {
  const URL = 'https://west.example.com:9200';
  const WEST = `connection:
  flavor: elasticsearch
  url: ${URL}
  auth:
    api_key: { env: I11_WEST_KEY }
users:
  toString:
    password: { env: I11_PASSWORD }
    roles: []
  hasOwnProperty:
    password: { env: I11_PASSWORD }
    roles: []
roles:
  valueOf:
    cluster: [monitor]
`;
  let root: string;
  let cwd: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'xcluster-i11-users-'));
    cwd = process.cwd();
    process.chdir(root);
    Object.assign(process.env, { I11_WEST_KEY: 'aTExLXdlc3Qta2V5LW5vdC1yZWFs', I11_PASSWORD: 'i11-Passw0rd-not-real' });
    nock.disableNetConnect();
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(root, { recursive: true, force: true });
    delete process.env.I11_WEST_KEY;
    delete process.env.I11_PASSWORD;
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('issue 11 finding 2: users constructor and toString on the server, and users toString and hasOwnProperty in the config, plan without a crash', async () => {
    // The config's toString does not exist on the server yet: it is created.
    const users: Record<string, Obj> = { constructor: serverUser('constructor', { roles: [] }) };
    const live = clusterResponses('8.15', { users, roles: { other: serverRole('8.15', { cluster: ['monitor'] }) } });
    serveCluster(live, { url: URL });
    mkdirSync(path.join(root, 'xcluster', 'clusters'), { recursive: true });
    writeFileSync(path.join(root, 'xcluster', 'clusters', 'west.yml'), WEST);
    const r = await xcluster('plan', '--format', 'json');
    expect(r.stderr).not.toMatch(/TypeError|Cannot read/);
    const plan = JSON.parse(r.stdout) as { clusters: { changes: Obj[]; unmanaged: Obj[] }[]; findings: Obj[] };
    const changes = plan.clusters[0]!.changes.map((c) => `${String(c.action)} ${String(c.kind)} ${String(c.name)}`);
    expect(changes.sort()).toEqual(['create role valueOf', 'create user hasOwnProperty', 'create user toString']);
    expect(plan.clusters[0]!.unmanaged).not.toContainEqual(expect.objectContaining({ name: 'constructor' }));
    expect(plan.findings).toContainEqual(
      expect.objectContaining({
        rule: 'unusable-name',
        message: expect.stringContaining('user "constructor" on west is left alone') as unknown,
      }),
    );
    expectPrototypeClean();
  });
});

describe('issue 11 finding 2: the diff of objects named like Object.prototype members', () => {
  it('issue 11 finding 2: a desired role toString that does not exist live is created, not updated', () => {
    const changes = diffCluster([desired('role', 'toString', { cluster: ['monitor'] })], liveState(), false).changes;
    expect(changes.map((c) => [c.action, c.name])).toEqual([['create', 'toString']]);
  });

  it('issue 11 finding 2: a live role constructor is reported, never compared, never pruned', () => {
    const config = loadFiles({ 'clusters/west.yml': clusterFile('west', 'prune: true\n') });
    const state = elasticsearch.parse({
      format_version: 1,
      cluster: 'west',
      flavor: 'elasticsearch',
      responses: clusterResponses('8.15', {
        roles: { constructor: serverRole('8.15', { cluster: ['all'], metadata: { managed_by: 'xcluster' } }) },
      }),
    });
    const plan = buildPlan(config, [state]);
    expect(plan.clusters[0]!.changes).toEqual([]);
    expect(plan.clusters[0]!.unmanaged).toEqual([]);
    expect(plan.findings).toEqual([
      expect.objectContaining({
        rule: 'unusable-name',
        severity: 'warning',
        cluster: 'west',
        source: expect.objectContaining({ line: 1 }) as unknown,
      }),
    ]);
  });
});
