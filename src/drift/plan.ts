// From desired + live state to the plan: per-cluster ordered changes, unmanaged objects, and
// the rules' findings. Pure.

import { diffCluster } from './diff.js';
import { toNameMap } from '../model/names.js';
import { clusterAt } from '../model/remote-address.js';
import { runRules, type RuleContext } from '../rules/index.js';
import {
  KIND_ORDER,
  type Canonical,
  type Change,
  type ClusterPlan,
  type ClusterState,
  type Config,
  type Link,
  type LiveObject,
  type Plan,
} from '../model/types.js';

const rank = (c: Change): number => {
  const k = KIND_ORDER.indexOf(c.kind);
  // Deletions go last and in reverse: users before the roles they use, roles before remotes.
  return c.action === 'delete' ? 2 * KIND_ORDER.length - k : k;
};

/** Creates and updates in dependency order (remotes, roles, role mappings, users), then deletions in reverse. */
export function orderChanges(changes: Change[]): Change[] {
  return changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map(({ c }) => c);
}

/**
 * Remote-cluster settings carry no metadata, so they cannot carry the ownership marker. A remote
 * counts as xcluster's when it points at a cluster of the estate (its seeds or proxy address are
 * the `transport` address of a cluster file): a connection between clusters we manage. A remote
 * to anything else is never pruned.
 */
function withRemoteOwnership(state: ClusterState, transports: Record<string, string>): ClusterState {
  const remotes = Object.entries(state.objects.remote_cluster).map(([alias, obj]): [string, LiveObject] => {
    return [alias, { ...obj, managed: obj.managed || clusterAt(transports, obj.body) !== undefined }];
  });
  return { ...state, objects: { ...state.objects, remote_cluster: toNameMap(remotes) } };
}

/** The plan of one cluster from its live state. */
export function planCluster(config: Config, state: ClusterState): ClusterPlan {
  const base = { name: state.name, flavor: state.flavor, version: state.version, reachable: state.reachable };
  if (!state.reachable) return { ...base, error: state.error, changes: [], unmanaged: [] };
  const cluster = config.clusters.find((c) => c.name === state.name);
  const desired = config.desired.filter((d) => d.cluster === state.name);
  const owned = withRemoteOwnership(state, config.transports);
  const { changes, unmanaged } = diffCluster(desired, owned, cluster?.prune ?? false);
  return { ...base, changes: orderChanges(changes), unmanaged };
}

/**
 * Remote connections, desired and live, with what the plan does to each. A connection points at
 * the cluster its `cluster:` link names, else at the cluster whose transport address it dials,
 * else (outside the estate, or no transport known) at a node named after its alias.
 */
export function topology(config: Config, states: ClusterState[], clusters: ClusterPlan[]): Link[] {
  const links = new Map<string, Link>();
  const key = (from: string, alias: string) => `${from}\u0000${alias}`;
  const target = (alias: string, body: Canonical, linked?: string): string =>
    linked ?? clusterAt(config.transports, body) ?? alias;
  for (const d of config.desired.filter((x) => x.kind === 'remote_cluster')) {
    const to = target(d.name, d.body, d.linkedCluster);
    links.set(key(d.cluster, d.name), { from: d.cluster, to, alias: d.name, state: 'unchanged' });
  }
  for (const s of states) {
    for (const [alias, live] of Object.entries(s.objects.remote_cluster)) {
      if (!links.has(key(s.name, alias)))
        links.set(key(s.name, alias), { from: s.name, to: target(alias, live.body), alias, state: 'unchanged' });
    }
  }
  for (const c of clusters.flatMap((p) => p.changes).filter((c) => c.kind === 'remote_cluster')) {
    const link = links.get(key(c.cluster, c.name));
    if (link) link.state = c.action;
  }
  for (const link of links.values()) {
    const info = states.find((s) => s.name === link.from)?.remoteInfo[link.alias];
    if (info) link.connected = info.connected;
  }
  return [...links.values()];
}

/** The plan of every cluster read, with every rule's findings. */
export function buildPlan(config: Config, states: ClusterState[]): Plan {
  const clusters = states.map((s) => planCluster(config, s));
  const ctx: RuleContext = { config, live: states, changes: clusters.flatMap((c) => c.changes) };
  return { clusters, findings: runRules(ctx), topology: topology(config, states, clusters) };
}

/** Findings of the rules that need no cluster: what `xcluster lint` reports. */
export function lintOnly(config: Config): Plan {
  return { clusters: [], findings: runRules({ config }) };
}
