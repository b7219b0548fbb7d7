// Two plans, one read: the base commit's desired state and the pull request's, planned against
// the same live states. A change the base's plan has too is drift already on the cluster (any
// apply reverts it, merged or not); a change only the PR's plan has, or one the PR makes
// differently, is the PR's. Pure.

import { type Change, type ClusterPlan, type Plan } from '../model/types.js';

const objectKey = (c: Change): string => JSON.stringify([c.cluster, c.kind, c.name]);

/** What a change does, for comparing two plans' changes of one object (sources and intents left out). */
const effect = (c: Change): string =>
  JSON.stringify([c.action, c.diff, c.password ? c.password.ref : null, c.scopes ?? null]);

/** `plan` (the PR's) with each change's origin, judged against the base's plans of the same states. */
export function markOrigins(plan: Plan, base: readonly ClusterPlan[]): Plan {
  const baseChanges = new Map(base.flatMap((p) => p.changes).map((c) => [objectKey(c), effect(c)] as const));
  const origin = (c: Change): Change['origin'] =>
    baseChanges.get(objectKey(c)) === effect(c) ? 'drift' : 'pull_request';
  return {
    ...plan,
    clusters: plan.clusters.map((p) => ({ ...p, changes: p.changes.map((c) => ({ ...c, origin: origin(c) })) })),
  };
}
