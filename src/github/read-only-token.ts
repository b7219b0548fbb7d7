// A token that may read the pull request but not write to it: GitHub answers 403 ("Resource not
// accessible by integration") when a fork's or Dependabot's run, or a workflow whose
// `permissions:` leave out `pull-requests: write`, tries to comment. That is how the repository
// is set up, not a failure of the run: its report is in the job summary, and a failed step would
// only teach people to ignore the check. A 403 that is a rate limit is something else (the
// request policy waited for it and gave up): it stays a failure.

import { httpStatus } from './octokit.js';

export function isReadOnlyRefusal(e: unknown): boolean {
  if (httpStatus(e) !== 403) return false;
  const message = e instanceof Error ? e.message : '';
  return !/rate limit/i.test(message);
}

/** The warning of a comment a read-only token could not post. */
export function readOnlyWarning(what: string, error: string): string {
  return (
    `${what} could not be posted: the token may not write to the pull request (a fork's or Dependabot's run, ` +
    `or no \`pull-requests: write\` permission). The report is in the job summary. ${error}`
  );
}
