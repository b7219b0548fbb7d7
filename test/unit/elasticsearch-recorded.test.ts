// What the real servers answered (test/fixtures/elasticsearch/<version>/, recorded by
// scripts/elasticsearch/record-fixtures.ts from 7.17.25, 8.19.5 and 9.1.5) against what the unit
// tests assume they answer: (a) the shape builders of helpers/es-shapes.ts, given the recorded
// PUT bodies, produce the recorded GET entries; (b) each hand-built fixture
// (test/fixtures/elasticsearch/{7.17,8.15,9.1}/cluster.ts, reserved-users.ts) has the recorded
// shape; (c) the real parser reads each recorded round as xcluster would, and a config of exactly
// the recorded objects plans to zero changes.

import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diffCluster } from '../../src/drift/diff.js';
import { RESPONSE_KEYS } from '../../src/flavors/elasticsearch.js';
import { type Desired, type Kind } from '../../src/model/types.js';
import { FIXTURES, reservedUsers } from '../fixtures/elasticsearch/index.js';
import { readServed } from './helpers/es-nock.js';
import {
  RECORDINGS,
  objectPuts,
  putName,
  remotePuts,
  splitList,
  type RecordedRequest,
  type Recording,
} from './helpers/es-recorded.js';
import { configRemote, flatRemoteSettings, serverRole, serverRoleMapping, serverUser } from './helpers/es-shapes.js';
import { desired } from './helpers/model.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asObject = (v: unknown): Obj => (isObject(v) ? v : {});
const list = (rec: Recording, key: string): Record<string, Obj> => asObject(rec.responses[key]) as Record<string, Obj>;

/** Every key path in document order; inside `metadata` (free-form, server-ordered) none. */
function keyPaths(v: unknown, path = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => keyPaths(x, `${path}[${i}]`));
  if (!isObject(v)) return [];
  return Object.entries(v).flatMap(([k, x]) => [
    `${path}.${k}`,
    ...(k === 'metadata' ? [] : keyPaths(x, `${path}.${k}`)),
  ]);
}

/** Equal values, and the keys in the same order. */
function expectSameAnswer(built: unknown, recorded: unknown, what: string): void {
  expect(recorded, `${what}: not in the recording`).toBeDefined();
  expect(built, what).toStrictEqual(recorded);
  expect(keyPaths(built), `${what}: key order`).toEqual(keyPaths(recorded));
}

/** The last accepted PUT of each name, and the refused ones. */
function splitPuts(puts: RecordedRequest[]): { accepted: Map<string, RecordedRequest>; refused: RecordedRequest[] } {
  const accepted = new Map<string, RecordedRequest>();
  for (const w of puts) if (w.status === 200) accepted.set(putName(w), w);
  return { accepted, refused: puts.filter((w) => w.status !== 200) };
}

// ---------------------------------------------------------------------------------------------
// (a) the shape builders

