// Carries out a plan: per cluster, step by step in dependency order; clusters in parallel. The
// first failure stops that cluster (other clusters go on); a cluster succeeds only when a fresh
// plan of it is empty and the remote connections the apply wrote are up.

import {
  type Connection,
  type ExecuteOptions,
  type FlavorAdapter,
  type Operation,
  type OperationResult,
} from '../flavors/flavor.js';
import { KIND_ORDER, type Change, type ClusterPlan, type Plan, type SecretSpec } from '../model/types.js';

export interface ClusterApplyResult {
  name: string;
  reachable: boolean;
  error?: string;
  operations: OperationResult[];
  /** True when the cluster was re-read after the last step and its plan is empty. */
  verified: boolean;
  /** What still differs after the apply (from the fresh plan). */
  remaining: Change[];
  /**
   * Remote connections the configuration names, and whether `_remote/info` says they are up.
   * Only those the apply created or changed must be up for the cluster to be verified.
   */
  remotes: { alias: string; connected: boolean }[];
}

export interface ApplyResult {
  plan: Plan;
  clusters: ClusterApplyResult[];
}

export interface Verification {
  plan: ClusterPlan;
  remotesConnected: Record<string, boolean>;
}

export interface ApplyDeps {
  flavor: (cluster: string) => FlavorAdapter;
  connection: (cluster: string) => Connection;
  resolvePassword: (spec: SecretSpec) => string;
  /**
   * Re-reads a cluster and plans it again, waiting (bounded) for the remote connections named in
   * `mustConnect` (those the apply wrote); the others are reported as they are.
   */
  verify: (cluster: string, mustConnect: string[]) => Promise<Verification>;
  execute: ExecuteOptions;
  log: (line: string) => void;
}

/** Consecutive changes of one kind and direction form a step; steps run one after another. */
export function steps(changes: Change[]): Change[][] {
  const out: Change[][] = [];
  const key = (c: Change) => `${c.action === 'delete'}:${KIND_ORDER.indexOf(c.kind)}`;
  for (const c of changes) {
    const last = out[out.length - 1];
    if (last && key(last[0]!) === key(c)) last.push(c);
    else out.push([c]);
  }
  return out;
}

const skipped = (changes: Change[]): OperationResult[] => changes.map((change) => ({ change, status: 'skipped' }));

function operation(change: Change, deps: ApplyDeps): Operation {
  return change.password ? { change, password: deps.resolvePassword(change.password) } : { change };
}

/** "role a, b, c" or, for a long step, "role a, b, c, d, e and 45 more": what the log says a step touches. */
function names(step: Change[]): string {
  const shown = step.slice(0, 5).map((c) => c.name);
  const more = step.length > shown.length ? ` and ${step.length - shown.length} more` : '';
  return `${step[0]!.kind} ${shown.join(', ')}${more}`;
}

async function runSteps(plan: ClusterPlan, deps: ApplyDeps): Promise<OperationResult[]> {
  const results: OperationResult[] = [];
  const all = steps(plan.changes);
  for (const [i, step] of all.entries()) {
    const first = step[0]!;
    deps.log(
      `${plan.name}: step ${i + 1}/${all.length}: ${first.action === 'delete' ? 'delete' : 'write'} ${names(step)}`,
    );
    const done = await deps.flavor(plan.name).execute(
      deps.connection(plan.name),
      step.map((c) => operation(c, deps)),
      deps.execute,
    );
    results.push(...done);
    const failed = done.find((r) => r.status === 'failed');
    if (failed) {
      deps.log(
        `${plan.name}: ${failed.change.action} ${failed.change.kind} ${failed.change.name} failed: ${failed.error}`,
      );
      results.push(...skipped(all.slice(i + 1).flat()));
      break;
    }
  }
  return results;
}

/**
 * The remotes this apply created or changed: only they must connect for the apply to count as
 * verified. A remote that was down before and left untouched is a finding, not this apply's failure.
 */
const writtenRemotes = (plan: ClusterPlan): string[] =>
  plan.changes.filter((c) => c.kind === 'remote_cluster' && c.action !== 'delete').map((c) => c.name);

async function applyCluster(plan: ClusterPlan, deps: ApplyDeps, remoteAliases: string[]): Promise<ClusterApplyResult> {
  const base = { name: plan.name, reachable: plan.reachable, remaining: plan.changes };
  if (!plan.reachable) {
    return { ...base, error: plan.error, operations: skipped(plan.changes), verified: false, remotes: [] };
  }
  if (plan.changes.length === 0) return { ...base, operations: [], verified: true, remotes: [] };
  const operations = await runSteps(plan, deps);
  if (operations.some((r) => r.status !== 'done')) {
    return { ...base, operations, verified: false, remotes: [] };
  }
  deps.log(`${plan.name}: verifying (re-reading the cluster)`);
  const written = writtenRemotes(plan);
  const check = await deps.verify(plan.name, written);
  const remotes = remoteAliases.map((alias) => ({ alias, connected: check.remotesConnected[alias] === true }));
  const connected = written.every((alias) => check.remotesConnected[alias] === true);
  const verified = check.plan.reachable && check.plan.changes.length === 0 && connected;
  return { ...base, error: check.plan.error, operations, verified, remaining: check.plan.changes, remotes };
}

/** Applies every reachable cluster's changes. `remoteAliases` lists the remotes each cluster must have. */
export async function applyPlan(
  plan: Plan,
  deps: ApplyDeps,
  remoteAliases: (cluster: string) => string[],
): Promise<ApplyResult> {
  const clusters = await Promise.all(plan.clusters.map((c) => applyCluster(c, deps, remoteAliases(c.name))));
  return { plan, clusters };
}
