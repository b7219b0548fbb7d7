// The main jobs, shared by the CLI and the Action: config → live state → plan → apply.
// File and network I/O happen here and in the flavor adapters only.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pLimit from 'p-limit';
import { applyPlan, type ApplyResult, type Verification } from './apply/apply.js';
import { loadConfig } from './config/load.js';
import { resolveConnection, resolveLogin, resolveSecret } from './config/secrets.js';
import { planFingerprint, shortFingerprint } from './drift/fingerprint.js';
import { buildPlan, lintOnly, planCluster } from './drift/plan.js';
import { flavors } from './flavors/index.js';
import {
  type Connection,
  type FlavorAdapter,
  type OperationResult,
  type RetryPolicy,
  type Snapshot,
} from './flavors/flavor.js';
import { abortReason, deadline, formatDuration, type Deadline } from './flavors/deadline.js';
import { displayUrl, readCluster, unreachableState } from './flavors/read.js';
import { DEFAULT_RETRY } from './flavors/retry.js';
import { basicAuthCarries } from './flavors/write.js';
import { ConfigError, ConfigErrors } from './model/errors.js';
import { toNameMap } from './model/names.js';
import { redactValues } from './model/redact.js';
import {
  type ClusterConfig,
  type ClusterState,
  type Config,
  type Desired,
  type Plan,
  type UncheckedPassword,
} from './model/types.js';
import { summarize } from './render/summary.js';

export interface JobOptions {
  config: string;
  clusters?: string[];
  /** Plan against recorded snapshots in this folder instead of live clusters. */
  fromSnapshot?: string;
  /** Progress lines (stderr in the CLI, the log in the Action). */
  log?: (line: string) => void;
  /** `drift` for the Action's drift mode (check_passwords: drift); plan by default. */
  purpose?: 'plan' | 'drift';
  /** The run's deadline in ms (CLI `--deadline`, Action input `deadline`; default 30 min). */
  deadlineMs?: number;
}

/** The run deadline when none is given. */
export const DEFAULT_RUN_DEADLINE_MS = 30 * 60_000;

/** Past this, a cluster's read round and password checks stop (connection.deadline's default). */
const DEFAULT_CLUSTER_DEADLINE_MS = 120_000;

/**
 * What a run is for. It decides whose passwords are checked (check_passwords: `plan` checks on
 * every run but a snapshot, `drift` only on a drift run, `never` never).
 */
export type Purpose = 'plan' | 'apply' | 'drift' | 'snapshot';

/** The result of the one login attempt a run makes as a user. */
type PasswordCheck = { outcome: 'current' } | { outcome: 'stale' } | { outcome: 'failed'; detail: string };

/** A loaded configuration with every secret it needs resolved, ready to talk to its clusters. */
interface Session {
  config: Config;
  connections: Map<string, Connection>;
  log: (line: string) => void;
  purpose: Purpose;
  /**
   * Each user's login attempt of this run, by cluster and name: a user is logged in as once per
   * run at most (apply's verification reads the cluster again), since a server that counts
   * failed logins blocks the user, then the address.
   */
  passwordChecks: Map<string, PasswordCheck>;
  /** The passwords this run logs in with, resolved once when the session opens. */
  passwords: Map<Desired, string>;
  /** Aborts at the run deadline: every cluster's deadline hangs under it. */
  signal: AbortSignal;
}

const noLog = (): void => {};

/** Whether this run checks the passwords of `cluster`'s users (its check_passwords). */
function checksPasswords(cluster: ClusterConfig, purpose: Purpose): boolean {
  if (purpose === 'snapshot') return false;
  return cluster.checkPasswords === 'plan' || (cluster.checkPasswords === 'drift' && purpose === 'drift');
}

/**
 * Resolves every secret the selected clusters need (connections, and user passwords when they
 * are checked) before any request is sent, so that a missing one fails at once, naming its file
 * and line.
 */
function openSession(config: Config, log: (line: string) => void, purpose: Purpose, signal: AbortSignal): Session {
  const connections = new Map<string, Connection>();
  const errors: ConfigError[] = [];
  const attempt = (fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      if (e instanceof ConfigError) errors.push(e);
      else throw e;
    }
  };
  for (const c of config.clusters) attempt(() => connections.set(c.name, resolveConnection(c, config.dir)));
  const checked = new Set(config.clusters.filter((c) => checksPasswords(c, purpose)).map((c) => c.name));
  const passwords = new Map<Desired, string>();
  for (const d of config.desired.filter((x) => checked.has(x.cluster))) {
    const spec = d.password;
    if (spec) attempt(() => passwords.set(d, resolveLogin(d.name, spec, config.dir, `users.${d.name}.password`)));
  }
  if (errors.length > 0) throw new ConfigErrors(errors);
  maskUncheckedPasswords(config, checked);
  return { config, connections, log, purpose, passwordChecks: new Map(), passwords, signal };
}