describe.each(RECORDINGS)('recorded from $version: the shape builders of line $line', (rec) => {
  it('serverRole gives the recorded GET /_security/role entry of each PUT role, and refuses what the server refused', () => {
    const { accepted, refused } = splitPuts(objectPuts(rec, 'role'));
    expect(accepted.size).toBeGreaterThanOrEqual(3);
    const roles = list(rec, RESPONSE_KEYS.roles);
    for (const [name, w] of accepted) {
      expectSameAnswer(serverRole(rec.line, asObject(w.request_body)), roles[name], `role ${name}`);
    }
    for (const w of refused) {
      expect(w.status, w.file).toBe(400);
      expect(() => serverRole(rec.line, asObject(w.request_body)), w.file).toThrow(/refuses/);
    }
  });

  it('serverUser gives the recorded GET /_security/user entry of each PUT user, without the password', () => {
    const { accepted } = splitPuts(objectPuts(rec, 'user'));
    expect(accepted.size).toBe(2);
    const users = list(rec, RESPONSE_KEYS.users);
    for (const [name, w] of accepted) {
      const body = asObject(w.request_body);
      expect(typeof body.password).toBe('string');
      expectSameAnswer(serverUser(name, body), users[name], `user ${name}`);
    }
  });

  it('serverRoleMapping gives the recorded GET /_security/role_mapping entry, and refuses what the server refused', () => {
    const { accepted, refused } = splitPuts(objectPuts(rec, 'role_mapping'));
    expect(accepted.size).toBeGreaterThanOrEqual(3);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    const mappings = list(rec, RESPONSE_KEYS.roleMappings);
    for (const [name, w] of accepted) {
      expectSameAnswer(serverRoleMapping(asObject(w.request_body)), mappings[name], `role mapping ${name}`);
    }
    for (const w of refused) {
      expect(w.status, w.file).toBe(400);
      expect(() => serverRoleMapping(asObject(w.request_body)), w.file).toThrow(/refuses/);
    }
  });

  it('flatRemoteSettings gives the recorded flat settings of each remote PUT, scope by scope', () => {
    const settings = asObject(rec.responses[RESPONSE_KEYS.settings]);
    const puts = remotePuts(rec);
    expect(Object.keys(puts.persistent).sort()).toEqual(['rec-proxy', 'rec-sniff']);
    for (const scope of ['persistent', 'transient'] as const) {
      const served = asObject(settings[scope]);
      for (const alias of new Set([...Object.keys(puts[scope]), ...remoteAliases(served)])) {
        const prefix = `cluster.remote.${alias}.`;
        const recorded = Object.fromEntries(Object.entries(served).filter(([k]) => k.startsWith(prefix)));
        expectSameAnswer(flatRemoteSettings(alias, puts[scope][alias] ?? {}), recorded, `${scope} ${alias}`);
      }
    }
  });
});

function remoteAliases(settings: Obj): string[] {
  return [...new Set(Object.keys(settings).flatMap((k) => /^cluster\.remote\.([^.]+)\./.exec(k)?.[1] ?? []))];
}

// ---------------------------------------------------------------------------------------------
// (b) the hand-built fixtures have the recorded shape

/** What the recorded objects of one kind look like: their keys in order, which always, of which types. */
interface Shape {
  keys: string[];
  required: Set<string>;
  types: Map<string, Set<string>>;
  children: Map<string, Shape>;
}

/** Free-form values: their inner keys are the user's (metadata) or a small recursive grammar (rules). */
const NO_DESCENT = new Set(['metadata', 'rules']);

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function shapeOf(samples: unknown[]): Shape {
  const objects = samples.filter(isObject);
  const keys: string[] = [];
  for (const o of objects) {
    let at = -1;
    for (const k of Object.keys(o)) {
      const i = keys.indexOf(k);
      if (i >= 0) at = i;
      else keys.splice(++at, 0, k); // a new key goes right after the one it follows here
    }
  }
  const shape: Shape = {
    keys,
    required: new Set(keys.filter((k) => objects.every((o) => k in o))),
    types: new Map(),
    children: new Map(),
  };
  for (const k of keys) {
    const values = objects.filter((o) => k in o).map((o) => o[k]);
    shape.types.set(k, new Set(values.map(typeOf)));
    const inner = values.flatMap((v) => (Array.isArray(v) ? v : [v])).filter(isObject);
    if (!NO_DESCENT.has(k) && inner.length > 0) shape.children.set(k, shapeOf(inner));
  }
  return shape;
}

/**
 * Where `o` departs from `shape`: a key the recorded server never writes (unless `allowed`),
 * keys out of the recorded order, a key it always writes missing, a value of another type.
 */
function departures(o: unknown, shape: Shape, where: string, allowed: Set<string> = new Set()): string[] {
  if (!isObject(o)) return [`${where}: not an object`];
  const out: string[] = [];
  let last = -1;
  for (const [k, v] of Object.entries(o)) {
    const i = shape.keys.indexOf(k);
    if (i < 0) {
      if (!allowed.has(k)) out.push(`${where}.${k}: a key the recorded server never writes`);
      continue;
    }
    if (i < last) out.push(`${where}.${k}: out of the recorded order (${shape.keys.join(', ')})`);
    last = Math.max(last, i);
    const types = shape.types.get(k)!;
    if (!types.has(typeOf(v))) out.push(`${where}.${k}: ${typeOf(v)}, recorded ${[...types].join('|')}`);
    const child = shape.children.get(k);
    if (child) {
      const items = Array.isArray(v)
        ? v.map((x, n) => [x, `${where}.${k}[${n}]`] as const)
        : [[v, `${where}.${k}`] as const];
      for (const [x, w] of items) if (isObject(x)) out.push(...departures(x, child, w, allowed));
    }
  }
  for (const k of shape.required)
    if (!(k in o)) out.push(`${where}.${k}: missing (the recorded server always writes it)`);
  return out;
}

