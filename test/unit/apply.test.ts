// The apply engine with a fake flavor: ordering into steps, stopping at the first failure,
// verification. The Elasticsearch requests themselves are tested in apply-elasticsearch.test.ts.

import { describe, expect, it } from 'vitest';
import { applyPlan, steps, type ApplyDeps, type Verification } from '../../src/apply/apply.js';
import { diffCluster } from '../../src/drift/diff.js';
import { orderChanges } from '../../src/drift/plan.js';
import { type FlavorAdapter, type Operation } from '../../src/flavors/flavor.js';
import { type Change, type ClusterPlan } from '../../src/model/types.js';
import { desired, liveState } from './helpers/model.js';

function planOf(changes: Change[], extra: Partial<ClusterPlan> = {}): ClusterPlan {
  return { name: 'west', flavor: 'elasticsearch', reachable: true, changes, unmanaged: [], ...extra };
}

const wanted = [
  desired(
    'user',
    'u',
    { roles: ['r'] },
    { password: { ref: { env: 'U_PW' }, source: { file: 'f', line: 1, column: 1 } } },
  ),
  desired('role', 'r', { cluster: ['monitor'] }),
  desired('role', 'r2', {}),
  desired('remote_cluster', 'east', { seeds: ['east:9300'] }),
];
const live = liveState({ role: { old: { body: {}, managed: true } } });
const changes = orderChanges(diffCluster(wanted, live, true).changes);

/** A flavor that records each step and fails the operation named in `failOn`. */
function fakeFlavor(failOn?: string) {
  const calls: string[][] = [];
  const passwords: (string | undefined)[] = [];
  const flavor = {
    async execute(_conn: unknown, step: Operation[]) {
      calls.push(step.map((o) => `${o.change.action} ${o.change.kind} ${o.change.name}`));
      passwords.push(...step.map((o) => o.password));
      let failed = false;
      return step.map((o) => {
        if (failed) return { change: o.change, status: 'skipped' as const };
        if (o.change.name === failOn) {
          failed = true;
          return { change: o.change, status: 'failed' as const, error: '400 illegal_argument_exception: bad' };
        }
        return { change: o.change, status: 'done' as const };
      });
    },
  } as unknown as FlavorAdapter;
  return { flavor, calls, passwords };
}

function deps(flavor: FlavorAdapter, verification: Verification, log: string[] = []): ApplyDeps {
  return {
    flavor: () => flavor,
    connection: () => ({ cluster: 'west', url: 'https://west:9200', auth: null, timeoutMs: 1000 }),
    resolvePassword: () => 'resolved-password',
    verify: async () => verification,
    execute: {
      concurrency: 2,
      retry: { retries: 0, baseDelayMs: 0, maxDelayMs: 0, deadlineMs: 0, sleep: async () => {} },
    },
    log: (l) => log.push(l),
  };
}

const clean: Verification = { plan: planOf([]), remotesConnected: { east: true } };

describe('steps', () => {
  it('groups consecutive changes of one kind and direction, in plan order', () => {
    expect(steps(changes).map((s) => s.map((c) => `${c.action} ${c.kind} ${c.name}`))).toEqual([
      ['create remote_cluster east'],
      ['create role r', 'create role r2'],
      ['create user u'],
      ['delete role old'],
    ]);
  });
});

