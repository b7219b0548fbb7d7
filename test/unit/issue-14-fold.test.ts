// Issue 14: the comment a reviewer understands in ten seconds. What changes is above the fold
// (one line per changed object, deletion and unreachable warnings), the noise is cut (unmanaged
// objects counted per cluster, listed only in that cluster's details, the server's built-in and
// demo objects never), and the topology graph draws each cluster once, unreachable ones as such.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/drift/plan.js';
import { planJob, readStates } from '../../src/job.js';
import { normalize } from '../../src/flavors/opensearch-canonical.js';
import { type Change, type ClusterPlan, type Config, type Desired, type Plan } from '../../src/model/types.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { desired, liveState, src } from './helpers/model.js';

const OS_CONFIG = 'examples/ccr-opensearch/xcluster';
const OS_LIVE = 'examples/ccr-opensearch/live';

function change(cluster: string, action: Change['action'], name: string, extra: Partial<Change> = {}): Change {
  return { cluster, action, kind: 'role', name, diff: [], body: {}, ...extra };
}

function clusterPlan(name: string, changes: Change[], extra: Partial<ClusterPlan> = {}): ClusterPlan {
  return { name, flavor: 'elasticsearch', version: '8.15.0', reachable: true, changes, unmanaged: [], ...extra };
}

/** The markdown above the first cluster's details: what a cut comment always keeps. */
const aboveDetails = (md: string): string => md.slice(0, md.indexOf('<details>'));

describe('issue 14: what changes, above the fold', () => {
  it('one line per changed object per cluster after the summary line: sign, kind and name, cluster, source, intent', () => {
    const plan: Plan = {
      clusters: [
        clusterPlan('east', [
          change('east', 'update', 'remote-search', { source: src(19, 'xcluster/intents.yml'), intent: 'logs' }),
        ]),
        clusterPlan('west', [
          change('west', 'create', 'ops', { source: src(4) }),
          change('west', 'update', 'shared', { source: src(9, 'xcluster/intents.yml'), intent: 'logs, orders' }),
        ]),
      ],
      findings: [],
    };
    const md = renderMarkdown(plan);
    expect(md.split('\n').slice(0, 8)).toEqual([
      '**Plan: 1 to create, 2 to update, 0 to delete**',
      '',
      '```diff',
      '! role remote-search — east — xcluster/intents.yml:19 (intent logs)',
      '+ role ops — west — xcluster/clusters/west.yml:4',
      '! role shared — west — xcluster/intents.yml:9 (intents logs, orders)',
      '```',
      '',
    ]);
    // The details stay, after the table, the findings and the graph.
    expect(md.indexOf('<details>')).toBeGreaterThan(md.indexOf('| cluster |'));
  });

  it('caps the list at 30 lines, then says how many more there are', () => {
    const changes = Array.from({ length: 42 }, (_, i) => change('west', 'create', `role-${i}`, { source: src(i + 1) }));
    const lines = renderMarkdown({ clusters: [clusterPlan('west', changes)], findings: [] }).split('\n');
    const open = lines.indexOf('```diff');
    const close = lines.indexOf('```', open);
    expect(close - open - 1).toBe(30);
    expect(lines[open + 1]).toBe('+ role role-0 — west — xcluster/clusters/west.yml:1');
    expect(lines[close - 1]).toBe('+ role role-29 — west — xcluster/clusters/west.yml:30');
    expect(lines[close + 2]).toBe("and 12 more: every change is in its cluster's section below.");
    // All 42 are in the cluster's details.
    expect(lines.filter((l) => l.startsWith('+ role role-') && l.includes('  ('))).toHaveLength(42);
  });

  it('names nothing when nothing changes', () => {
    const md = renderMarkdown({ clusters: [clusterPlan('west', [])], findings: [] });
    expect(aboveDetails(md)).not.toContain('```diff');
    expect(md).not.toContain('[!WARNING]');
  });

  it('a pull request plan tells its own changes from the drift already on the clusters', () => {
    const plan: Plan = {
      clusters: [
        clusterPlan('east', [
          change('east', 'create', 'mine', { source: src(3), origin: 'pull_request' }),
          change('east', 'update', 'hand-edited', { source: src(8), origin: 'drift' }),
        ]),
      ],
      findings: [],
    };
    const top = aboveDetails(renderMarkdown(plan));
    expect(top).toContain(
      [
        '**This pull request**',
        '',
        '```diff',
        '+ role mine — east — xcluster/clusters/west.yml:3',
        '```',
        '',
        '**Drift already on the cluster** (any apply reverts it)',
        '',
        '```diff',
        '! role hand-edited — east — xcluster/clusters/west.yml:8',
        '```',
      ].join('\n'),
    );
  });

  it('warns when the plan deletes anything, naming the objects', () => {
    const plan: Plan = {
      clusters: [
        clusterPlan('west', [change('west', 'delete', 'old'), change('west', 'delete', 'bob', { kind: 'user' })]),
      ],
      findings: [],
    };
    const md = renderMarkdown(plan);
    expect(md).toContain(
      ['> [!WARNING]', '> **This plan deletes 2 objects:** `role old` on west, `user bob` on west', ''].join('\n'),
    );
    expect(md.indexOf('[!WARNING]')).toBeLessThan(md.indexOf('```diff'));
    expect(renderText(plan).split('\n')[2]).toBe(
      'Warning: This plan deletes 2 objects: role old on west, user bob on west',
    );
  });

  it('warns when a cluster could not be read: its changes are unknown, not none', () => {
    const plan: Plan = {
      clusters: [
        clusterPlan('west', []),
        clusterPlan('east', [], { reachable: false, error: 'connection refused (ECONNREFUSED)' }),
      ],
      findings: [],
    };
    const md = renderMarkdown(plan);
    expect(md).toContain(
      ['> [!CAUTION]', '> 1 cluster could not be read: east — its changes are unknown', ''].join('\n'),
    );
    expect(md).toContain('| east | elasticsearch 8.15.0 | ? | ? | 0 | **no**: connection refused (ECONNREFUSED) |');
    expect(renderText(plan)).toContain('Warning: 1 cluster could not be read: east — its changes are unknown');
    plan.clusters[0] = { ...plan.clusters[0]!, reachable: false };
    expect(renderMarkdown(plan)).toContain('> 2 clusters could not be read: west, east — their changes are unknown');
  });
});