/**
 * Keys a recording cannot show, each with why. `remote_cluster` of 8.19's kibana_system holds
 * only `monitor_stats`, a remote cluster privilege of 8.17+ (see 9.1/cluster.ts), so an 8.15
 * kibana_system has none.
 */
const NOT_IN_LINE: Record<string, { role: string; key: string }[]> = {
  '8.15': [{ role: 'kibana_system', key: 'remote_cluster' }],
};
/** An API-key remote (credentials in the keystore, which the recorder cannot set) also shows this. */
const API_KEY_REMOTE_INFO = new Set(['cluster_credentials']);

describe.each(RECORDINGS)('recorded from $version: the hand-built $line fixture has its shape', (rec) => {
  const fixture = FIXTURES[rec.line].responses;
  const served = (key: string) => asObject(fixture[key]) as Record<string, Obj>;
  const expectNone = (problems: string[]) => expect(problems).toEqual([]);

  it('GET /: the same keys, in the same order, with values of the same types', () => {
    expectNone(departures(fixture[RESPONSE_KEYS.info], shapeOf([rec.responses[RESPONSE_KEYS.info]]), 'GET /'));
  });

  it('roles: every key recorded, in the recorded order, of the recorded type', () => {
    const shape = shapeOf(Object.values(list(rec, RESPONSE_KEYS.roles)));
    expectNone(Object.entries(served(RESPONSE_KEYS.roles)).flatMap(([n, r]) => departures(r, shape, `role ${n}`)));
  });

  it('built-in roles present in both: the same fields, metadata and transient_metadata', () => {
    const { builtIn } = splitList(rec.responses[RESPONSE_KEYS.roles]);
    const gated = NOT_IN_LINE[rec.line] ?? [];
    const both = Object.keys(served(RESPONSE_KEYS.roles)).filter((n) => n in builtIn);
    expect(both.length).toBeGreaterThanOrEqual(3);
    for (const name of both) {
      const handBuilt = served(RESPONSE_KEYS.roles)[name]!;
      const recorded = builtIn[name]!;
      const fields = Object.keys(recorded).filter((k) => !gated.some((g) => g.role === name && g.key === k));
      expect(Object.keys(handBuilt), `role ${name}`).toEqual(fields);
      expect(handBuilt.metadata, `role ${name} metadata`).toEqual(recorded.metadata);
      expect(handBuilt.transient_metadata, `role ${name} transient_metadata`).toEqual(recorded.transient_metadata);
    }
  });

  it('users: every key recorded, in the recorded order, of the recorded type', () => {
    const shape = shapeOf(Object.values(list(rec, RESPONSE_KEYS.users)));
    expectNone(Object.entries(served(RESPONSE_KEYS.users)).flatMap(([n, u]) => departures(u, shape, `user ${n}`)));
  });

  it('reserved users: reserved-users.ts is exactly the recorded built-in users', () => {
    const { builtIn } = splitList(rec.responses[RESPONSE_KEYS.users]);
    expect(reservedUsers()).toEqual(builtIn);
    for (const [name, user] of Object.entries(reservedUsers())) expect(keyPaths(user)).toEqual(keyPaths(builtIn[name]));
  });

  it('role mappings: every key recorded, in the recorded order, of the recorded type; never what the server refused', () => {
    const shape = shapeOf(Object.values(list(rec, RESPONSE_KEYS.roleMappings)));
    const mappings = served(RESPONSE_KEYS.roleMappings);
    expectNone(Object.entries(mappings).flatMap(([n, m]) => departures(m, shape, `role mapping ${n}`)));
    // The recorded 400 for roles and role_templates at once.
    const both = objectPuts(rec, 'role_mapping').find((w) => {
      const b = asObject(w.request_body);
      return b.roles !== undefined && b.role_templates !== undefined;
    });
    expect(both?.status).toBe(400);
    for (const [name, m] of Object.entries(mappings)) {
      expect(m.roles !== undefined && m.role_templates !== undefined, `role mapping ${name}`).toBe(false);
    }
  });

  it('cluster settings: persistent and transient, each remote setting recorded with its type; never a refused scope', () => {
    const recorded = asObject(rec.responses[RESPONSE_KEYS.settings]);
    const settings = fixture[RESPONSE_KEYS.settings];
    const scopes = shapeOf([recorded]);
    scopes.children.clear(); // the setting names are the writer's
    expectNone(departures(settings, scopes, 'settings'));
    for (const scope of [recorded, asObject(settings)].flatMap((s) => Object.values(s))) {
      const keys = Object.keys(asObject(scope));
      expect(keys, 'settings come sorted by name').toEqual([...keys].sort());
    }
    const types = new Map<string, string>();
    for (const scope of Object.values(recorded)) {
      for (const [k, v] of Object.entries(asObject(scope)))
        types.set(k.replace(/^cluster\.remote\.[^.]+\./, ''), typeOf(v));
    }
    const problems: string[] = [];
    for (const [scope, values] of Object.entries(asObject(settings))) {
      for (const [key, v] of Object.entries(asObject(values))) {
        const setting = /^cluster\.remote\.[^.]+\.(.+)$/.exec(key)?.[1];
        const want = setting === undefined ? (Array.isArray(v) ? 'array' : 'string') : types.get(setting);
        if (want === undefined) problems.push(`${scope} ${key}: a remote setting the recording lacks`);
        else if (typeOf(v) !== want) problems.push(`${scope} ${key}: ${typeOf(v)}, recorded ${want}`);
        if (Array.isArray(v) && v.some((x) => typeof x !== 'string')) problems.push(`${scope} ${key}: not strings`);
      }
    }
    expectNone(problems);
    // The recorded 400 for a transient setting without the remote's address in the transient scope.
    const alone = rec.writes.find((w) => w.path === '/_cluster/settings' && w.status === 400);
    if (alone) {
      const transient = asObject(asObject(settings).transient);
      for (const alias of remoteAliases(transient)) {
        const address = [`cluster.remote.${alias}.seeds`, `cluster.remote.${alias}.proxy_address`];
        expect(
          address.some((k) => k in transient),
          `transient ${alias} (refused: ${alone.file})`,
        ).toBe(true);
      }
    }
  });

  it('remote info: each entry has the keys, order and types of the recorded entry of its mode', () => {
    const byMode = new Map<string, unknown[]>();
    for (const info of Object.values(asObject(rec.responses[RESPONSE_KEYS.remoteInfo]))) {
      const mode = String(asObject(info).mode);
      byMode.set(mode, [...(byMode.get(mode) ?? []), info]);
    }
    expect([...byMode.keys()].sort()).toEqual(['proxy', 'sniff']);
    const problems = Object.entries(served(RESPONSE_KEYS.remoteInfo)).flatMap(([alias, info]) => {
      const samples = byMode.get(String(info.mode));
      if (!samples) return [`remote ${alias}: mode ${String(info.mode)} not recorded`];
      return departures(info, shapeOf(samples), `remote ${alias}`, API_KEY_REMOTE_INFO);
    });
    expectNone(problems);
  });
});

