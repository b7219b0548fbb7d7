// The canonical types every stage speaks: config → Desired, flavors → ClusterState,
// drift → Change, rules → Finding. Nothing here does I/O.

import { nameMap } from './names.js';

/**
 * Kinds of object xcluster manages. `role` and `remote_cluster` exist in both flavors (each in
 * its own dialect); `user` and `role_mapping` are Elasticsearch's, `internal_user`,
 * `roles_mapping`, `action_group` and `nodes_dn` (the node DNs a cluster accepts) are OpenSearch's.
 */
export type Kind =
  'role' | 'user' | 'role_mapping' | 'remote_cluster' | 'internal_user' | 'roles_mapping' | 'action_group' | 'nodes_dn';

/** Order in which kinds are created or updated (dependencies first); deletions run in the reverse order. */
export const KIND_ORDER: readonly Kind[] = [
  'nodes_dn',
  'remote_cluster',
  'action_group',
  'role',
  'role_mapping',
  'roles_mapping',
  'user',
  'internal_user',
];

export type Flavor = 'elasticsearch' | 'opensearch';

/** A JSON value in canonical form: sets sorted, defaults dropped, keys sorted. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Canonical = { [key: string]: Json };

/** Where a desired object was written: a path relative to the working directory, 1-based line and column. */
export interface SourceRef {
  file: string;
  line: number;
  column: number;
}

export const formatSource = (s: SourceRef): string => `${s.file}:${s.line}`;

/** A reference to a secret: the value is resolved only when it is used. */
export type SecretRef = { env: string } | { file: string };

/** A secret reference together with the place it was written, so resolution errors can point at it. */
export interface SecretSpec {
  ref: SecretRef;
  source: SourceRef;
}

export interface Desired {
  cluster: string;
  kind: Kind;
  name: string;
  /** The object in canonical form (see model/normalize.ts). Never holds a secret. */
  body: Canonical;
  source: SourceRef;
  /** Where each top-level field of the object was written (absent for objects expanded from intents). */
  fieldSources?: Record<string, SourceRef>;
  /** A user's password, resolved only by the steps that need the value. */
  password?: SecretSpec;
  /** A remote cluster's link to the cluster file of the cluster it points at. */
  linkedCluster?: string;
  /** The intent(s) of xcluster/intents.yml this object was expanded from (names, comma-separated). */
  intent?: string;
  /**
   * Objects of the same cluster this one names and the server insists exist when it is written
   * (it answers 404 otherwise). Checked at plan time against the config and the live state.
   */
  references?: Reference[];
}

/** An object named by another one: `field` of the referring object names `kind` `name`. */
export interface Reference {
  kind: Kind;
  name: string;
  field: string;
  /**
   * The server takes the name without looking it up, so a missing object is no error there:
   * the permission that names it silently grants nothing.
   */
  unchecked?: boolean;
}

export type Auth =
  | { kind: 'api_key'; apiKey: SecretSpec }
  | { kind: 'basic'; username: string; password: SecretSpec }
  | { kind: 'none' };

export interface ConnectionSpec {
  flavor: Flavor;
  url: string;
  auth: Auth;
  ca?: SecretSpec;
  /** A TLS client certificate and its key (PEM), presented on every request. */
  clientCertificate?: { certificate: SecretSpec; key: SecretSpec };
  /** host:port other clusters use as seed for this one. */
  transport?: string;
  /** Wall-clock limit of each request in milliseconds (connection.timeout). */
  timeoutMs: number;
  /** Limit of one read round with its retries and password checks, in milliseconds (connection.deadline). */
  deadlineMs: number;
  source: SourceRef;
}

/**
 * When a cluster's users' passwords are checked by logging in as them: `plan` on every plan,
 * apply and drift run (the default); `drift` only in the Action's drift mode; `never`.
 */
export type PasswordCheckMode = 'plan' | 'drift' | 'never';

export interface ClusterConfig {
  name: string;
  file: string;
  connection: ConnectionSpec;
  prune: boolean;
  checkPasswords: PasswordCheckMode;
}

/**
 * A replication or search intent of xcluster/intents.yml, as the rules see it. Its objects are
 * in Config.desired already (expanded by config/intents.ts); this is what they were for.
 */
