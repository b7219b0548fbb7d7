// Which object of a refused collection PATCH the server's answer is about. One PATCH carries a
// whole step and is refused as a whole, and the answer names at most one object (often none):
// "Weak password", "role 'X' not found.", "Resource 'X' is not available." (answers recorded from
// 2.19.4 in test/fixtures/opensearch/2.19.4/issue-12/ and writes/). Blaming the step's first
// object for another one's error sends the reader to the wrong object, so the culprit is read
// from the answer where it can be, and otherwise every candidate is named. Pure.

import { type Operation } from './flavor.js';

/** The objects the answer is about, and whether the answer says so for certain. */
interface Blame {
  names: string[];
  certain: boolean;
}

/** Names quoted in a message: 'X', "X" or [X]. */
function quotedNames(message: string): string[] {
  return [...message.matchAll(/'([^']+)'|"([^"]+)"|\[([^\]]+)\]/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Users of the step holding `role`: the server's `role 'X' not found.` names the role, not the user. */
const holdersOf = (step: Operation[], role: string): string[] =>
  step
    .filter((op) => op.change.kind === 'internal_user' && op.change.action !== 'delete')
    .filter((op) => strings(op.change.body.opendistro_security_roles).includes(role))
    .map((op) => op.change.name);

/** Ops of the step that send a password: only they can have a weak one. */
const sendingPassword = (step: Operation[]): string[] =>
  step.filter((op) => op.change.kind === 'internal_user' && op.password !== undefined).map((op) => op.change.name);

/** Action groups of the step whose type the answer refuses. */
const ofType = (step: Operation[], type: string): string[] =>
  step.filter((op) => op.change.kind === 'action_group' && op.change.body.type === type).map((op) => op.change.name);

function suspects(step: Operation[], message: string): string[] {
  const names = new Set(step.map((op) => op.change.name));
  const named = quotedNames(message).filter((n) => names.has(n));
  if (named.length > 0) return [...new Set(named)];
  const missingRole = /role '([^']+)' not found/.exec(message)?.[1];
  if (missingRole !== undefined) return holdersOf(step, missingRole);
  if (/weak password/i.test(message)) return sendingPassword(step);
  const type = /Invalid action group type: (\S+?)\./.exec(message)?.[1];
  if (type !== undefined) return ofType(step, type.toLowerCase());
  return [];
}

/** The object(s) of `step` that `message` (the server's answer, described) is about. */
function blame(step: Operation[], message: string): Blame {
  const found = suspects(step, message);
  if (found.length === 1) return { names: found, certain: true };
  if (found.length > 1) return { names: found, certain: false };
  return { names: step.map((op) => op.change.name), certain: step.length === 1 };
}

/** What the answer says about a name the REST API hides: a hidden object (made with the admin certificate). */
const HIDDEN = /Resource '([^']+)' is not available/;

/** The report's reason for each operation of a step whose PATCH failed with `reason`, in step order. */
export function patchFailures(step: Operation[], reason: string): string[] {
  if (step.length === 1) return [hiddenHint(reason)];
  const { names, certain } = blame(step, reason);
  const none = `one PATCH for ${step.length} objects: none was applied`;
  return step.map((op) => {
    if (!names.includes(op.change.name)) {
      const who = certain ? names[0]! : `one of ${names.join(', ')}`;
      return `not applied: the server refused the PATCH it shared with ${who} (${none}): ${hiddenHint(reason)}`;
    }
    if (certain) return `${hiddenHint(reason)} (${none})`;
    return `${hiddenHint(reason)} (about one of ${names.join(', ')}; ${none})`;
  });
}

/** A hidden name's 404 says "not available"; say what that means and what to do. */
function hiddenHint(reason: string): string {
  const hidden = HIDDEN.exec(reason)?.[1];
  if (hidden === undefined) return reason;
  return `${reason} (${hidden} exists on the server as a hidden object, which the REST API shows only to the admin certificate and xcluster may not change: give yours another name)`;
}