// ---------------------------------------------------------------------------------------------
// (c) the real parser on each recorded round

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** The read round as xcluster keys it, from the recording. */
const roundOf = (rec: Recording): Record<string, unknown> =>
  Object.fromEntries(Object.values(RESPONSE_KEYS).map((key) => [key, rec.responses[key]]));

/** The recorder's objects, as a config that wants exactly them would desire them. */
function desiredOf(rec: Recording): Desired[] {
  const source = { file: 'xcluster/clusters/recorded.yml', line: 1, column: 1 };
  const out: Desired[] = [];
  for (const kind of ['role', 'user', 'role_mapping'] as const) {
    for (const [name, w] of splitPuts(objectPuts(rec, kind)).accepted) {
      const { password, ...body } = asObject(w.request_body);
      const secret = password === undefined ? {} : { password: { ref: { env: 'RECORDED_PASSWORD' }, source } };
      out.push(desired(kind, name, body, { cluster: rec.version, source, ...secret }));
    }
  }
  const puts = remotePuts(rec);
  for (const alias of Object.keys(puts.persistent)) {
    const remote = configRemote({ ...puts.persistent[alias], ...puts.transient[alias] }); // transient wins
    out.push(desired('remote_cluster', alias, remote, { cluster: rec.version, source }));
  }
  return out;
}