export interface Intent {
  name: string;
  kind: 'replication' | 'search';
  security: 'certificate' | 'api_key';
  /** The cluster that holds the remote connection: the follower (replication) or the searching cluster. */
  local: string;
  /** The cluster it connects to: the leader (replication) or the searched cluster. */
  remote: string;
  /** The alias of the remote connection on the local cluster. */
  alias: string;
  /** Follower indices (replication); the local indices of a Kibana search. */
  localIndices: string[];
  /** Leader indices (replication) or the indices searched. */
  remoteIndices: string[];
  /** The role the user holds (Elasticsearch: the same name on both clusters in the certificate model). */
  role?: string;
  user: string;
  source: SourceRef;
}

/** Everything the xcluster/ folder says. */
export interface Config {
  dir: string;
  clusters: ClusterConfig[];
  desired: Desired[];
  /** The transport address (host:port) of every cluster file that states one, selected or not. */
  transports: Record<string, string>;
  /** The intents of xcluster/intents.yml, every one (their objects are in `desired`, for the selected clusters). */
  intents?: Intent[];
}

/** The two scopes of cluster settings. A transient setting wins over its persistent namesake. */
export type SettingsScope = 'persistent' | 'transient';

/** A live object, in canonical form, with what the server says about who owns it. */
export interface LiveObject {
  body: Canonical;
  /** Carries the ownership marker (`metadata.managed_by: xcluster`). */
  managed: boolean;
  /**
   * A remote cluster: the settings scopes that hold any of its settings. Beside the body, not in
   * it: where a remote lives is no difference to plan, but it is where apply must write.
   */
  scopes?: SettingsScope[];
  /**
   * An object of the server's demo configuration, exactly as shipped (OpenSearch's demo users and
   * roles mappings, which are not reserved): the server's, so never listed as unmanaged. The
   * config may still name it, and then it is compared and written like any other.
   */
  demo?: true;
}

/** Live objects by kind, then by name; each map by name has no prototype (model/names.ts). */
export type ObjectsByKind = Record<Kind, Record<string, LiveObject>>;

export interface RemoteInfo {
  connected: boolean;
  mode?: string;
  [key: string]: Json | undefined;
}

/** Privilege names by where a role names them. */
export interface PrivilegeNames {
  cluster: readonly string[];
  index: readonly string[];
  remoteCluster: readonly string[];
}

/**
 * Who xcluster connects as, as the server reports it (Elasticsearch `GET /_security/_authenticate`,
 * OpenSearch `GET /_plugins/_security/authinfo`): the identity whose access no plan may take away.
 */
export interface Identity {
  /** The user name; OpenSearch: the DN of the TLS client certificate when one authenticated. */
  username: string;
  /** The roles the server gives it now (OpenSearch: the security roles it is mapped to). */
  roles: string[];
  /** OpenSearch: its backend roles (an internal user's own, or those of another backend). */
  backendRoles?: string[];
  /** OpenSearch: the address the server saw its request come from (what `hosts` of a roles mapping match). */
  host?: string;
  /** Elasticsearch: the realm that authenticated it. */
  realm?: { name: string; type: string };
  /** Elasticsearch: `realm`, `api_key`, `token`, `anonymous` or `internal`. */
  authenticationType?: string;
}

/**
 * Whether a failed login counts against a user or an address (OpenSearch's `auth_failure_listeners`,
 * which block both after a few failures): the listeners by name, or why they could not be read.
 */
export type LoginFailureListeners = { known: true; listeners: string[] } | { known: false; reason: string };

/** A user whose password the read round did not check, and why. */
export interface UncheckedPassword {
  name: string;
  /** `colon`: Basic authentication cannot carry the name; `failed`: the login attempt failed otherwise. */
  cause: 'colon' | 'failed';
  /** The failure (`failed`): status or network error, never a secret. */
  detail?: string;
}

/** Why the read round checked no password of a cluster's users. */
export interface SkippedPasswordChecks {
  /** `listeners`: failed logins lock accounts there; `unknown-listeners`: whether they do could not be read. */
  cause: 'listeners' | 'unknown-listeners';
  detail: string;
  /** The users left unchecked. */
  users: string[];
}

