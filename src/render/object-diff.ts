// A change as the YAML of the object, the way it stands in a cluster file, marked only where it
// changes (Terraform's plan renderer is the model): a set of scalars shows each added and removed
// element on its own line; a list of objects is matched entry by entry by its identity (`names`,
// `index_patterns`…), so a changed entry shows only its changed fields; a map diffs key by key;
// whatever did not change collapses to `# (N unchanged … hidden)`. Pure: both bodies are
// canonical already (model/normalize.ts), so equal means equal.

import YAML from 'yaml';
import { redact } from '../model/redact.js';
import { type Canonical, type Json, type Kind } from '../model/types.js';

/** `context` is an unmarked line: where a change stands, or what is hidden there. */
export type DiffSign = 'add' | 'remove' | 'change' | 'context';

/** One line of YAML, `depth` levels of two spaces deep. */
export interface DiffLine {
  sign: DiffSign;
  depth: number;
  text: string;
}

/**
 * What identifies an entry of each list of objects, by kind and top-level field: two entries with
 * the same identity are one entry changed, not one removed and another added.
 */
const IDENTITY: Partial<Record<Kind, Record<string, readonly string[]>>> = {
  role: {
    // Elasticsearch
    indices: ['names'],
    remote_indices: ['clusters', 'names'],
    applications: ['application'],
    remote_cluster: ['clusters'],
    // OpenSearch
    index_permissions: ['index_patterns'],
    tenant_permissions: ['tenant_patterns'],
  },
};

type JsonMap = { [key: string]: Json };

const isMap = (v: Json | undefined): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: Json): boolean => v === null || typeof v !== 'object';
const same = (a: Json, b: Json): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * One line of YAML, whatever the value holds: no block scalars (a newline is written `\n` in
 * double quotes), no folding. A line break left in would start a line of its own, unsigned.
 */
const YAML_OPTIONS = {
  lineWidth: 0,
  blockQuote: false,
  flowCollectionPadding: false,
  collectionStyle: 'flow',
} as const;

/**
 * Strings redacted before they are quoted: a secret in YAML quotes (`''` for `'`, `\e` for ESC)
 * is a form the redactor of the output would not find.
 */
const redacted = (v: Json): Json => (typeof v === 'string' ? redact(v) : Array.isArray(v) ? v.map(redacted) : v);

function inline(v: Json): string {
  const safe = redacted(v);
  const text = YAML.stringify(safe, YAML_OPTIONS).replace(/\n$/, '');
  return /[\r\n]/.test(text) ? JSON.stringify(safe) : text;
}

/** Written on one line: a scalar, or a list of scalars in flow style (`[read, write]`), as users write them. */
const isInline = (v: Json): boolean =>
  isScalar(v) || (Array.isArray(v) ? v.every(isScalar) : isMap(v) && Object.keys(v).length === 0);

const key = (k: string): string => inline(k);

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const hidden = (n: number, one: string, many: string, depth: number): DiffLine[] =>
  n === 0 ? [] : [{ sign: 'context', depth, text: `# (${plural(n, `unchanged ${one}`, `unchanged ${many}`)} hidden)` }];

/** A list item: `- ` before its first line, which then stands one level up. */
function asItem(lines: DiffLine[], depth: number): DiffLine[] {
  const [first, ...rest] = lines;
  if (!first) return [];
  return [{ ...first, depth, text: `- ${first.text}` }, ...rest];
}

function wholeItem(item: Json, sign: DiffSign, depth: number): DiffLine[] {
  if (isInline(item)) return [{ sign, depth, text: `- ${inline(item)}` }];
  if (isMap(item)) return asItem(wholeMap(item, sign, depth + 1), depth);
  return asItem(
    (item as Json[]).flatMap((inner) => wholeItem(inner, sign, depth + 1)),
    depth,
  );
}

/** `key: value`, or `key:` and the value's lines below it. */
function wholeField(k: string, v: Json, sign: DiffSign, depth: number): DiffLine[] {
  if (isInline(v)) return [{ sign, depth, text: `${key(k)}: ${inline(v)}` }];
  const below = isMap(v) ? wholeMap(v, sign, depth + 1) : (v as Json[]).flatMap((i) => wholeItem(i, sign, depth + 1));
  return [{ sign, depth, text: `${key(k)}:` }, ...below];
}

function wholeMap(m: JsonMap, sign: DiffSign, depth: number): DiffLine[] {
  return Object.keys(m).flatMap((k) => wholeField(k, m[k] as Json, sign, depth));
}

/** The identity of a list entry, or undefined when it has none (not a map, or an identity field missing). */
function identityOf(item: Json, fields: readonly string[]): string | undefined {
  if (!isMap(item) || fields.length === 0 || fields.some((f) => item[f] === undefined)) return undefined;
  return JSON.stringify(fields.map((f) => item[f]));
}

/** Identities that stand for exactly one of `items` (two entries of one identity match nothing). */
function uniqueIdentities(items: readonly Json[], fields: readonly string[]): Map<string, Json> {
  const byIdentity = new Map<string, Json[]>();
  for (const item of items) {
    const id = identityOf(item, fields);
    if (id === undefined) continue;
    const list = byIdentity.get(id);
    if (list) list.push(item);
    else byIdentity.set(id, [item]);
  }
  return new Map([...byIdentity].filter(([, list]) => list.length === 1).map(([id, [item]]) => [id, item as Json]));
}

