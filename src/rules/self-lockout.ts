// Self-lockout (issue 11, finding 8): no plan may take away the access xcluster's own identity
// needs to read and write the security configuration. Once it is gone the apply still succeeds,
// but every later plan is refused (403) until someone restores the access by hand (OpenSearch:
// with the admin certificate). Judged on the identity the read round reported
// (ClusterState.identity) and the cluster's objects, as they are and as the plan leaves them:
// every way the identity holds its access now runs through some objects; when the plan leaves
// no way at all, each change to one of those objects is an error.
//
// What cannot be judged is left alone: an identity the snapshot lacks, an Elasticsearch API key
// (its privileges are fixed when the key is made: a later change of roles or users does not
// reach them), access the identity holds through something xcluster does not manage (a built-in
// object, a file-based role, a certificate, another authentication backend), and Elasticsearch
// role mappings, which give realm users (LDAP, SAML, PKI…) their roles by rules over attributes
// the server does not report.

import {
  type Canonical,
  type Change,
  type ClusterState,
  type Finding,
  type Identity,
  type Kind,
} from '../model/types.js';
import { finding, matches, strings } from './estate.js';
import { type Rule } from './rule.js';

/** An object a grant runs through, and what must stay in it for the grant to hold. */
interface Link {
  kind: Kind;
  name: string;
  keep: string;
}

/** One way the identity holds its access. `via` is empty where nothing xcluster manages is involved. */
interface Grant {
  /** The role that grants the access. */
  role: string;
  via: Link[];
}

/** An object as the cluster holds it: now, or once the plan is applied. */
type Lookup = (kind: Kind, name: string) => Canonical | undefined;

const now =
  (state: ClusterState): Lookup =>
  (kind, name) =>
    state.objects[kind][name]?.body;

function afterPlan(state: ClusterState, changes: Change[]): Lookup {
  return (kind, name) => {
    const change = changes.find((c) => c.kind === kind && c.name === name);
    if (!change) return state.objects[kind][name]?.body;
    return change.action === 'delete' ? undefined : change.body;
  };
}

/** What a flavor says of its identity's access. */
interface AccessModel {
  /** The access, in words. */
  access: string;
  /** Who restores it once it is gone. */
  restore: string;
  grants(lookup: Lookup): Grant[];
  /** Whether the server says the identity holds a grant's role now (what the model found may be more). */
  holds(grant: Grant): boolean;
}

// ---------------------------------------------------------------------------------------------
// Elasticsearch: manage_security (or all) through the roles of the user, or of its realm

const SECURITY_PRIVILEGES = ['all', 'manage_security'];

/**
 * Built-in roles that grant a security privilege: only superuser (`all`) on 7.17.25, 8.19.5 and
 * 9.1.5 alike (their recorded GET /_security/role; checked by the tests).
 */
export const BUILT_IN_SECURITY_ROLES: readonly string[] = ['superuser'];

/** Whether role `name` grants manage_security; undefined for a role xcluster cannot see (a file-based role). */
function roleGrants(state: ClusterState, lookup: Lookup, name: string): boolean | undefined {
  if (state.reserved.role.includes(name)) return BUILT_IN_SECURITY_ROLES.includes(name);
  const body = lookup('role', name);
  if (body) return strings(body.cluster).some((p) => SECURITY_PRIVILEGES.includes(p));
  return state.objects.role[name] ? false : undefined; // gone with the plan, or never visible
}

/** The roles a native user holds through its own record, with the link they run through. */
function nativeUserRoles(identity: Identity, lookup: Lookup): { roles: string[]; via: (role: string) => Link[] } {
  const user = lookup('user', identity.username);
  if (!user || user.enabled === false) return { roles: [], via: () => [] };
  const link = (role: string): Link => ({
    kind: 'user',
    name: identity.username,
    keep: `role ${role} in its roles, and the user enabled`,
  });
  return { roles: strings(user.roles), via: (role) => [link(role)] };
}

