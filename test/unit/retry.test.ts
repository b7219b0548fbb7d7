// Backoff with full jitter, bounded in count and time, and the server's Retry-After honoured.
// Time and randomness are injected: nothing here waits.

import { describe, expect, it } from 'vitest';
import { type RetryPolicy } from '../../src/flavors/flavor.js';
import {
  DEFAULT_RETRY,
  backoffCeiling,
  backoffDelay,
  parseRetryAfter,
  withRetry,
  type RetryClock,
  type RetryDecision,
} from '../../src/flavors/retry.js';

/** A fake clock that moves only when the policy sleeps, and a policy that records its sleeps. */
function fakeTime(overrides: Partial<RetryPolicy> = {}, random: () => number = () => 0.5) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const clock: RetryClock = { now: () => now, random };
  const policy: RetryPolicy = {
    retries: 5,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    deadlineMs: 60_000,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    ...overrides,
  };
  return { clock, policy, sleeps, advance: (ms: number) => (now += ms) };
}

/** An attempt that fails `failures` times with `err`, then returns "ok"; counts its calls. */
function flaky(failures: number, err: unknown = new Error('busy')) {
  let calls = 0;
  return {
    attempt: async () => {
      calls++;
      if (calls <= failures) throw err;
      return 'ok';
    },
    calls: () => calls,
  };
}

const always: (err: unknown) => RetryDecision = () => ({ retry: true });

describe('backoff', () => {
  it('doubles from the base and is capped at maxDelayMs', () => {
    const { policy } = fakeTime();
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffCeiling(n, policy))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('full jitter: a uniform draw in [0, ceiling)', () => {
    const { policy } = fakeTime();
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(400);
    expect(backoffDelay(3, policy, () => 0.999999)).toBe(799);
    for (let n = 0; n < 8; n++) {
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(n, policy);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(backoffCeiling(n, policy));
      }
    }
  });

  it('withRetry sleeps the jittered, doubling, capped delays', async () => {
    const { clock, policy, sleeps } = fakeTime({ retries: 6 });
    const f = flaky(6);
    await expect(withRetry(f.attempt, always, policy, clock)).resolves.toBe('ok');
    expect(sleeps).toEqual([50, 100, 200, 400, 500, 500]);
    expect(f.calls()).toBe(7);
  });
});

describe('bounds', () => {
  it('stops after policy.retries retries and rethrows the last failure unchanged', async () => {
    const { clock, policy, sleeps } = fakeTime({ retries: 2 });
    const err = new Error('still busy');
    const f = flaky(10, err);
    await expect(withRetry(f.attempt, always, policy, clock)).rejects.toBe(err);
    expect(f.calls()).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('never starts a retry after the deadline', async () => {
    // Delays with random 0.5 are 50, 100, 200, 400: the fourth retry would start at 750 ms.
    const { clock, policy, sleeps } = fakeTime({ retries: 10, deadlineMs: 700 });
    const f = flaky(10);
    await expect(withRetry(f.attempt, always, policy, clock)).rejects.toThrow('busy');
    expect(sleeps).toEqual([50, 100, 200]);
    expect(f.calls()).toBe(4);
  });

  it('counts the time spent in attempts against the deadline', async () => {
    const t = fakeTime({ retries: 10, deadlineMs: 1000 });
    let calls = 0;
    const slow = async () => {
      calls++;
      t.advance(600); // each attempt takes 600 ms before it fails
      throw new Error('slow');
    };
    await expect(withRetry(slow, always, t.policy, t.clock)).rejects.toThrow('slow');
    // 600 ms + 50 ms backoff fits; after the second attempt (1250 ms) no retry may start.
    expect(calls).toBe(2);
    expect(t.sleeps).toEqual([50]);
  });

  it('does not retry what the classifier calls final', async () => {
    const { clock, policy, sleeps } = fakeTime();
    const f = flaky(1);
    await expect(withRetry(f.attempt, () => ({ retry: false }), policy, clock)).rejects.toThrow('busy');
    expect(f.calls()).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('returns at once when the first attempt succeeds', async () => {
    const { clock, policy, sleeps } = fakeTime();
    await expect(withRetry(async () => 42, always, policy, clock)).resolves.toBe(42);
    expect(sleeps).toEqual([]);
  });
});

describe('Retry-After', () => {
  it('is honoured as the delay when the classifier gives it, even above maxDelayMs', async () => {
    const { clock, policy, sleeps } = fakeTime();
    const f = flaky(2);
    await withRetry(f.attempt, () => ({ retry: true, afterMs: 3000 }), policy, clock);
    expect(sleeps).toEqual([3000, 3000]);
  });

  it('a Retry-After that would start the retry after the deadline ends the retries', async () => {
    const { clock, policy, sleeps } = fakeTime({ deadlineMs: 10_000 });
    const f = flaky(1);
    await expect(withRetry(f.attempt, () => ({ retry: true, afterMs: 3_600_000 }), policy, clock)).rejects.toThrow();
    expect(sleeps).toEqual([]);
  });

  it('parses delta-seconds and HTTP-dates', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0); // in the past
    expect(parseRetryAfter(['5'], now)).toBe(5000);
    for (const bad of [undefined, '', 'soon', '-3', '1.5']) expect(parseRetryAfter(bad, now)).toBeUndefined();
  });
});

describe('DEFAULT_RETRY', () => {
  it('is bounded in count and time', () => {
    expect(DEFAULT_RETRY).toMatchObject({ retries: 5, baseDelayMs: 500, maxDelayMs: 10_000, deadlineMs: 60_000 });
  });

  it('sleeps for real through setTimeout', async () => {
    const start = Date.now();
    await DEFAULT_RETRY.sleep(20);
    expect(Date.now() - start).toBeGreaterThanOrEqual(15);
  });
});
