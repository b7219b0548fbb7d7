// Issue 10 bug 7 against real Elasticsearch 7.17, 8.19 and 9.1: the unknown-privilege rule judges
// a role by the privilege names its own server lists (GET /_security/privilege/_builtin), and
// what it says agrees with what the server does with the role. Before the fix, `none` and
// `read_connector_secrets` were plan errors and `manage_reindex` passed to fail at apply.

import { afterAll, describe, expect, it } from 'vitest';
import { converge, es, findingsOf, plan, remove, writeConfig, type EsName } from './elasticsearch-cluster.js';

const MAJORS: EsName[] = ['es7', 'es8', 'es9'];
const ROLE = 'it-privileges';
afterAll(async () => {
  for (const c of MAJORS) await remove(c, 'role', [ROLE]);
});

const role = (cluster: string[], index: string[]) => ({
  cluster,
  indices: [{ names: ['it-privileges-*'], privileges: index }],
});
const unknownPrivilege = (findings: string[]) => findings.filter((f) => f.startsWith('unknown-privilege'));

/** What the real server answers to a PUT of the role: its status (the role is removed again). */
async function serverTakes(c: EsName, body: unknown): Promise<number> {
  const { status } = await es(c, 'PUT', `/_security/role/${ROLE}`, body);
  await remove(c, 'role', [ROLE]);
  return status;
}

describe.each(MAJORS)('%s: privilege names are the server’s own', (c) => {
  it('`none` as a cluster and an index privilege: planned without error, applied, planned empty', async () => {
    const body = role(['none'], ['none']);
    expect(await serverTakes(c, body)).toBe(200);
    await converge(writeConfig(`privileges-none-${c}`, { [c]: { roles: { [ROLE]: body } } }));
  });

  it('manage_reindex and read_view_metadata: refused by the server, and a plan error', async () => {
    const body = role(['manage_reindex'], ['read_view_metadata']);
    expect(await serverTakes(c, body)).toBe(400);
    const found = unknownPrivilege(
      findingsOf(await plan(writeConfig(`privileges-bad-${c}`, { [c]: { roles: { [ROLE]: body } } }))),
    );
    expect(found).toEqual([expect.stringContaining('unknown cluster privilege "manage_reindex"')]);
    expect(found[0]).toContain('unknown index privilege "read_view_metadata"');
  });

  it('read_connector_secrets: what the server does (7.17 refuses it, 8.19 and 9.1 take it) is what the plan says', async () => {
    const body = role(['read_connector_secrets'], ['read']);
    const status = await serverTakes(c, body);
    const config = writeConfig(`privileges-connector-${c}`, { [c]: { roles: { [ROLE]: body } } });
    if (c === 'es7') {
      expect(status).toBe(400);
      const found = unknownPrivilege(findingsOf(await plan(config)));
      expect(found).toEqual([
        expect.stringContaining('"read_connector_secrets" is unknown to Elasticsearch 7.17.25 (its own list)'),
      ]);
    } else {
      expect(status).toBe(200);
      await converge(config);
    }
  });
});