/**
 * Passwords this run does not log in with are still masked where they can be resolved: a server
 * (or a proxy) may echo one in an error of any request. One that cannot be resolved is no error here.
 */
function maskUncheckedPasswords(config: Config, checked: ReadonlySet<string>): void {
  for (const d of config.desired) {
    if (!d.password || checked.has(d.cluster)) continue;
    try {
      resolveLogin(d.name, d.password, config.dir);
    } catch {
      // not needed by this run
    }
  }
}

const flavorOf = (s: Session, cluster: string): FlavorAdapter =>
  flavors[s.config.clusters.find((c) => c.name === cluster)!.connection.flavor];

/** The desired users of a cluster that exist, are enabled on both sides and have a password to log in with. */
function usersToCheck(s: Session, state: ClusterState): Desired[] {
  // Whatever the kind (a user, an internal user), an object with a password is one to log in as.
  return s.config.desired.filter(
    (d) =>
      d.cluster === state.name &&
      d.password &&
      d.body.enabled !== false &&
      state.objects[d.kind][d.name] &&
      state.objects[d.kind][d.name]!.body.enabled !== false,
  );
}

type PasswordChecks = Pick<ClusterState, 'stalePasswords' | 'uncheckedPasswords' | 'skippedPasswordChecks'>;

/**
 * Why no user of the cluster may be logged in as: a failed login would count against the user
 * and the address (OpenSearch's auth_failure_listeners), or whether it would could not be read.
 */
function lockoutRisk(state: ClusterState, users: string[]): ClusterState['skippedPasswordChecks'] {
  const listeners = state.loginFailureListeners;
  if (listeners === undefined || users.length === 0) return undefined;
  if (!listeners.known) return { cause: 'unknown-listeners', detail: listeners.reason, users };
  if (listeners.listeners.length > 0) return { cause: 'listeners', detail: listeners.listeners.join(', '), users };
  return undefined;
}

const checkKey = (cluster: string, user: string): string => JSON.stringify([cluster, user]);

/** The one login attempt of this run as user `d`, or its result when it was made already. */
async function checkPassword(s: Session, state: ClusterState, d: Desired, signal: AbortSignal): Promise<PasswordCheck> {
  const key = checkKey(state.name, d.name);
  const known = s.passwordChecks.get(key);
  if (known) return known;
  // Past the deadline no login is attempted: it could only count as a failed one.
  if (signal.aborted) return { outcome: 'failed', detail: abortReason(signal).message };
  let check: PasswordCheck;
  try {
    const conn = s.connections.get(state.name)!;
    const current = await flavorOf(s, state.name).authenticate(conn, d.name, s.passwords.get(d)!, signal);
    check = { outcome: current ? 'current' : 'stale' };
  } catch (e) {
    check = { outcome: 'failed', detail: (e as Error).message };
    s.log(`${state.name}: could not check the password of user ${d.name}: ${check.detail}`);
  }
  s.passwordChecks.set(key, check);
  return check;
}

/**
 * Users whose configured password no longer authenticates, and those whose password could not be
 * checked: a name Basic authentication cannot carry, or an attempt that failed otherwise (500,
 * timeout, network). Neither is ever reported stale, since a change that cannot be verified must
 * not be planned, nor current: the plan warns about them. No user is logged in as where a failed
 * login could lock an account (skippedPasswordChecks). Disabled users are skipped: the server
 * refuses them whatever the password. Each check is one request, bounded in parallel.
 */
