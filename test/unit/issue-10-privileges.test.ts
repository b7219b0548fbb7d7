// Issue 10 bug 7: privilege names were a list written from documentation, wrong both ways and
// blind to the version (`none` and `read_connector_secrets` refused; `manage_reindex`,
// `read_view_metadata` passed; 8.x names passed for 7.17). Now: the cluster's own list
// (GET /_security/privilege/_builtin), else the list recorded from a real server of its line.

import { existsSync, readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildPlan, lintOnly } from '../../src/drift/plan.js';
import { elasticsearch, RESPONSE_KEYS } from '../../src/flavors/elasticsearch.js';
import { type ClusterState, type Config, type Finding } from '../../src/model/types.js';
import { ELASTICSEARCH_PRIVILEGES } from '../../src/rules/privilege-names.js';
import { recordedFor } from '../../src/rules/privileges.js';
import { FIXTURES } from '../fixtures/elasticsearch/index.js';
import { clusterFile, loadFiles } from './helpers/config-dir.js';
import { connection, serveCluster, URL_WEST } from './helpers/es-nock.js';
import { liveState } from './helpers/model.js';

const role = (cluster: string[], index: string[]) =>
  clusterFile(
    'west',
    `roles:\n  r:\n    cluster: [${cluster.join(', ')}]\n    indices:\n      - names: [logs-*]\n        privileges: [${index.join(', ')}]\n`,
  );

const unknownPrivilege = (findings: Finding[]) => findings.filter((f) => f.rule === 'unknown-privilege');

function inSync(config: Config, extra: Partial<ClusterState>): ClusterState {
  const state = liveState({}, { name: 'west', ...extra });
  for (const d of config.desired) state.objects[d.kind][d.name] = { body: d.body, managed: true };
  return state;
}

const lint = (file: string) => unknownPrivilege(lintOnly(loadFiles({ 'clusters/west.yml': file })).findings);
function plan(file: string, live: Partial<ClusterState>): Finding[] {
  const config = loadFiles({ 'clusters/west.yml': file });
  return unknownPrivilege(buildPlan(config, [inSync(config, live)]).findings);
}

describe('issue 10 bug 7: privilege names by version', () => {
  it('`none` is a cluster and an index privilege on every version', () => {
    const file = role(['none'], ['none']);
    expect(lint(file)).toEqual([]);
    for (const version of ['7.17.25', '8.19.5', '9.1.5']) expect(plan(file, { version })).toEqual([]);
  });

  it('read_connector_secrets passes for 8.19 and 9.1, and is an error for 7.17 that names the versions having it', () => {
    const file = role(['read_connector_secrets'], ['read']);
    expect(plan(file, { version: '8.19.5' })).toEqual([]);
    expect(plan(file, { version: '9.1.5' })).toEqual([]);
    const [on7] = plan(file, { version: '7.17.25' });
    expect(on7).toMatchObject({ severity: 'error', source: { file: expect.stringContaining('west.yml') } });
    expect(on7!.message).toContain(
      'cluster privilege "read_connector_secrets" is unknown to Elasticsearch 7.17.25; it exists in 8.19.5, 9.1.5',
    );
  });

  it('names every tested server refuses are errors, offline and live', () => {
    const file = role(['manage_reindex'], ['read_view_metadata']);
    for (const found of [lint(file), plan(file, { version: '9.1.5' })]) {
      expect(found).toHaveLength(1);
      expect(found[0]!.message).toContain('unknown cluster privilege "manage_reindex"');
      expect(found[0]!.message).toContain('unknown index privilege "read_view_metadata"');
    }
  });

  it('8.x names are errors against a 7.17 cluster (read_security, manage_inference, read_failure_store)', () => {
    const found = plan(role(['read_security', 'manage_inference'], ['read_failure_store']), { version: '7.17.25' });
    expect(found).toHaveLength(1);
    for (const name of ['read_security', 'manage_inference', 'read_failure_store'])
      expect(found[0]!.message).toContain(`"${name}" is unknown to Elasticsearch 7.17.25`);
  });

  it("a reachable cluster's own list wins over the recorded one", () => {
    const own = { cluster: ['all', 'manage_future_thing'], index: ['read'], remoteCluster: [] };
    const file = role(['manage_future_thing'], ['read']);
    expect(plan(file, { version: '9.1.5', builtinPrivileges: own })).toEqual([]);
    const [refused] = plan(role(['manage_ccr'], ['read']), { version: '9.1.5', builtinPrivileges: own });
    expect(refused!.message).toContain('"manage_ccr" is unknown to Elasticsearch 9.1.5 (its own list)');
  });

  it('an unrecorded version uses its nearest recorded line, and says so', () => {
    expect(recordedFor('8.15.3')?.recordedFrom).toBe('8.19.5');
    expect(recordedFor('9.3.0')?.recordedFrom).toBe('9.1.5');
    expect(recordedFor('7.10.2')?.recordedFrom).toBe('7.17.25');
    expect(recordedFor('6.8.0')).toBeUndefined();
    const [f] = plan(role(['manage_reindex'], ['read']), { version: '8.15.3' });
    expect(f!.message).toContain('unknown cluster privilege "manage_reindex"');
  });
});

describe('issue 10 bug 7: the recorded lists are the real servers’ answers', () => {
  for (const [line, recorded] of Object.entries(ELASTICSEARCH_PRIVILEGES)) {
    const file = `test/fixtures/elasticsearch/${recorded.recordedFrom}/GET__security_privilege__builtin.json`;
    it(`${line}: equals ${file}`, () => {
      expect(existsSync(file)).toBe(true);
      const answer = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
      expect(recorded.cluster).toEqual(answer.cluster);
      expect(recorded.index).toEqual(answer.index);
      expect(recorded.remoteCluster).toEqual(answer.remote_cluster ?? []);
    });
  }
});

describe('issue 10 bug 7: the read round asks the cluster for its list', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  const builtin = { cluster: ['all', 'monitor'], index: ['read'], remote_cluster: ['monitor_enrich'] };

  it('keeps the answer and parses it into the live state', async () => {
    serveCluster({ ...FIXTURES['9.1'].responses, [RESPONSE_KEYS.builtinPrivileges]: builtin });
    const snapshot = await elasticsearch.read(connection());
    expect(snapshot.responses[RESPONSE_KEYS.builtinPrivileges]).toEqual(builtin);
    expect(elasticsearch.parse(snapshot).builtinPrivileges).toEqual({
      cluster: ['all', 'monitor'],
      index: ['read'],
      remoteCluster: ['monitor_enrich'],
    });
  });

  it('a server that refuses the list is still read; the state has no list, so the recorded one applies', async () => {
    const { [RESPONSE_KEYS.builtinPrivileges]: _, ...withoutList } = FIXTURES['9.1'].responses;
    serveCluster(withoutList);
    nock(URL_WEST).get('/_security/privilege/_builtin').reply(403, { error: 'forbidden' });
    const snapshot = await elasticsearch.read(connection());
    const state = elasticsearch.parse(snapshot);
    expect(state.reachable).toBe(true);
    expect(state.builtinPrivileges).toBeUndefined();
  });

  it('a malformed list is ignored, never trusted', () => {
    const snapshot = {
      format_version: 1 as const,
      cluster: 'west',
      flavor: 'elasticsearch' as const,
      responses: { ...FIXTURES['9.1'].responses, [RESPONSE_KEYS.builtinPrivileges]: { cluster: 'all', index: [1] } },
    };
    expect(elasticsearch.parse(snapshot).builtinPrivileges).toBeUndefined();
  });
});
