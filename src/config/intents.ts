// xcluster/intents.yml: "replicate east's leader-index to west", "let west search east's logs-*".
// Each intent expands into the same roles, users and remote connections a user could have written
// in the cluster files, exactly as the seed documents prescribe (model/cross-cluster.ts holds the
// privileges). Every expanded object keeps the intent's file:line as its source and the intent's
// name, so the plan can say "from intent orders". Pure: no I/O here (load.ts reads the file).

import { ConfigError } from '../model/errors.js';
import { remoteAddresses } from '../model/remote-address.js';
import {
  CCR_API_KEY_FOLLOWER,
  CCR_API_KEY_REMOTE_INDEX,
  CCR_FOLLOWER,
  CCR_LEADER,
  CCS_KIBANA_LOCAL,
  CCS_KIBANA_REMOTE,
  CCS_LOCAL,
  CCS_REMOTE,
  OPENSEARCH_CCR_ROLES,
  OPENSEARCH_FLAVOR,
  type SideNeeds,
} from '../model/cross-cluster.js';
import { flavors } from '../flavors/index.js';
import {
  formatSource,
  type Desired,
  type Flavor,
  type Intent,
  type Kind,
  type SecretSpec,
  type SourceRef,
} from '../model/types.js';
import { type IntentsFile, type ReplicationIntentInput, type SearchIntentInput } from './schema-intents.js';
import { formatPath, sourceOfPath, type PathSegment, type YamlFile } from './source.js';
import { mergeAcrossIntents, withoutHandWritten } from './intent-merge.js';
import { OPENSEARCH_KINDS, refusedNames, replicationNames, searchNames, type IntentName } from './intent-names.js';
import { nearest } from './suggest.js';

/** Where the intents live, relative to the xcluster/ folder (the first that exists is read). */
export const INTENTS_FILES = ['intents.yml', 'intents.yaml'] as const;

/** OpenSearch object kinds, named in config/intent-names.ts and nowhere else in this file. */
export { OPENSEARCH_KINDS };

/** What the expansion needs to know about the rest of the folder. */
export interface IntentContext {
  /** Every cluster file, selected or not. */
  clusters: { name: string; flavor: Flavor }[];
  /** The transport address of every cluster file that states one. */
  transports: Record<string, string>;
  /** The objects written by hand in every cluster file. */
  handWritten: Desired[];
}

export interface Expansion {
  intents: Intent[];
  /** The expanded objects, merged across intents, for every cluster (the loader filters the selection). */
  desired: Desired[];
  errors: ConfigError[];
}

/** One intent being expanded: the intent, and what only the expansion reads. */
interface Expanding {
  intent: Intent;
  flavor: Flavor;
  password?: SecretSpec;
  /** Further roles the user holds (Elasticsearch). */
  extraRoles: string[];
  /** OpenSearch: the roles the user is mapped to, when not the predefined ones. */
  mappedRoles?: { leader?: string; follower?: string };
  /** Search: the Kibana variant of seed 002. */
  kibana: boolean;
  /** The source of a key inside the intent, for errors that point at it. */
  at: (...path: PathSegment[]) => SourceRef;
  errors: ConfigError[];
  ctx: IntentContext;
}

/** What a problem found while reading intents is reported with. */
interface Reading {
  yaml: YamlFile;
  ctx: IntentContext;
  errors: ConfigError[];
}

export function expandIntents(file: { yaml: YamlFile; data: IntentsFile }, ctx: IntentContext): Expansion {
  const r: Reading = { yaml: file.yaml, ctx, errors: [] };
  const expanding = [
    ...(file.data.replication ?? []).map((x, i) => replicationIntent(r, x, i)),
    ...(file.data.search ?? []).map((x, i) => searchIntent(r, x, i)),
  ].filter((e): e is Expanding => e !== undefined);
  const wanted = expanding.flatMap((e) => {
    const before = r.errors.length;
    const objects = e.intent.kind === 'replication' ? expandReplication(e) : expandSearch(e);
    // An intent with a problem adds nothing: half an intent would only add confusing findings.
    return r.errors.length === before ? objects : [];
  });
  const intents = expanding.map((e) => e.intent);
  r.errors.push(...duplicateNames(intents));
  const merged = mergeAcrossIntents(wanted, r.errors);
  return { intents, desired: withoutHandWritten(merged, ctx.handWritten, r.errors), errors: r.errors };
}

