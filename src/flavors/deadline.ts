// Deadlines of requests to a cluster: the request's own (connection.timeout), the cluster's
// (connection.deadline) and the run's (--deadline), as AbortSignals that abort with a
// DeadlineError saying which limit passed. A deadline hangs under its parent: the cluster's
// under the run's, each request's under its cluster's.

import { setMaxListeners } from 'node:events';
export type DeadlineLimit = 'connection.timeout' | 'connection.deadline' | 'run deadline' | 'stopped';

/** No complete answer before a deadline. */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
  constructor(
    message: string,
    readonly limit: DeadlineLimit,
  ) {
    super(message);
  }
}

/** "30 s", "500 ms", "2 min": a limit as the config writes it. */
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/** A deadline: its signal, and `release` to drop its timer and its hold on the parent once done. */
export interface Deadline {
  signal: AbortSignal;
  release: () => void;
}

/**
 * A signal that aborts after `ms` with a DeadlineError saying `message`, or with the reason of
 * `parent` when that aborts first. The timer never keeps the process alive.
 */
export function deadline(ms: number, limit: DeadlineLimit, message: string, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  // One deadline bounds every request in flight under it (a read round of ten, the password
  // checks, a step's writes): more than Node's default of 10 listeners at once is expected, and
  // each is removed on release, so the leak warning would be noise.
  setMaxListeners(1000, controller.signal);
  const timer = setTimeout(() => controller.abort(new DeadlineError(message, limit)), ms);
  timer.unref?.();
  const onParent = (): void => controller.abort(parent!.reason);
  const release = (): void => {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParent);
  };
  controller.signal.addEventListener('abort', release, { once: true });
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParent, { once: true });
  return { signal: controller.signal, release };
}

/** The error a stopped request throws: the deadline's own, or a stop by whoever aborted it. */
export function abortReason(signal: AbortSignal): DeadlineError {
  const reason: unknown = signal.reason;
  if (reason instanceof DeadlineError) return reason;
  const why = reason instanceof Error ? reason.message : String(reason);
  return new DeadlineError(`stopped: ${why}`, 'stopped');
}

/** Sleeps `ms`, or rejects with the deadline's error as soon as `signal` aborts. */
export function sleepUnless(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise((resolve) => setTimeout(resolve, ms));
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
