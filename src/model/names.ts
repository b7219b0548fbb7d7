// Names of objects, whether they come from a file or from a server: the names no object may have
// in either flavor, and the maps that hold objects by name. The names each flavor's server takes
// are checked on top of these where the config is read (config/names.ts).

import { type Kind } from './types.js';

/**
 * Keys that reach JavaScript's Object.prototype through an object used as a map
 * (`remotes['__proto__'].seeds = …` writes `Object.prototype.seeds`). Never names, in any input.
 */
export const PROTOTYPE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

// C0 and C1 control characters, NUL included: no server's name holds one, a log line would hide one.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A remote cluster alias as both servers parse `cluster.remote.<alias>.<setting>`: Elasticsearch's
 * Setting.AffixKey pattern `[-\w]+` (ASCII letters, digits, `_` and `-`). A live alias outside it
 * cannot be a server's own: written back as a setting name, `*` would reset every remote.
 */
export const REMOTE_ALIAS = /^[-\w]+$/;

/** Why no object of any kind may be called `name`, or undefined when one may. */
export function unusableName(name: string): string | undefined {
  if (name === '') return 'a name cannot be empty';
  if (PROTOTYPE_KEYS.includes(name)) {
    return `"${name}" is never a valid name (in JavaScript it names a property every object has)`;
  }
  if (name === '.' || name === '..') {
    return `"${name}" is never a valid name (as a URL path segment it means this folder or the one above, whatever its encoding)`;
  }
  if (LONE_SURROGATE.test(name)) return 'a name must be valid Unicode (this one holds a lone surrogate)';
  if (name.includes('\uFFFD')) {
    return 'a name cannot hold U+FFFD, the replacement character (what is left where a file was not valid UTF-8)';
  }
  if (CONTROL.test(name)) return 'a name cannot hold control characters (NUL, tab, newline …)';
  return undefined;
}

/** Why xcluster leaves a live object of `kind` called `name` alone, or undefined when it can manage it. */
export function unusableLiveName(kind: Kind, name: string): string | undefined {
  const refused = unusableName(name);
  if (refused !== undefined || kind !== 'remote_cluster' || REMOTE_ALIAS.test(name)) return refused;
  return 'a remote cluster alias is made of ASCII letters, digits, _ and - (the server takes no other)';
}

/** An empty map by name without a prototype: a lookup finds only what was put in. */
export const nameMap = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/** A prototype-free map by name holding `entries`. */
export function toNameMap<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const map = nameMap<T>();
  for (const [name, value] of entries) map[name] = value;
  return map;
}
