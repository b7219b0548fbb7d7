// Action inputs that need more than a string: parsed and checked here, so that a bad value fails
// the step in one line naming the input, before any cluster or GitHub is contacted.

import { TIMEOUT } from '../config/schema.js';
import { timeoutMs } from '../config/load.js';

/** Milliseconds of a duration input: `30m`, `90s`, `500ms`, or a number of seconds; positive. */
export function durationInput(name: string, value: string): number {
  const text = value.trim();
  const ms = TIMEOUT.test(text) ? timeoutMs(text) : /^\d+(\.\d+)?$/.test(text) ? timeoutMs(Number(text)) : NaN;
  if (!(ms > 0)) throw new Error(`input ${name}: "${value}" is not a duration such as 30m, 90s or 500ms`);
  return ms;
}

/** A boolean input: `true` or `false` (any case); empty is `fallback`. Anything else is refused, not guessed. */
export function booleanInput(name: string, value: string, fallback: boolean): boolean {
  const text = value.trim().toLowerCase();
  if (text === '') return fallback;
  if (text === 'true' || text === 'false') return text === 'true';
  throw new Error(`input ${name}: "${value}" is not true or false`);
}
