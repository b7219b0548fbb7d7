// Carries out a plan: per cluster, step by step in dependency order; clusters in parallel. The
// first operation not done (failed, unknown, partial) stops that cluster (other clusters go on),
// and so does `stop` (a signal, the run deadline) for all of them; after anything was sent the
// cluster is read and planned again, which decides the operations whose answer was lost. A
// cluster succeeds only when every operation is done, that fresh plan is empty and the remote
// connections the apply wrote are up.

import {
  stopReason,
  stoppedAt,
  type Connection,
  type ExecuteOptions,
  type FlavorAdapter,
  type Operation,
  type OperationResult,
} from '../flavors/flavor.js';
import { KIND_ORDER, type Change, type ClusterPlan, type Plan, type SecretSpec } from '../model/types.js';
import { settle } from './settle.js';

export interface ClusterApplyResult {
  name: string;
  reachable: boolean;
  error?: string;
  operations: OperationResult[];
  /** True when every operation is done, and the cluster was re-read after the last step and its plan is empty. */
  verified: boolean;
  /**
   * What a fresh plan read after the apply still shows (the plan itself when nothing was sent);
   * null when it is not known: the cluster could not be read, before or after (`error` says why).
   */
  remaining: Change[] | null;
  /**
   * Remote connections the configuration names, and whether `_remote/info` says they are up.
   * Only those the apply created or changed must be up for the cluster to be verified.
   */
  remotes: { alias: string; connected: boolean }[];
  /** Why this cluster's apply ended before its last operation, when a stop did it ("stopped by SIGINT"). */
  stopped?: string;
}

