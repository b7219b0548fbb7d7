// The fault suite's estate and its checks. Each case gets two stand-in clusters (stand-in.ts)
// holding the estate of examples/ccr, applied once and then partly undone so that the true plan
// is neither empty nor "everything from scratch": east is read directly (the healthy cluster of
// the run), west through the fault proxy (proxy.ts). xcluster runs in-process (`run(args, io)`),
// bounded: a run that does not return within BOUND_MS is a deadline not kept.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { xcluster, type CliRun } from '../unit/helpers/cli.js';
import { EXAMPLE_SECRETS } from '../unit/helpers/example-estate.js';
import { type FaultCase, type Mode, type Status, TIMEOUT } from './faults.js';
import { FaultProxy, type Rule } from './proxy.js';
import { startElasticsearch, type StandIn } from './stand-in.js';

const EXAMPLE = path.resolve('examples/ccr/xcluster');

/** Longest a faulty run may take: many times the 500 ms timeout, and past the 2–3 s deadlines of the cases. */
export const BOUND_MS = 8_000;

type Obj = Record<string, unknown>;

/** What a fake cluster holds. */
interface Held {
  roles: Obj;
  users: Obj;
  mappings: Obj;
  persistent: Obj;
  transient: Obj;
}

const hold = (s: StandIn): Held =>
  structuredClone({
    roles: s.fake.roles,
    users: s.fake.users,
    mappings: s.fake.mappings,
    persistent: s.fake.persistent,
    transient: s.fake.transient,
  });

function restore(s: StandIn, held: Held): void {
  const copy = structuredClone(held);
  s.fake.roles = copy.roles as typeof s.fake.roles;
  s.fake.users = copy.users as typeof s.fake.users;
  s.fake.mappings = copy.mappings as typeof s.fake.mappings;
  s.fake.persistent = copy.persistent;
  s.fake.transient = copy.transient;
}

export interface Estate {
  dir: string;
  east: StandIn;
  west: StandIn;
  proxy: FaultProxy;
}

function editFile(file: string, edit: (text: string) => string): void {
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
}

/** Stand-ins for east and west, the proxy before west, and examples/ccr's configuration pointing at them. */
async function startEstate(westConnection = `  timeout: ${TIMEOUT}\n`): Promise<Estate> {
  const [east, west] = await Promise.all([startElasticsearch(), startElasticsearch()]);
  const proxy = await new FaultProxy(west.url).start();
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'xcluster-faults-')), 'xcluster');
  cpSync(EXAMPLE, dir, { recursive: true });
  editFile(path.join(dir, 'clusters', 'east.yml'), (t) =>
    t.replace('url: https://east.example.com:9200\n', `url: ${east.url}\n  timeout: 5s\n`),
  );
  editFile(path.join(dir, 'clusters', 'west.yml'), (t) =>
    t.replace('url: https://west.example.com:9200\n', `url: ${proxy.url}\n${westConnection}`),
  );
  return { dir, east, west, proxy };
}

async function stopEstate(e: Estate): Promise<void> {
  await Promise.all([e.proxy.stop(), e.east.stop(), e.west.stop()]);
  rmSync(path.dirname(e.dir), { recursive: true, force: true });
}

interface Seed {
  east: Held;
  west: Held;
}

/**
 * The starting point of every case: the estate applied, then a role, a role mapping and a user
 * removed on west, a role on east, and a role made by hand on west (unmanaged). A read that
 * takes a bad answer for an empty cluster plans every object as a create and lists nothing
 * unmanaged: the true plan is three creates on west, one on east, one unmanaged role.
 */
function prepare(e: Estate, seed: Seed): void {
  restore(e.east, seed.east);
  restore(e.west, seed.west);
  delete e.west.fake.roles['remote-search'];
  delete e.west.fake.mappings['ldap-replication-operators'];
  delete e.west.fake.users['cross-search-user'];
  delete e.east.fake.roles['remote-search'];
  e.west.fake.roles['hand-made'] = { cluster: ['monitor'], indices: [{ names: ['logs-*'], privileges: ['read'] }] };
  e.west.fake.requests = [];
  e.east.fake.requests = [];
}

