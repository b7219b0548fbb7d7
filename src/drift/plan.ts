// From desired + live state to the plan: per-cluster ordered changes, unmanaged objects, and
// the rules' findings. Pure.

import { diffCluster } from './diff.js';
import { runRules, type RuleContext } from '../rules/index.js';
import {
  KIND_ORDER,
  type Change,
  type ClusterPlan,
  type ClusterState,
  type Config,
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
  const estate = new Set(Object.values(transports));
  const remotes = Object.entries(state.objects.remote_cluster).map(([alias, obj]) => {
    const seeds = obj.body.seeds;
    const addresses = [...(Array.isArray(seeds) ? seeds : []), obj.body.proxy_address];
    return [alias, { ...obj, managed: obj.managed || addresses.some((a) => typeof a === 'string' && estate.has(a)) }];
  });
  return { ...state, objects: { ...state.objects, remote_cluster: Object.fromEntries(remotes) } };
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

/** The plan of every cluster read, with every rule's findings. */
export function buildPlan(config: Config, states: ClusterState[]): Plan {
  const clusters = states.map((s) => planCluster(config, s));
  const ctx: RuleContext = { config, live: states, changes: clusters.flatMap((c) => c.changes) };
  return { clusters, findings: runRules(ctx) };
}

/** Findings of the rules that need no cluster: what `xcluster lint` reports. */
export function lintOnly(config: Config): Plan {
  return { clusters: [], findings: runRules({ config }) };
}