function elasticsearchAccess(state: ClusterState, identity: Identity): AccessModel | undefined {
  // An API key's privileges are fixed when it is made: no plan reaches them.
  if (identity.authenticationType === 'api_key') return undefined;
  const native = identity.realm?.type === 'native' && state.objects.user[identity.username] !== undefined;
  const grants = (lookup: Lookup): Grant[] => {
    const { roles, via } = native
      ? nativeUserRoles(identity, lookup)
      : { roles: identity.roles, via: (): Link[] => [] };
    return roles.flatMap((role): Grant[] => {
      const grantsIt = roleGrants(state, lookup, role);
      if (grantsIt === false) return [];
      const managed = grantsIt === true && !state.reserved.role.includes(role);
      const roleLink: Link[] = managed
        ? [{ kind: 'role', name: role, keep: 'manage_security (or all) in its cluster privileges' }]
        : [];
      return [{ role, via: [...via(role), ...roleLink] }];
    });
  };
  return {
    access: 'the security APIs (cluster privilege manage_security or all)',
    restore: 'by hand',
    grants,
    holds: () => true, // the roles come from the identity's own record or from what the server reported
  };
}

// ---------------------------------------------------------------------------------------------
// OpenSearch: a role of plugins.security.restapi.roles_enabled, through roles mappings and users

/**
 * The roles of plugins.security.restapi.roles_enabled that the demo configuration and the
 * documentation name. The setting lives in opensearch.yml, which no API shows (2.19.4 filters
 * plugins.security.* out of GET /_nodes/settings), so other roles listed there are not judged.
 */
export const REST_API_ROLES: readonly string[] = ['all_access', 'security_rest_api_access'];

/** OpenSearch's WildcardMatcher: `*` and `?`, or a regular expression between slashes. */
function patternMatches(pattern: string, value: string): boolean {
  if (pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/')) {
    try {
      return new RegExp(`^${pattern.slice(1, -1)}$`).test(value);
    } catch {
      return false;
    }
  }
  return matches(pattern, value);
}

const firstMatch = (patterns: string[], values: string[]): string | undefined =>
  values.find((v) => patterns.some((p) => patternMatches(p, v)));

/** The identity's backend roles, with an internal user's own as the plan leaves them. */
function backendRolesAfter(state: ClusterState, identity: Identity, user: Canonical | undefined): string[] {
  const live = state.objects.internal_user[identity.username];
  const all = identity.backendRoles ?? [];
  if (!live || !user) return all;
  const own = new Set(strings(live.body.backend_roles));
  return [...new Set([...all.filter((b) => !own.has(b)), ...strings(user.backend_roles)])];
}

/** How roles mapping `role` maps the identity, if it does: the links of each way. */
function mappingGrants(state: ClusterState, identity: Identity, role: string, lookup: Lookup): Link[][] {
  const mapping = lookup('roles_mapping', role);
  if (!mapping) return [];
  const user = lookup('internal_user', identity.username);
  const backend = backendRolesAfter(state, identity, user);
  const ownBackend = (b: string): Link[] =>
    user && strings(user.backend_roles).includes(b)
      ? [{ kind: 'internal_user', name: identity.username, keep: `backend_roles: [${b}]` }]
      : [];
  const map = (keep: string): Link => ({ kind: 'roles_mapping', name: role, keep });
  const ways: Link[][] = [];
  const byUser = firstMatch(strings(mapping.users), [identity.username]);
  if (byUser) ways.push([map(`users: [${identity.username}]`)]);
  const byBackend = firstMatch(strings(mapping.backend_roles), backend);
  if (byBackend) ways.push([map(`backend_roles: [${byBackend}]`), ...ownBackend(byBackend)]);
  if (identity.host && firstMatch(strings(mapping.hosts), [identity.host])) {
    ways.push([map(`hosts: [${identity.host}]`)]);
  }
  const all = strings(mapping.and_backend_roles);
  if (all.length > 0 && all.every((p) => firstMatch([p], backend))) {
    ways.push([
      map(`and_backend_roles: [${all.join(', ')}]`),
      ...all.flatMap((p) => ownBackend(firstMatch([p], backend)!)),
    ]);
  }
  return ways;
}

/** The identity's ways to `role` that xcluster manages: its mapping, or the user's own opendistro_security_roles. */
function restApiGrants(state: ClusterState, identity: Identity, role: string, lookup: Lookup): Grant[] {
  const ways = mappingGrants(state, identity, role, lookup).map((via) => ({ role, via }));
  const user = lookup('internal_user', identity.username);
  if (user && strings(user.opendistro_security_roles).includes(role)) {
    const keep = `${role} in its opendistro_security_roles`;
    ways.push({ role, via: [{ kind: 'internal_user', name: identity.username, keep }] });
  }
  return ways;
}

