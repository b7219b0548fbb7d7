// The fingerprint of a plan: what binds a reviewed plan to the apply that follows it (the PR's
// plan comment, `xcluster plan --out` → `xcluster apply --plan`). Two plans have the same
// fingerprint when they would make the same writes, so it is a hash over the changes alone
// (cluster, action, kind, name, field diff), in a canonical order and form: never times, run
// ids, file:line sources, findings or the order the changes were listed in. Secret values are
// not in it: the diff holds "(sensitive)" where a password is, as the reviewer saw it. Pure.

import { createHash } from 'node:crypto';
import { KIND_ORDER, type Change, type FieldDiff, type Json, type Plan } from '../model/types.js';

/** `sha256:` and 64 lowercase hex digits. */
export const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;

/** JSON with every object's keys sorted, so that the same value always has the same text. */
function canonicalText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalText((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The diff's entries by path: the same differences, however the diff listed them. */
const canonicalDiff = (diff: readonly FieldDiff[]): Json[] =>
  diff
    .map((d) => ({ path: d.path, before: d.before, after: d.after }))
    .sort((a, b) => compareText(canonicalText(a), canonicalText(b)));

function compareChanges(a: Change, b: Change): number {
  return (
    compareText(a.cluster, b.cluster) ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    compareText(a.name, b.name) ||
    compareText(a.action, b.action)
  );
}

/** The changes of a plan as the fingerprint sees them, in canonical order. */
export function canonicalChanges(plan: Plan): Json[] {
  return plan.clusters
    .flatMap((c) => c.changes)
    .sort(compareChanges)
    .map((ch) => ({
      cluster: ch.cluster,
      action: ch.action,
      kind: ch.kind,
      name: ch.name,
      diff: canonicalDiff(ch.diff),
    }));
}

/** `sha256:<64 hex>` over the canonical changes of `plan`. */
export function planFingerprint(plan: Plan): string {
  const text = canonicalText({ changes: canonicalChanges(plan) });
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** The first 12 hex digits, for messages (the whole value is in the comment and the JSON plan). */
export const shortFingerprint = (fingerprint: string): string => fingerprint.replace(/^sha256:/, '').slice(0, 12);
