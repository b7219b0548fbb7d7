// The xcluster command end to end: YAML in a temporary folder, clusters served by nock, the
// output and exit code as a script would see them.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ES_HEADERS, serveCluster, serveLogin, serveUnauthorized } from './helpers/es-nock.js';
import { clusterResponses, flatRemoteSettings, serverRole, serverUser } from './helpers/es-shapes.js';
import { xcluster } from './helpers/cli.js';

const EAST_URL = 'https://east.test:9200';
const WEST_URL = 'https://west.test:9200';
const PATHS = [
  '/',
  '/_security/role',
  '/_security/user',
  '/_security/role_mapping',
  '/_cluster/settings',
  '/_remote/info',
  '/_security/_authenticate',
];
const SECRETS = {
  EAST_API_KEY: 'ZWFzdC1rZXktbm90LXJlYWw=',
  WEST_API_KEY: 'd2VzdC1rZXktbm90LXJlYWw=',
  CCU_PASSWORD: 'pw-not-real-123',
};

const EAST = `connection:
  flavor: elasticsearch
  url: ${EAST_URL}
  auth:
    api_key: { env: EAST_API_KEY }
  transport: east.test:9300
roles:
  remote-replication:
    cluster: [read_ccr]
    indices:
      - names: [leader-index]
        privileges: [monitor, read]
`;

const WEST = `connection:
  flavor: elasticsearch
  url: ${WEST_URL}
  auth:
    api_key: { env: WEST_API_KEY }
  timeout: 2s
roles:
  remote-replication:
    cluster: [manage_ccr]
    indices:
      - names: [follower-index]
        privileges: [monitor, read, write, manage_follow_index]
users:
  cross-cluster-user:
    password: { env: CCU_PASSWORD }
    roles: [remote-replication]
remote_clusters:
  east:
    cluster: east
    seeds: [east.test:9300]
    skip_unavailable: true
`;

/** What east and west return when they match the YAML above exactly. */
const eastInSync = () =>
  clusterResponses('8.15', {
    roles: {
      'remote-replication': serverRole('8.15', {
        cluster: ['read_ccr'],
        indices: [{ names: ['leader-index'], privileges: ['read', 'monitor'] }],
      }),
    },
  });
const westInSync = () =>
  clusterResponses('8.15', {
    roles: {
      'remote-replication': serverRole('8.15', {
        cluster: ['manage_ccr'],
        indices: [{ names: ['follower-index'], privileges: ['manage_follow_index', 'write', 'read', 'monitor'] }],
      }),
    },
    users: { 'cross-cluster-user': serverUser('cross-cluster-user', { roles: ['remote-replication'] }) },
    persistent: flatRemoteSettings('east', { seeds: ['east.test:9300'], skip_unavailable: true }),
  });

let root: string;
let cwd: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'xcluster-cli-'));
  cwd = process.cwd();
  process.chdir(root);
  Object.assign(process.env, SECRETS);
  nock.disableNetConnect();
});

afterEach(() => {
  process.chdir(cwd);
  rmSync(root, { recursive: true, force: true });
  for (const k of Object.keys(SECRETS)) delete process.env[k];
  nock.cleanAll();
  nock.enableNetConnect();
});

function writeConfig(files: Record<string, string> = { 'east.yml': EAST, 'west.yml': WEST }): void {
  const dir = path.join(root, 'xcluster', 'clusters');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
}

function refuse(url: string): void {
  const err = Object.assign(new Error(`connect ECONNREFUSED ${new URL(url).host}`), { code: 'ECONNREFUSED' });
  for (const p of PATHS) nock(url).get(p).query(true).replyWithError(err).persist();
}