// ---------------------------------------------------------------------------------------------
// From YAML to Intent, with the checks that need the cluster files

function replicationIntent(r: Reading, x: ReplicationIntentInput, i: number): Expanding | undefined {
  const base: PathSegment[] = ['replication', i];
  const at = (...p: PathSegment[]) => sourceOfPath(r.yaml, [...base, ...p]);
  const known = [
    knownCluster(r, x.leader.cluster, [...base, 'leader', 'cluster']),
    knownCluster(r, x.follower.cluster, [...base, 'follower', 'cluster']),
  ];
  if (!known.every(Boolean)) return undefined;
  const intent: Intent = {
    name: x.name,
    kind: 'replication',
    security: x.security,
    local: x.follower.cluster,
    remote: x.leader.cluster,
    alias: x.alias ?? x.leader.cluster,
    localIndices: x.follower.indices,
    remoteIndices: x.leader.indices,
    ...(x.role !== undefined ? { role: x.role } : {}),
    user: x.user.name,
    source: at(),
  };
  const mapped = x.roles ? { mappedRoles: x.roles } : {};
  return prepare(r, intent, at, { user: x.user, kibana: false, names: replicationNames(x), ...mapped });
}

function searchIntent(r: Reading, x: SearchIntentInput, i: number): Expanding | undefined {
  const base: PathSegment[] = ['search', i];
  const at = (...p: PathSegment[]) => sourceOfPath(r.yaml, [...base, ...p]);
  const known = [knownCluster(r, x.remote, [...base, 'remote']), knownCluster(r, x.local, [...base, 'local'])];
  if (!known.every(Boolean)) return undefined;
  const intent: Intent = {
    name: x.name,
    kind: 'search',
    security: x.security,
    local: x.local,
    remote: x.remote,
    alias: x.alias ?? x.remote,
    localIndices: x.kibana ? x.indices : [],
    remoteIndices: x.indices,
    role: x.role,
    user: x.user.name,
    source: at(),
  };
  return prepare(r, intent, at, { user: x.user, kibana: x.kibana ?? false, names: searchNames(x) });
}

/** Checks that the two clusters differ and are of one flavor; gathers what the expansion reads. */
function prepare(
  r: Reading,
  intent: Intent,
  at: Expanding['at'],
  x: {
    user: ReplicationIntentInput['user'];
    kibana: boolean;
    names: IntentName[];
    mappedRoles?: Expanding['mappedRoles'];
  },
): Expanding | undefined {
  const flavorOf = (name: string) => r.ctx.clusters.find((c) => c.name === name)?.flavor;
  const [local, remote] = [flavorOf(intent.local), flavorOf(intent.remote)];
  if (intent.local === intent.remote) {
    r.errors.push(intentError(intent, `both sides are cluster "${intent.local}"; name two different clusters`));
    return undefined;
  }
  if (local === undefined || local !== remote) {
    const flavors = `${intent.remote} is ${remote} and ${intent.local} is ${local}`;
    r.errors.push(intentError(intent, `${flavors}: both clusters must be of the same flavor`));
    return undefined;
  }
  const refused = refusedNames(local, x.names).map((n) => intentError(intent, n.message, at(...n.path)));
  if (refused.length > 0) {
    r.errors.push(...refused);
    return undefined;
  }
  const password = x.user.password && { ref: x.user.password, source: at('user', 'password') };
  return {
    intent,
    flavor: local,
    ...(password ? { password } : {}),
    extraRoles: x.user.roles ?? [],
    ...(x.mappedRoles ? { mappedRoles: x.mappedRoles } : {}),
    kibana: x.kibana,
    at,
    errors: r.errors,
    ctx: r.ctx,
  };
}