async function checkPasswords(s: Session, state: ClusterState, signal: AbortSignal): Promise<PasswordChecks> {
  const users = usersToCheck(s, state);
  const skipped = lockoutRisk(
    state,
    users.map((d) => d.name),
  );
  if (skipped) {
    s.log(`${state.name}: passwords not checked: failed logins could lock accounts (${skipped.detail})`);
    return { stalePasswords: [], uncheckedPasswords: [], skippedPasswordChecks: skipped };
  }
  const checkable = users.filter((d) => basicAuthCarries(d.name));
  const unchecked: UncheckedPassword[] = users
    .filter((d) => !checkable.includes(d))
    .map((d) => ({ name: d.name, cause: 'colon' }));
  for (const { name } of unchecked) {
    s.log(`${state.name}: the password of user ${name} cannot be checked (a ':' in the name)`);
  }
  const limit = pLimit(4);
  const checks = await Promise.all(checkable.map((d) => limit(() => checkPassword(s, state, d, signal))));
  const stale = checkable.filter((_, i) => checks[i]!.outcome === 'stale').map((d) => d.name);
  checks.forEach((c, i) => {
    if (c.outcome === 'failed') unchecked.push({ name: checkable[i]!.name, cause: 'failed', detail: c.detail });
  });
  return { stalePasswords: stale, uncheckedPasswords: unchecked };
}

/** The deadline of one cluster's read round and password checks (connection.deadline), under the run's. */
function clusterDeadline(s: Session, conn: Connection): Deadline {
  const ms = conn.deadlineMs ?? DEFAULT_CLUSTER_DEADLINE_MS;
  const message = `deadline of ${formatDuration(ms)} (connection.deadline) passed while reading ${displayUrl(conn.url)}`;
  return deadline(ms, 'connection.deadline', message, s.signal);
}

/** `work`, or the cluster unreachable with the deadline's reason once `signal` aborts, whichever comes first. */
function untilDeadline<T extends { state: ClusterState }>(c: ClusterConfig, signal: AbortSignal, work: Promise<T>) {
  const passed = (): { state: ClusterState } => ({
    state: unreachableState(c.name, c.connection.flavor, abortReason(signal).message),
  });
  if (signal.aborted) return Promise.resolve(passed());
  return Promise.race([
    work,
    new Promise<{ state: ClusterState }>((resolve) => signal.addEventListener('abort', () => resolve(passed()))),
  ]);
}

/** One read round of one cluster, plus the password checks of its users. */
async function readState(s: Session, c: ClusterConfig): Promise<{ state: ClusterState; snapshot?: Snapshot }> {
  const conn = s.connections.get(c.name)!;
  const bound = clusterDeadline(s, conn);
  try {
    const result = await untilDeadline(c, bound.signal, readAndCheck(s, c, conn, bound.signal));
    if (!result.state.reachable) s.log(`${c.name}: unreachable (${result.state.error})`);
    return result;
  } finally {
    bound.release();
  }
}

/** The read round and the password checks, both stopped by `signal`; past it the cluster is unreachable. */
async function readAndCheck(s: Session, c: ClusterConfig, conn: Connection, signal: AbortSignal) {
  const started = Date.now();
  const result = await readCluster(c.name, flavors[c.connection.flavor], conn, { signal });
  const { state } = result;
  if (!state.reachable) return result;
  s.log(`${c.name}: read ${state.version ?? ''} in ${Date.now() - started} ms`);
  if (!checksPasswords(c, s.purpose)) return result;
  const checks = await checkPasswords(s, state, signal);
  if (signal.aborted) return { state: unreachableState(c.name, c.connection.flavor, abortReason(signal).message) };
  return { ...result, state: { ...state, ...checks } };
}

async function readAll(s: Session): Promise<{ states: ClusterState[]; snapshots: Snapshot[] }> {
  s.log(`reading ${s.config.clusters.length} cluster(s) in parallel`);
  const results = await Promise.all(s.config.clusters.map((c) => readState(s, c)));
  return { states: results.map((r) => r.state), snapshots: results.flatMap((r) => (r.snapshot ? [r.snapshot] : [])) };
}

export const snapshotPath = (dir: string, cluster: string): string => join(dir, `${cluster}.json`);

/** A snapshot file is as untrusted as the server it recorded: whatever it holds, it is this cluster's or unreadable. */
function readSnapshots(config: Config, dir: string): ClusterState[] {
  return config.clusters.map((c) => {
    const path = snapshotPath(dir, c.name);
    try {
      const snapshot = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
      // The file names the cluster it recorded; the config says which cluster it stands for.
      return { ...flavors[c.connection.flavor].parse(snapshot), name: c.name };
    } catch (e) {
      return unreachableState(c.name, c.connection.flavor, `no readable snapshot at ${path}: ${(e as Error).message}`);
    }
  });
}

const load = (opts: JobOptions): Config => loadConfig(opts.config, { clusters: opts.clusters });

/** The run deadline: clusters still unread when it passes are unreachable, saying so. */
function runDeadline(opts: JobOptions): Deadline {
  const ms = opts.deadlineMs ?? DEFAULT_RUN_DEADLINE_MS;
  return deadline(ms, 'run deadline', `run deadline (${formatDuration(ms)}) passed`);
}

