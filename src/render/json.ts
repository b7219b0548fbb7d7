// The public JSON contract of `xcluster plan --format json` (DESIGN.md, "The plan").

import { planFingerprint } from '../drift/fingerprint.js';
import { formatSource, type Change, type Plan } from '../model/types.js';
import { summarize } from './summary.js';

export const FORMAT_VERSION = 1;

export function changeToJson(ch: Change): object {
  return {
    action: ch.action,
    kind: ch.kind,
    name: ch.name,
    source: ch.source ? formatSource(ch.source) : null,
    ...(ch.intent ? { intent: ch.intent } : {}),
    ...(ch.origin ? { origin: ch.origin } : {}),
    diff: ch.diff,
  };
}

export function planToJson(plan: Plan) {
  const s = summarize(plan);
  return {
    format_version: FORMAT_VERSION,
    // What `xcluster apply --plan` checks a fresh plan against (drift/fingerprint.ts).
    fingerprint: planFingerprint(plan),
    clusters: plan.clusters.map((c) => ({
      name: c.name,
      flavor: c.flavor,
      version: c.version ?? null,
      reachable: c.reachable,
      ...(c.error ? { error: c.error } : {}),
      changes: c.changes.map(changeToJson),
      unmanaged: c.unmanaged,
    })),
    findings: plan.findings.map((f) => ({
      severity: f.severity,
      rule: f.rule,
      cluster: f.cluster ?? null,
      message: f.message,
      source: f.source ? formatSource(f.source) : null,
    })),
    summary: {
      create: s.create,
      update: s.update,
      delete: s.delete,
      errors: s.errors,
      warnings: s.warnings,
      unmanaged: s.unmanaged,
      unreachable: s.unreachable,
    },
  };
}

export const renderJson = (plan: Plan): string => JSON.stringify(planToJson(plan), null, 2) + '\n';
