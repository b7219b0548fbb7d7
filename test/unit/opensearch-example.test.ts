// examples/ccr-opensearch against its snapshots, recorded from two real OpenSearch 2.19.4
// clusters by scripts/opensearch/record-example.sh (`xcluster apply` of the example, drift made by
// hand through the API, then `xcluster snapshot`). What `npm run demo:opensearch` shows.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planJob } from '../../src/job.js';
import { type Plan } from '../../src/model/types.js';

const CONFIG = 'examples/ccr-opensearch/xcluster';
const LIVE = 'examples/ccr-opensearch/live';

const plan = async (): Promise<Plan> => (await planJob({ config: CONFIG, fromSnapshot: LIVE })).plan;
const summary = (p: Plan): string[] =>
  p.clusters.flatMap((c) => c.changes.map((x) => `${c.name} ${x.action} ${x.kind} ${x.name}`)).sort();

describe('examples/ccr-opensearch (snapshots of real OpenSearch 2.19.4 clusters)', () => {
  it('plans exactly the drift the recording made by hand, with no finding', async () => {
    const p = await plan();
    expect(p.clusters.map((c) => [c.name, c.flavor, c.version, c.reachable])).toEqual([
      ['follower', 'opensearch', '2.19.4', true],
      ['leader', 'opensearch', '2.19.4', true],
    ]);
    expect(summary(p)).toEqual(['follower create roles_mapping logs-search', 'leader update role logs-search']);
    const update = p.clusters.find((c) => c.name === 'leader')!.changes[0]!;
    expect(update.diff).toEqual([
      {
        path: ['cluster_permissions'],
        before: ['cluster_composite_ops_ro', 'cluster_monitor'],
        after: ['cluster_monitor'],
      },
    ]);
    expect(p.findings).toEqual([]);
  });

  it('everything else the example names is in sync: intent objects, nodes_dn, the remote, markers invisible', async () => {
    const p = await plan();
    const follower = p.clusters.find((c) => c.name === 'follower')!;
    // The operator's own role is left alone, and none of the server's built-ins is listed.
    expect(follower.unmanaged).toContainEqual({ kind: 'role', name: 'dashboards-readers' });
    expect(follower.unmanaged).not.toContainEqual(expect.objectContaining({ name: 'admin' }));
    expect(follower.unmanaged).not.toContainEqual(
      expect.objectContaining({ name: 'cross_cluster_replication_follower_full_access' }),
    );
  });

  it('the snapshots hold no password and no hash', () => {
    for (const cluster of ['leader', 'follower']) {
      const text = readFileSync(`${LIVE}/${cluster}.json`, 'utf8');
      expect(text).not.toMatch(/"password"/);
      expect(text.match(/"hash": "[^"]+"/g)).toBeNull();
    }
  });
});
