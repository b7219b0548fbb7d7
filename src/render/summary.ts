// Counts and wording shared by every renderer.

import { type Plan } from '../model/types.js';

export interface Summary {
  create: number;
  update: number;
  delete: number;
  errors: number;
  warnings: number;
  unmanaged: number;
  unreachable: number;
}

export function summarize(plan: Plan): Summary {
  const changes = plan.clusters.flatMap((c) => c.changes);
  const actions = (a: string) => changes.filter((c) => c.action === a).length;
  const findings = (sev: string) => plan.findings.filter((f) => f.severity === sev).length;
  return {
    create: actions('create'),
    update: actions('update'),
    delete: actions('delete'),
    errors: findings('error'),
    warnings: findings('warning'),
    unmanaged: plan.clusters.reduce((n, c) => n + c.unmanaged.length, 0),
    unreachable: plan.clusters.filter((c) => !c.reachable).length,
  };
}

/** "1 cluster", "2 clusters". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * "Plan: 2 to create, 1 to update, 0 to delete · 1 error · 1 unreachable". What the plan does and
 * what stops it; the unmanaged objects it leaves alone are counted per cluster where each
 * renderer lists them (and in the JSON plan's summary), not here.
 */
export function summaryLine(s: Summary): string {
  const parts = [`Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete`];
  if (s.errors) parts.push(plural(s.errors, 'error'));
  if (s.warnings) parts.push(plural(s.warnings, 'warning'));
  if (s.unreachable) parts.push(`${s.unreachable} unreachable`);
  return parts.join(' · ');
}

/** How many unmanaged objects a cluster's section names; the cluster table counts them all. */
export const UNMANAGED_CAP = 20;

/** At most `cap` of `items`, and how many were left out (said as `moreText`). */
export function capped<T>(items: readonly T[], cap: number): { shown: T[]; more: number } {
  return { shown: items.slice(0, cap), more: Math.max(0, items.length - cap) };
}

export const moreText = (n: number): string => `and ${n} more`;
