// Issue 12 items 4 and 5, the apply engine with a fake flavor: no operation starts after a
// failure or a stop, the verification read after any step that sent something decides the
// unknowns and gives `remaining`, and the report says exactly what happened.

import { describe, expect, it } from 'vitest';
import { applyPlan, type ApplyDeps, type Verification } from '../../src/apply/apply.js';
import { type FlavorAdapter, type Operation, type OperationResult } from '../../src/flavors/flavor.js';
import { runStep } from '../../src/flavors/write-outcome.js';
import { type Change, type ClusterPlan } from '../../src/model/types.js';
import { renderApply } from '../../src/render/apply.js';

const change = (kind: Change['kind'], name: string, diffPaths: string[] = ['cluster']): Change => ({
  cluster: 'west',
  action: 'create',
  kind,
  name,
  diff: diffPaths.map((p) => ({ path: [p], before: null, after: 'x' })),
  body: {},
});

const planOf = (changes: Change[], extra: Partial<ClusterPlan> = {}): ClusterPlan => ({
  name: 'west',
  flavor: 'elasticsearch',
  reachable: true,
  changes,
  unmanaged: [],
  ...extra,
});

/** A flavor whose operations end as `outcomes` says (done by default), recording each step. */
function flavorWith(outcomes: Record<string, Omit<OperationResult, 'change'>>, onStep?: () => void) {
  const steps: string[][] = [];
  const flavor = {
    async execute(_conn: unknown, step: Operation[]) {
      steps.push(step.map((o) => o.change.name));
      onStep?.();
      return step.map((o) => ({ change: o.change, ...(outcomes[o.change.name] ?? { status: 'done' as const }) }));
    },
  } as unknown as FlavorAdapter;
  return { flavor, steps };
}

function deps(flavor: FlavorAdapter, verify: ApplyDeps['verify'], extra: Partial<ApplyDeps> = {}): ApplyDeps {
  return {
    flavor: () => flavor,
    connection: () => ({ cluster: 'west', url: 'https://west:9200', auth: null, timeoutMs: 1000 }),
    resolvePassword: () => 'pw',
    verify,
    execute: {
      concurrency: 4,
      retry: { retries: 0, baseDelayMs: 0, maxDelayMs: 0, deadlineMs: 0, sleep: async () => {} },
    },
    log: () => {},
    ...extra,
  };
}

const fresh =
  (changes: Change[], calls: string[][] = []): ApplyDeps['verify'] =>
  async (_cluster, mustConnect) => {
    calls.push(mustConnect);
    return { plan: planOf(changes), remotesConnected: {} } satisfies Verification;
  };

const LOST = { status: 'unknown' as const, error: 'may have been applied: request timed out' };
const roleA = change('role', 'a');
const roleB = change('role', 'b');
const mapping = change('role_mapping', 'm');
const user = change('user', 'u', ['roles', 'password']);

describe('issue 12 item 5: remaining is what a fresh plan shows', () => {
  it('issue 12 item 5: after a failure the cluster is read again, and remaining is that plan (done ones not in it)', async () => {
    const { flavor } = flavorWith({ b: { status: 'failed', error: '400 bad' } });
    const verified: string[][] = [];
    const result = await applyPlan(
      { clusters: [planOf([roleA, roleB, mapping])], findings: [] },
      deps(flavor, fresh([roleB, mapping], verified)),
      () => [],
    );
    const west = result.clusters[0]!;
    expect(verified).toHaveLength(1);
    expect(west.remaining!.map((c) => c.name)).toEqual(['b', 'm']);
    expect(west.verified).toBe(false);
    expect(west.operations.map((o) => `${o.status} ${o.change.name} ${o.error ?? ''}`)).toEqual([
      'done a ',
      'failed b 400 bad',
      'skipped m not started: create role b failed',
    ]);
  });
});

