// Issue 11, finding 7: names reach URLs unchecked. `.` and `..` went out as path segments (the
// client and every proxy read them as "this folder" and "the one above"), NUL bytes and invalid
// UTF-8 passed (a role mapping `caf\uFFFD` was planned). Every name is checked against what its
// server accepts, in the config (file:line) and in live data (reported, left alone), and every
// path segment is percent-encoded.

import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execute, requestsFor } from '../../src/flavors/elasticsearch-write.js';
import { elasticsearch } from '../../src/flavors/elasticsearch.js';
import { type Operation } from '../../src/flavors/flavor.js';
import { buildPlan } from '../../src/drift/plan.js';
import { normalize } from '../../src/model/normalize.js';
import { SENSITIVE, type Change, type Kind } from '../../src/model/types.js';
import { clusterFile, loadErrors, loadFiles, openSearchFile } from './helpers/config-dir.js';
import { connection } from './helpers/es-nock.js';
import { clusterResponses } from './helpers/es-shapes.js';
import { PUT_ROLE_CREATED, PUT_ROLE_MAPPING_CREATED, recordingPolicy, serveWrites } from './helpers/es-write.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

const roles = (name: string) => `roles:\n  ${JSON.stringify(name)}:\n    cluster: [monitor]\n`;
const mappings = (name: string) =>
  `role_mappings:\n  ${JSON.stringify(name)}:\n    roles: [a]\n    rules: { field: { username: x } }\n`;

describe('issue 11 finding 7: dot segments are never names', () => {
  for (const name of ['..', '.']) {
    it(`issue 11 finding 7: a role named ${name} is an error at its line`, () => {
      expect(loadErrors({ 'clusters/west.yml': clusterFile('west', roles(name)) })).toEqual([
        expect.stringMatching(
          new RegExp(
            `clusters/west\\.yml:8:3: roles\\["${name.replace(/\./g, '\\.')}"\\]: "${name.replace(/\./g, '\\.')}" is never a valid name`,
          ),
        ),
      ]);
    });
  }

  it('issue 11 finding 7: .. as a role mapping, an OpenSearch role or an internal user is an error at its line', () => {
    expect(loadErrors({ 'clusters/west.yml': clusterFile('west', mappings('..')) })).toEqual([
      expect.stringMatching(/west\.yml:8:3: role_mappings\["\.\."\]: "\.\." is never a valid name/),
    ]);
    const os =
      'roles:\n  "..":\n    cluster_permissions: [cluster_monitor]\ninternal_users:\n  "..":\n    backend_roles: []\n';
    expect(loadErrors({ 'clusters/leader.yml': openSearchFile('leader', os) })).toEqual([
      expect.stringMatching(/leader\.yml:9:3: roles\["\.\."\]: "\.\." is never a valid name/),
      expect.stringMatching(/leader\.yml:12:3: internal_users\["\.\."\]: "\.\." is never a valid name/),
    ]);
  });

  it('issue 11 finding 7: the write side refuses a live .. rather than send it as a path segment', async () => {
    const seen = serveWrites([]);
    const del: Change = {
      cluster: 'west',
      action: 'delete',
      kind: 'role',
      name: '..',
      diff: [],
      body: normalize('role', { cluster: ['monitor'] }),
    };
    const [result] = await execute(connection(), [{ change: del }], {
      concurrency: 1,
      retry: recordingPolicy().policy,
    });
    expect(result).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('cannot be sent as a URL path segment') as unknown,
    });
    expect(seen).toEqual([]);
  });
});

