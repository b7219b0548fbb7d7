// Privilege names the server does not know: a role PUT with one fails at apply time with
// "unknown cluster privilege"; caught here, in the pull request, with the nearest known name.

import { nearest } from '../config/suggest.js';
import { type Canonical, type Desired, type Finding } from '../model/types.js';
import { entries, finding, flavorOf, ofKind, strings } from './estate.js';
import { type Rule } from './index.js';
import { isActionName, PRIVILEGE_NAMES, type PrivilegeNames } from './privilege-names.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a role names privileges, and which list each place is checked against. */
const PLACES: { family: keyof PrivilegeNames; what: string; names: (body: Canonical) => string[] }[] = [
  { family: 'cluster', what: 'cluster privilege', names: (b) => strings(b.cluster) },
  { family: 'index', what: 'index privilege', names: (b) => entries(b).flatMap((e) => e.privileges) },
  {
    family: 'index',
    what: 'remote index privilege',
    names: (b) => entries(b, 'remote_indices').flatMap((e) => e.privileges),
  },
  {
    family: 'remoteCluster',
    what: 'remote cluster privilege',
    names: (b) =>
      (Array.isArray(b.remote_cluster) ? b.remote_cluster : []).flatMap((r) =>
        strings(isRecord(r) ? r.privileges : []),
      ),
  },
];

function unknownIn(role: Desired, known: PrivilegeNames): string[] {
  return PLACES.flatMap(({ family, what, names }) =>
    [...new Set(names(role.body))]
      .filter((p) => !isActionName(p) && !known[family].includes(p))
      .map((p) => {
        const guess = nearest(p, known[family]);
        return `unknown ${what} "${p}"${guess ? `; did you mean "${guess}"?` : ''}`;
      }),
  );
}

const unknownPrivilege: Rule = {
  id: 'unknown-privilege',
  severity: 'error',
  description:
    "A role names a privilege the cluster's flavor does not have (the server would refuse the role); use the suggested name.",
  needsLive: false,
  check({ config }) {
    return ofKind(config, 'role').flatMap((role): Finding[] => {
      const known = PRIVILEGE_NAMES[flavorOf(config, role.cluster) ?? ''];
      const problems = known ? unknownIn(role, known) : [];
      if (problems.length === 0) return [];
      return [finding(this, role.cluster, `role ${role.name} on ${role.cluster}: ${problems.join('; ')}`, role.source)];
    });
  },
};

export const privilegeRules: Rule[] = [unknownPrivilege];
