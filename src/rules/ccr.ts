// Cross-cluster replication (Elasticsearch), seeds 000–002: with certificate security the leader
// authorizes the follower's requests by role *name*, so the follower's CCR role needs a role of
// the same name on the leader, and each side needs its own privileges.

import { CCR_API_KEY_FOLLOWER, CCR_FOLLOWER, CCR_LEADER, type SideNeeds } from '../model/cross-cluster.js';
import { type Config, type Desired, type Finding } from '../model/types.js';
import {
  certificatePairs,
  find,
  finding,
  flavorOf,
  isApiKeyFollowerRole,
  isFollowerRole,
  isLoaded,
  lacks,
  ofKind,
  remoteLinks,
  wanted,
} from './estate.js';
import { type Rule } from './rule.js';

const list = (xs: readonly string[]): string => xs.join(', ');

/** Elasticsearch roles of the selected clusters (OpenSearch roles have another shape). */
const elasticsearchRoles = (config: Config): Desired[] =>
  ofKind(config, 'role').filter((r) => flavorOf(config, r.cluster) === 'elasticsearch');

const roleNamesMatch: Rule = {
  id: 'ccr-role-names-match',
  severity: 'error',
  description:
    'A CCR follower role has no role of the same name on the leader cluster (certificate security authorizes by role name); add that role to the leader.',
  needsLive: false,
  check({ config }) {
    const findings: Finding[] = [];
    for (const role of elasticsearchRoles(config)) {
      if (role.intent || !isFollowerRole(role.body) || isApiKeyFollowerRole(role.body)) continue;
      const leaders = remoteLinks(config)
        .filter((l) => l.local === role.cluster && isLoaded(config, l.remote))
        .map((l) => l.remote);
      if (leaders.length === 0 || leaders.some((c) => find(config, c, 'role', role.name))) continue;
      const message =
        `role ${role.name} on ${role.cluster} grants cross-cluster replication, but none of the clusters it ` +
        `connects to (${list(leaders)}) has a role named ${role.name}: with certificate security the leader ` +
        `authorizes by role name; add role ${role.name} to the leader's cluster file (read_ccr, and monitor + read on the leader index)`;
      findings.push(finding(this, role.cluster, message, role.source));
    }
    // Intents expand both roles; one is missing only if a cluster file failed to get it.
    for (const p of certificatePairs(config).filter((x) => x.intent && x.kind === 'replication')) {
      if (!isLoaded(config, p.remote) || find(config, p.remote, 'role', p.role)) continue;
      const message = `intent ${p.intent!.name} needs role ${p.role} on ${p.remote}, the leader; it is missing`;
      findings.push(finding(this, p.remote, message, p.intent!.source));
    }
    return findings;
  },
};

function privilegeFinding(rule: Rule, side: string, role: Desired, needs: SideNeeds, indices?: string[]) {
  const missing = lacks(role.body, needs, indices);
  if (missing.length === 0) return [];
  const message = `role ${role.name} on ${role.cluster} is the ${side} side of cross-cluster replication and lacks ${list(missing)}; grant ${wanted(needs, `the ${side} index`)}`;
  return [finding(rule, role.cluster, message, role.source)];
}

const leaderPrivileges: Rule = {
  id: 'ccr-leader-privileges',
  severity: 'error',
  description: 'A CCR role on the leader cluster lacks read_ccr, or monitor and read on the leader index; grant them.',
  needsLive: false,
  check({ config }) {
    const seen = new Set<string>();
    return certificatePairs(config)
      .filter((p) => p.kind === 'replication')
      .flatMap((p) => {
        const role = find(config, p.remote, 'role', p.role);
        // A leader role reached by two followers is checked once (with the indices of an intent if any).
        const key = `${p.remote}\u0000${p.role}\u0000${(p.remoteIndices ?? []).join(',')}`;
        if (!role || seen.has(key)) return [];
        seen.add(key);
        return privilegeFinding(this, 'leader', role, CCR_LEADER, p.remoteIndices);
      });
  },
};

const followerPrivileges: Rule = {
  id: 'ccr-follower-privileges',
  severity: 'error',
  description:
    'A CCR role on the follower cluster lacks manage_ccr, or monitor, read, write and manage_follow_index on the follower index; grant them.',
  needsLive: false,
  check({ config }) {
    const fromIntents = (config.intents ?? []).filter((i) => i.kind === 'replication' && i.role !== undefined);
    const intentRoles = fromIntents.flatMap((i) => {
      const role = find(config, i.local, 'role', i.role!);
      if (!role || flavorOf(config, i.local) !== 'elasticsearch') return [];
      const needs = i.security === 'api_key' ? CCR_API_KEY_FOLLOWER : CCR_FOLLOWER;
      return privilegeFinding(this, 'follower', role, needs, i.security === 'api_key' ? undefined : i.localIndices);
    });
    const handWritten = elasticsearchRoles(config)
      .filter((r) => !r.intent && (isFollowerRole(r.body) || isApiKeyFollowerRole(r.body)))
      .flatMap((r) => {
        // The API key model needs no privilege on a local index (seed 001): manage_ccr is the check.
        const needs = isApiKeyFollowerRole(r.body) ? CCR_API_KEY_FOLLOWER : CCR_FOLLOWER;
        return privilegeFinding(this, 'follower', r, needs);
      });
    return [...intentRoles, ...handWritten];
  },
};

export const ccrRules: Rule[] = [roleNamesMatch, leaderPrivileges, followerPrivileges];
