// Role fields that Elasticsearch added after 7.17: an older server refuses the whole role at apply
// time ("unknown field"), so the plan says so first, from the cluster's live version (`GET /`).

import { type Desired, type Finding } from '../model/types.js';
import { finding, flavorOf, ofKind, readableState } from './estate.js';
import { type Rule } from './rule.js';
import { compareVersions } from './version-numbers.js';

/** Role fields and the Elasticsearch version that introduced each (put-role API, "Added in"). */
const ROLE_FIELD_SINCE: Readonly<Record<string, string>> = {
  description: '8.15',
  remote_cluster: '8.15',
  remote_indices: '8.14',
};

/** The fields of `role` that a server of `version` does not know yet, with the version each needs. */
function tooNewFields(role: Desired, version: string): [field: string, since: string][] {
  return Object.entries(ROLE_FIELD_SINCE).filter(
    ([field, since]) => role.body[field] !== undefined && (compareVersions(version, since) ?? 0) < 0,
  );
}

const fieldNeedsVersion: Rule = {
  id: 'field-needs-version',
  severity: 'error',
  description:
    'A role uses a field its cluster is too old for (remote_indices needs 8.14, remote_cluster and description 8.15); the server would refuse the role at apply time: remove the field or upgrade the cluster.',
  needsLive: true,
  check({ config, live = [] }) {
    return ofKind(config, 'role').flatMap((role): Finding[] => {
      const version = readableState(live, role.cluster)?.version;
      if (version === undefined || flavorOf(config, role.cluster) !== 'elasticsearch') return [];
      return tooNewFields(role, version).map(([field, since]) => {
        const message = `role ${role.name} on ${role.cluster}: ${field} needs Elasticsearch ${since} or later, and ${role.cluster} runs ${version}; the server would refuse the role: remove ${field} or upgrade ${role.cluster} first`;
        return finding(this, role.cluster, message, role.source);
      });
    });
  },
};

export const fieldVersionRules: Rule[] = [fieldNeedsVersion];
