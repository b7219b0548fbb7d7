// Which runs may apply. Apply writes the security configuration of production clusters with
// admin credentials, so it runs only on config that was merged: a push to the default branch, or
// a workflow_dispatch run on it (a person re-running the merged state). Every other event
// carries config nobody merged — a pull request's, or a comment's (pull_request_target and
// issue_comment even run on the default branch's ref with the pull request's files checked
// out) — and an event we cannot place counts as one of those: unknown is not allowed.

export interface ApplyEvent {
  eventName: string;
  /** The ref the run is on (GITHUB_REF), e.g. `refs/heads/main`. */
  ref?: string;
  /** The repository's default branch, from the event payload. */
  defaultBranch?: string;
}

const APPLY_EVENTS: readonly string[] = ['push', 'workflow_dispatch'];

/** The refusal line of a run that may not apply, or undefined when it may. */
export function applyRefusal(e: ApplyEvent): string | undefined {
  const why = notAllowed(e);
  if (why === undefined) return undefined;
  const branch = e.defaultBranch ? `refs/heads/${e.defaultBranch}` : 'the default branch';
  return (
    `xcluster apply refused: ${why}; apply runs only on a push to the default branch or a ` +
    `workflow_dispatch run on it (${branch}). Nothing was read or written.`
  );
}

function notAllowed({ eventName, ref, defaultBranch }: ApplyEvent): string | undefined {
  const event = eventName || '(unknown event)';
  if (!APPLY_EVENTS.includes(eventName)) return `the event is ${event}`;
  if (!defaultBranch) return `the ${event} event names no default branch (repository.default_branch)`;
  if (!ref) return `the ${event} event names no ref (GITHUB_REF)`;
  if (ref !== `refs/heads/${defaultBranch}`) return `the ${event} event is on ${ref}`;
  return undefined;
}
