// What the verification read says of the operations whose answer was lost. Their requests may or
// may not have been applied; the fresh plan of the cluster, read after the apply, tells: a change
// it no longer holds was applied, one it still holds was not. Pure.

import { type OperationResult } from '../flavors/flavor.js';
import { type Change } from '../model/types.js';

const keyOf = (c: Change): string => JSON.stringify([c.kind, c.name]);

const onlyPassword = (c: Change): boolean => c.diff.length > 0 && c.diff.every((d) => d.path[0] === 'password');

const LOST = /^may have been applied: /;

/**
 * The operations with each unknown one decided by `fresh` (the changes of a plan read after the
 * apply): absent from it, done ("answer lost; the verification read shows it applied"); present,
 * failed ("…; the verification read shows it not applied"). A partial operation absent from it
 * (its later request was the lost one) is done too; present, it stays half done. One exception:
 * a fresh plan whose only difference for a user is its password cannot tell, since that
 * difference is this run's login check from before the apply (a user is logged in as at most
 * once per run, so as never to lock an account): it stays unknown and says so.
 */
export function settle(operations: OperationResult[], fresh: Change[]): OperationResult[] {
  const pending = new Map(fresh.map((c) => [keyOf(c), c]));
  return operations.map((r) => {
    if (r.status !== 'unknown' && r.status !== 'partial') return r;
    const still = pending.get(keyOf(r.change));
    const error = r.error ?? '';
    if (still === undefined) {
      const note =
        r.status === 'unknown'
          ? 'answer lost; the verification read shows it applied'
          : `the verification read shows it applied (${error})`;
      return { change: r.change, status: 'done', note };
    }
    if (r.status === 'partial') return r;
    if (onlyPassword(still)) {
      return {
        ...r,
        error: `${error}; the verification read shows the rest applied, but cannot tell whether the password was set (a user is logged in as at most once per run): run plan to check`,
      };
    }
    return {
      change: r.change,
      status: 'failed',
      error: `answer lost (${error.replace(LOST, '')}); the verification read shows it not applied`,
    };
  });
}