/** What one read round of one cluster found. */
export interface ClusterState {
  name: string;
  flavor: Flavor;
  version?: string;
  /**
   * `version.minimum_wire_compatibility_version` of `GET /`: the oldest version whose nodes this
   * cluster's transport layer accepts. Absent in snapshots recorded before it was kept.
   */
  minimumWireVersion?: string;
  reachable: boolean;
  /**
   * The privilege names the server knows (Elasticsearch: `GET /_security/privilege/_builtin`).
   * Absent when the server did not answer it, and in snapshots recorded before it was read.
   */
  builtinPrivileges?: PrivilegeNames;
  /** Why the cluster could not be read (never holds a secret). */
  error?: string;
  objects: ObjectsByKind;
  /** Built-in / reserved objects, by kind: never managed, never drift. */
  reserved: Record<Kind, string[]>;
  /**
   * Of those, the hidden ones (OpenSearch `hidden: true`, made with the admin certificate): the
   * REST API lists them only to the admin certificate and answers 404 to anyone else's write.
   */
  hidden?: Partial<Record<Kind, string[]>>;
  remoteInfo: Record<string, RemoteInfo>;
  /** Users whose configured password no longer authenticates (found by `checkPasswords`). */
  stalePasswords?: string[];
  /** Users whose password could not be checked (a name Basic authentication cannot carry, a failed attempt). */
  uncheckedPasswords?: UncheckedPassword[];
  /** Set when no password of the cluster was checked because a login attempt could lock an account. */
  skippedPasswordChecks?: SkippedPasswordChecks;
  /** Who the read round connected as. Absent in snapshots recorded before it was read. */
  identity?: Identity;
  /** OpenSearch: what the server does with failed logins. Absent for Elasticsearch, which locks no one out. */
  loginFailureListeners?: LoginFailureListeners;
  /** Kinds the read round could not read, with the server's reason (e.g. an API that needs a client certificate). */
  unreadable?: Partial<Record<Kind, string>>;
  /**
   * Live objects whose name xcluster refuses (model/names.ts: `__proto__`, `..`, an alias no
   * server parses …): reported by the unusable-name rule, never compared, written or deleted.
   */
  unusableNames?: UnusableName[];
}

/** A live object left alone for its name, and why. */
export interface UnusableName {
  kind: Kind;
  name: string;
  reason: string;
}

export const emptyObjects = (): ObjectsByKind =>
  Object.fromEntries(KIND_ORDER.map((k) => [k, nameMap<LiveObject>()])) as ObjectsByKind;

export const emptyReserved = (): Record<Kind, string[]> =>
  Object.fromEntries(KIND_ORDER.map((k) => [k, []])) as unknown as Record<Kind, string[]>;

export type Action = 'create' | 'update' | 'delete';

/** One field that differs. `before`/`after` are null where the field is absent. */
export interface FieldDiff {
  path: (string | number)[];
  before: Json;
  after: Json;
}

export const SENSITIVE = '(sensitive)';

export interface Change {
  cluster: string;
  action: Action;
  kind: Kind;
  name: string;
  /** file:line of the desired object; absent for deletions of objects the config no longer names. */
  source?: SourceRef;
  diff: FieldDiff[];
  /** The desired body (create/update) or the live body (delete): what apply sends or removes. */
  body: Canonical;
  /** The live body, for updates and deletions. */
  before?: Canonical;
  /** A user's password reference, for creates and password changes (never its value). */
  password?: SecretSpec;
  /** The intent(s) the desired object was expanded from. */
  intent?: string;
  /** A remote cluster's settings scopes in live state (see LiveObject): where apply writes. */
  scopes?: SettingsScope[];
  /**
   * On a pull request's plan: `pull_request` when the PR makes the change, `drift` when the base
   * branch's plan makes it too (the cluster differs from the config already). Absent elsewhere.
   */
  origin?: ChangeOrigin;
}

export type ChangeOrigin = 'pull_request' | 'drift';

export interface Unmanaged {
  kind: Kind;
  name: string;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  rule: string;
  cluster?: string;
  message: string;
  source?: SourceRef;
}

/** A plan of one cluster. */
export interface ClusterPlan {
  name: string;
  flavor: Flavor;
  version?: string;
  reachable: boolean;
  error?: string;
  changes: Change[];
  unmanaged: Unmanaged[];
}

/** A remote connection between two clusters, for the topology graph. */
export interface Link {
  /** The cluster that holds the remote-cluster settings (the local side). */
  from: string;
  /**
   * The cluster it points at — its `cluster:` link, else the cluster whose transport address it
   * dials — or its alias when it points outside the estate (or at a cluster with no transport).
   */
  to: string;
  alias: string;
  state: 'create' | 'update' | 'delete' | 'unchanged';
  /** From `GET /_remote/info`; absent when not known (offline, unreachable). */
  connected?: boolean;
}

export interface Plan {
  clusters: ClusterPlan[];
  findings: Finding[];
  topology?: Link[];
}