/** Runs `job` under the run deadline, whose timer is released when it is done. */
async function underRunDeadline<T>(opts: JobOptions, job: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const run = runDeadline(opts);
  try {
    return await job(run.signal);
  } finally {
    run.release();
  }
}

export async function planJob(opts: JobOptions): Promise<{ config: Config; plan: Plan }> {
  const config = load(opts);
  return { config, plan: buildPlan(config, await readStates(config, opts)) };
}

/** One read of every cluster of `config`: live under the run deadline, or the snapshots of `opts.fromSnapshot`. */
export async function readStates(config: Config, opts: JobOptions): Promise<ClusterState[]> {
  if (opts.fromSnapshot) return readSnapshots(config, opts.fromSnapshot);
  const purpose = opts.purpose ?? 'plan';
  const { states } = await underRunDeadline(opts, (signal) =>
    readAll(openSession(config, opts.log ?? noLog, purpose, signal)),
  );
  return states;
}

export function lintJob(opts: JobOptions): { config: Config; plan: Plan } {
  const config = load(opts);
  return { config, plan: lintOnly(config) };
}

/** Records what each cluster's read round returned, one JSON file per cluster. */
export async function snapshotJob(
  opts: JobOptions & { out: string },
): Promise<{ written: string[]; states: ClusterState[] }> {
  const config = load(opts);
  const { states, snapshots } = await underRunDeadline(opts, (signal) =>
    readAll(openSession(config, opts.log ?? noLog, 'snapshot', signal)),
  );
  const toFile = opts.out.endsWith('.json');
  if (toFile && snapshots.length > 1) {
    throw new Error(`--out ${opts.out} is a file, but ${snapshots.length} clusters were read: give a folder`);
  }
  const written = snapshots.map((s) => {
    const path = toFile ? opts.out : snapshotPath(opts.out, s.cluster);
    mkdirSync(dirname(path), { recursive: true });
    // Masked value by value: masking the serialized text could cut through an escape sequence.
    writeFileSync(path, JSON.stringify(redactValues(s), null, 2) + '\n');
    return path;
  });
  return { written, states };
}

export interface ApplyOptions extends JobOptions {
  /** Asked with the plan before anything is written; false stops the apply. */
  confirm: (plan: Plan) => Promise<boolean>;
  concurrency?: number;
  retry?: RetryPolicy;
  /** How long verification waits for remote connections to come up. */
  remoteWaitMs?: number;
  /** Between two reads while waiting for remote connections. */
  pollMs?: number;
  /**
   * Aborted on SIGINT/SIGTERM (and the run deadline): nothing new starts, what is in flight
   * finishes, and the report is made. Its reason is reported ("stopped by SIGINT").
   */
  stop?: AbortSignal;
  /**
   * The fingerprint of the plan that was reviewed (a saved plan, the pull request's plan
   * comment): the apply goes ahead only when the fresh plan has it, and is refused before
   * anything is written otherwise.
   */
  expectFingerprint?: string;
}

/** A refusal because the fresh plan is not the reviewed one: both fingerprints. */
export interface StalePlan {
  reviewed: string;
  fresh: string;
}

export type ApplyOutcome =
  | { status: 'refused'; plan: Plan; reason: string; stale?: StalePlan }
  | { status: 'nothing-to-do'; plan: Plan }
  | { status: 'declined'; plan: Plan }
  | { status: 'applied'; plan: Plan; result: ApplyResult };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Users whose password the apply of `cluster` set (created, or changed through the password API),
 * as current: the server took the new one, so verification does not log in as them again. Only
 * operations that are done count: a password whose answer was lost is not taken as set (and the
 * user is not logged in as again either: the check made before the apply stands).
 */
function acknowledgePasswords(s: Session, cluster: string, operations: OperationResult[]): void {
  for (const { change: c, status } of operations) {
    if (status === 'done' && c.password && c.action !== 'delete') {
      s.passwordChecks.set(checkKey(cluster, c.name), { outcome: 'current' });
    }
  }
}

/**
 * Re-reads one cluster until its plan is empty and the remotes in `mustConnect` (those the apply
 * wrote) are connected, or the wait is over (or the apply is stopped). Every configured remote's
 * state is reported.
 */