function knownCluster(r: Reading, name: string, path: PathSegment[]): boolean {
  const names = r.ctx.clusters.map((c) => c.name);
  if (names.includes(name)) return true;
  const guess = nearest(name, names);
  const hint = guess ? `did you mean "${guess}"?` : `known clusters: ${names.join(', ')}`;
  const message = `${formatPath(path)}: unknown cluster "${name}" (no clusters/${name}.yml); ${hint}`;
  r.errors.push(new ConfigError(message, sourceOfPath(r.yaml, path)));
  return false;
}

const intentError = (intent: Intent, message: string, source = intent.source): ConfigError =>
  new ConfigError(`${intent.kind} intent "${intent.name}": ${message}`, source);

function duplicateNames(intents: Intent[]): ConfigError[] {
  const seen = new Map<string, Intent>();
  const errors: ConfigError[] = [];
  for (const i of intents) {
    const first = seen.get(i.name);
    const message = `the name is already used at ${formatSource(first?.source ?? i.source)}; give each intent its own name`;
    if (first) errors.push(intentError(i, message));
    else seen.set(i.name, i);
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Expansions, per flavor and security model

/** A desired object of the intent: sourced at the intent, carrying its name. */
function object(
  e: Expanding,
  cluster: string,
  kind: Kind,
  name: string,
  body: object,
  extra: Partial<Desired> = {},
): Desired {
  // The intent's clusters are of one flavor: its normalize is theirs.
  const canonical = flavors[e.flavor].normalize(kind, body);
  return { cluster, kind, name, body: canonical, source: e.intent.source, intent: e.intent.name, ...extra };
}

/** A role granting one side's needs: cluster privileges, and index privileges on `indices`. */
const roleBody = (needs: SideNeeds, indices: string[]): object => ({
  ...(needs.cluster.length ? { cluster: [...needs.cluster] } : {}),
  ...(needs.index.length ? { indices: [{ names: indices, privileges: [...needs.index] }] } : {}),
});

/** The user, on the local cluster only (seeds 000–002: "You only need to create this user on the local cluster"). */
function user(e: Expanding, cluster: string, role: string): Desired {
  const password = e.password ? { password: e.password } : {};
  return object(e, cluster, 'user', e.intent.user, { roles: [role, ...e.extraRoles] }, password);
}

function expandReplication(e: Expanding): Desired[] {
  if (e.flavor === OPENSEARCH_FLAVOR) return expandOpenSearchReplication(e);
  const { intent } = e;
  if (e.mappedRoles) {
    e.errors.push(
      intentError(intent, 'roles (leader/follower) is for OpenSearch; Elasticsearch uses role', e.at('roles')),
    );
  }
  const role = intent.role;
  if (role === undefined) {
    e.errors.push(intentError(intent, 'missing role: the name of the role the user holds (the same on both clusters)'));
    return [];
  }
  if (intent.security === 'api_key') return expandApiKeyReplication(e, role);
  return [
    object(e, intent.remote, 'role', role, roleBody(CCR_LEADER, intent.remoteIndices)),
    object(e, intent.local, 'role', role, roleBody(CCR_FOLLOWER, intent.localIndices)),
    user(e, intent.local, role),
    ...connection(e),
  ];
}

/**
 * Seed 001, API key model: the follower's role reaches the leader through `remote_indices`; the
 * leader's side is the cross-cluster API key it grants, stated as a requirement by the
 * api-key-required rule (API keys are managed by their own work). No remote connection either:
 * an API key remote connects to the leader's remote cluster server port, not its `transport`
 * address, and needs that key in the follower's keystore.
 */
function expandApiKeyReplication(e: Expanding, role: string): Desired[] {
  const { intent } = e;
  const body = {
    cluster: [...CCR_API_KEY_FOLLOWER.cluster],
    remote_indices: [
      { clusters: [intent.alias], names: intent.remoteIndices, privileges: [...CCR_API_KEY_REMOTE_INDEX] },
    ],
  };
  return [object(e, intent.local, 'role', role, body), user(e, intent.local, role)];
}

function expandSearch(e: Expanding): Desired[] {
  const { intent } = e;
  if (e.flavor === OPENSEARCH_FLAVOR) {
    e.errors.push(intentError(intent, 'search intents are for Elasticsearch; write OpenSearch search access by hand'));
    return [];
  }
  const role = intent.role ?? '';
  // Seed 002: CCS (remote: read + read_cross_cluster; local: an empty role), and CCS with Kibana.
  const [remoteNeeds, localNeeds] = e.kibana ? [CCS_KIBANA_REMOTE, CCS_KIBANA_LOCAL] : [CCS_REMOTE, CCS_LOCAL];
  return [
    object(e, intent.remote, 'role', role, roleBody(remoteNeeds, intent.remoteIndices)),
    object(e, intent.local, 'role', role, roleBody(localNeeds, intent.remoteIndices)),
    user(e, intent.local, role),
    ...connection(e),
  ];
}

/**
 * Seed 003: "create an identical user on each cluster and map them to
 * cross_cluster_replication_leader_full_access on the remote cluster and
 * cross_cluster_replication_follower_full_access on the follower cluster".
 */
function expandOpenSearchReplication(e: Expanding): Desired[] {
  const { intent } = e;
  const { user: userKind, mapping } = OPENSEARCH_KINDS;
  const useRoles = 'OpenSearch maps the user to roles: { leader, follower }';
  const problems: [boolean, string, SourceRef][] = [
    [intent.security === 'api_key', 'OpenSearch has no API key model: use security: certificate', e.at('security')],
    [intent.role !== undefined, `role is for Elasticsearch; ${useRoles}`, e.at('role')],
    [e.extraRoles.length > 0, `user.roles is for Elasticsearch; ${useRoles}`, e.at('user', 'roles')],
  ];
  for (const [bad, message, source] of problems) if (bad) e.errors.push(intentError(intent, message, source));
  const roles = { ...OPENSEARCH_CCR_ROLES, ...e.mappedRoles };
  const password = e.password ? { password: e.password } : {};
  return [
    object(e, intent.remote, userKind, intent.user, {}, password),
    object(e, intent.remote, mapping, roles.leader, { users: [intent.user] }),
    object(e, intent.local, userKind, intent.user, {}, password),
    object(e, intent.local, mapping, roles.follower, { users: [intent.user] }),
    ...connection(e),
  ];
}

/** Does a hand-written remote connection point at `cluster` (by its `cluster:` link or by address)? */
function pointsAt(d: Desired, cluster: string, transports: Record<string, string>): boolean {
  const address = transports[cluster];
  return d.linkedCluster === cluster || (address !== undefined && remoteAddresses(d.body).includes(address));
}

/**
 * The remote connection on the local cluster to the remote's transport address (seed 002:
 * `seeds: ["<address>:9300"]`, sniff mode by default). A connection written by hand under the same
 * alias that points at the same cluster is the one the intent uses, so that its settings
 * (skip_unavailable, transport.compress …) can be tuned; one that points elsewhere is a conflict.
 */
function connection(e: Expanding): Desired[] {
  const { intent, ctx } = e;
  const { local, remote, alias } = intent;
  const own = ctx.handWritten.find((d) => d.cluster === local && d.kind === 'remote_cluster' && d.name === alias);
  if (own && pointsAt(own, remote, ctx.transports)) return [];
  const transport = ctx.transports[remote];
  if (own) {
    const where = `remote_clusters.${alias} of ${local} (${formatSource(own.source)})`;
    e.errors.push(
      intentError(
        intent,
        `${where} does not point at ${remote}; link it (cluster: ${remote}) or give the intent another alias`,
      ),
    );
  } else if (transport === undefined) {
    const fix = `add "transport: <host>:9300" to its cluster file, or write remote_clusters.${alias} on ${local} by hand`;
    e.errors.push(intentError(intent, `cluster ${remote} has no connection.transport: ${fix}`));
  }
  if (own || transport === undefined) return [];
  return [object(e, local, 'remote_cluster', alias, { seeds: [transport] }, { linkedCluster: remote })];
}
