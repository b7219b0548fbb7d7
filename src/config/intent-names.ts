// The names an intent gives the objects it expands to (its role, its user, the alias of its remote
// connection, the roles an OpenSearch user is mapped to), checked as the server of the intent's
// clusters checks them (config/names.ts), each at the key it is written under.

import { type Flavor, type Kind } from '../model/types.js';
import { nameCheck } from './names.js';
import { type ReplicationIntentInput, type SearchIntentInput } from './schema-intents.js';
import { formatPath, type PathSegment } from './source.js';

/** OpenSearch object kinds an intent expands to (its user, the mapping of its roles). */
export const OPENSEARCH_KINDS = { user: 'internal_user', mapping: 'roles_mapping' } as const satisfies Record<
  string,
  Kind
>;

/**
 * A name an intent gives an object, where it is written, and what it names: the kinds of either
 * flavor's side (a user, the role an OpenSearch user is mapped to).
 */
export interface IntentName {
  name: string;
  kind: 'role' | 'user' | 'mapping' | 'remote_cluster';
  path: PathSegment[];
  /** How the error calls it, when not by its path (an alias that defaults to a cluster's name). */
  label?: string;
}

/** The alias of the remote connection: as written, or by default the remote cluster's name. */
const aliasName = (alias: string | undefined, cluster: string, clusterPath: PathSegment[]): IntentName =>
  alias !== undefined
    ? { name: alias, kind: 'remote_cluster', path: ['alias'] }
    : {
        name: cluster,
        kind: 'remote_cluster',
        path: clusterPath,
        label: `alias (by default the cluster name ${cluster})`,
      };

export const replicationNames = (x: ReplicationIntentInput): IntentName[] => [
  ...(x.role !== undefined ? [{ name: x.role, kind: 'role' as const, path: ['role'] }] : []),
  { name: x.user.name, kind: 'user', path: ['user', 'name'] },
  aliasName(x.alias, x.leader.cluster, ['leader', 'cluster']),
  ...(['leader', 'follower'] as const).flatMap((side) => {
    const role = x.roles?.[side];
    return role === undefined ? [] : [{ name: role, kind: 'mapping' as const, path: ['roles', side] }];
  }),
];

export const searchNames = (x: SearchIntentInput): IntentName[] => [
  { name: x.role, kind: 'role', path: ['role'] },
  { name: x.user.name, kind: 'user', path: ['user', 'name'] },
  aliasName(x.alias, x.remote, ['remote']),
];

const KINDS: Record<Flavor, Record<IntentName['kind'], Kind>> = {
  elasticsearch: { role: 'role', user: 'user', mapping: 'role_mapping', remote_cluster: 'remote_cluster' },
  opensearch: {
    role: 'role',
    user: OPENSEARCH_KINDS.user,
    mapping: OPENSEARCH_KINDS.mapping,
    remote_cluster: 'remote_cluster',
  },
};

/** The names of an intent that the server of its clusters would refuse: where each is written, and why. */
export function refusedNames(flavor: Flavor, names: IntentName[]): { path: PathSegment[]; message: string }[] {
  return names.flatMap(({ name, kind, path, label }) => {
    const refused = nameCheck(flavor, KINDS[flavor][kind])(name);
    return refused === undefined ? [] : [{ path, message: `${label ?? formatPath(path)}: ${refused}` }];
  });
}
