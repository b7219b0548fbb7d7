// Issue 14: for random roles and random edits of them, the diff marks what changed and only that.
// Every value in the generated roles is a distinct token (`t12`), so a token tells which leaf a
// line shows: one only in `after` was added, one only in `before` removed, one in both unchanged.
// Map keys (`key3`) are paths, not leaves. The edits leave the identity of list entries (`names`,
// `index_patterns`) alone or add and remove whole entries: an entry whose identity changes is
// shown removed and added whole, by design, so its unchanged fields are marked too.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize as normalizeOpenSearch } from '../../src/flavors/opensearch-canonical.js';
import { normalize as normalizeElasticsearch } from '../../src/model/normalize.js';
import { type Canonical } from '../../src/model/types.js';
import { objectDiff } from '../../src/render/object-diff.js';

/** The two dialects of a role, by the names of their fields. */
const DIALECTS = {
  elasticsearch: {
    set: 'cluster',
    list: 'indices',
    identity: 'names',
    entrySets: ['privileges'],
    normalize: (b: object) => normalizeElasticsearch('role', b),
  },
  opensearch: {
    set: 'cluster_permissions',
    list: 'index_permissions',
    identity: 'index_patterns',
    entrySets: ['allowed_actions', 'fls', 'masked_fields'],
    normalize: (b: object) => normalizeOpenSearch('role', b),
  },
} as const;
type Dialect = (typeof DIALECTS)[keyof typeof DIALECTS];

type Entry = Record<string, string[] | { grant: string[] }>;
interface RawRole {
  set: string[];
  entries: Entry[];
  meta: Record<string, string>;
  description?: string;
}

const shape = fc.record({
  set: fc.nat(3),
  entries: fc.array(
    fc.record({ names: fc.integer({ min: 1, max: 2 }), sets: fc.nat(3), grant: fc.option(fc.nat(2)) }),
    {
      maxLength: 3,
    },
  ),
  meta: fc.nat(3),
  description: fc.boolean(),
});

const EDITS = [
  'add-to-set',
  'remove-from-set',
  'add-to-entry',
  'remove-from-entry',
  'add-grant',
  'remove-grant',
  'add-entry',
  'remove-entry',
  'change-meta',
  'add-meta',
  'remove-meta',
  'change-description',
] as const;
const edits = fc.array(fc.record({ op: fc.constantFrom(...EDITS), i: fc.nat(), j: fc.nat() }), {
  minLength: 1,
  maxLength: 5,
});

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

/** Distinct tokens, from one counter per example. */
function tokens() {
  let n = 0;
  return {
    next: (): string => `t${n++}`,
    take: (count: number): string[] => Array.from({ length: count }, () => `t${n++}`),
    key: (): string => `key${n++}`,
  };
}

type Tokens = ReturnType<typeof tokens>;

function entryOf(d: Dialect, t: Tokens, names: number, sets: number, grant: number | null): Entry {
  const entry: Entry = { [d.identity]: t.take(names) };
  for (const field of d.entrySets) entry[field] = t.take(sets);
  if (grant !== null && d === DIALECTS.elasticsearch) entry.field_security = { grant: t.take(grant) };
  return entry;
}

function rawRole(d: Dialect, t: Tokens, s: ValueOf<typeof shape>): RawRole {
  const meta: Record<string, string> = {};
  for (let i = 0; i < s.meta; i++) meta[t.key()] = t.next();
  return {
    set: t.take(s.set),
    entries: s.entries.map((e) => entryOf(d, t, e.names, e.sets, e.grant)),
    meta,
    ...(s.description ? { description: t.next() } : {}),
  };
}

const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length ? list[i % list.length] : undefined);

function setOf(d: Dialect, entry: Entry | undefined, j: number): string[] | undefined {
  return entry && (entry[pick(d.entrySets, j)!] as string[] | undefined);
}

/** One edit of `role`, in place; fresh values come from `t`. */
function edit(d: Dialect, t: Tokens, role: RawRole, e: ValueOf<typeof edits>[number]): void {
  const entry = pick(role.entries, e.i);
  const grant = entry && (entry.field_security as { grant: string[] } | undefined)?.grant;
  const drop = (list: string[] | undefined) => list?.splice(e.j % Math.max(list.length, 1), 1);
  const metaKey = pick(Object.keys(role.meta), e.j);
  const ops: Record<(typeof EDITS)[number], () => void> = {
    'add-to-set': () => role.set.push(t.next()),
    'remove-from-set': () => drop(role.set),
    'add-to-entry': () => setOf(d, entry, e.j)?.push(t.next()),
    'remove-from-entry': () => drop(setOf(d, entry, e.j)),
    'add-grant': () => grant?.push(t.next()),
    'remove-grant': () => drop(grant),
    'add-entry': () => role.entries.push(entryOf(d, t, 1, 1, null)),
    'remove-entry': () => role.entries.splice(e.i % Math.max(role.entries.length, 1), 1),
    'change-meta': () => metaKey !== undefined && (role.meta[metaKey] = t.next()),
    'add-meta': () => (role.meta[t.key()] = t.next()),
    'remove-meta': () => metaKey !== undefined && delete role.meta[metaKey],
    'change-description': () => (role.description = t.next()),
  };
  ops[e.op]();
}

function bodyOf(d: Dialect, role: RawRole): Canonical {
  const body: Record<string, unknown> = { [d.set]: role.set, [d.list]: role.entries, description: role.description };
  if (d === DIALECTS.elasticsearch) body.metadata = role.meta;
  return d.normalize(body);
}

/** The value tokens of a body: its leaves (keys excluded). */
function leaves(v: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (x: unknown): void => {
    if (typeof x === 'string') for (const m of x.match(/\bt\d+\b/g) ?? []) out.add(m);
    else if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') Object.values(x).forEach(walk);
  };
  walk(v);
  return out;
}

const tokensIn = (text: string): string[] => text.match(/\bt\d+\b/g) ?? [];

describe('issue 14: the diff marks every changed leaf and no unchanged one (property)', () => {
  for (const [name, d] of Object.entries(DIALECTS)) {
    it(`issue 14 acceptance 1: random ${name} roles and edits`, () => {
      fc.assert(
        fc.property(shape, edits, (s, es) => {
          const t = tokens();
          const raw = rawRole(d, t, s);
          const before = bodyOf(d, raw);
          const changed = structuredClone(raw);
          for (const e of es) edit(d, t, changed, e);
          const after = bodyOf(d, changed);
          const lines = objectDiff('role', before, after);
          const was = leaves(before);
          const is = leaves(after);
          const marked = (signs: string[]) =>
            new Set(lines.filter((l) => signs.includes(l.sign)).flatMap((l) => tokensIn(l.text)));
          const plus = marked(['add', 'change']);
          const minus = marked(['remove', 'change']);
          for (const tok of is) if (!was.has(tok)) expect(plus, `${tok} added`).toContain(tok);
          for (const tok of was) if (!is.has(tok)) expect(minus, `${tok} removed`).toContain(tok);
          for (const tok of marked(['add', 'remove', 'change'])) {
            expect(was.has(tok) && is.has(tok), `${tok} is unchanged but marked`).toBe(false);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