describe('applyPlan', () => {
  it('runs every step in order, resolves passwords only for the operations that need one, and verifies', async () => {
    const { flavor, calls, passwords } = fakeFlavor();
    const result = await applyPlan({ clusters: [planOf(changes)], findings: [] }, deps(flavor, clean), () => ['east']);
    expect(calls).toHaveLength(4);
    expect(passwords).toEqual([undefined, undefined, undefined, 'resolved-password', undefined]);
    expect(result.clusters[0]).toMatchObject({
      verified: true,
      remaining: [],
      remotes: [{ alias: 'east', connected: true }],
    });
    expect(result.clusters[0]!.operations.every((o) => o.status === 'done')).toBe(true);
  });

  it('stops a cluster at the first failure: later steps are skipped, nothing is verified', async () => {
    const { flavor, calls } = fakeFlavor('r');
    const log: string[] = [];
    const result = await applyPlan({ clusters: [planOf(changes)], findings: [] }, deps(flavor, clean, log), () => []);
    expect(calls).toEqual([['create remote_cluster east'], ['create role r', 'create role r2']]);
    expect(result.clusters[0]!.operations.map((o) => `${o.status} ${o.change.name}`)).toEqual([
      'done east',
      'failed r',
      'skipped r2',
      'skipped u',
      'skipped old',
    ]);
    expect(result.clusters[0]!.verified).toBe(false);
    expect(log.join('\n')).toContain('create role r failed: 400 illegal_argument_exception: bad');
    // Progress names what each step touches.
    expect(log.filter((l) => l.includes(': step '))).toEqual([
      'west: step 1/4: write remote_cluster east',
      'west: step 2/4: write role r, r2',
    ]);
  });

  it('is not verified when the fresh plan still differs or a remote is not connected', async () => {
    for (const v of [
      { plan: planOf([changes[0]!]), remotesConnected: { east: true } },
      { plan: planOf([]), remotesConnected: { east: false } },
    ]) {
      const { flavor } = fakeFlavor();
      const result = await applyPlan({ clusters: [planOf(changes)], findings: [] }, deps(flavor, v), () => ['east']);
      expect(result.clusters[0]!.verified).toBe(false);
    }
  });

  it('issue 10 bug 11: a remote the apply did not touch may be down: reported, not a verification failure', async () => {
    const { flavor } = fakeFlavor();
    const roleOnly = changes.filter((c) => c.kind === 'role');
    const down: Verification = { plan: planOf([]), remotesConnected: { east: false } };
    const asked: string[][] = [];
    const d = { ...deps(flavor, down), verify: async (_c: string, must: string[]) => (asked.push(must), down) };
    const result = await applyPlan({ clusters: [planOf(roleOnly)], findings: [] }, d, () => ['east']);
    expect(asked).toEqual([[]]);
    expect(result.clusters[0]).toMatchObject({ verified: true, remotes: [{ alias: 'east', connected: false }] });
  });

  it('issue 10 bug 11: a remote the apply created must be connected, and verification waits for it', async () => {
    const { flavor } = fakeFlavor();
    const down: Verification = { plan: planOf([]), remotesConnected: { east: false } };
    const asked: string[][] = [];
    const d = { ...deps(flavor, down), verify: async (_c: string, must: string[]) => (asked.push(must), down) };
    const result = await applyPlan({ clusters: [planOf(changes)], findings: [] }, d, () => ['east']);
    expect(asked).toEqual([['east']]);
    expect(result.clusters[0]!.verified).toBe(false);
  });

  it('leaves other clusters going when one is unreachable, and skips its changes', async () => {
    const { flavor, calls } = fakeFlavor();
    const east = planOf(changes.slice(0, 1), { name: 'east', reachable: false, error: 'connection refused' });
    const result = await applyPlan({ clusters: [east, planOf(changes)], findings: [] }, deps(flavor, clean), () => []);
    expect(calls).toHaveLength(4);
    expect(result.clusters[0]).toMatchObject({ name: 'east', verified: false, error: 'connection refused' });
    expect(result.clusters[0]!.operations.map((o) => o.status)).toEqual(['skipped']);
    expect(result.clusters[1]!.verified).toBe(true);
  });

  it('verifies nothing and writes nothing for a cluster without changes', async () => {
    const { flavor, calls } = fakeFlavor();
    const result = await applyPlan(
      { clusters: [planOf([])], findings: [] },
      deps(flavor, { plan: planOf(changes), remotesConnected: {} }),
      () => [],
    );
    expect(calls).toEqual([]);
    expect(result.clusters[0]).toMatchObject({ verified: true, operations: [] });
  });
});
