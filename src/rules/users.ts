// The users of cross-cluster access (Elasticsearch, certificate security), seeds 000–002: the user
// lives on the local cluster only, and a user acting on behalf of others needs run_as on the
// remote cluster too.

import { type Finding } from '../model/types.js';
import { certificatePairs, find, finding, holders, strings } from './estate.js';
import { type Rule } from './rule.js';

const userOnLocalOnly: Rule = {
  id: 'user-on-local-only',
  severity: 'info',
  description:
    'A CCR/CCS user is also defined on the remote cluster, which only needs the role; remove the user from the remote cluster.',
  needsLive: false,
  check({ config }) {
    const seen = new Set<string>();
    return certificatePairs(config).flatMap((p): Finding[] =>
      holders(config, p.local, p.role).flatMap((u): Finding[] => {
        const twin = find(config, p.remote, 'user', u.name);
        if (!twin || seen.has(`${p.remote}\u0000${u.name}`)) return [];
        seen.add(`${p.remote}\u0000${u.name}`);
        const message = `user ${u.name} is a cross-cluster user of ${p.local}; ${p.remote} authorizes its requests by the role name ${p.role} and needs no user of its own: remove user ${u.name} from ${p.remote}`;
        return [finding(this, p.remote, message, twin.source)];
      }),
    );
  },
};

const runAsNeeded: Rule = {
  id: 'run-as-needed',
  severity: 'warning',
  description:
    'A cross-cluster role lets users act on behalf of others (run_as) locally but not on the remote cluster; add the same run_as to the remote role.',
  needsLive: false,
  check({ config }) {
    const seen = new Set<string>();
    return certificatePairs(config).flatMap((p): Finding[] => {
      const [local, remote] = [find(config, p.local, 'role', p.role), find(config, p.remote, 'role', p.role)];
      const runAs = strings(local?.body.run_as);
      if (!local || !remote || runAs.length === 0 || strings(remote.body.run_as).length > 0) return [];
      if (seen.has(`${p.remote}\u0000${p.role}`)) return [];
      seen.add(`${p.remote}\u0000${p.role}`);
      const message = `role ${p.role} on ${p.local} submits requests on behalf of other users (run_as: ${runAs.join(', ')}); requests that reach ${p.remote} need run_as there too: add run_as: [${runAs.join(', ')}] to role ${p.role} on ${p.remote}`;
      return [finding(this, p.remote, message, remote.source)];
    });
  },
};

export const userRules: Rule[] = [userOnLocalOnly, runAsNeeded];
