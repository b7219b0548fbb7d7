// What the cross-cluster rules ask of the configuration: which cluster connects to which, which
// roles exist where, and whether a role grants what one side of CCR or CCS needs. Pure helpers,
// shared by the rule families; no rule lives here.

import { grants, OPENSEARCH_FLAVOR, type SideNeeds } from '../model/cross-cluster.js';
import { clusterAt } from '../model/remote-address.js';
import {
  type Canonical,
  type ClusterState,
  type Config,
  type Desired,
  type Finding,
  type Intent,
  type Kind,
  type Severity,
  type SourceRef,
} from '../model/types.js';

export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);

/** One entry of a role's `indices` or `remote_indices`. */
export interface IndexEntry {
  names: string[];
  privileges: string[];
  /** Remote cluster aliases (`remote_indices` only). */
  clusters: string[];
}

export function entries(body: Canonical, field: 'indices' | 'remote_indices' = 'indices'): IndexEntry[] {
  const list = Array.isArray(body[field]) ? body[field] : [];
  return list.flatMap((e) =>
    e !== null && typeof e === 'object' && !Array.isArray(e)
      ? [{ names: strings(e.names), privileges: strings(e.privileges), clusters: strings(e.clusters) }]
      : [],
  );
}

/** Index-name patterns as Elasticsearch reads them in roles: `*` any run of characters, `?` one. */
export function matches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}

/** The clusters whose objects this run knows (the selected ones): a rule never guesses about the others. */
export const isLoaded = (config: Config, cluster: string): boolean => config.clusters.some((c) => c.name === cluster);

/** The live state of `cluster` when the rules can judge it: read, and reachable. */
export const readableState = (live: readonly ClusterState[], cluster: string): ClusterState | undefined =>
  live.find((s) => s.name === cluster && s.reachable);

export const flavorOf = (config: Config, cluster: string): string | undefined =>
  config.clusters.find((c) => c.name === cluster)?.connection.flavor;

export const find = (config: Config, cluster: string, kind: Kind, name: string): Desired | undefined =>
  config.desired.find((d) => d.cluster === cluster && d.kind === kind && d.name === name);

export const ofKind = (config: Config, kind: Kind): Desired[] => config.desired.filter((d) => d.kind === kind);

/** A remote connection between two clusters of the estate: `local` reaches `remote` under `alias`. */
export interface RemoteLink {
  local: string;
  alias: string;
  remote: string;
  /** The desired remote connection. */
  desired: Desired;
}

/** The cluster a desired remote points at: its `cluster:` link, else the cluster whose transport it seeds. */
export function targetOf(config: Config, d: Desired): string | undefined {
  return d.linkedCluster ?? clusterAt(config.transports, d.body);
}

export function remoteLinks(config: Config): RemoteLink[] {
  return ofKind(config, 'remote_cluster').flatMap((d) => {
    const remote = targetOf(config, d);
    return remote ? [{ local: d.cluster, alias: d.name, remote, desired: d }] : [];
  });
}

/** What a role lacks of one side's needs, on each of `indices` (or, unknown indices, on its best entry). */
export function lacks(role: Canonical, needs: SideNeeds, indices?: string[]): string[] {
  const cluster = strings(role.cluster);
  const missing = needs.cluster.filter((p) => !grants('cluster', cluster, p));
  const all = entries(role);
  const short = (privileges: string[]) => needs.index.filter((p) => !grants('index', privileges, p));
  if (needs.index.length === 0) return missing;
  if (!indices) {
    // Hand-written roles do not say which index is the leader or follower: one entry must do.
    const best = all.map((e) => short(e.privileges)).sort((a, b) => a.length - b.length)[0] ?? [...needs.index];
    return [...missing, ...best.map((p) => `${p} (on an index)`)];
  }
  for (const index of indices) {
    const covering = all.filter((e) => e.names.some((n) => matches(n, index))).flatMap((e) => e.privileges);
    missing.push(...short(covering).map((p) => `${p} on ${index}`));
  }
  return missing;
}

/** "manage_ccr, and monitor, read on the follower index": what a side needs, in words. */
export const wanted = (needs: SideNeeds, where: string): string =>
  [needs.cluster.join(', '), needs.index.length ? `${needs.index.join(', ')} on ${where}` : '']
    .filter(Boolean)
    .join(', and ');

export function finding(
  rule: { id: string; severity: Severity },
  cluster: string,
  message: string,
  source?: SourceRef,
  severity: Severity = rule.severity,
): Finding {
  return { severity, rule: rule.id, cluster, message, ...(source ? { source } : {}) };
}

/** Role names the local side's users hold for a remote cluster, in the certificate model. */
export interface Pair {
  kind: 'replication' | 'search';
  local: string;
  remote: string;
  role: string;
  /** Known when the pair comes from an intent. */
  localIndices?: string[];
  remoteIndices?: string[];
  intent?: Intent;
}

/** A follower role written by hand, certificate model: it grants what only CCR followers need. */
export const isFollowerRole = (body: Canonical): boolean =>
  strings(body.cluster).includes('manage_ccr') ||
  entries(body).some((e) => e.privileges.includes('manage_follow_index'));

/** A follower role of the API key model: it reaches the leader through `remote_indices`. */
export const isApiKeyFollowerRole = (body: Canonical): boolean =>
  entries(body, 'remote_indices').some((e) => e.privileges.includes('cross_cluster_replication'));

const isEmptyRole = (body: Canonical): boolean => Object.keys(body).length === 0;

/**
 * Certificate-model pairs: a role of the local cluster whose same-named role on the remote cluster
 * authorizes the local users' requests there. From intents (with their indices), and from
 * hand-written roles across a remote connection: a CCR follower role, or an empty role (the CCS
 * local role of seed 002), when the remote cluster has a role of the same name.
 */
export function certificatePairs(config: Config): Pair[] {
  const fromIntents: Pair[] = (config.intents ?? [])
    .filter(
      (i) => i.security === 'certificate' && i.role !== undefined && flavorOf(config, i.local) !== OPENSEARCH_FLAVOR,
    )
    .map((i) => ({
      kind: i.kind,
      local: i.local,
      remote: i.remote,
      role: i.role!,
      localIndices: i.localIndices,
      remoteIndices: i.remoteIndices,
      intent: i,
    }));
  const fromRoles = remoteLinks(config).flatMap((link) =>
    ofKind(config, 'role')
      .filter((r) => r.cluster === link.local && !r.intent && find(config, link.remote, 'role', r.name))
      .flatMap((r): Pair[] => {
        if (isFollowerRole(r.body) && !isApiKeyFollowerRole(r.body))
          return [{ kind: 'replication', ...sides(link, r) }];
        return isEmptyRole(r.body) ? [{ kind: 'search', ...sides(link, r) }] : [];
      }),
  );
  return [...fromIntents, ...fromRoles];
}

const sides = (link: RemoteLink, role: Desired) => ({ local: link.local, remote: link.remote, role: role.name });

/** Users of `cluster` holding `role`. */
export const holders = (config: Config, cluster: string, role: string): Desired[] =>
  ofKind(config, 'user').filter((u) => u.cluster === cluster && strings(u.body.roles).includes(role));