function openSearchAccess(state: ClusterState, identity: Identity): AccessModel {
  const roles = REST_API_ROLES.filter((r) => state.reserved.role.includes(r) || state.objects.role[r]);
  const grantsOf = (lookup: Lookup) => roles.flatMap((r) => restApiGrants(state, identity, r, lookup));
  // What the identity holds now by ways xcluster does not see (a reserved mapping, another
  // backend's roles): the plan cannot take those away.
  const traced = new Set(grantsOf(now(state)).map((g) => g.role));
  const untraced = identity.roles
    .filter((r) => roles.includes(r) && !traced.has(r))
    .map((role): Grant => ({ role, via: [] }));
  const grants = (lookup: Lookup): Grant[] => {
    // A deleted internal user no longer logs in at all.
    if (state.objects.internal_user[identity.username] && !lookup('internal_user', identity.username)) return [];
    return [...grantsOf(lookup), ...untraced];
  };
  return {
    access: `the security REST API (a role of plugins.security.restapi.roles_enabled: ${REST_API_ROLES.join(', ')})`,
    restore: 'with the admin certificate',
    grants,
    holds: (g) => identity.roles.includes(g.role),
  };
}

// ---------------------------------------------------------------------------------------------
// The rule

const linkKey = (kind: Kind, name: string): string => JSON.stringify([kind, name]);

const changeText = (c: Change): string =>
  `${c.action === 'delete' ? 'the deletion (prune)' : `the ${c.action}`} of ${c.kind} ${c.name}`;

/** What keeps the access through change `c`'s object. */
function keepIt(c: Change, held: Grant[]): string {
  if (c.action === 'delete') return `name ${c.kind} ${c.name} in the config, so that prune leaves it`;
  const keeps = held.flatMap((g) => g.via).filter((l) => linkKey(l.kind, l.name) === linkKey(c.kind, c.name));
  return `keep ${[...new Set(keeps.map((l) => l.keep))].join(', or ')} in ${c.kind} ${c.name}`;
}

function describeIdentity(identity: Identity): string {
  const realm = identity.realm ? ` (${identity.realm.type} realm ${identity.realm.name})` : '';
  const backend = identity.backendRoles?.length ? ` (backend roles ${identity.backendRoles.join(', ')})` : '';
  return `user ${identity.username}${realm}${backend}`;
}

function lockoutFindings(rule: Rule, state: ClusterState, identity: Identity, changes: Change[], model: AccessModel) {
  const held = model.grants(now(state)).filter((g) => model.holds(g));
  if (held.length === 0 || model.grants(afterPlan(state, changes)).length > 0) return [];
  const involved = new Set(held.flatMap((g) => g.via.map((l) => linkKey(l.kind, l.name))));
  const blamed = changes.filter((c) => involved.has(linkKey(c.kind, c.name)));
  const ways = [...new Set(held.map((g) => `role ${g.role}`))].join(', ');
  return blamed.map((c): Finding => {
    const others = blamed.filter((o) => o !== c).map(changeText);
    const also = others.length > 0 ? ` (together with ${others.join(', ')})` : '';
    const message = `${changeText(c)}${also} takes away the access xcluster connects to ${state.name} with: ${describeIdentity(identity)} reaches ${model.access} only through ${ways}, and after this plan it no longer does. The apply would succeed, and every later plan and apply be refused (403) until someone restores the access ${model.restore}. Keep it: ${keepIt(c, held)}`;
    return finding(rule, state.name, message, c.source);
  });
}

export const selfLockout: Rule = {
  id: 'self-lockout',
  severity: 'error',
  description:
    "A change (update, delete or prune) takes away the access xcluster's own identity connects with: OpenSearch's security REST API roles (all_access, security_rest_api_access) through roles mappings and internal users, Elasticsearch's manage_security through the user's roles; keep that access, as the finding says.",
  needsLive: true,
  check({ config, live = [], changes = [] }) {
    return live.flatMap((state): Finding[] => {
      const identity = state.identity;
      if (!state.reachable || !identity) return [];
      const model =
        state.flavor === 'opensearch' ? openSearchAccess(state, identity) : elasticsearchAccess(state, identity);
      if (!model) return [];
      const mine = changes.filter((c) => c.cluster === state.name);
      const connection = config.clusters.find((c) => c.name === state.name)?.connection.source;
      return lockoutFindings(this, state, identity, mine, model).map((f) =>
        f.source || !connection ? f : { ...f, source: connection },
      );
    });
  },
};

export const selfLockoutRules: Rule[] = [selfLockout];