export interface ApplyResult {
  plan: Plan;
  clusters: ClusterApplyResult[];
  /** Why the apply was stopped ("stopped by SIGINT"), when it was. */
  stopped?: string;
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
   * `mustConnect` (those the apply wrote); the others are reported as they are. `operations` are
   * the results so far (a password set by an operation that is not done is not taken as set).
   */
  verify: (cluster: string, mustConnect: string[], operations: OperationResult[]) => Promise<Verification>;
  execute: ExecuteOptions;
  log: (line: string) => void;
  /**
   * Once aborted (SIGINT, SIGTERM, the run deadline), no step or operation starts any more; those
   * in flight finish and the report is made. Its reason says why ("stopped by SIGINT").
   */
  stop?: AbortSignal;
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

const skipped = (changes: Change[], error: string): OperationResult[] =>
  changes.map((change) => ({ change, status: 'skipped', error }));

function operation(change: Change, deps: ApplyDeps): Operation {
  return change.password ? { change, password: deps.resolvePassword(change.password) } : { change };
}

/** "role a, b, c" or, for a long step, "role a, b, c, d, e and 45 more": what the log says a step touches. */
function names(step: Change[]): string {
  const shown = step.slice(0, 5).map((c) => c.name);
  const more = step.length > shown.length ? ` and ${step.length - shown.length} more` : '';
  return `${step[0]!.kind} ${shown.join(', ')}${more}`;
}

const notDone = (r: OperationResult): boolean =>
  r.status === 'failed' || r.status === 'unknown' || r.status === 'partial';

interface StepsRun {
  operations: OperationResult[];
  /** Whether any step was handed to the flavor (something may have been written). */
  sent: boolean;
  /** The stop's reason, when it left operations of this cluster unstarted. */
  stopped?: string;
}

async function runSteps(plan: ClusterPlan, deps: ApplyDeps): Promise<StepsRun> {
  const results: OperationResult[] = [];
  const all = steps(plan.changes);
  let sent = false;
  for (const [i, step] of all.entries()) {
    const stop = stopReason(deps.stop);
    if (stop !== undefined) {
      deps.log(`${plan.name}: ${stop}: ${all.length - i} step(s) not started`);
      results.push(...skipped(all.slice(i).flat(), `not started: ${stop}`));
      return { operations: results, sent, stopped: stop };
    }
    const first = step[0]!;
    deps.log(
      `${plan.name}: step ${i + 1}/${all.length}: ${first.action === 'delete' ? 'delete' : 'write'} ${names(step)}`,
    );
    sent = true;
    const done = await deps.flavor(plan.name).execute(
      deps.connection(plan.name),
      step.map((c) => operation(c, deps)),
      { ...deps.execute, ...(deps.stop ? { stop: deps.stop } : {}) },
    );
    results.push(...done);
    const bad = done.find(notDone);
    if (bad) {
      const { action, kind, name } = bad.change;
      deps.log(
        `${plan.name}: ${action} ${kind} ${name} ${bad.status === 'failed' ? 'failed' : bad.status}: ${bad.error}`,
      );
      results.push(...skipped(all.slice(i + 1).flat(), `not started: ${stoppedAt(bad.change, bad.status)}`));
      return { operations: results, sent };
    }
  }
  return { operations: results, sent };
}

/**
 * The remotes this apply created or changed: only they must connect for the apply to count as
 * verified. A remote that was down before and left untouched is a finding, not this apply's failure.
 */
const writtenRemotes = (plan: ClusterPlan): string[] =>
  plan.changes.filter((c) => c.kind === 'remote_cluster' && c.action !== 'delete').map((c) => c.name);

/** The verification read, or why it could not be made. */
async function verification(
  plan: ClusterPlan,
  deps: ApplyDeps,
  mustConnect: string[],
  operations: OperationResult[],
): Promise<Verification> {
  try {
    return await deps.verify(plan.name, mustConnect, operations);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    return { plan: { ...plan, reachable: false, error, changes: [] }, remotesConnected: {} };
  }
}

async function applyCluster(plan: ClusterPlan, deps: ApplyDeps, remoteAliases: string[]): Promise<ClusterApplyResult> {
  const base = { name: plan.name, reachable: plan.reachable };
  if (!plan.reachable) {
    const operations = skipped(plan.changes, 'not started: the cluster could not be read');
    return { ...base, error: plan.error, operations, verified: false, remaining: null, remotes: [] };
  }
  if (plan.changes.length === 0) return { ...base, operations: [], verified: true, remaining: [], remotes: [] };
  const run = await runSteps(plan, deps);
  const stopped = run.stopped === undefined ? {} : { stopped: run.stopped };
  // Nothing sent, nothing changed: the plan stands.
  if (!run.sent)
    return { ...base, ...stopped, operations: run.operations, verified: false, remaining: plan.changes, remotes: [] };
  deps.log(`${plan.name}: verifying (re-reading the cluster)`);
  const written = writtenRemotes(plan);
  // Waiting for remotes to connect is for an apply that may yet be verified, and not after a stop.
  const mayVerify =
    run.stopped === undefined && run.operations.every((r) => r.status === 'done' || r.status === 'unknown');
  const check = await verification(plan, deps, mayVerify ? written : [], run.operations);
  if (!check.plan.reachable) {
    const error = `the verification read failed: ${check.plan.error ?? 'unknown error'}`;
    deps.log(`${plan.name}: ${error}`);
    return { ...base, ...stopped, error, operations: run.operations, verified: false, remaining: null, remotes: [] };
  }
  const operations = settle(run.operations, check.plan.changes);
  const remotes = remoteAliases.map((alias) => ({ alias, connected: check.remotesConnected[alias] === true }));
  const connected = written.every((alias) => check.remotesConnected[alias] === true);
  const allDone = operations.every((r) => r.status === 'done');
  const verified = allDone && check.plan.changes.length === 0 && connected;
  const error = check.plan.error === undefined ? {} : { error: check.plan.error };
  return { ...base, ...stopped, ...error, operations, verified, remaining: check.plan.changes, remotes };
}

/**
 * Applies every reachable cluster's changes. `remoteAliases` lists the remotes each cluster must
 * have. Once `deps.stop` is aborted no step starts anywhere; the result says why.
 */
export async function applyPlan(
  plan: Plan,
  deps: ApplyDeps,
  remoteAliases: (cluster: string) => string[],
): Promise<ApplyResult> {
  const clusters = await Promise.all(plan.clusters.map((c) => applyCluster(c, deps, remoteAliases(c.name))));
  const stopped = stopReason(deps.stop);
  return stopped === undefined ? { plan, clusters } : { plan, clusters, stopped };
}
