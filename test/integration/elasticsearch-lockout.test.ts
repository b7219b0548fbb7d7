// Issue 11, finding 8, against a real Elasticsearch 8.19 (scripts/elasticsearch.sh): xcluster
// connected as a native user whose only manage_security comes from one role. A config that takes
// manage_security out of that role is an error (self-lockout), apply is refused and writes
// nothing, and the user still reads the security APIs afterwards.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyJob } from '../../src/job.js';
import { connection, es, esOk, plan, remove, writeConfig } from './elasticsearch-cluster.js';

const OPS_USER = 'xc-it-lockout-ops';
const OPS_ROLE = 'xc-it-lockout-security';
const PASSWORD_ENV = 'XC_IT_LOCKOUT_PASSWORD';
/** A constant of this test, set for the run only. */
const PASSWORD = 'lockout-ops-Passw0rd-long';

/** A config for es8 connected as the ops user, with role `OPS_ROLE` given `cluster`. */
function configWith(id: string, cluster: string[]): string {
  return writeConfig(id, {
    es8: {
      connection: { ...connection('es8'), auth: { username: OPS_USER, password: { env: PASSWORD_ENV } } },
      roles: { [OPS_ROLE]: { cluster } },
    },
  });
}

const asOps = { user: OPS_USER, password: PASSWORD };

beforeAll(async () => {
  process.env[PASSWORD_ENV] = PASSWORD;
  await esOk('es8', 'PUT', `/_security/role/${OPS_ROLE}`, { cluster: ['manage_security', 'monitor'] });
  await esOk('es8', 'PUT', `/_security/user/${OPS_USER}`, { password: PASSWORD, roles: [OPS_ROLE] });
});

afterAll(async () => {
  await remove('es8', 'user', [OPS_USER]);
  await remove('es8', 'role', [OPS_ROLE]);
  delete process.env[PASSWORD_ENV];
});

describe.sequential('es8: issue 11 finding 8, self-lockout', () => {
  it('issue 11 finding 8: the read round reports who xcluster is: the native user and its role', async () => {
    const me = await es('es8', 'GET', '/_security/_authenticate', undefined, asOps);
    expect(me.body).toMatchObject({ username: OPS_USER, roles: [OPS_ROLE], authentication_realm: { type: 'native' } });
  });

  it("issue 11 finding 8: removing manage_security from the connection user's role: error, apply refused, access kept", async () => {
    const config = configWith('lockout', ['monitor']);
    const p = await plan(config);
    expect(p.clusters[0]).toMatchObject({ reachable: true });
    const lockouts = p.findings.filter((f) => f.rule === 'self-lockout');
    expect(lockouts).toEqual([expect.objectContaining({ severity: 'error', cluster: 'es8' })]);
    expect(lockouts[0]!.message).toContain(
      `the update of role ${OPS_ROLE} takes away the access xcluster connects to es8 with`,
    );
    expect(lockouts[0]!.message).toContain(`user ${OPS_USER} (native realm default_native)`);

    const outcome = await applyJob({ config, confirm: () => Promise.resolve(true) });
    expect(outcome.status).toBe('refused');
    const role = (await esOk('es8', 'GET', `/_security/role/${OPS_ROLE}`)) as Record<string, { cluster: string[] }>;
    expect(role[OPS_ROLE]!.cluster.sort()).toEqual(['manage_security', 'monitor']);
    expect((await es('es8', 'GET', '/_security/role', undefined, asOps)).status).toBe(200);
  });

  it('issue 11 finding 8: keeping manage_security (or all) is no finding', async () => {
    for (const cluster of [['manage_security'], ['all']]) {
      const p = await plan(configWith('kept', cluster));
      expect(
        p.findings.filter((f) => f.rule === 'self-lockout'),
        cluster.join(),
      ).toEqual([]);
    }
  });
});