describe('issue 12 item 4: the verification read decides unknowns', () => {
  it('issue 12 item 4: an unknown stops the cluster like a failure; absent from the fresh plan it is done, with a note', async () => {
    const { flavor, steps } = flavorWith({ a: LOST });
    const result = await applyPlan(
      { clusters: [planOf([roleA, mapping])], findings: [] },
      deps(flavor, fresh([mapping])),
      () => [],
    );
    const west = result.clusters[0]!;
    expect(steps).toEqual([['a']]);
    expect(west.operations).toEqual([
      { change: roleA, status: 'done', note: 'answer lost; the verification read shows it applied' },
      {
        change: mapping,
        status: 'skipped',
        error: 'not started: create role a may have been applied (its answer was lost)',
      },
    ]);
    expect(west.remaining).toEqual([mapping]);
    expect(west.verified).toBe(false);
  });

  it('issue 12 item 4: an unknown still in the fresh plan is failed: not applied', async () => {
    const { flavor } = flavorWith({ a: LOST });
    const result = await applyPlan(
      { clusters: [planOf([roleA])], findings: [] },
      deps(flavor, fresh([roleA])),
      () => [],
    );
    expect(result.clusters[0]!.operations[0]).toEqual({
      change: roleA,
      status: 'failed',
      error: 'answer lost (request timed out); the verification read shows it not applied',
    });
  });

  it('issue 12 item 4: when the re-read fails the unknown stays unknown and remaining is null, with the reason', async () => {
    const { flavor } = flavorWith({ a: LOST });
    const unreadable: ApplyDeps['verify'] = async () => ({
      plan: planOf([], { reachable: false, error: 'GET /_security/role: no answer within 30 s' }),
      remotesConnected: {},
    });
    const result = await applyPlan({ clusters: [planOf([roleA])], findings: [] }, deps(flavor, unreadable), () => []);
    const west = result.clusters[0]!;
    expect(west.operations[0]).toMatchObject({ status: 'unknown', error: 'may have been applied: request timed out' });
    expect(west.remaining).toBeNull();
    expect(west.error).toBe('the verification read failed: GET /_security/role: no answer within 30 s');
    const json = JSON.parse(renderApply(result, 'json'));
    expect(json.clusters[0]).toMatchObject({ remaining: null, verified: false, error: west.error });
    expect(json.clusters[0].changes[0]).toMatchObject({ status: 'unknown', error: LOST.error });
  });

  it('issue 12 item 4: a partial operation still in the fresh plan stays half done; a password-only difference cannot decide an unknown', async () => {
    const half = {
      status: 'partial' as const,
      error: 'half done: PUT /_security/user/u done; POST …/_password failed: 400',
    };
    const onlyPassword = { ...user, diff: user.diff.filter((d) => d.path[0] === 'password') };
    for (const [outcome, expected] of [
      [half, 'partial'],
      [LOST, 'unknown'],
    ] as const) {
      const { flavor } = flavorWith({ u: outcome });
      const result = await applyPlan(
        { clusters: [planOf([user])], findings: [] },
        deps(flavor, fresh([onlyPassword])),
        () => [],
      );
      expect(result.clusters[0]!.operations[0]!.status).toBe(expected);
    }
    const { flavor } = flavorWith({ u: LOST });
    const result = await applyPlan(
      { clusters: [planOf([user])], findings: [] },
      deps(flavor, fresh([onlyPassword])),
      () => [],
    );
    expect(result.clusters[0]!.operations[0]!.error).toContain('cannot tell whether the password was set');
  });

  it('issue 12 item 4: the verifier is told what became of each operation (a password not done is not taken as set)', async () => {
    const { flavor } = flavorWith({ u: LOST });
    const told: OperationResult[][] = [];
    const verify: ApplyDeps['verify'] = async (_c, _m, operations) => {
      told.push(operations);
      return { plan: planOf([]), remotesConnected: {} };
    };
    await applyPlan({ clusters: [planOf([roleA, user])], findings: [] }, deps(flavor, verify), () => []);
    expect(told.map((ops) => ops.map((o) => `${o.status} ${o.change.name}`))).toEqual([['done a', 'unknown u']]);
  });
});