// ---------------------------------------------------------------------------------------------
// The JSON reports

export interface ChangeJson {
  action: string;
  kind: string;
  name: string;
  status?: Status;
  error?: string;
}

export interface ClusterJson {
  name: string;
  reachable: boolean;
  error?: string;
  changes: ChangeJson[];
  unmanaged: unknown[];
  verified?: boolean;
  remaining?: ChangeJson[] | null;
}

const key = (c: ChangeJson): string => `${c.action} ${c.kind} ${c.name}`;
export const keys = (cs: ChangeJson[]): string[] => cs.map(key).sort();

export function report(run: CliRun): Record<string, ClusterJson> {
  let parsed: { clusters: ClusterJson[] };
  try {
    parsed = JSON.parse(run.stdout) as { clusters: ClusterJson[] };
  } catch {
    throw new Error(`no JSON report (exit ${run.code}); stderr:\n${run.stderr}\nstdout:\n${run.stdout}`);
  }
  return Object.fromEntries(parsed.clusters.map((c) => [c.name, c]));
}

/** The clean plan of the prepared estate: what every faulty read must either show or refuse to guess. */
interface Baseline {
  east: ClusterJson;
  west: ClusterJson;
}

// ---------------------------------------------------------------------------------------------
// Running

/** The run, or `late` when it did not return within BOUND_MS (the proxy is then shut so that it unwinds). */
export async function bounded(proxy: FaultProxy, args: string[]): Promise<CliRun | 'late'> {
  const run = xcluster(...args);
  const first = await within(run, BOUND_MS);
  if (first !== 'late') return first;
  await proxy.stop();
  await within(run, BOUND_MS);
  return 'late';
}

/** `p`, or `late` after `ms`; the timer is cleared either way. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

function rulesFor(f: FaultCase, mode: Mode): Rule[] {
  const times = f.times !== undefined ? { times: f.times } : {};
  if (mode === 'apply-write') {
    return [{ method: 'PUT', path: f.writePath ?? /^\/_security\/role\//, ...times, fault: f.writeFault ?? f.fault }];
  }
  const read = { method: 'GET', path: f.readPath ?? '/_security/role', ...times, fault: f.fault };
  // The verification's read round is the second read of the endpoint in an apply.
  return [mode === 'apply-verify' ? { ...read, from: 2 } : read];
}

const command = (what: 'plan' | 'apply', e: Estate, f?: FaultCase): string[] => [
  ...(what === 'plan' ? ['plan'] : ['apply', '--yes']),
  '--config',
  e.dir,
  '--format',
  'json',
  ...(f?.args ?? []),
];

export interface Suite {
  run: (f: FaultCase) => Promise<void>;
  setup: () => Promise<void>;
  teardown: () => void;
}

/** One mode of the suite: `setup` (beforeAll) seeds the estate and reads the clean plan; `run` tries one fault. */
export function faultSuite(mode: Mode): Suite {
  let seed: Seed;
  let baseline: Baseline;

  const setup = async (): Promise<void> => {
    Object.assign(process.env, EXAMPLE_SECRETS);
    const e = await startEstate();
    try {
      const applied = await xcluster(...command('apply', e));
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      seed = { east: hold(e.east), west: hold(e.west) };
      prepare(e, seed);
      const clean = report(await xcluster(...command('plan', e)));
      baseline = { east: clean.east!, west: clean.west! };
    } finally {
      await stopEstate(e);
    }
    // Not vacuous: the true plan is neither empty nor "everything from scratch".
    expect(keys(baseline.west.changes)).toEqual([
      'create role remote-search',
      'create role_mapping ldap-replication-operators',
      'create user cross-search-user',
    ]);
    expect(keys(baseline.east.changes)).toEqual(['create role remote-search']);
    expect(JSON.stringify(baseline.west.unmanaged)).toContain('hand-made');
  };

  const teardown = (): void => {
    for (const k of Object.keys(EXAMPLE_SECRETS)) delete process.env[k];
  };

  const run = async (f: FaultCase): Promise<void> => {
    const e = await startEstate(f.connection);
    try {
      prepare(e, seed);
      if (f.fault.kind === 'refuse' && (mode === 'plan' || mode === 'apply-read')) await e.proxy.closePort();
      else e.proxy.inject(...rulesFor(f, mode));
      const run = await bounded(e.proxy, command(mode === 'plan' ? 'plan' : 'apply', e, f));
      if (run === 'late') throw new Error(`the run did not return within ${BOUND_MS} ms: no deadline ended it`);
      const got = report(run);
      await e.proxy.heal();
      if (mode === 'plan') checkPlan(f, run, got, baseline, e);
      else await checkApply(f, mode, run, got, baseline, e);
    } finally {
      await stopEstate(e);
    }
  };

  return { run, setup, teardown };
}

