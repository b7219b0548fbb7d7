// SIGINT and SIGTERM during an apply: the first aborts the apply's `stop` (nothing new starts,
// what is in flight finishes, the report is printed) and decides the exit code, 128 + the
// signal's number as shells report it; a second one exits at once, for someone who cannot wait.

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

type StopSignal = keyof typeof EXIT_CODES;

export interface StopSignals {
  /** 130 after SIGINT, 143 after SIGTERM; undefined while none came. */
  readonly exitCode: number | undefined;
  /** Removes the handlers (the default behaviour of both signals comes back). */
  dispose(): void;
}

/** Listens for SIGINT and SIGTERM on `proc` until disposed; the first aborts `controller`. */
export function stopOnSignals(
  controller: AbortController,
  log: (line: string) => void,
  proc: NodeJS.Process = process,
): StopSignals {
  let exitCode: number | undefined;
  const handlers = (Object.keys(EXIT_CODES) as StopSignal[]).map((signal) => {
    const handler = (): void => {
      if (exitCode !== undefined) {
        log(`${signal} again: exiting without waiting for the requests in flight`);
        proc.exit(exitCode);
      }
      exitCode = EXIT_CODES[signal];
      log(`${signal}: stopping; nothing new starts, waiting for what is in flight (${signal} again to exit at once)`);
      controller.abort(`stopped by ${signal}`);
    };
    proc.on(signal, handler);
    return [signal, handler] as const;
  });
  return {
    get exitCode() {
      return exitCode;
    },
    dispose() {
      for (const [signal, handler] of handlers) proc.off(signal, handler);
    },
  };
}