describe('issue 14: unmanaged objects, counted per cluster and listed only in its details', () => {
  const many = Array.from({ length: 25 }, (_, i) => ({ kind: 'role' as const, name: `theirs-${i}` }));
  const plan = (): Plan => ({ clusters: [clusterPlan('west', [], { unmanaged: many })], findings: [] });

  it('the table counts them; the summary line does not', () => {
    const md = renderMarkdown(plan());
    expect(md.split('\n')[0]).toBe('**Plan: 0 to create, 0 to update, 0 to delete**');
    expect(md).toContain('| cluster | flavor | changes | unmanaged | findings | reachable |');
    expect(md).toContain('| west | elasticsearch 8.15.0 | 0 | 25 | 0 | yes |');
    expect(aboveDetails(md)).not.toContain('theirs-');
    expect(renderText(plan()).split('\n')[0]).toBe('Plan: 0 to create, 0 to update, 0 to delete');
    // The JSON plan keeps the count and the list (format_version 1).
    const json = JSON.parse(renderJson(plan()));
    expect(json.summary.unmanaged).toBe(25);
    expect(json.clusters[0].unmanaged).toHaveLength(25);
  });

  it("the cluster's details name the first 20, then how many more", () => {
    const names = many.slice(0, 20).map((u) => `\`role ${u.name}\``);
    expect(renderMarkdown(plan())).toContain(`Unmanaged (left alone): ${[...names, 'and 5 more'].join(', ')}`);
    const text = many.slice(0, 20).map((u) => `role ${u.name}`);
    expect(renderText(plan())).toContain(`  unmanaged (left alone, 25): ${[...text, 'and 5 more'].join(', ')}`);
  });
});