// ---------------------------------------------------------------------------------------------
// The checks

/** Nothing hidden: an unreachable cluster says why; a reachable one shows the true plan, never a guess. */
export function checkRead(f: FaultCase, west: ClusterJson, baseline: Pick<ClusterJson, 'changes' | 'unmanaged'>): void {
  const retried = `${west.name} should be read after a retry: ${west.error}`;
  if (f.onRead === 'recovers') expect(west.reachable, retried).toBe(true);
  if (f.onRead === 'fails') expect(west.reachable, `${west.name} must be unreachable`).toBe(false);
  if (west.reachable) {
    expect(keys(west.changes)).toEqual(keys(baseline.changes));
    expect(west.unmanaged).toEqual(baseline.unmanaged);
    return;
  }
  expect(west.changes, 'no plan is made from a cluster that could not be read').toEqual([]);
  for (const pattern of f.readError) expect(west.error ?? '').toMatch(pattern);
}

function checkPlan(f: FaultCase, run: CliRun, got: Record<string, ClusterJson>, baseline: Baseline, e: Estate): void {
  const { east, west } = got as { east: ClusterJson; west: ClusterJson };
  // The healthy cluster is planned as usual, whatever happened to the other.
  expect(east.reachable).toBe(true);
  expect(keys(east.changes)).toEqual(keys(baseline.east.changes));
  checkRead(f, west, baseline.west);
  expect(run.code, 'plan exits 1 when a cluster is unreachable, 0 otherwise').toBe(west.reachable ? 0 : 1);
  expect([...e.west.fake.writes(), ...e.east.fake.writes()], 'a plan writes nothing').toEqual([]);
}

const STATUSES: readonly Status[] = ['done', 'failed', 'skipped', 'unknown', 'partial'];

function checkStatuses(c: ClusterJson): void {
  for (const ch of c.changes) {
    expect(STATUSES, `${key(ch)}: status`).toContain(ch.status);
    if (ch.status === 'unknown') expect(ch.error, key(ch)).toMatch(/^may have been applied: /);
    if (ch.status === 'partial') expect(ch.error, key(ch)).toMatch(/^half done: /);
    if (ch.status === 'failed') expect(ch.error, `${key(ch)}: a failure says why`).toEqual(expect.any(String));
  }
}

/** What a report says was done is done; what it says failed or was skipped is still to do (`fresh`: a plan after the run). */
function checkTruth(c: ClusterJson, fresh: ClusterJson): void {
  const todo = keys(fresh.changes);
  for (const ch of c.changes) {
    if (ch.status === 'done') expect(todo, `${key(ch)} reported done`).not.toContain(key(ch));
    if (ch.status === 'failed' || ch.status === 'skipped')
      expect(todo, `${key(ch)} reported ${ch.status}`).toContain(key(ch));
  }
  if (c.remaining === null)
    expect(c.error, `${c.name}: remaining is null, so the error says why`).toEqual(expect.any(String));
  else expect(keys(c.remaining ?? []), `${c.name}: remaining is what a fresh plan shows`).toEqual(todo);
}

const applied = (c: ClusterJson): boolean =>
  c.reachable &&
  c.verified === true &&
  c.changes.every((ch) => ch.status === 'done') &&
  Array.isArray(c.remaining) &&
  c.remaining.length === 0;

