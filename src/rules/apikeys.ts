// The API key security model (Elasticsearch), seed 001: the leader grants the follower a
// cross-cluster API key, and a user's effective access to the leader is the intersection of its
// role's `remote_indices` and what that key grants. Cross-cluster API keys are not managed by
// xcluster yet: what a key must grant is stated by the intents that need it.

import { CCR_API_KEY_REMOTE_INDEX } from '../model/cross-cluster.js';
import { type Config, type Finding, type Intent } from '../model/types.js';
import { entries, finding, matches, ofKind } from './estate.js';
import { type Rule } from './rule.js';

type Access = 'replication' | 'search';

/** What the key behind one remote alias of one cluster grants, by access type. */
interface Grant {
  local: string;
  alias: string;
  remote: string;
  access: Record<Access, string[]>;
}

/** The keys the API key intents need, one per (local cluster, alias). */
function grants(config: Config): Grant[] {
  const byAlias = new Map<string, Grant>();
  for (const i of (config.intents ?? []).filter((x) => x.security === 'api_key')) {
    const k = `${i.local}\u0000${i.alias}`;
    const g = byAlias.get(k) ?? {
      local: i.local,
      alias: i.alias,
      remote: i.remote,
      access: { replication: [], search: [] },
    };
    g.access[i.kind === 'replication' ? 'replication' : 'search'].push(...i.remoteIndices);
    byAlias.set(k, g);
  }
  return [...byAlias.values()];
}

/** cross_cluster_replication needs the key's `replication` access; every other privilege its `search` access. */
const accessOf = (privilege: string): Access =>
  CCR_API_KEY_REMOTE_INDEX.includes(privilege) || privilege === 'cross_cluster_replication_internal'
    ? 'replication'
    : 'search';

const apiKeyRequired: Rule = {
  id: 'api-key-required',
  severity: 'info',
  description:
    'An intent uses API key security: the leader must grant the follower a cross-cluster API key (not managed by xcluster yet); create it.',
  needsLive: false,
  check({ config }) {
    return (config.intents ?? [])
      .filter((i: Intent) => i.security === 'api_key')
      .map((i) => {
        const access = `access.${i.kind}: [{ names: [${i.remoteIndices.join(', ')}] }]`;
        const message = `intent ${i.name} uses API key security: ${i.remote} must grant ${i.local} a cross-cluster API key with ${access}, stored in ${i.local}'s keystore as cluster.remote.${i.alias}.credentials, and the remote ${i.alias} must point at ${i.remote}'s remote cluster server port (xcluster does not manage these yet)`;
        return finding(this, i.remote, message, i.source);
      });
  },
};

const coversRemoteIndices: Rule = {
  id: 'api-key-covers-remote-indices',
  severity: 'error',
  description:
    "A role's remote_indices for an API key remote ask for more than the leader's cross-cluster API key grants (effective access is the intersection); widen the key or narrow the role.",
  needsLive: false,
  check({ config }) {
    const keys = grants(config);
    return ofKind(config, 'role').flatMap((role): Finding[] =>
      entries(role.body, 'remote_indices').flatMap((entry) =>
        keys
          .filter((g) => g.local === role.cluster && entry.clusters.some((c) => matches(c, g.alias)))
          .flatMap((g): Finding[] => {
            const beyond = entry.privileges.flatMap((p) =>
              entry.names
                .filter((n) => !g.access[accessOf(p)].some((granted) => matches(granted, n)))
                .map((n) => `${p} on ${n}`),
            );
            if (beyond.length === 0) return [];
            const granted = (['replication', 'search'] as const)
              .filter((a) => g.access[a].length > 0)
              .map((a) => `${a} of [${g.access[a].join(', ')}]`);
            const message = `role ${role.name} on ${role.cluster} asks ${g.alias} for ${[...new Set(beyond)].join(', ')}, but the cross-cluster API key ${g.remote} grants covers only ${granted.join(' and ') || 'nothing'}; effective access is the intersection: widen the intents' indices or narrow the role`;
            return [finding(this, role.cluster, message, role.source)];
          }),
      ),
    );
  },
};

export const apiKeyRules: Rule[] = [apiKeyRequired, coversRemoteIndices];