describe('xcluster plan: exit codes', () => {
  it('--detailed-exitcode: 0 when every cluster matches', async () => {
    writeConfig();
    serveCluster(eastInSync(), { url: EAST_URL });
    serveCluster(westInSync(), { url: WEST_URL });
    serveLogin('cross-cluster-user', WEST_URL); // its password check
    const r = await xcluster('plan', '--detailed-exitcode');
    expect(r.stdout.split('\n')[0]).toBe('Plan: 0 to create, 0 to update, 0 to delete');
    expect(r.code).toBe(0);
  });

  it('--detailed-exitcode: 2 when there are changes; without it, 0', async () => {
    writeConfig();
    const west = westInSync();
    (west['GET /_security/user'] as Record<string, unknown>)['cross-cluster-user'] = undefined;
    for (const flag of [['--detailed-exitcode'], []]) {
      serveCluster(eastInSync(), { url: EAST_URL });
      serveCluster(JSON.parse(JSON.stringify(west)), { url: WEST_URL });
      const r = await xcluster('plan', ...flag);
      expect(r.stdout).toContain('+ user cross-cluster-user');
      expect(r.code).toBe(flag.length ? 2 : 0);
    }
  });

  it('1 on an error finding, even with changes', async () => {
    writeConfig({ 'east.yml': EAST + '  superuser:\n    cluster: [all]\n' });
    serveCluster(eastInSync(), { url: EAST_URL });
    const r = await xcluster('plan', '--detailed-exitcode', '--format', 'json');
    const plan = JSON.parse(r.stdout);
    expect(plan.findings).toEqual([
      expect.objectContaining({ rule: 'reserved-object', source: 'xcluster/clusters/east.yml:13' }),
    ]);
    expect(r.code).toBe(1);
  });
});

describe('xcluster plan: unreachable clusters', () => {
  for (const [what, serveEast, reason] of [
    ['connection refused', () => refuse(EAST_URL), /connection refused \(ECONNREFUSED\) at https:\/\/east\.test:9200/],
    [
      '401',
      () =>
        serveUnauthorized(
          PATHS,
          'unable to authenticate with provided credentials and anonymous access is not allowed for this request',
          EAST_URL,
        ),
      /^GET \/\S* answered 401 Unauthorized/,
    ],
    [
      'timeout',
      () => {
        for (const p of PATHS) nock(EAST_URL).get(p).query(true).delay(5_000).reply(200, {}, ES_HEADERS).persist();
      },
      /no answer within 2 s \(connection\.timeout\) at https:\/\/east\.test:9200/,
    ],
  ] as const) {
    it(`${what} on one cluster is reported with the reason, the other is still planned, exit 1`, async () => {
      writeConfig({
        'east.yml': EAST.replace('transport: east.test:9300', 'transport: east.test:9300\n  timeout: 2s'),
        'west.yml': WEST,
      });
      serveEast();
      serveCluster(westInSync(), { url: WEST_URL });
      serveLogin('cross-cluster-user', WEST_URL);
      const r = await xcluster('plan', '--format', 'json', '--detailed-exitcode');
      const plan = JSON.parse(r.stdout);
      const east = plan.clusters.find((c: { name: string }) => c.name === 'east');
      const west = plan.clusters.find((c: { name: string }) => c.name === 'west');
      expect(east).toMatchObject({ reachable: false, changes: [] });
      expect(east.error).toMatch(reason);
      expect(west).toMatchObject({ reachable: true, version: '8.15.3', changes: [] });
      expect(r.stderr).toContain('east: unreachable');
      expect(r.stdout + r.stderr).not.toContain(SECRETS.EAST_API_KEY);
      expect(r.code).toBe(1);
    }, 15_000);
  }
});