/**
 * `remaining: []` says a fresh plan was read and is empty: with every operation done (and the
 * stand-in's remotes always connected) the cluster is then verified. A cluster whose fresh plan
 * could not be read has `remaining: null`, never an empty list.
 */
function checkConsistent(c: ClusterJson): void {
  const emptyRemaining = Array.isArray(c.remaining) && c.remaining.length === 0;
  if (emptyRemaining && c.changes.every((ch) => ch.status === 'done')) {
    const why = `${c.name}: remaining is [] but not verified (${c.error}): a re-read that failed is remaining: null`;
    expect(c.verified, why).toBe(true);
  }
}

async function checkApply(
  f: FaultCase,
  mode: Mode,
  run: CliRun,
  got: Record<string, ClusterJson>,
  baseline: Baseline,
  e: Estate,
): Promise<void> {
  const { east, west } = got as { east: ClusterJson; west: ClusterJson };
  // What the mode is about first, so that a case's first failure is its headline.
  if (mode === 'apply-read') checkApplyRead(f, west, baseline, e);
  if (mode === 'apply-verify') checkApplyVerify(f, west);
  if (mode === 'apply-write') checkApplyWrite(f, west, e);
  checkStatuses(east);
  checkStatuses(west);
  checkConsistent(east);
  checkConsistent(west);
  // The healthy cluster is applied and verified, whatever happened to the other.
  expect(applied(east), `east: ${JSON.stringify(east)}`).toBe(true);
  expect(run.code, 'apply exits 0 only when every cluster was applied and verified').toBe(
    applied(east) && applied(west) ? 0 : 1,
  );
  // Nothing lost: a fresh plan agrees with the report, and a clean re-run converges.
  const fresh = report(await xcluster(...command('plan', e)));
  checkTruth(east, fresh.east!);
  checkTruth(west, fresh.west!);
  // Its verification is the next plan; with nothing left to do it prints that plan instead.
  const again = await xcluster(...command('apply', e));
  expect(again.code, `a clean re-run applies: ${again.stdout}${again.stderr}`).toBe(0);
  const after = report(again);
  const converged = (c: ClusterJson): boolean =>
    c.verified === undefined
      ? c.changes.length === 0
      : c.verified && Array.isArray(c.remaining) && c.remaining.length === 0;
  expect(
    [after.east!, after.west!].filter((c) => !converged(c)),
    'a re-run converges',
  ).toEqual([]);
}

function checkApplyRead(f: FaultCase, west: ClusterJson, baseline: Baseline, e: Estate): void {
  checkRead(f, west, baseline.west);
  if (west.reachable) return;
  expect(e.west.fake.writes(), 'nothing is written to a cluster that could not be read').toEqual([]);
}

function checkApplyVerify(f: FaultCase, west: ClusterJson): void {
  // The apply itself met no fault: every operation was done.
  expect(west.changes.map((c) => c.status)).toEqual(['done', 'done', 'done']);
  if (f.onRead === 'recovers') expect(west.remaining, `west: ${west.error}`).toEqual([]);
  if (f.onRead === 'fails') expect(west.remaining, 'the fresh plan could not be read: remaining is null').toBeNull();
  if (west.remaining === null) for (const pattern of f.readError) expect(west.error ?? '').toMatch(pattern);
}

function checkApplyWrite(f: FaultCase, west: ClusterJson, e: Estate): void {
  const broken = e.proxy.log.find((x) => x.fault !== undefined);
  expect(broken, 'the fault was injected').toBeDefined();
  const name = decodeURIComponent(broken!.path.split('/').pop()!);
  const op = west.changes.find((c) => c.name === name && broken!.path.startsWith(`/_security/${c.kind}/`));
  expect(op, `an operation for ${broken!.path}`).toBeDefined();
  expect(f.writeStatus, `${key(op!)}: ${op!.error}`).toContain(op!.status);
  if (op!.status !== 'done') for (const pattern of f.writeError) expect(op!.error ?? '').toMatch(pattern);
  if (f.onWrite === 'recovers') expect(applied(west), `west: ${JSON.stringify(west)}`).toBe(true);
}
