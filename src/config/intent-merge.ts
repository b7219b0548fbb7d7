// Several intents, one object; intents against hand-written objects. Two intents may expand to
// the same object (two replication intents sharing a role name): the kinds that can be added up
// are merged, others must be equal. An intent's object that a cluster file also writes by hand is
// a conflict. Pure.

import { ConfigError } from '../model/errors.js';
import { normalize, sortKeys } from '../model/normalize.js';
import { formatSource, type Canonical, type Desired, type Kind } from '../model/types.js';

const key = (d: Desired): string => `${d.cluster}\u0000${d.kind}\u0000${d.name}`;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));

/**
 * How two intents' versions of one object combine. Two replication intents may well share one
 * role name: the role then grants both (privileges added up). Kinds not listed must be equal.
 */
const MERGE: Partial<Record<Kind, (a: Canonical, b: Canonical) => Canonical>> = {
  role: (a, b) =>
    normalize('role', {
      cluster: [...list(a.cluster), ...list(b.cluster)],
      indices: [...list(a.indices), ...list(b.indices)],
      remote_indices: [...list(a.remote_indices), ...list(b.remote_indices)],
    }),
  user: (a, b) => normalize('user', { roles: [...list(a.roles), ...list(b.roles)] }),
  // OpenSearch: a roles mapping of two intents maps the users of both.
  roles_mapping: (a, b) => ({
    ...a,
    users: [...new Set([...list(a.users), ...list(b.users)])].map(String).sort(),
  }),
};

export function mergeAcrossIntents(wanted: Desired[], errors: ConfigError[]): Desired[] {
  const byKey = new Map<string, Desired>();
  for (const d of wanted) {
    const first = byKey.get(key(d));
    if (!first) {
      byKey.set(key(d), d);
      continue;
    }
    const merge = MERGE[d.kind];
    const passwordsDiffer = first.password && d.password && !same(first.password.ref, d.password.ref);
    if ((!merge && !same(first.body, d.body)) || passwordsDiffer) {
      const what = passwordsDiffer ? 'with different passwords' : 'differently';
      errors.push(
        new ConfigError(
          `intents "${first.intent}" and "${d.intent}" define ${d.kind} "${d.name}" on ${d.cluster} ${what}; make them agree or use another name`,
          d.source,
        ),
      );
      continue;
    }
    const password = first.password ?? d.password;
    byKey.set(key(d), {
      ...first,
      body: merge ? merge(first.body, d.body) : first.body,
      intent: first.intent === d.intent ? first.intent : `${first.intent}, ${d.intent}`,
      ...(password ? { password } : {}),
    });
  }
  return [...byKey.values()];
}

/** An intent's object that a cluster file also writes by hand is a conflict: say where both are. */
export function withoutHandWritten(expanded: Desired[], handWritten: Desired[], errors: ConfigError[]): Desired[] {
  const written = new Map(handWritten.map((d) => [key(d), d]));
  return expanded.filter((d) => {
    const own = written.get(key(d));
    if (!own) return true;
    errors.push(
      new ConfigError(
        `${d.kind} "${d.name}" on ${d.cluster} comes from intent "${d.intent}" (${formatSource(d.source)}) and is also written by hand at ${formatSource(own.source)}; remove one of them`,
        d.source,
      ),
    );
    return false;
  });
}
