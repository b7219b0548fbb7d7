// The least privileges xcluster's own identity needs on real Elasticsearch (README, "Security"):
// a plan identity that can read but not write, and an apply identity that can do both, each
// shown to be enough (the plan reads every cluster; the apply converges) and the plan identity
// shown to be unable to write.

import { afterAll, describe, expect, it } from 'vitest';
import {
  apply,
  changesOf,
  connection,
  es,
  esEstate,
  esOk,
  expectApplied,
  findingsOf,
  plan,
  remove,
  writeConfig,
  type EsName,
} from './elasticsearch-cluster.js';

const MAJORS: EsName[] = ['es7', 'es8', 'es9'];
const PASSWORD = 'it-least-privilege-Passw0rd';
process.env.XC_IT_LEAST_PASSWORD = PASSWORD;

/** The role bodies the README documents. 7.17 has no read_security: reading roles needs manage_security there. */
const PLAN_ROLE = (c: EsName) => ({ cluster: [c === 'es7' ? 'manage_security' : 'read_security', 'monitor'] });
const APPLY_ROLE = { cluster: ['manage_security', 'manage'] };

const IDENTITIES = { plan: 'it-xcluster-plan', apply: 'it-xcluster-apply' } as const;

afterAll(async () => {
  for (const c of MAJORS) {
    await remove(c, 'user', Object.values(IDENTITIES));
    await remove(c, 'role', [...Object.values(IDENTITIES), 'it-least-reader']);
    await esOk(c, 'PUT', '/_cluster/settings', { persistent: { 'cluster.remote.it-least.*': null } });
  }
});

async function identity(c: EsName, name: string, role: unknown): Promise<Record<string, unknown>> {
  await esOk(c, 'PUT', `/_security/role/${name}`, role);
  await esOk(c, 'PUT', `/_security/user/${name}`, { password: PASSWORD, roles: [name] });
  return { ...connection(c), auth: { username: name, password: { env: 'XC_IT_LEAST_PASSWORD' } } };
}

const desired = (c: EsName, conn: Record<string, unknown>) =>
  writeConfig(`least-${c}-${String((conn.auth as { username: string }).username)}`, {
    [c]: {
      connection: conn,
      roles: { 'it-least-reader': { cluster: ['monitor'], indices: [{ names: ['logs-*'], privileges: ['read'] }] } },
      // The remote points at the cluster's own transport, so that the apply's verification sees it connect.
      remote_clusters: { 'it-least': { seeds: [esEstate().clusters[c].transport] } },
    },
  });

describe.each(MAJORS)('%s: the least privileges of xcluster’s identity', (c) => {
  it('the plan identity reads the cluster (every read of the round) and cannot write', async () => {
    const conn = await identity(c, IDENTITIES.plan, PLAN_ROLE(c));
    const p = await plan(desired(c, conn));
    expect(p.clusters.map((x) => [x.name, x.reachable])).toEqual([[c, true]]);
    expect(findingsOf(p)).toEqual([]);
    expect(
      changesOf(p)
        .map((x) => `${x.action} ${x.kind} ${x.name}`)
        .sort(),
    ).toEqual(['create remote_cluster it-least', 'create role it-least-reader']);
    // No write: the cluster settings (remotes) are out of reach; on 8.x/9.x roles are too.
    const settings = await es(
      c,
      'PUT',
      '/_cluster/settings',
      { persistent: { 'cluster.remote.it-least.seeds': [esEstate().clusters[c].transport] } },
      { user: IDENTITIES.plan, password: PASSWORD },
    );
    expect(settings.status).toBe(403);
    if (c !== 'es7') {
      const role = await es(
        c,
        'PUT',
        '/_security/role/it-least-reader',
        { cluster: ['monitor'] },
        { user: IDENTITIES.plan, password: PASSWORD },
      );
      expect(role.status).toBe(403);
    }
  });

  it('the apply identity applies and verifies; the plan identity then plans empty', async () => {
    const applier = await identity(c, IDENTITIES.apply, APPLY_ROLE);
    expectApplied(await apply(desired(c, applier)));
    const planner = await identity(c, IDENTITIES.plan, PLAN_ROLE(c));
    expect(changesOf(await plan(desired(c, planner)))).toEqual([]);
  });

  it('an identity with monitor only is reported unreachable with the server’s reason, never planned', async () => {
    const conn = await identity(c, IDENTITIES.plan, { cluster: ['monitor'] });
    const p = await plan(desired(c, conn));
    const [state] = p.clusters;
    expect(state!.reachable).toBe(false);
    expect(JSON.stringify(p)).toMatch(/403|security_exception|unauthorized/i);
  });
});
