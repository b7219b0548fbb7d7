// Privilege names the server does not know: a role PUT with one fails at apply time with
// "unknown cluster privilege"; caught here, in the pull request, with the nearest known name.
// The names are the cluster's own (GET /_security/privilege/_builtin) when it was read, else
// those recorded for its version, else (offline) those of any version xcluster knows.

import { nearest } from '../config/suggest.js';
import {
  type Canonical,
  type ClusterState,
  type Config,
  type Desired,
  type Finding,
  type PrivilegeNames,
} from '../model/types.js';
import { entries, finding, flavorOf, ofKind, readableState, strings } from './estate.js';
import { ELASTICSEARCH_PRIVILEGES, isActionName, type RecordedPrivileges } from './privilege-names.js';
import { type Rule } from './rule.js';
import { compareVersions, majorOf, minorOf } from './version-numbers.js';

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

/** The names a role is checked against, and how to say where they come from. */
interface Known {
  names: PrivilegeNames;
  /** "Elasticsearch 7.17.25 (its own list)", "Elasticsearch 8.15.3 (the list recorded from 8.19.5)". */
  what: string;
}

const RECORDED = Object.values(ELASTICSEARCH_PRIVILEGES);

/** Every name any recorded version knows: what offline lint can hold a role to. */
const ANY_VERSION: PrivilegeNames = {
  cluster: [...new Set(RECORDED.flatMap((r) => r.cluster))].sort(),
  index: [...new Set(RECORDED.flatMap((r) => r.index))].sort(),
  remoteCluster: [...new Set(RECORDED.flatMap((r) => r.remoteCluster))].sort(),
};

/**
 * The recorded list for `version`: its own line's, else that of the nearest recorded line of its
 * major (the newest not newer than it, else the oldest); undefined for another major.
 */
export function recordedFor(version: string): RecordedPrivileges | undefined {
  const own = ELASTICSEARCH_PRIVILEGES[minorOf(version) ?? ''];
  if (own) return own;
  const sameMajor = RECORDED.filter((r) => majorOf(r.recordedFrom) === majorOf(version)).sort(
    (a, b) => compareVersions(a.recordedFrom, b.recordedFrom) ?? 0,
  );
  const older = sameMajor.filter((r) => (compareVersions(r.recordedFrom, version) ?? 0) <= 0);
  return older.at(-1) ?? sameMajor[0];
}

function knownFor(state: ClusterState | undefined): Known {
  if (state?.builtinPrivileges) {
    return {
      names: state.builtinPrivileges,
      what: `Elasticsearch ${state.version ?? '(version unknown)'} (its own list)`,
    };
  }
  const recorded = state?.version !== undefined ? recordedFor(state.version) : undefined;
  if (state?.version !== undefined && recorded) {
    const from = recorded.recordedFrom === state.version ? '' : ` (the list recorded from ${recorded.recordedFrom})`;
    return { names: recorded, what: `Elasticsearch ${state.version}${from}` };
  }
  return { names: ANY_VERSION, what: 'any Elasticsearch version xcluster knows' };
}

/** Recorded versions that know `name` as a privilege of `family`, to tell a too-old cluster from a typo. */
const versionsKnowing = (family: keyof PrivilegeNames, name: string): string[] =>
  RECORDED.filter((r) => r[family].includes(name)).map((r) => r.recordedFrom);

function problem(family: keyof PrivilegeNames, what: string, name: string, known: Known): string {
  const elsewhere = versionsKnowing(family, name);
  if (elsewhere.length > 0)
    return `${what} "${name}" is unknown to ${known.what}; it exists in ${elsewhere.join(', ')}`;
  const guess = nearest(name, known.names[family]);
  return `unknown ${what} "${name}"${guess ? `; did you mean "${guess}"?` : ''}`;
}

function unknownIn(role: Desired, known: Known): string[] {
  return PLACES.flatMap(({ family, what, names }) => {
    // A server without remote cluster privileges refuses the field itself: field-needs-version says so.
    if (known.names[family].length === 0) return [];
    return [...new Set(names(role.body))]
      .filter((p) => !isActionName(p) && !known.names[family].includes(p))
      .map((p) => problem(family, what, p, known));
  });
}

const isElasticsearch = (config: Config, cluster: string): boolean => flavorOf(config, cluster) === 'elasticsearch';

const unknownPrivilege: Rule = {
  id: 'unknown-privilege',
  severity: 'error',
  description:
    "A role names a privilege its cluster does not have (the server would refuse the role): checked against the cluster's own list (GET /_security/privilege/_builtin), else the list recorded for its version, else offline against every version's; use the suggested name, or upgrade the cluster for a newer privilege.",
  needsLive: false,
  check({ config, live = [] }) {
    return ofKind(config, 'role').flatMap((role): Finding[] => {
      if (!isElasticsearch(config, role.cluster)) return [];
      const problems = unknownIn(role, knownFor(readableState(live, role.cluster)));
      if (problems.length === 0) return [];
      return [finding(this, role.cluster, `role ${role.name} on ${role.cluster}: ${problems.join('; ')}`, role.source)];
    });
  },
};

export const privilegeRules: Rule[] = [unknownPrivilege];