function verifier(
  s: Session,
  opts: ApplyOptions,
): (cluster: string, mustConnect: string[], operations: OperationResult[]) => Promise<Verification> {
  const wait = opts.remoteWaitMs ?? 30_000;
  return async (cluster, mustConnect, operations) => {
    acknowledgePasswords(s, cluster, operations);
    const c = s.config.clusters.find((x) => x.name === cluster)!;
    const aliases = s.config.desired.filter((d) => d.cluster === cluster && d.kind === 'remote_cluster');
    const deadline = Date.now() + wait;
    for (;;) {
      const { state } = await readState(s, c);
      const plan = planCluster(s.config, state);
      const remotesConnected = toNameMap(aliases.map((d) => [d.name, state.remoteInfo[d.name]?.connected === true]));
      const waitingFor = mustConnect.filter((alias) => remotesConnected[alias] !== true);
      const settled = !state.reachable || plan.changes.length > 0 || waitingFor.length === 0;
      if (settled || Date.now() >= deadline || opts.stop?.aborted) return { plan, remotesConnected };
      s.log(`${cluster}: waiting for remote connections (${waitingFor.join(', ')})`);
      await sleep(opts.pollMs ?? 2_000);
    }
  };
}

/** The two fingerprints when `plan` is not the reviewed plan `expected`; undefined when it is (or none is expected). */
function stalePlan(plan: Plan, expected: string | undefined): StalePlan | undefined {
  if (expected === undefined) return undefined;
  const fresh = planFingerprint(plan);
  return fresh === expected ? undefined : { reviewed: expected, fresh };
}

const staleReason = (s: StalePlan): string =>
  `the plan is not the reviewed plan (reviewed ${shortFingerprint(s.reviewed)}, now ${shortFingerprint(s.fresh)}): the clusters or the configuration changed since it was made`;

/**
 * Plans, asks, applies, verifies. Error findings refuse the whole apply, and so does a plan that
 * is not the reviewed one (expectFingerprint), before anything is asked or written.
 */
export async function applyJob(opts: ApplyOptions): Promise<ApplyOutcome> {
  return underRunDeadline(opts, (signal) => applyUnder(opts, signal));
}

/** applyJob under the run deadline `signal` (the session's: every read of the apply stops with it). */
async function applyUnder(opts: ApplyOptions, signal: AbortSignal): Promise<ApplyOutcome> {
  const config = load(opts);
  const session = openSession(config, opts.log ?? noLog, 'apply', signal);
  const { states } = await readAll(session);
  const plan = buildPlan(config, states);
  const s = summarize(plan);
  if (s.errors > 0) return { status: 'refused', plan, reason: `the plan has ${s.errors} error finding(s)` };
  const stale = stalePlan(plan, opts.expectFingerprint);
  if (stale) return { status: 'refused', plan, reason: staleReason(stale), stale };
  if (s.create + s.update + s.delete === 0) return { status: 'nothing-to-do', plan };
  if (!(await opts.confirm(plan))) return { status: 'declined', plan };
  // The run deadline stops the apply as a signal does: nothing new starts, what is in flight finishes.
  const stop = opts.stop ? AbortSignal.any([opts.stop, signal]) : signal;
  const result = await applyPlan(
    plan,
    {
      flavor: (cluster) => flavorOf(session, cluster),
      connection: (cluster) => session.connections.get(cluster)!,
      resolvePassword: (spec) => resolveSecret(spec, config.dir),
      verify: verifier(session, { ...opts, stop }),
      // The run deadline is a hard bound: it also aborts the writes in flight (their outcome is then unknown).
      execute: { concurrency: opts.concurrency ?? 4, retry: opts.retry ?? DEFAULT_RETRY, signal },
      log: session.log,
      stop,
    },
    (cluster) => config.desired.filter((d) => d.cluster === cluster && d.kind === 'remote_cluster').map((d) => d.name),
  );
  return { status: 'applied', plan, result };
}

/** Terraform's -detailed-exitcode: 0 no changes, 2 changes, 1 error (unreachable cluster or error finding). */
export function exitCode(plan: Plan, detailed: boolean): number {
  const s = summarize(plan);
  if (s.errors > 0 || s.unreachable > 0) return 1;
  return detailed && s.create + s.update + s.delete > 0 ? 2 : 0;
}

/** 0 when every cluster was applied and verified, 1 otherwise. */
export function applyExitCode(outcome: ApplyOutcome): number {
  if (outcome.status === 'nothing-to-do') return exitCode(outcome.plan, false);
  if (outcome.status !== 'applied') return 1;
  return outcome.result.clusters.every((c) => c.reachable && c.verified) ? 0 : 1;
}
