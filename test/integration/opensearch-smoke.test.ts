// Smoke test of the two real OpenSearch clusters: both answer over TLS verified against the demo
// root CA, and the follower connects to the leader as a remote cluster over transport TLS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osRequest, startClusters, type OpenSearchClusters } from './opensearch-cluster.js';

let os: OpenSearchClusters | undefined;

beforeAll(async () => {
  os = await startClusters();
}, 600_000);

afterAll(async () => {
  await os?.stop();
}, 180_000);

function clusters(): OpenSearchClusters {
  if (!os) throw new Error('the clusters did not start');
  return os;
}

const admin = () => ({ user: clusters().adminUser, password: clusters().adminPassword });

describe('two real OpenSearch clusters', () => {
  it('answer GET / over TLS verified against the demo root CA', async () => {
    const c = clusters();
    for (const [name, ep] of [
      ['leader', c.leader],
      ['follower', c.follower],
    ] as const) {
      const r = await osRequest(ep, 'GET', '/', { auth: admin() });
      expect(r.status).toBe(200);
      const body = r.body as { cluster_name: string; version: { distribution: string; number: string } };
      expect(body.cluster_name).toBe(`xcluster-${name}`);
      expect(body.version.distribution).toBe('opensearch');
      expect(body.version.number).toBe(c.version);
    }
  });

  it('refuses the connection when the demo CA is not trusted (verification is on)', async () => {
    await expect(osRequest(clusters().leader, 'GET', '/', { auth: admin(), ca: null })).rejects.toThrow(/certificate/i);
  });

  it('has the predefined replication roles, reserved', async () => {
    const r = await osRequest(clusters().leader, 'GET', '/_plugins/_security/api/roles', { auth: admin() });
    expect(r.status).toBe(200);
    const roles = r.body as Record<string, { reserved: boolean }>;
    expect(roles.cross_cluster_replication_leader_full_access?.reserved).toBe(true);
    expect(roles.cross_cluster_replication_follower_full_access?.reserved).toBe(true);
  });

  it('connects the follower to the leader as a remote cluster', async () => {
    const c = clusters();
    const put = await osRequest(c.follower, 'PUT', '/_cluster/settings', {
      auth: admin(),
      body: { persistent: { 'cluster.remote.leader.seeds': [c.leader.transport] } },
    });
    expect(put.status).toBe(200);
    let info: Record<string, { connected?: boolean; seeds?: string[] }> = {};
    for (let i = 0; i < 60; i++) {
      const r = await osRequest(c.follower, 'GET', '/_remote/info', { auth: admin() });
      info = r.body as typeof info;
      if (info.leader?.connected) break;
      await new Promise((res) => setTimeout(res, 1000));
    }
    expect(info.leader).toMatchObject({ connected: true, seeds: [c.leader.transport] });
    // A cross-cluster search goes through for real: follower -> leader over transport TLS.
    const doc = await osRequest(c.leader, 'PUT', '/xcluster-smoke/_doc/1?refresh=true', {
      auth: admin(),
      body: { msg: 'hello from the leader' },
    });
    expect(doc.status).toBe(201);
    const search = await osRequest(c.follower, 'GET', '/leader:xcluster-smoke/_search', { auth: admin() });
    expect(search.status).toBe(200);
    const hits = (search.body as { hits: { hits: { _index: string; _source: unknown }[] } }).hits.hits;
    expect(hits).toEqual([
      expect.objectContaining({ _index: 'leader:xcluster-smoke', _source: { msg: 'hello from the leader' } }),
    ]);
  });
});
