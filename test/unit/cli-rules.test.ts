// ACCEPTANCE (issue 6): "`xcluster lint` runs the rules that need no cluster; `xcluster plan` runs
// all of them; error findings make the exit code 1." The clusters are recorded snapshots in the
// exact shape Elasticsearch 9.1 returns (helpers/es-shapes.ts), planned with --from-snapshot.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clusterFile, writeConfigDir } from './helpers/config-dir.js';
import { clusterResponses, flatRemoteSettings, serverRole } from './helpers/es-shapes.js';
import { xcluster } from './helpers/cli.js';

const LEADER = `roles:
  remote-replication:
    cluster: [read_ccr]
    indices:
      - names: [leader-index]
        privileges: [monitor, read]
`;
const follower = (clusterPrivilege: string) => `roles:
  remote-replication:
    cluster: [${clusterPrivilege}]
    indices:
      - names: [follower-index]
        privileges: [monitor, read, write, manage_follow_index]
remote_clusters:
  east:
    cluster: east
    seeds: [east.example.com:9300]
`;

/** A 9.1 cluster holding the roles and remotes of the config: only the live-only rules can object. */
function snapshots(dir: string): string {
  const out = path.join(path.dirname(dir), 'live');
  mkdirSync(out, { recursive: true });
  const write = (cluster: string, responses: Record<string, unknown>) =>
    writeFileSync(
      path.join(out, `${cluster}.json`),
      JSON.stringify({ format_version: 1, cluster, flavor: 'elasticsearch', responses }),
    );
  const role = (body: Record<string, unknown>) => ({ 'remote-replication': serverRole('9.1', body) });
  write('east', clusterResponses('9.1', { roles: role({ cluster: ['read_ccr'], indices: [] }) }));
  write(
    'west',
    clusterResponses('9.1', {
      roles: role({ cluster: ['manage_ccr'] }),
      persistent: flatRemoteSettings('east', { seeds: ['east.example.com:9300'] }),
    }),
  );
  return out;
}

let config: string;
const setUp = (clusterPrivilege: string) => {
  config = writeConfigDir({
    'clusters/east.yml': clusterFile('east', LEADER),
    'clusters/west.yml': clusterFile('west', follower(clusterPrivilege)),
  });
};

beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.enableNetConnect());

describe('xcluster lint and plan run the rules', () => {
  it('lint runs the offline rules only, without contacting a cluster; an error finding exits 1', async () => {
    setUp('mange_ccr');
    const r = await xcluster('lint', '--config', config, '--format', 'json');
    const rules = JSON.parse(r.stdout).findings.map((f: { rule: string }) => f.rule);
    expect(rules).toContain('unknown-privilege');
    expect(rules).not.toContain('remote-cert-auth-deprecated');
    expect(r.code).toBe(1);
  });

  it('plan runs every rule, live ones included; an error finding exits 1', async () => {
    setUp('mange_ccr');
    const r = await xcluster('plan', '--config', config, '--from-snapshot', snapshots(config), '--format', 'json');
    const findings = JSON.parse(r.stdout).findings as { rule: string; severity: string; source: string }[];
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'unknown-privilege', severity: 'error' }),
        expect.objectContaining({ rule: 'remote-cert-auth-deprecated', severity: 'warning' }),
      ]),
    );
    expect(findings.find((f) => f.rule === 'unknown-privilege')!.source).toMatch(/clusters\/west\.yml:8$/);
    expect(r.code).toBe(1);
  });

  it('warnings alone do not fail: lint and plan exit 0 once the error is fixed', async () => {
    setUp('manage_ccr');
    expect((await xcluster('lint', '--config', config)).code).toBe(0);
    const r = await xcluster('plan', '--config', config, '--from-snapshot', snapshots(config));
    expect(r.stdout).toContain('warning remote-cert-auth-deprecated');
    expect(r.code).toBe(0);
  });

  it('the plan marks objects expanded from an intent, in text and JSON', async () => {
    config = writeConfigDir({
      'clusters/east.yml': clusterFile('east'),
      'clusters/west.yml': clusterFile('west'),
      'intents.yml': `replication:
  - name: orders
    security: certificate
    leader: { cluster: east, indices: [leader-index] }
    follower: { cluster: west, indices: [follower-index] }
    role: remote-replication
    user: { name: cross-cluster-user }
`,
    });
    const live = snapshots(config);
    const text = await xcluster('plan', '--config', config, '--from-snapshot', live);
    expect(text.stdout).toMatch(/~ role remote-replication {2}\(.*xcluster\/intents\.yml:2, from intent orders\)/);
    const json = JSON.parse(
      (await xcluster('plan', '--config', config, '--from-snapshot', live, '--format', 'json')).stdout,
    );
    const west = json.clusters.find((c: { name: string }) => c.name === 'west');
    expect(west.changes).toContainEqual(
      expect.objectContaining({ action: 'create', kind: 'user', name: 'cross-cluster-user', intent: 'orders' }),
    );
  });
});
