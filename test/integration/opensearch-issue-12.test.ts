// Issue 12 items 8–13 against a real OpenSearch leader (scripts/opensearch.sh): the bugs a real
// 2.19.4 showed, each as the scenario that showed it. Every object is named xc12-* and deleted at
// the end, so the file also runs against clusters already up (XCLUSTER_OPENSEARCH_EXTERNAL=1).
// TLS is verified against the demo root CA throughout.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyJob, planJob, type ApplyOutcome } from '../../src/job.js';
import { type Finding, type Plan } from '../../src/model/types.js';
import { osRequest, startClusters, type OpenSearchClusters } from './opensearch-cluster.js';

const SECURITY = '/_plugins/_security/api';
const DIR = '.tmp/xcluster-issue-12/xcluster';
const FILE = `${DIR}/clusters/leader.yml`;
const PASSWORDS = { XC12_A_PASSWORD: 'Xcluster-Issue12-Passw0rd!', XC12_WEAK_PASSWORD: 'aaaaaaaaaa' };

let os: OpenSearchClusters | undefined;
const clusters = (): OpenSearchClusters => {
  if (!os) throw new Error('the clusters did not start');
  return os;
};
const admin = () => ({ auth: { user: clusters().adminUser, password: clusters().adminPassword } });
const cert = () => ({ cert: clusters().adminCertFile, key: clusters().adminKeyFile });

/** The leader's cluster file: the connection (with the admin certificate when `withCert`), then `body`. */
function writeConfig(body: string, withCert = false): void {
  const certificate = withCert
    ? '  client_certificate:\n    certificate: { file: ../../opensearch/certs/kirk.pem }\n    key: { file: ../../opensearch/certs/kirk-key.pem }\n'
    : '';
  const connection = `connection:
  flavor: opensearch
  url: https://127.0.0.1:19200
  auth: { username: admin, password: { file: ../../opensearch/admin-password } }
  ca: { file: ../../opensearch/certs/root-ca.pem }
${certificate}`;
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(`${DIR}/clusters`, { recursive: true });
  writeFileSync(FILE, connection + body);
}

const plan = async (): Promise<Plan> => (await planJob({ config: DIR })).plan;
const apply = (confirm: () => Promise<boolean> = () => Promise.resolve(true)): Promise<ApplyOutcome> =>
  applyJob({ config: DIR, confirm, remoteWaitMs: 1000 });
const errorsOf = (p: Plan): Finding[] => p.findings.filter((f) => f.severity === 'error');
const changesOf = (p: Plan) => p.clusters.flatMap((c) => c.changes.map((x) => `${x.action} ${x.kind} ${x.name}`));

/** Each operation of an apply as `kind name: status[: error]`. */
function operationsOf(outcome: ApplyOutcome): string[] {
  if (outcome.status !== 'applied') return [`not applied: ${outcome.status}`];
  return outcome.result.clusters.flatMap((c) =>
    c.operations.map((o) => `${o.change.kind} ${o.change.name}: ${o.status}${o.error ? `: ${o.error}` : ''}`),
  );
}