describe('issue 14: the server built-in and demo objects are never listed nor counted', () => {
  const tmp: string[] = [];
  afterEach(() => {
    for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('issue 14 acceptance 3: the OpenSearch example summary line has no unmanaged count from built-in objects', async () => {
    const { plan } = await planJob({ config: OS_CONFIG, fromSnapshot: OS_LIVE });
    expect(renderMarkdown(plan).split('\n')[0]).toBe('**Plan: 1 to create, 1 to update, 0 to delete**');
    expect(renderText(plan).split('\n')[0]).toBe('Plan: 1 to create, 1 to update, 0 to delete');
    // What is left unmanaged is the operator's own role alone: no demo user, no demo mapping.
    expect(plan.clusters.map((c) => [c.name, c.unmanaged])).toEqual([
      ['follower', [{ kind: 'role', name: 'dashboards-readers' }]],
      ['leader', []],
    ]);
    expect(JSON.parse(renderJson(plan)).summary.unmanaged).toBe(1);
    const md = renderMarkdown(plan);
    for (const demo of [
      'anomalyadmin',
      'kibanaro',
      'logstash',
      'readall',
      'snapshotrestore',
      'all_access',
      'own_index',
    ]) {
      expect(md).not.toContain(demo);
    }
  });

  /** The example's snapshots, with `edit` applied to the leader's answers. */
  function editedSnapshots(edit: (responses: Record<string, Record<string, Record<string, unknown>>>) => void) {
    const dir = mkdtempSync(path.join(tmpdir(), 'xcluster-demo-'));
    tmp.push(dir);
    for (const name of ['leader', 'follower']) {
      const snapshot = JSON.parse(readFileSync(`${OS_LIVE}/${name}.json`, 'utf8'));
      if (name === 'leader') edit(snapshot.responses);
      writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(snapshot));
    }
    return dir;
  }

  const leaderUnmanaged = async (dir: string) =>
    (await planJob({ config: OS_CONFIG, fromSnapshot: dir })).plan.clusters.find((c) => c.name === 'leader')!.unmanaged;

  it('a demo object someone edited is theirs, and listed', async () => {
    const dir = editedSnapshots((r) => {
      r['GET /_plugins/_security/api/internalusers']!.readall!.backend_roles = ['readall', 'ops'];
      r['GET /_plugins/_security/api/rolesmapping']!.all_access!.users = ['jane'];
    });
    expect(await leaderUnmanaged(dir)).toEqual([
      { kind: 'roles_mapping', name: 'all_access' },
      { kind: 'internal_user', name: 'readall' },
    ]);
  });

  it('a demo name reused for something else is listed; the unedited demo objects are not', async () => {
    const dir = editedSnapshots((r) => {
      r['GET /_plugins/_security/api/internalusers']!.logstash!.description = 'our log shipper';
    });
    expect(await leaderUnmanaged(dir)).toEqual([{ kind: 'internal_user', name: 'logstash' }]);
  });

  it('a demo object the config names is planned like any other', async () => {
    const opts = { config: OS_CONFIG, fromSnapshot: OS_LIVE };
    const { config } = await planJob(opts);
    const wanted: Desired = {
      cluster: 'leader',
      kind: 'roles_mapping',
      name: 'readall',
      body: normalize('roles_mapping', { backend_roles: ['readall', 'auditors'] }),
      source: src(40, 'xcluster/clusters/leader.yml'),
    };
    const withDemo: Config = { ...config, desired: [...config.desired, wanted] };
    const leader = buildPlan(withDemo, await readStates(withDemo, opts)).clusters.find((c) => c.name === 'leader')!;
    expect(leader.changes.map((c) => [c.action, c.kind, c.name])).toContainEqual([
      'update',
      'roles_mapping',
      'readall',
    ]);
  });

  it('no Elasticsearch built-in leaks into unmanaged in examples/ccr', async () => {
    const { plan } = await planJob({ config: 'examples/ccr/xcluster', fromSnapshot: 'examples/ccr/live' });
    expect(plan.clusters.map((c) => [c.name, c.unmanaged])).toEqual([
      ['east', [{ kind: 'role', name: 'kibana-analyst' }]],
      ['west', [{ kind: 'user', name: 'jane' }]],
    ]);
  });
});

describe('issue 14: the topology graph', () => {
  function estate(): Plan {
    const config: Config = {
      dir: 'xcluster',
      clusters: [],
      transports: {
        'eu-west': 'euw1.example.com:9300',
        eu_west: 'euw2.example.com:9300',
        east: 'east.example.com:9300',
      },
      desired: [
        desired(
          'remote_cluster',
          'east',
          { seeds: ['east.example.com:9300'] },
          { cluster: 'eu_west', linkedCluster: 'east' },
        ),
      ],
    };
    const euWest = liveState(
      // An alias that is no cluster's name, dialing eu_west's transport address.
      { remote_cluster: { backup: { body: { seeds: ['euw2.example.com:9300'] } } } },
      { name: 'eu-west' },
    );
    const eu_west = liveState({}, { name: 'eu_west' });
    const east = liveState({}, { name: 'east', reachable: false, error: 'connection refused' });
    return buildPlan(config, [euWest, eu_west, east]);
  }

  it('issue 14 acceptance 4: eu-west and eu_west are two nodes, an unreachable cluster is drawn as such, an alias dialing a known transport points at that cluster', () => {
    const md = renderMarkdown(estate());
    const start = md.indexOf('```mermaid');
    expect(md.slice(start, md.indexOf('```\n', start + 3) + 3)).toBe(
      [
        '```mermaid',
        'graph LR',
        '  c_east["east (unreachable)"]:::unreachable',
        '  c_eu_2d_west["eu-west"]',
        '  c_eu_5f_west["eu_west"]',
        '  c_eu_5f_west -->|"east (new)"| c_east',
        '  c_eu_2d_west -->|"backup"| c_eu_5f_west',
        '  classDef unreachable stroke-dasharray: 5 5,color:#888',
        '```',
      ].join('\n'),
    );
  });

  it('is left out when it would have one node', () => {
    const config: Config = {
      dir: 'xcluster',
      clusters: [],
      transports: { west: 'west.example.com:9300' },
      desired: [],
    };
    const west = liveState({ remote_cluster: { self: { body: { seeds: ['west.example.com:9300'] } } } });
    const plan = buildPlan(config, [west]);
    expect(plan.topology).toEqual([{ from: 'west', to: 'west', alias: 'self', state: 'unchanged' }]);
    expect(renderMarkdown(plan)).not.toContain('mermaid');
  });

  it('a label cannot carry a mermaid directive', () => {
    const plan: Plan = {
      clusters: [],
      findings: [],
      topology: [{ from: 'west', to: 'east', alias: "%%{init: {'theme':'dark'}}%%", state: 'unchanged' }],
    };
    const md = renderMarkdown(plan);
    expect(md).toContain(`  c_west -->|"#37;#37;{init: {'theme':'dark'}}#37;#37;"| c_east`);
    expect(md).not.toContain('%%');
  });
});
