// Retries of one request: exponential backoff with full jitter, bounded in count and in time,
// and the server's Retry-After honoured. Which failures are worth a retry is the caller's call
// (the classifier); this module only decides *when*, and sleeps through the policy's `sleep`
// so tests never wait.

import { type RetryPolicy } from './flavor.js';

/** What the classifier says of one failure: retry or not, and after how long if the server said. */
export interface RetryDecision {
  retry: boolean;
  /** A delay the server asked for (Retry-After), in milliseconds. */
  afterMs?: number;
}

/** Time and randomness, injectable so tests can assert exact delays and deadlines. */
export interface RetryClock {
  now: () => number;
  /** A number in [0, 1). */
  random: () => number;
}

const systemClock: RetryClock = { now: Date.now, random: Math.random };

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 5,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  deadlineMs: 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The upper bound of the n-th backoff (n from 0): base · 2^n, capped at maxDelayMs. */
export function backoffCeiling(n: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n);
}

/**
 * Full jitter (a uniform draw below the ceiling): clients that failed together do not retry
 * together, which is what a server shedding load with 429/503 needs.
 */
export function backoffDelay(n: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCeiling(n, policy));
}

/**
 * A `Retry-After` header in milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with a day name; anything else
  // ("1.5", "-3") is not a date, however leniently Date.parse reads it.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before retry number n+1. A server-given delay is honoured as is, not cut to
 * maxDelayMs: retrying before the server said it is ready only earns another 429. The
 * deadline (checked by the caller) is what bounds it.
 */
function nextDelay(n: number, decision: RetryDecision, policy: RetryPolicy, clock: RetryClock): number {
  const asked = decision.afterMs;
  if (asked !== undefined && Number.isFinite(asked) && asked >= 0) return asked;
  return backoffDelay(n, policy, clock.random);
}

/**
 * Runs `attempt` until it succeeds, the classifier says the failure is final, `policy.retries`
 * retries are spent, or the next retry would start after `policy.deadlineMs` since the first
 * attempt. Rethrows the last failure, unchanged.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  classify: (err: unknown) => RetryDecision,
  policy: RetryPolicy,
  clock: RetryClock = systemClock,
): Promise<T> {
  const start = clock.now();
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const decision = classify(err);
      if (!decision.retry || n >= policy.retries) throw err;
      const delay = nextDelay(n, decision, policy, clock);
      // Sleeping past the deadline only to give up would waste the caller's time: fail now.
      if (clock.now() - start + delay > policy.deadlineMs) throw err;
      await policy.sleep(delay);
    }
  }
}
