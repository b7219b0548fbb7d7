// What `xcluster apply` reports: per cluster, which operations ran, which failed (with the
// server's error) and which were skipped, and whether a fresh plan came back empty.

import { type ApplyResult, type ClusterApplyResult } from '../apply/apply.js';
import { type OperationResult } from '../flavors/flavor.js';
import { type Format } from './index.js';
import { changeToJson, planToJson } from './json.js';
import { mdFence } from './markdown-escape.js';

export interface ApplySummary {
  done: number;
  failed: number;
  skipped: number;
  verified: number;
  clusters: number;
}

export function summarizeApply(result: ApplyResult): ApplySummary {
  const ops = result.clusters.flatMap((c) => c.operations);
  const count = (status: OperationResult['status']) => ops.filter((o) => o.status === status).length;
  return {
    done: count('done'),
    failed: count('failed'),
    skipped: count('skipped'),
    verified: result.clusters.filter((c) => c.verified).length,
    clusters: result.clusters.length,
  };
}

/** "Apply: 5 done, 1 failed, 2 skipped · 1 of 2 clusters verified" */
export function applySummaryLine(s: ApplySummary): string {
  return `Apply: ${s.done} done, ${s.failed} failed, ${s.skipped} skipped · ${s.verified} of ${s.clusters} clusters verified`;
}

const MARKS = { done: 'done   ', failed: 'FAILED ', skipped: 'skipped' } as const;

function operationLine(r: OperationResult): string {
  const c = r.change;
  return `  ${MARKS[r.status]} ${c.action} ${c.kind} ${c.name}${r.error ? `: ${r.error}` : ''}`;
}

function verdict(c: ClusterApplyResult): string {
  if (!c.reachable) return `not applied: unreachable (${c.error ?? 'unknown error'})`;
  if (c.operations.some((o) => o.status === 'failed'))
    return 'stopped at the first failure; run apply again once it is fixed';
  const down = c.remotes.filter((r) => !r.connected).map((r) => r.alias);
  if (c.verified) {
    if (c.operations.length === 0) return 'no changes';
    // Verification asks only the remotes this apply wrote to connect; the others are told, not failed.
    const untouched = down.length ? `; remote(s) not connected, not touched by this apply: ${down.join(', ')}` : '';
    return `verified: a fresh plan is empty${untouched}`;
  }
  const parts = [];
  if (c.remaining.length) parts.push(`${c.remaining.length} change(s) still differ`);
  if (down.length) parts.push(`remote(s) not connected: ${down.join(', ')}`);
  return `NOT verified: ${parts.join('; ') || (c.error ?? 'unknown reason')}`;
}

function clusterLines(c: ClusterApplyResult): string[] {
  const remaining =
    c.remaining.length && c.operations.every((o) => o.status === 'done')
      ? c.remaining.map(
          (r) => `  still differs: ${r.action} ${r.kind} ${r.name} (${r.diff.map((d) => d.path.join('.')).join(', ')})`,
        )
      : [];
  return [`cluster ${c.name}: ${verdict(c)}`, ...c.operations.map(operationLine), ...remaining, ''];
}

function applyJson(result: ApplyResult): object {
  const base = planToJson(result.plan);
  const byCluster = new Map(result.clusters.map((c) => [c.name, c]));
  return {
    ...base,
    clusters: base.clusters.map((jc) => {
      const c = byCluster.get(jc.name)!;
      return {
        ...jc,
        // Every change of the plan has exactly one operation result, in plan order.
        changes: c.operations.map((op) => ({
          ...changeToJson(op.change),
          status: op.status,
          ...(op.error ? { error: op.error } : {}),
        })),
        verified: c.verified,
        remaining: c.remaining.map(changeToJson),
        remotes: c.remotes,
      };
    }),
    apply: summarizeApply(result),
  };
}

export function renderApply(result: ApplyResult, format: Format): string {
  if (format === 'json') return JSON.stringify(applyJson(result), null, 2) + '\n';
  const lines = [applySummaryLine(summarizeApply(result)), '', ...result.clusters.flatMap(clusterLines)];
  // Names and server errors are shown as they are, in a fence they cannot close.
  if (format === 'markdown') return [`**${lines[0]}**`, '', ...mdFence('', lines.slice(2)), ''].join('\n');
  return lines.join('\n');
}