async function get(path: string): Promise<Record<string, Record<string, unknown>>> {
  const r = await osRequest(clusters().leader, 'GET', path, admin());
  expect(r.status, `GET ${path}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body as Record<string, Record<string, unknown>>;
}

const CLEANUP: [string, string][] = [
  ['internalusers', 'xc12-a'],
  ['internalusers', 'xc12-b'],
  ['rolesmapping', 'xc12-nobody'],
  ['roles', 'xc12-nobody'],
  ['roles', 'xc12-lost'],
  ['roles', 'xc12-dls'],
  ['roles', 'xc12-visible'],
  ['actiongroups', 'xc12-dash'],
];

async function cleanUp(): Promise<void> {
  for (const [kind, name] of CLEANUP)
    await osRequest(clusters().leader, 'DELETE', `${SECURITY}/${kind}/${name}`, admin());
  await osRequest(clusters().leader, 'DELETE', `${SECURITY}/roles/xc12-hidden`, cert());
}

beforeAll(async () => {
  Object.assign(process.env, PASSWORDS);
  os = await startClusters();
  await cleanUp();
}, 600_000);

afterAll(async () => {
  if (os) await cleanUp();
  for (const k of Object.keys(PASSWORDS)) delete process.env[k];
  rmSync('.tmp/xcluster-issue-12', { recursive: true, force: true });
  await os?.stop();
}, 180_000);

describe.sequential('issue 12 on a real OpenSearch leader', () => {
  it('issue 12 item 8: a change made by hand between the plan and the PATCH is not overwritten, and the report names it', async () => {
    const role = (description: string) =>
      `roles:\n  xc12-lost:\n    description: ${description}\n    cluster_permissions: [cluster_monitor]\n`;
    writeConfig(role('first'));
    expect(operationsOf(await apply())).toEqual(['role xc12-lost: done']);
    writeConfig(role('second'));
    const handEdit = async () => {
      // After the plan, before the PATCH: someone changes the role through the API.
      const r = await osRequest(clusters().leader, 'PUT', `${SECURITY}/roles/xc12-lost`, {
        ...admin(),
        body: { cluster_permissions: ['cluster_all'], description: 'edited by hand' },
      });
      expect(r.status).toBe(200);
      return true;
    };
    const outcome = await apply(handEdit);
    expect(operationsOf(outcome)).toEqual([
      'role xc12-lost: failed: xc12-lost changed on the server since the plan (read again before the PATCH): nothing was written; re-run the plan',
    ]);
    expect(outcome.status === 'applied' && outcome.result.clusters[0]!.verified).toBe(false);
    const stored = (await get(`${SECURITY}/roles/xc12-lost`))['xc12-lost']!;
    expect([stored.description, stored.cluster_permissions]).toEqual(['edited by hand', ['cluster_all']]);
  });

  it('issue 12 item 9: a roles mapping with all-empty lists is written (users: []) and then plans empty', async () => {
    writeConfig(
      'roles:\n  xc12-nobody:\n    cluster_permissions: [cluster_monitor]\nroles_mapping:\n  xc12-nobody:\n    users: []\n',
    );
    expect(operationsOf(await apply())).toEqual(['role xc12-nobody: done', 'roles_mapping xc12-nobody: done']);
    const mapping = (await get(`${SECURITY}/rolesmapping/xc12-nobody`))['xc12-nobody']!;
    expect([mapping.users, mapping.backend_roles, mapping.hosts]).toEqual([[], [], []]);
    expect(changesOf(await plan())).toEqual([]);
  });

  it('issue 12 item 10: action group type kibana is an error at plan time (file:line), and apply writes nothing', async () => {
    writeConfig('action_groups:\n  xc12-dash:\n    allowed_actions: [kibana_all_read]\n    type: kibana\n');
    const errors = errorsOf(await plan());
    expect(errors.map((f) => `${f.rule} ${f.source?.file.replace(/^.*\/xcluster\//, '')}:${f.source?.line}`)).toEqual([
      'action-group-type clusters/leader.yml:9',
    ]);
    expect(errors[0]!.message).toContain('and leader runs 2.19.4');
    expect((await apply()).status).toBe('refused');
    const r = await osRequest(clusters().leader, 'GET', `${SECURITY}/actiongroups/xc12-dash`, admin());
    expect(r.status).toBe(404);
  });

  it('issue 12 item 11: a DLS integer above 2^53 round-trips exactly, and a change of it is planned', async () => {
    const role = (n: string) =>
      `roles:\n  xc12-dls:\n    index_permissions:\n      - index_patterns: [accounts]\n        allowed_actions: [read]\n        dls: { term: { account: ${n} } }\n`;
    writeConfig(role('9007199254740993'));
    expect(operationsOf(await apply())).toEqual(['role xc12-dls: done']);
    const stored = (await get(`${SECURITY}/roles/xc12-dls`))['xc12-dls']!;
    const [permission] = stored.index_permissions as { dls: string }[];
    expect(permission!.dls).toBe('{"term":{"account":9007199254740993}}');
    expect(changesOf(await plan())).toEqual([]);
    writeConfig(role('9007199254740995'));
    const p = await plan();
    expect(changesOf(p)).toEqual(['update role xc12-dls']);
    expect(JSON.stringify(p.clusters[0]!.changes[0]!.diff)).toContain('9007199254740995');
  });

  it("issue 12 item 12: one PATCH refused for user B's weak password blames B, not A; when both send one, it says one of A, B", async () => {
    const a = (description: string) =>
      `  xc12-a:\n    password: { env: XC12_A_PASSWORD }\n    description: ${description}\n`;
    const b = '  xc12-b:\n    password: { env: XC12_WEAK_PASSWORD }\n';
    // Both new, both with a password: the answer ("Weak password") does not say whose.
    writeConfig(`internal_users:\n${a('first')}${b}`);
    const guess =
      '400 Bad Request: Weak password (about one of xc12-a, xc12-b; one PATCH for 2 objects: none was applied)';
    expect(operationsOf(await apply())).toEqual([
      `internal_user xc12-a: failed: ${guess}`,
      `internal_user xc12-b: failed: ${guess}`,
    ]);
    expect((await osRequest(clusters().leader, 'GET', `${SECURITY}/internalusers/xc12-a`, admin())).status).toBe(404);
    // A exists; its update sends no password, so only B's can be weak.
    writeConfig(`internal_users:\n${a('first')}`);
    expect(operationsOf(await apply())).toEqual(['internal_user xc12-a: done']);
    writeConfig(`internal_users:\n${a('second')}${b}`);
    expect(operationsOf(await apply())).toEqual([
      'internal_user xc12-a: failed: not applied: the server refused the PATCH it shared with xc12-b (one PATCH for 2 objects: none was applied): 400 Bad Request: Weak password',
      'internal_user xc12-b: failed: 400 Bad Request: Weak password (one PATCH for 2 objects: none was applied)',
    ]);
    const stored = (await get(`${SECURITY}/internalusers/xc12-a`))['xc12-a']!;
    expect(stored.description).toBe('first');
  });

  describe.sequential('issue 12 item 13: a hidden role (made with the admin certificate)', () => {
    const ROLES =
      'roles:\n  xc12-visible:\n    cluster_permissions: [cluster_monitor]\n  xc12-hidden:\n    cluster_permissions: [cluster_monitor]\n';

    beforeAll(async () => {
      const r = await osRequest(clusters().leader, 'PUT', `${SECURITY}/roles/xc12-hidden`, {
        ...cert(),
        body: { cluster_permissions: ['cluster_monitor'], hidden: true },
      });
      expect(r.status).toBe(201);
    });

    it('issue 12 item 13: read with the admin certificate, a configured hidden name is an error finding at plan time, not a create', async () => {
      writeConfig(ROLES, true);
      const p = await plan();
      expect(errorsOf(p).map((f) => `${f.rule} ${f.source?.line}`)).toEqual(['hidden-object 12']);
      expect(changesOf(p)).toEqual(['create role xc12-visible']);
      expect((await apply()).status).toBe('refused');
      const hidden = await osRequest(clusters().leader, 'GET', `${SECURITY}/roles/xc12-hidden`, cert());
      expect((hidden.body as Record<string, { hidden: boolean }>)['xc12-hidden']!.hidden).toBe(true);
    });

    it('issue 12 item 13: without the certificate the REST API hides it; the apply error says so and names it', async () => {
      writeConfig(ROLES);
      expect(changesOf(await plan())).toEqual(['create role xc12-visible', 'create role xc12-hidden']);
      const ops = operationsOf(await apply());
      expect(ops[0]).toMatch(
        /^role xc12-visible: failed: not applied: the server refused the PATCH it shared with xc12-hidden /,
      );
      expect(ops[1]).toContain("role xc12-hidden: failed: 404 Not Found: Resource 'xc12-hidden' is not available.");
      expect(ops[1]).toContain('xc12-hidden exists on the server as a hidden object');
    });
  });
});
