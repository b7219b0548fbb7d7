// What each side of cross-cluster replication (CCR) and cross-cluster search (CCS) needs, as the
// seed documents state it. One place, read by the intents (config/intents.ts expands them into
// roles) and by the rules (rules/ccr.ts, rules/ccs.ts check hand-written roles against them).
//
// Elasticsearch, certificate model: seed 000 and 001 ("Configure privileges for cross-cluster
// replication"), seed 002/004 ("Configure roles and users for remote clusters").
// Elasticsearch, API key model: seed 001. OpenSearch: seed 003.

/** Privileges of one side: cluster privileges, and index privileges on that side's indices. */
export interface SideNeeds {
  cluster: readonly string[];
  index: readonly string[];
}

/** CCR, certificate model, on the leader (remote) cluster: read_ccr; monitor and read on the leader index. */
export const CCR_LEADER: SideNeeds = { cluster: ['read_ccr'], index: ['monitor', 'read'] };

/** CCR, certificate model, on the follower (local) cluster. */
export const CCR_FOLLOWER: SideNeeds = {
  cluster: ['manage_ccr'],
  index: ['monitor', 'read', 'write', 'manage_follow_index'],
};

/**
 * CCR, API key model, on the follower: manage_ccr, and `remote_indices` with this privilege on the
 * leader indices for the remote's alias. The leader grants the rest through its cross-cluster API key.
 */
export const CCR_API_KEY_FOLLOWER: SideNeeds = { cluster: ['manage_ccr'], index: [] };
export const CCR_API_KEY_REMOTE_INDEX: readonly string[] = ['cross_cluster_replication'];

/** CCS on the remote cluster: read and read_cross_cluster on the target indices. */
export const CCS_REMOTE: SideNeeds = { cluster: [], index: ['read', 'read_cross_cluster'] };
/** CCS on the local cluster: the role only has to exist; its privileges can be empty. */
export const CCS_LOCAL: SideNeeds = { cluster: [], index: [] };

/** CCS for Kibana users, remote side: read_cross_cluster, read and view_index_metadata. */
export const CCS_KIBANA_REMOTE: SideNeeds = {
  cluster: [],
  index: ['read_cross_cluster', 'read', 'view_index_metadata'],
};
/** CCS for Kibana users, local side: read and view_index_metadata on the same index patterns. */
export const CCS_KIBANA_LOCAL: SideNeeds = { cluster: [], index: ['read', 'view_index_metadata'] };

/** The flavor name of OpenSearch clusters (`connection.flavor`). */
export const OPENSEARCH_FLAVOR = 'opensearch';

/** OpenSearch CCR: the security plugin's predefined roles (seed 003, "Basic permissions"). */
export const OPENSEARCH_CCR_ROLES = {
  leader: 'cross_cluster_replication_leader_full_access',
  follower: 'cross_cluster_replication_follower_full_access',
} as const;

/**
 * Privileges that include others, so that `all` on an index satisfies "needs read". Only the
 * inclusions the CCR/CCS checks meet are listed; each is from the Elasticsearch privileges page
 * (`manage` "All monitor privileges plus …"; `manage_ccr` covers the read-only CCR operations).
 */
const INCLUDES: Record<'cluster' | 'index', Record<string, readonly string[]>> = {
  cluster: { manage_ccr: ['read_ccr'] },
  index: { manage: ['monitor'] },
};

/** Whether a set of granted privileges includes `needed`. */
export function grants(family: 'cluster' | 'index', granted: readonly string[], needed: string): boolean {
  return granted.some((g) => g === 'all' || g === needed || (INCLUDES[family][g] ?? []).includes(needed));
}
