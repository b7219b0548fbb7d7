// What `xcluster apply` reports: per cluster, which operations ran, which failed (with the
// server's error), which may have been applied (unknown) or were half done (partial), which were
// never started (skipped) and why, and what a fresh plan read after the apply shows.

import { type ApplyResult, type ClusterApplyResult } from '../apply/apply.js';
import { type OperationResult, type OperationStatus } from '../flavors/flavor.js';
import { type Format } from './index.js';
import { changeToJson, planToJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { mdFence } from './markdown-escape.js';

export interface ApplySummary {
  done: number;
  failed: number;
  skipped: number;
  unknown: number;
  partial: number;
  verified: number;
  clusters: number;
}

export function summarizeApply(result: ApplyResult): ApplySummary {
  const ops = result.clusters.flatMap((c) => c.operations);
  const count = (status: OperationStatus) => ops.filter((o) => o.status === status).length;
  return {
    done: count('done'),
    failed: count('failed'),
    skipped: count('skipped'),
    unknown: count('unknown'),
    partial: count('partial'),
    verified: result.clusters.filter((c) => c.verified).length,
    clusters: result.clusters.length,
  };
}

/** "Apply: 5 done, 1 failed, 2 skipped · 1 of 2 clusters verified", with unknown and partial when there are any. */
export function applySummaryLine(s: ApplySummary): string {
  const ambiguous = [s.unknown ? `, ${s.unknown} unknown` : '', s.partial ? `, ${s.partial} partial` : ''].join('');
  return `Apply: ${s.done} done, ${s.failed} failed, ${s.skipped} skipped${ambiguous} · ${s.verified} of ${s.clusters} clusters verified`;
}

const MARKS: Record<OperationStatus, string> = {
  done: 'done   ',
  failed: 'FAILED ',
  skipped: 'skipped',
  unknown: 'UNKNOWN',
  partial: 'PARTIAL',
};

function operationLine(r: OperationResult): string {
  const c = r.change;
  return `  ${MARKS[r.status]} ${c.action} ${c.kind} ${c.name}${r.error ? `: ${r.error}` : ''}${r.note ? ` (${r.note})` : ''}`;
}

/** "1 failed; 2 unknown (may have been applied)": the operations that stopped a cluster. */
function stopCounts(c: ClusterApplyResult): string[] {
  const n = (status: OperationStatus) => c.operations.filter((o) => o.status === status).length;
  const parts = [];
  if (n('failed')) parts.push(`${n('failed')} failed`);
  if (n('unknown')) parts.push(`${n('unknown')} unknown (may have been applied)`);
  if (n('partial')) parts.push(`${n('partial')} half done`);
  if (n('skipped')) parts.push(`${n('skipped')} not started`);
  return parts;
}

/** What a fresh plan read after the apply shows, or that it could not be read. */
function freshPlan(c: ClusterApplyResult): string {
  if (c.remaining === null) return `what is left is not known (${c.error ?? 'the cluster could not be read again'})`;
  if (c.remaining.length === 0) return 'a fresh plan shows nothing left to change';
  return `a fresh plan shows ${c.remaining.length} change(s) still to make`;
}

/** The verdict of a cluster that did not run to its end: a stop, or an operation not done. */
function stoppedVerdict(c: ClusterApplyResult): string {
  const failed = c.operations.some((o) => o.status === 'failed' || o.status === 'partial');
  const head = c.stopped ?? (failed ? 'stopped at the first failure' : 'stopped');
  const undecided = c.operations.some((o) => o.status === 'unknown');
  const next = failed
    ? 'run apply again once it is fixed'
    : undecided
      ? 'run plan to see what was applied'
      : 'run apply again to finish';
  return `${head}: ${[...stopCounts(c), freshPlan(c)].join('; ')}; ${next}`;
}

function verdict(c: ClusterApplyResult): string {
  if (!c.reachable) return `not applied: unreachable (${c.error ?? 'unknown error'})`;
  if (c.stopped !== undefined || c.operations.some((o) => o.status !== 'done')) return stoppedVerdict(c);
  const down = c.remotes.filter((r) => !r.connected).map((r) => r.alias);
  if (c.verified) {
    if (c.operations.length === 0) return 'no changes';
    // Verification asks only the remotes this apply wrote to connect; the others are told, not failed.
    const untouched = down.length ? `; remote(s) not connected, not touched by this apply: ${down.join(', ')}` : '';
    return `verified: a fresh plan is empty${untouched}`;
  }
  const parts = [];
  if (c.remaining === null) parts.push(freshPlan(c));
  else if (c.remaining.length) parts.push(`${c.remaining.length} change(s) still differ`);
  if (down.length) parts.push(`remote(s) not connected: ${down.join(', ')}`);
  return `NOT verified: ${parts.join('; ') || (c.error ?? 'unknown reason')}`;
}

function clusterLines(c: ClusterApplyResult): string[] {
  const remaining =
    c.remaining?.length && c.operations.every((o) => o.status === 'done')
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
          ...(op.note ? { note: op.note } : {}),
        })),
        ...(c.error ? { error: c.error } : {}),
        verified: c.verified,
        // A fresh plan's changes after the apply; null when the cluster could not be read again.
        remaining: c.remaining === null ? null : c.remaining.map(changeToJson),
        remotes: c.remotes,
        ...(c.stopped ? { stopped: c.stopped } : {}),
      };
    }),
    apply: summarizeApply(result),
    ...(result.stopped ? { stopped: result.stopped } : {}),
  };
}

export function renderApply(result: ApplyResult, format: Format): string {
  if (format === 'json') return JSON.stringify(applyJson(result), null, 2) + '\n';
  const lines = [applySummaryLine(summarizeApply(result)), '', ...result.clusters.flatMap(clusterLines)];
  // Names and server errors are shown as they are, in a fence they cannot close.
  // The blank line that ends each cluster's lines would end the fence with an empty line: dropped.
  if (format === 'markdown') return [`**${lines[0]}**`, '', ...mdFence('', lines.slice(2, -1)), ''].join('\n');
  return lines.join('\n');
}

/** "Applied: 1 created, 4 updated, 0 deleted": what the apply did, counted from the operations done. */
export function appliedLine(result: ApplyResult): string {
  const ops = result.clusters.flatMap((c) => c.operations);
  const done = ops.filter((o) => o.status === 'done');
  const n = (action: string) => done.filter((o) => o.change.action === action).length;
  const counts = `Applied: ${n('create')} created, ${n('update')} updated, ${n('delete')} deleted`;
  return done.length === ops.length ? counts : `${counts} (${done.length} of the ${ops.length} planned changes)`;
}

/**
 * The apply's report for a pull request and the job summary: the result first (the summary line,
 * then per cluster what ran and whether a fresh plan verified it), then the plan it carried out,
 * collapsed and titled as applied: under its own "Plan: 1 to create" it would read as still to do.
 */
export function renderApplyReport(result: ApplyResult): string {
  const all = result.clusters.every((c) => c.operations.every((o) => o.status === 'done'));
  const summary = all ? 'The plan that was applied' : 'The plan this apply carried out (not all of it was applied)';
  return [
    renderApply(result, 'markdown'),
    '<details>',
    `<summary>${summary}</summary>`,
    '',
    renderMarkdown(result.plan, { title: appliedLine(result) }),
    '</details>',
    '',
  ].join('\n');
}
