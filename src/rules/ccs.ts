// Cross-cluster search (Elasticsearch, certificate security), seed 002: the remote cluster
// authorizes the local user's search by role name, and that role needs `read` and
// `read_cross_cluster` on the target indices.

import { CCS_REMOTE } from '../model/cross-cluster.js';
import { type Desired, type Finding } from '../model/types.js';
import { certificatePairs, entries, find, finding, flavorOf, lacks, ofKind, wanted } from './estate.js';
import { type Rule } from './rule.js';

const remotePrivileges: Rule = {
  id: 'ccs-remote-privileges',
  severity: 'error',
  description:
    'A cross-cluster search role on the remote cluster lacks read or read_cross_cluster on the target indices; grant both.',
  needsLive: false,
  check({ config }) {
    const findings: Finding[] = [];
    const report = (role: Desired, missing: string[], from: string) => {
      const message =
        `role ${role.name} on ${role.cluster} authorizes cross-cluster search from ${from} and lacks ` +
        `${missing.join(', ')}; grant ${wanted(CCS_REMOTE, 'the target indices')}`;
      findings.push(finding(this, role.cluster, message, role.source));
    };
    const checked = new Set<Desired>();
    // Pairs: a search intent, or an empty local role (seed 002's local side) with a remote namesake.
    for (const p of certificatePairs(config).filter((x) => x.kind === 'search')) {
      const role = find(config, p.remote, 'role', p.role);
      if (!role || checked.has(role)) continue;
      checked.add(role);
      const missing = lacks(role.body, CCS_REMOTE, p.remoteIndices);
      if (missing.length) report(role, missing, p.local);
    }
    // Any other role that grants read_cross_cluster is a CCS role too: without read it reads nothing.
    const elasticsearch = ofKind(config, 'role').filter((r) => flavorOf(config, r.cluster) === 'elasticsearch');
    for (const role of elasticsearch.filter((r) => !checked.has(r))) {
      const partial = entries(role.body).filter((e) => e.privileges.includes('read_cross_cluster'));
      const missing = partial.flatMap((e) => lacks({ indices: [{ ...e }] }, CCS_REMOTE));
      if (missing.length) report(role, [...new Set(missing)], 'a remote cluster');
    }
    return findings;
  },
};

export const ccsRules: Rule[] = [remotePrivileges];