/**
 * The items of `from` that no item of `other` equals, each item of `other` standing for one at
 * most. By their text, in one pass each: a set of thousands of index names stays cheap.
 */
function unmatched(from: readonly Json[], other: readonly Json[]): Json[] {
  const left = new Map<string, number>();
  for (const text of other.map((o) => JSON.stringify(o))) left.set(text, (left.get(text) ?? 0) + 1);
  return from.filter((v) => {
    const text = JSON.stringify(v);
    const n = left.get(text) ?? 0;
    if (n > 0) left.set(text, n - 1);
    return n === 0;
  });
}

interface Matched {
  unchanged: number;
  changed: [JsonMap, JsonMap][];
  removed: Json[];
  added: Json[];
}

/** Equal items are unchanged; of the others, entries of one identity on both sides are one entry changed. */
function matchItems(before: readonly Json[], after: readonly Json[], fields: readonly string[]): Matched {
  const gone = unmatched(before, after);
  const come = unmatched(after, before);
  const befores = uniqueIdentities(gone, fields);
  const changed: [JsonMap, JsonMap][] = [];
  for (const [id, a] of uniqueIdentities(come, fields)) {
    const b = befores.get(id);
    if (b !== undefined) changed.push([b as JsonMap, a as JsonMap]);
  }
  const paired = new Set<Json>(changed.flat());
  return {
    unchanged: after.length - come.length,
    changed,
    removed: gone.filter((v) => !paired.has(v)),
    added: come.filter((v) => !paired.has(v)),
  };
}

/** A changed entry: its identity unmarked, then only what changed in it. */
function changedEntry(b: JsonMap, a: JsonMap, fields: readonly string[], depth: number): DiffLine[] {
  const identity = fields.flatMap((f) => wholeField(f, a[f] as Json, 'context', depth + 1));
  const without = (m: JsonMap): JsonMap => Object.fromEntries(Object.entries(m).filter(([k]) => !fields.includes(k)));
  return asItem([...identity, ...mapDiff(without(b), without(a), depth + 1)], depth);
}

function listDiff(
  before: readonly Json[],
  after: readonly Json[],
  depth: number,
  fields: readonly string[],
): DiffLine[] {
  const m = matchItems(before, after, fields);
  const objects = [...before, ...after].some((v) => !isScalar(v));
  return [
    ...m.changed.flatMap(([b, a]) => changedEntry(b, a, fields, depth)),
    ...m.removed.flatMap((v) => wholeItem(v, 'remove', depth)),
    ...m.added.flatMap((v) => wholeItem(v, 'add', depth)),
    ...(objects ? hidden(m.unchanged, 'entry', 'entries', depth) : hidden(m.unchanged, 'element', 'elements', depth)),
  ];
}

/** One key present on both sides with different values. */
function fieldDiff(k: string, b: Json, a: Json, depth: number, fields: readonly string[]): DiffLine[] {
  const head: DiffLine = { sign: 'context', depth, text: `${key(k)}:` };
  if (isMap(b) && isMap(a)) return [head, ...mapDiff(b, a, depth + 1)];
  if (Array.isArray(b) && Array.isArray(a)) return [head, ...listDiff(b, a, depth + 1, fields)];
  if (isScalar(b) && isScalar(a)) return [{ sign: 'change', depth, text: `${key(k)}: ${inline(b)} → ${inline(a)}` }];
  return [...wholeField(k, b, 'remove', depth), ...wholeField(k, a, 'add', depth)];
}

/** Key by key; `identities` names the identity of each list of objects among the keys (top level only). */
function mapDiff(before: JsonMap, after: JsonMap, depth: number, identities: Record<string, readonly string[]> = {}) {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const lines: DiffLine[] = [];
  let unchanged = 0;
  for (const k of keys) {
    const b = Object.hasOwn(before, k) ? before[k] : undefined;
    const a = Object.hasOwn(after, k) ? after[k] : undefined;
    if (b === undefined && a !== undefined) lines.push(...wholeField(k, a, 'add', depth));
    else if (a === undefined && b !== undefined) lines.push(...wholeField(k, b, 'remove', depth));
    else if (a !== undefined && b !== undefined && same(a, b)) unchanged++;
    else if (a !== undefined && b !== undefined) {
      lines.push(...fieldDiff(k, b, a, depth, Object.hasOwn(identities, k) ? (identities[k] ?? []) : []));
    }
  }
  return [...lines, ...hidden(unchanged, 'attribute', 'attributes', depth)];
}

/**
 * The lines of an object of `kind` going from `before` to `after`: a create (no `before`) is the
 * whole object added, a deletion (no `after`) the whole object removed.
 */
export function objectDiff(kind: Kind, before: Canonical | undefined, after: Canonical | undefined): DiffLine[] {
  if (before === undefined) return after === undefined ? [] : wholeMap(after, 'add', 0);
  if (after === undefined) return wholeMap(before, 'remove', 0);
  return mapDiff(before, after, 0, IDENTITY[kind] ?? {});
}