describe('issue 12 item 5: nothing starts after a failure; in-flight operations say so', () => {
  /** A `run` whose operations end when the test says, recording when each started. */
  function controlled() {
    const started: string[] = [];
    const finish = new Map<string, (outcome: Awaited<ReturnType<Parameters<typeof runStep>[2]>>) => void>();
    const run = (op: Operation) =>
      new Promise<Awaited<ReturnType<Parameters<typeof runStep>[2]>>>((resolve) => {
        started.push(op.change.name);
        finish.set(op.change.name, resolve);
      });
    return { started, finish, run };
  }
  const tick = () => new Promise((r) => setImmediate(r));
  const ops = ['a', 'b', 'bad', 'c', 'd', 'e'].map((n) => ({ change: change('role', n) }));

  it('issue 12 item 5: with concurrency 4 the ones listed done after FAILED were in flight: none starts after the failure', async () => {
    const { started, finish, run } = controlled();
    const results = runStep(ops, 4, run);
    await tick();
    expect(started).toEqual(['a', 'b', 'bad', 'c']);
    finish.get('bad')!({ status: 'failed', error: '400 bad' });
    await tick();
    for (const n of ['a', 'b', 'c']) finish.get(n)!({ status: 'done' });
    const done = await results;
    // The finding: those done after the failure were in flight; the queued ones never start.
    expect(started).toEqual(['a', 'b', 'bad', 'c']);
    expect(done.map((r) => [r.change.name, r.status, r.error ?? r.note])).toEqual([
      ['a', 'done', 'in flight when create role bad failed'],
      ['b', 'done', 'in flight when create role bad failed'],
      ['bad', 'failed', '400 bad'],
      ['c', 'done', 'in flight when create role bad failed'],
      ['d', 'skipped', 'not started: create role bad failed'],
      ['e', 'skipped', 'not started: create role bad failed'],
    ]);
  });

  it('issue 12 item 5: a stop starts nothing new; those in flight finish and say so', async () => {
    const { started, finish, run } = controlled();
    const stop = new AbortController();
    const results = runStep(ops, 2, run, stop.signal);
    await tick();
    expect(started).toEqual(['a', 'b']);
    stop.abort('stopped by SIGINT');
    finish.get('a')!({ status: 'done' });
    finish.get('b')!({ status: 'done' });
    const done = await results;
    expect(started).toEqual(['a', 'b']);
    expect(done.map((r) => `${r.status} ${r.change.name}: ${r.error ?? r.note}`)).toEqual([
      'done a: in flight when stopped by SIGINT',
      'done b: in flight when stopped by SIGINT',
      'skipped bad: not started: stopped by SIGINT',
      'skipped c: not started: stopped by SIGINT',
      'skipped d: not started: stopped by SIGINT',
      'skipped e: not started: stopped by SIGINT',
    ]);
  });

  it('issue 12 item 5: a stop during a step: no later step starts, the cluster is read again, and the report says why', async () => {
    const stop = new AbortController();
    const { flavor, steps } = flavorWith({}, () => stop.abort('stopped by SIGINT'));
    const waited: string[][] = [];
    const result = await applyPlan(
      { clusters: [planOf([change('remote_cluster', 'east'), roleA, mapping])], findings: [] },
      deps(flavor, fresh([roleA, mapping], waited), { stop: stop.signal }),
      () => ['east'],
    );
    const west = result.clusters[0]!;
    expect(steps).toEqual([['east']]);
    expect(waited).toEqual([[]]); // no wait for remotes to connect after a stop
    expect(result.stopped).toBe('stopped by SIGINT');
    expect(west).toMatchObject({ stopped: 'stopped by SIGINT', verified: false });
    expect(west.remaining!.map((c) => c.name)).toEqual(['a', 'm']);
    expect(west.operations.map((o) => `${o.status} ${o.change.name} ${o.error ?? ''}`)).toEqual([
      'done east ',
      'skipped a not started: stopped by SIGINT',
      'skipped m not started: stopped by SIGINT',
    ]);
    const text = renderApply(result, 'text');
    expect(text).toContain(
      'cluster west: stopped by SIGINT: 2 not started; a fresh plan shows 2 change(s) still to make; run apply again to finish',
    );
  });
});

describe('issue 12 item 5: the report', () => {
  it('issue 12 item 5: text marks UNKNOWN and PARTIAL, counts them in the summary, and the verdict says what is left', async () => {
    const { flavor } = flavorWith({
      a: LOST,
      b: { status: 'partial', error: 'half done: PUT /x done; POST /y failed: 400' },
    });
    const result = await applyPlan(
      { clusters: [planOf([roleA, roleB, mapping])], findings: [] },
      deps(flavor, async () => ({
        plan: { ...planOf([roleA, roleB]), reachable: false, error: 'timeout' },
        remotesConnected: {},
      })),
      () => [],
    );
    const text = renderApply(result, 'text');
    expect(text.split('\n')[0]).toBe(
      'Apply: 0 done, 0 failed, 1 skipped, 1 unknown, 1 partial · 0 of 1 clusters verified',
    );
    expect(text).toContain('  UNKNOWN create role a: may have been applied: request timed out');
    expect(text).toContain('  PARTIAL create role b: half done: PUT /x done; POST /y failed: 400');
    expect(text).toContain(
      'cluster west: stopped at the first failure: 1 unknown (may have been applied); 1 half done; 1 not started; what is left is not known (the verification read failed: timeout)',
    );
    const json = JSON.parse(renderApply(result, 'json'));
    expect(json.apply).toMatchObject({ unknown: 1, partial: 1, skipped: 1, done: 0 });
  });

  it('issue 12 item 5: an unknown alone, its re-read failed: "stopped: 1 unknown (may have been applied); …"', async () => {
    const { flavor } = flavorWith({ a: LOST });
    const result = await applyPlan(
      { clusters: [planOf([roleA, mapping])], findings: [] },
      deps(flavor, async () => ({
        plan: planOf([roleA, mapping], { reachable: false, error: 'x' }),
        remotesConnected: {},
      })),
      () => [],
    );
    // The re-read failed: the unknown stays, and what is left is not known.
    expect(renderApply(result, 'text')).toContain(
      'cluster west: stopped: 1 unknown (may have been applied); 1 not started;',
    );
  });
});
