// A DLS query written as a YAML mapping, as JSON text built from the YAML nodes rather than from
// the parsed value: YAML parses `9007199254740993` into a JavaScript number, which is `…992`,
// and the role would filter a different account. The node keeps the number as written. A query
// written as a string is the user's text already and is left alone.

import { isAlias, isMap, isScalar, isSeq, type Document } from 'yaml';
import { locate, type YamlFile } from './source.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON number as written, the only form that keeps every digit. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Nesting bound: the YAML loader refuses deeper documents already; this only keeps the walk finite. */
const MAX_DEPTH = 200;

class NotPlain extends Error {}

function scalarText(value: unknown, source: string | undefined): string {
  if (typeof value === 'number') {
    if (source !== undefined && JSON_NUMBER.test(source)) return source;
    if (!Number.isFinite(value)) throw new NotPlain(); // .inf, .nan: not JSON
    return JSON.stringify(value); // 0x1F and friends: exact below 2^53, as YAML parsed them
  }
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  throw new NotPlain();
}

function nodeText(node: unknown, doc: Document, depth: number): string {
  if (depth > MAX_DEPTH) throw new NotPlain();
  if (isAlias(node)) return nodeText(node.resolve(doc), doc, depth + 1);
  if (isScalar(node)) return scalarText(node.value, node.source);
  if (isSeq(node)) return `[${node.items.map((i) => nodeText(i, doc, depth + 1)).join(',')}]`;
  if (isMap(node)) {
    const members = node.items.map((pair) => {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'string' || pair.key.value === '<<') throw new NotPlain();
      return `${JSON.stringify(pair.key.value)}:${nodeText(pair.value, doc, depth + 1)}`;
    });
    return `{${members.join(',')}}`;
  }
  throw new NotPlain();
}

/**
 * The JSON text of the mapping at `path`, or undefined when it holds something JSON has no
 * form for (a merge key, a non-string key): the parsed value is used then, as before.
 */
function mappingText(y: YamlFile, path: readonly (string | number)[]): string | undefined {
  const located = locate(y, path);
  if (located.depth !== path.length) return undefined;
  try {
    return nodeText(located.node, y.doc, 0);
  } catch (err) {
    if (err instanceof NotPlain) return undefined;
    throw err;
  }
}

/** An OpenSearch role of the config with each DLS mapping replaced by its lossless JSON text. */
export function withDlsText<T extends { index_permissions?: unknown[] }>(y: YamlFile, name: string, role: T): T {
  if (!Array.isArray(role.index_permissions)) return role;
  const permissions = role.index_permissions.map((p, i) => {
    if (!isObject(p) || !isObject(p.dls)) return p;
    const text = mappingText(y, ['roles', name, 'index_permissions', i, 'dls']);
    return text === undefined ? p : { ...p, dls: text };
  });
  return { ...role, index_permissions: permissions };
}