describe('issue 11 finding 7: names are percent-encoded in every path', () => {
  const NAME = 'a/b?c#d%e f';
  const ENCODED = 'a%2Fb%3Fc%23d%25e%20f';

  const create = (kind: Kind, body: object, password?: string): Operation => ({
    change: {
      cluster: 'west',
      action: 'create',
      kind,
      name: NAME,
      diff: password ? [{ path: ['password'], before: null, after: SENSITIVE }] : [],
      body: normalize(kind, body),
    },
    ...(password ? { password } : {}),
  });

  it('issue 11 finding 7: a role, a role mapping and a user whose names hold / ? # % and a space go out encoded (the exact paths)', async () => {
    const seen = serveWrites([
      [`PUT /_security/role/${ENCODED}`, { body: PUT_ROLE_CREATED }],
      [`PUT /_security/role_mapping/${ENCODED}`, { body: PUT_ROLE_MAPPING_CREATED }],
      [`PUT /_security/user/${ENCODED}`, { body: { created: true } }],
    ]);
    const ops = [
      create('role', { cluster: ['monitor'] }),
      create('role_mapping', { roles: ['r'], rules: { field: { username: 'x' } } }),
      create('user', { roles: [] }, 'pw-not-real-1234'),
    ];
    const results = await execute(connection(), ops, { concurrency: 1, retry: recordingPolicy().policy });
    expect(results.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /_security/role/${ENCODED}`,
      `PUT /_security/role_mapping/${ENCODED}`,
      `PUT /_security/user/${ENCODED}`,
    ]);
  });

  it('issue 11 finding 7: a password change goes to the encoded user path', () => {
    const op = create('user', { roles: [] }, 'pw-not-real-1234');
    const change: Change = {
      ...op.change,
      action: 'update',
      diff: [{ path: ['password'], before: SENSITIVE, after: SENSITIVE }],
    };
    expect(requestsFor({ ...op, change }).map((r) => r.path)).toEqual([`/_security/user/${ENCODED}/_password`]);
  });
});

describe('issue 11 finding 7: names the servers refuse are config errors at their lines', () => {
  const BAD: [string, string][] = [
    ['caf\uFFFD', 'U\\+FFFD'],
    ['a\u0000b', 'control characters'],
    ['x\ud800y', 'lone surrogate'],
  ];

  for (const [name, says] of BAD) {
    it(`issue 11 finding 7: a role mapping, an OpenSearch role and an intent user named ${JSON.stringify(name)} are refused (${says.replace(/\\/g, '')})`, () => {
      expect(loadErrors({ 'clusters/west.yml': clusterFile('west', mappings(name)) })).toEqual([
        expect.stringMatching(new RegExp(`west\\.yml:8:3: role_mappings\\[.*\\]: .*${says}`)),
      ]);
      const os = `roles:\n  ${JSON.stringify(name)}:\n    cluster_permissions: [cluster_monitor]\n`;
      expect(loadErrors({ 'clusters/leader.yml': openSearchFile('leader', os) })).toEqual([
        expect.stringMatching(new RegExp(`leader\\.yml:9:3: roles\\[.*\\]: .*${says}`)),
      ]);
      const intent = `replication:
  - name: orders
    security: certificate
    leader: { cluster: east, indices: [leader-index] }
    follower: { cluster: west, indices: [follower-index] }
    role: remote-replication
    user: { name: ${JSON.stringify(name)} }
`;
      const files = {
        'clusters/east.yml': clusterFile('east'),
        'clusters/west.yml': clusterFile('west'),
        'intents.yml': intent,
      };
      expect(loadErrors(files)).toEqual([
        expect.stringMatching(new RegExp(`intents\\.yml:7:13: replication intent "orders": user\\.name: .*${says}`)),
      ]);
    });
  }

  it('issue 11 finding 7: a file that is not valid UTF-8 is an error at the first bad byte, not a name with U+FFFD', () => {
    const latin1 = Buffer.concat([
      Buffer.from(clusterFile('west', 'role_mappings:\n  caf')),
      Buffer.from([0xe9]),
      Buffer.from(':\n    roles: [a]\n    rules: { field: { username: x } }\n'),
    ]);
    expect(loadErrors({ 'clusters/west.yml': latin1 })).toEqual([
      expect.stringMatching(/clusters\/west\.yml:8:6: not valid UTF-8 \(byte 0xe9\)/),
    ]);
  });

  it('issue 11 finding 7: a remote alias is ASCII letters, digits, _ and - as the server parses cluster.remote.<alias>', () => {
    const remotes =
      'remote_clusters:\n  "east.1":\n    seeds: [a.example.com:9300]\n  "east*":\n    seeds: [a.example.com:9300]\n';
    expect(loadErrors({ 'clusters/west.yml': clusterFile('west', remotes) })).toEqual([
      expect.stringMatching(
        /west\.yml:8:3: remote_clusters\["east\.1"\]: a remote cluster alias is made of ASCII letters, digits, _ and -/,
      ),
      expect.stringMatching(
        /west\.yml:10:3: remote_clusters\["east\*"\]: a remote cluster alias is made of ASCII letters, digits, _ and -/,
      ),
    ]);
  });

  it('issue 11 finding 7: an OpenSearch internal user name has no ":" (the security plugin refuses it)', () => {
    const os = 'internal_users:\n  "a:b":\n    backend_roles: []\n';
    expect(loadErrors({ 'clusters/leader.yml': openSearchFile('leader', os) })).toEqual([
      expect.stringMatching(/leader\.yml:9:3: internal_users\["a:b"\]: .*":"/),
    ]);
  });

  it('issue 11 finding 7: an Elasticsearch role mapping name fits the 512-byte document id role-mapping_<name>', () => {
    expect(loadErrors({ 'clusters/west.yml': clusterFile('west', mappings('m'.repeat(499))) })).toEqual([]);
    expect(loadErrors({ 'clusters/west.yml': clusterFile('west', mappings('é'.repeat(250))) })).toEqual([
      expect.stringMatching(/west\.yml:8:3: role_mappings\["é+"\]: .*499 bytes/),
    ]);
  });

  it('issue 11 finding 7: names the servers take still load: spaces, punctuation, unicode where allowed', () => {
    const config = loadFiles({
      'clusters/west.yml': clusterFile('west', roles('a b/c?d#e%f') + mappings('café-mapping')),
      'clusters/leader.yml': openSearchFile(
        'leader',
        'roles:\n  "rôle":\n    cluster_permissions: [cluster_monitor]\n',
      ),
    });
    expect(config.desired.map((d) => d.name).sort()).toEqual(['a b/c?d#e%f', 'café-mapping', 'rôle']);
  });
});

describe('issue 11 finding 7: live names the servers would never hold are left alone', () => {
  it('issue 11 finding 7: a live remote alias * (cluster.remote.*.seeds) is reported, never pruned', () => {
    const config = loadFiles({ 'clusters/west.yml': clusterFile('west', 'prune: true\n') });
    const responses = clusterResponses('8.15', { persistent: { 'cluster.remote.*.seeds': ['west.example.com:9300'] } });
    const state = elasticsearch.parse({ format_version: 1, cluster: 'west', flavor: 'elasticsearch', responses });
    const plan = buildPlan(config, [state]);
    expect(plan.clusters[0]!.changes).toEqual([]);
    expect(plan.findings).toContainEqual(
      expect.objectContaining({
        rule: 'unusable-name',
        message: expect.stringContaining('remote_cluster "*" on west') as unknown,
      }),
    );
  });
});
