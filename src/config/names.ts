// The names each server takes for each kind of object, on top of the names no object may have in
// either flavor (model/names.ts: `__proto__`, `.`, `..`, control characters …). The cluster file
// schemas check the names of their sections with these, the intents the names they expand to,
// so that what the server would refuse is an error at its line before any request.

import { REMOTE_ALIAS, unusableName } from '../model/names.js';
import { type Flavor, type Kind } from '../model/types.js';

/** What the server says of an object's name: why it refuses it, or undefined for a name it takes. */
export type NameCheck = (name: string) => string | undefined;

/** The first refusal of `checks`, in order. */
const allOf =
  (...checks: NameCheck[]): NameCheck =>
  (name) => {
    for (const check of checks) {
      const refused = check(name);
      if (refused !== undefined) return refused;
    }
    return undefined;
  };

// Role and user names, as x-pack's Validation checks them: 1 to 1024 characters, each printable
// ASCII (space to ~), and no space at either end.
const MAX_NAME_LENGTH = 1024;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

const securityName =
  (kind: 'role' | 'user'): NameCheck =>
  (name) =>
    name.length <= MAX_NAME_LENGTH && PRINTABLE_ASCII.test(name) && name.trim() === name
      ? undefined
      : `${kind} names must be 1 to ${MAX_NAME_LENGTH} printable ASCII characters (letters, digits, spaces, punctuation and symbols) with no leading or trailing space`;

// NativeRoleMappingStore keeps a mapping as the document `role-mapping_<name>` of the security
// index, and a document id has at most 512 bytes.
const MAX_ROLE_MAPPING_BYTES = 512 - 'role-mapping_'.length;

const roleMappingName: NameCheck = (name) =>
  Buffer.byteLength(name) <= MAX_ROLE_MAPPING_BYTES
    ? undefined
    : `a role mapping name has at most ${MAX_ROLE_MAPPING_BYTES} bytes of UTF-8 (the server stores it as the document id role-mapping_<name>, at most 512 bytes)`;

// Both servers parse `cluster.remote.<alias>.<setting>` with Setting.AffixKey's `[-\w]+`; a ":"
// would also split `<alias>:<index>` in cross-cluster search.
const remoteAlias: NameCheck = (alias) => {
  if (alias.includes(':')) {
    return 'a remote cluster alias is a name without ":", e.g. east (":" separates the alias from the index in east:logs-*)';
  }
  return REMOTE_ALIAS.test(alias)
    ? undefined
    : 'a remote cluster alias is made of ASCII letters, digits, _ and - (the servers read cluster.remote.<alias>.* so), e.g. east or east_2';
};

// The security plugin's UserService refuses ":" in an account name (Basic authentication splits at it).
const openSearchUserName: NameCheck = (name) =>
  name.includes(':')
    ? 'an OpenSearch internal user name has no ":" (the security plugin refuses it: Basic authentication splits user:password at the first colon)'
    : undefined;

const SERVER_CHECKS: Record<Flavor, Partial<Record<Kind, NameCheck>>> = {
  elasticsearch: {
    role: securityName('role'),
    user: securityName('user'),
    role_mapping: roleMappingName,
    remote_cluster: remoteAlias,
  },
  opensearch: { internal_user: openSearchUserName, remote_cluster: remoteAlias },
};

/** The check of the name of an object of `kind` on a server of `flavor`. */
export const nameCheck = (flavor: Flavor, kind: Kind): NameCheck =>
  allOf(unusableName, SERVER_CHECKS[flavor][kind] ?? (() => undefined));

/** A remote alias: the same on both servers. */
export const remoteAliasCheck: NameCheck = allOf(unusableName, remoteAlias);