describe.each(RECORDINGS)('recorded from $version: the real parser reads the round', (rec) => {
  const read = () =>
    readServed(roundOf(rec), {
      cluster: rec.version,
      url: 'https://recorded.example.com:9200',
      auth: null,
      timeoutMs: 5000,
    });
  const info = asObject(rec.responses[RESPONSE_KEYS.info]);

  it('version and minimum wire version as recorded', async () => {
    const state = await read();
    expect(state.reachable).toBe(true);
    expect(state.version).toBe(rec.version);
    expect(state.version).toBe(asObject(info.version).number);
    expect(state.minimumWireVersion).toBe(asObject(info.version).minimum_wire_compatibility_version);
  });

  it("every built-in role and user is reserved, never an object; the recorder's objects are objects", async () => {
    const state = await read();
    const kinds = [
      ['role', RESPONSE_KEYS.roles],
      ['user', RESPONSE_KEYS.users],
      ['role_mapping', RESPONSE_KEYS.roleMappings],
    ] as const;
    for (const [kind, key] of kinds) {
      const { builtIn, own } = splitList(rec.responses[key]);
      expect(state.reserved[kind], kind).toEqual(Object.keys(builtIn).sort());
      expect(Object.keys(state.objects[kind]).sort(), kind).toEqual(Object.keys(own).sort());
      expect(Object.keys(own).sort(), kind).toEqual([...splitPuts(objectPuts(rec, kind)).accepted.keys()].sort());
    }
    expect(state.reserved.role.length).toBeGreaterThan(25);
    expect(state.reserved.user).toContain('elastic');
  });

  it('remotes rebuilt from the flat settings, with the scopes that hold them, and their connection', async () => {
    const state = await read();
    const puts = remotePuts(rec);
    expect(Object.keys(state.objects.remote_cluster).sort()).toEqual(Object.keys(puts.persistent).sort());
    for (const [alias, remote] of Object.entries(state.objects.remote_cluster)) {
      const scopes = (['persistent', 'transient'] as const).filter((s) => puts[s][alias] !== undefined);
      expect(remote.scopes, alias).toEqual(scopes);
      expect(state.remoteInfo[alias]?.connected, alias).toBe(true);
    }
    if (Object.keys(puts.transient).length > 0) {
      // 7.17: the transient skip_unavailable wins over the persistent one, as on the server.
      const [alias, transient] = Object.entries(puts.transient)[0]!;
      expect(state.objects.remote_cluster[alias]!.body.skip_unavailable).toBe(transient.skip_unavailable);
      expect(transient.skip_unavailable).not.toBe(puts.persistent[alias]!.skip_unavailable);
      expect(state.remoteInfo[alias]?.skip_unavailable).toBe(transient.skip_unavailable);
    }
  });

  it('a config of exactly the recorded objects plans to zero changes; one changed privilege plans one update', async () => {
    const state = await read();
    const want = desiredOf(rec);
    const kinds = new Set(want.map((d) => d.kind));
    expect([...kinds].sort()).toEqual(['remote_cluster', 'role', 'role_mapping', 'user'] satisfies Kind[]);
    const { changes, unmanaged } = diffCluster(want, state, false);
    expect(changes).toEqual([]);
    expect(unmanaged.filter((u) => state.reserved[u.kind]?.includes(u.name))).toEqual([]);
    const role = want.find((d) => d.name === 'rec-remote-replication')!;
    const changed = { ...role, body: { ...role.body, cluster: ['manage_ccr', 'monitor'] } };
    const drift = diffCluster([...want.filter((d) => d !== role), changed], state, false).changes;
    expect(drift.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual(['update role rec-remote-replication']);
  });
});
