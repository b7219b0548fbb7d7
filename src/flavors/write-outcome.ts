// What a write came to, as the apply report tells it: done, failed, unknown (its answer was lost:
// it may have been applied), partial (an operation of several requests, half done), skipped (never
// started). Shared by the write sides of both flavors; which failures are ambiguous is
// writeFailureOf's call (write.ts).

import pLimit from 'p-limit';
import {
  stopReason,
  stoppedAt,
  type Operation,
  type OperationResult,
  type OperationStatus,
  type RetryPolicy,
} from './flavor.js';
import { withRetry } from './retry.js';
import { classifyWriteError, describeWriteError, scrub, statusOf, writeFailureOf, type WriteFailure } from './write.js';

/** The attempts of one write (its retries, a PATCH's 409 rounds): the first whose answer was lost. */
export class LostAnswers {
  first: unknown;

  /** `attempt`, remembering a failure whose answer was lost. */
  watch<T>(attempt: () => Promise<T>): () => Promise<T> {
    return async () => {
      try {
        return await attempt();
      } catch (err) {
        if (this.first === undefined && writeFailureOf(err) === 'unknown') this.first = err;
        throw err;
      }
    };
  }
}

/**
 * What a write's final failure comes to. After an attempt whose answer was lost, a later failure
 * does not show that nothing was applied (the lost attempt may have been): unknown too.
 */
export function failureOf(
  err: unknown,
  lost: LostAnswers,
  secrets: readonly string[],
): { failure: WriteFailure; reason: string } {
  const reason = scrub(describeWriteError(err), secrets);
  const failure = writeFailureOf(err);
  if (lost.first === undefined || failure === 'unknown') return { failure, reason };
  const earlier = scrub(describeWriteError(lost.first), secrets);
  return { failure: 'unknown', reason: `the answer to an earlier attempt was lost (${earlier}); the retry: ${reason}` };
}

/** What one request of an operation came to. */
export type Sent = { ok: true; note?: string } | { ok: false; failure: WriteFailure; reason: string };

/**
 * Sends one write with our retries (PUT, PATCH, DELETE and a password POST are idempotent: a retry
 * after a lost answer writes the same again). A DELETE whose retry after a lost answer finds the
 * object gone (404) is done: the lost attempt deleted it.
 */
export async function sendWrite(
  method: string,
  attempt: () => Promise<unknown>,
  policy: RetryPolicy,
  secrets: readonly string[],
): Promise<Sent> {
  const lost = new LostAnswers();
  try {
    await withRetry(lost.watch(attempt), classifyWriteError, policy);
    return { ok: true };
  } catch (err) {
    if (method === 'DELETE' && statusOf(err) === 404 && lost.first !== undefined && lost.first !== err) {
      return { ok: true, note: 'its answer was lost and the retry found it gone (404): deleted' };
    }
    return { ok: false, ...failureOf(err, lost, secrets) };
  }
}

/** What one operation came to: done (perhaps with a remark), or why not. */
export type Outcome =
  { status: 'done'; note?: string } | { status: Exclude<OperationStatus, 'done' | 'skipped'>; error: string };

/** An outcome from a thrown error that may follow sending (a PATCH's 409 round, say). */
export const outcomeOf = (failure: WriteFailure, reason: string): Outcome =>
  failure === 'unknown'
    ? { status: 'unknown', error: `may have been applied: ${reason}` }
    : { status: 'failed', error: reason };

/**
 * Sends the requests of one operation in order, stopping at the first that fails. The first one
 * failing makes the operation failed or unknown; a later one, partial ("half done: <what was
 * done>; <what failed>"). Requests after a failure are not sent, and the message says so.
 */
export async function sendInOrder(requests: { label: string; send: () => Promise<Sent> }[]): Promise<Outcome> {
  const notes: string[] = [];
  for (const [i, request] of requests.entries()) {
    const sent = await request.send();
    if (sent.ok) {
      if (sent.note) notes.push(requests.length > 1 ? `${request.label}: ${sent.note}` : sent.note);
      continue;
    }
    const label = requests.length > 1 ? request.label : undefined;
    const unsent = requests.slice(i + 1).map((r) => r.label);
    const rest = unsent.length > 0 ? `; not sent: ${unsent.join(', ')}` : '';
    if (i === 0 && sent.failure === 'failed') {
      return { status: 'failed', error: `${label ? `${label} failed: ` : ''}${sent.reason}${rest}` };
    }
    if (i === 0)
      return { status: 'unknown', error: `may have been applied: ${label ? `${label}: ` : ''}${sent.reason}${rest}` };
    const done = requests.slice(0, i).map((r) => r.label);
    const verb = sent.failure === 'unknown' ? 'may have been applied' : 'failed';
    return { status: 'partial', error: `half done: ${done.join(', ')} done; ${label} ${verb}: ${sent.reason}${rest}` };
  }
  return notes.length > 0 ? { status: 'done', note: notes.join('; ') } : { status: 'done' };
}

// ---------------------------------------------------------------------------------------------
// Steps

/**
 * Runs one step's operations with bounded concurrency. Once one is not done (failed, unknown,
 * partial) or `stop` is aborted, no operation starts any more: those not yet started are skipped
 * with the reason, and those in flight at that moment finish and say so ("in flight when create
 * role r failed"): the report must say exactly what ran. Results come in the step's order.
 */
export async function runStep(
  step: Operation[],
  concurrency: number,
  run: (op: Operation) => Promise<Outcome>,
  stop?: AbortSignal,
): Promise<OperationResult[]> {
  const limit = pLimit(Number.isFinite(concurrency) ? Math.max(1, Math.floor(concurrency)) : 1);
  let halt: string | undefined;
  const running = new Set<Operation>();
  const inFlightWhen = new Map<Operation, string>();
  const halted = (cause: string): void => {
    halt ??= cause;
    for (const op of running) if (!inFlightWhen.has(op)) inFlightWhen.set(op, cause);
  };
  const onStop = (): void => halted(stopReason(stop) ?? 'stopped');
  stop?.addEventListener('abort', onStop, { once: true });
  try {
    return await Promise.all(
      step.map((op) =>
        limit(async (): Promise<OperationResult> => {
          const cause = halt ?? stopReason(stop);
          if (cause !== undefined) return { change: op.change, status: 'skipped', error: `not started: ${cause}` };
          running.add(op);
          const outcome = await run(op).finally(() => running.delete(op));
          if (outcome.status !== 'done') halted(stoppedAt(op.change, outcome.status));
          const when = inFlightWhen.get(op);
          return resultOf(op, outcome, when === undefined ? undefined : `in flight when ${when}`);
        }),
      ),
    );
  } finally {
    stop?.removeEventListener('abort', onStop);
  }
}

function resultOf(op: Operation, outcome: Outcome, inFlight: string | undefined): OperationResult {
  if (outcome.status !== 'done') {
    return {
      change: op.change,
      status: outcome.status,
      error: inFlight ? `${outcome.error} (${inFlight})` : outcome.error,
    };
  }
  const note = [outcome.note, inFlight].filter((n) => n !== undefined).join('; ');
  return note === '' ? { change: op.change, status: 'done' } : { change: op.change, status: 'done', note };
}