describe('xcluster: bad input is exit 1 with file:line', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'malformed YAML',
      { 'east.yml': EAST + 'users:\n  x: roles: [a]\n' },
      /^error: xcluster\/clusters\/east\.yml:14:\d+: invalid YAML/m,
    ],
    [
      'an unknown key, with a suggestion',
      { 'east.yml': EAST.replace('    indices:', '    indicies:') },
      /^error: xcluster\/clusters\/east\.yml:10:5: unknown key "indicies" in roles\.remote-replication; did you mean "indices"\?/m,
    ],
    [
      'an unknown cluster referenced by a remote',
      { 'east.yml': EAST, 'west.yml': WEST.replace('cluster: east', 'cluster: eats') },
      /^error: xcluster\/clusters\/west\.yml:19:\d+: .*unknown cluster "eats".*did you mean "east"\?/m,
    ],
    [
      'an inline password',
      { 'west.yml': WEST.replace('{ env: CCU_PASSWORD }', 'Sup3r-s3cret!') },
      /^error: xcluster\/clusters\/west\.yml:15:\d+: .*inline secret/m,
    ],
    [
      'a URL that is not http(s)',
      { 'east.yml': EAST.replace(EAST_URL, 'ftp://east.test') },
      /^error: xcluster\/clusters\/east\.yml:3:\d+: .*http/m,
    ],
  ];
  for (const [what, files, message] of cases) {
    it(what, async () => {
      writeConfig(files);
      for (const cmd of ['lint', 'plan']) {
        const r = await xcluster(cmd);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).not.toContain('Sup3r-s3cret!');
        expect(r.code).toBe(1);
      }
    });
  }

  it('an unset environment variable, before any request is sent', async () => {
    writeConfig();
    delete process.env.WEST_API_KEY;
    const r = await xcluster('plan');
    expect(r.stderr).toMatch(
      /^error: xcluster\/clusters\/west\.yml:5:\d+: environment variable WEST_API_KEY is not set/m,
    );
    expect(r.code).toBe(1);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('xcluster snapshot and plan --from-snapshot', () => {
  it('records the read round without secrets and plans offline to the same result', async () => {
    writeConfig();
    const west = westInSync();
    (west['GET /_security/role'] as Record<string, unknown>)['remote-replication'] = serverRole('8.15', {
      cluster: ['manage_ccr'],
    });
    serveCluster(eastInSync(), { url: EAST_URL });
    serveCluster(west, { url: WEST_URL });
    // A snapshot records the read round only: it needs no user password and checks none.
    delete process.env.CCU_PASSWORD;
    const snap = await xcluster('snapshot', '--out', 'live');
    expect(snap.stderr).not.toContain('password');
    expect(snap.code).toBe(0);
    process.env.CCU_PASSWORD = SECRETS.CCU_PASSWORD;
    const recorded = readFileSync(path.join(root, 'live', 'west.json'), 'utf8');
    expect(JSON.parse(recorded)).toMatchObject({ format_version: 1, cluster: 'west', flavor: 'elasticsearch' });
    for (const secret of Object.values(SECRETS)) expect(recorded).not.toContain(secret);

    serveCluster(eastInSync(), { url: EAST_URL });
    serveCluster(west, { url: WEST_URL });
    serveLogin('cross-cluster-user', WEST_URL); // its password check (none from a snapshot)
    const live = await xcluster('plan', '--format', 'json');
    const offline = await xcluster('plan', '--format', 'json', '--from-snapshot', 'live');
    expect(offline.stdout).toBe(live.stdout);
    expect(JSON.parse(offline.stdout).summary).toMatchObject({ update: 1 });
  });
});

describe('the demo (examples/ccr)', () => {
  it('plans at least one create, one update and one unmanaged object, summary line first', async () => {
    process.chdir(cwd);
    const r = await xcluster(
      'plan',
      '--config',
      'examples/ccr/xcluster',
      '--from-snapshot',
      'examples/ccr/live',
      '--format',
      'json',
    );
    const plan = JSON.parse(r.stdout);
    expect(plan.summary.create).toBeGreaterThanOrEqual(1);
    expect(plan.summary.update).toBeGreaterThanOrEqual(1);
    expect(plan.summary.unmanaged).toBeGreaterThanOrEqual(1);
    const text = await xcluster('plan', '--config', 'examples/ccr/xcluster', '--from-snapshot', 'examples/ccr/live');
    expect(text.stdout.split('\n')[0]).toMatch(/^Plan: \d+ to create, \d+ to update, \d+ to delete/);
    expect(text.code).toBe(0);
  });
});

describe('help', () => {
  for (const cmd of ['plan', 'lint', 'snapshot']) {
    it(`xcluster ${cmd} --help`, async () => {
      const r = await xcluster(cmd, '--help');
      expect(r.stdout).toContain(`Usage: xcluster ${cmd}`);
      expect(r.stdout).toContain('--config');
      expect(r.code).toBe(0);
    });
  }
});
