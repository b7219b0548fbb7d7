// The reviewed plan, bound to the apply (input `require-reviewed-plan`, default true).
//
// The plan comment on a pull request ends with a hidden line naming the fingerprint of the plan
// it shows (drift/fingerprint.ts) and the pull request's head commit it was made for. After the
// merge, apply finds the merged pull request, the plan comment our own login wrote there, and
// applies only when the comment was made for the merged head and a fresh plan has its
// fingerprint: what is written is exactly what was reviewed. Anything else refuses the apply
// before a cluster is written to. A comment by anyone else is not read at all, whatever it says:
// anyone can paste the line (comment.ts findOwnComment).

import { planFingerprint, shortFingerprint } from '../drift/fingerprint.js';
import { type StalePlan } from '../job.js';
import { type Plan } from '../model/types.js';
import { mdCode } from '../render/markdown-escape.js';
import { findOwnComment, markerFor } from './comment.js';
import { errorLine } from './plan-failure.js';
import { type GitHub } from './octokit.js';
import { findMergedPull } from './pull-request.js';

/** The plan a pull request's comment showed: its fingerprint, for which head commit. */
export interface PlanBinding {
  fingerprint: string;
  head: string;
}

const LINE = /^<!-- xcluster:reviewed-plan fingerprint=(sha256:[0-9a-f]{64}) head=([0-9a-f]{40}) -->$/;

/** The hidden last line of a plan comment. */
export const reviewedPlanLine = (b: PlanBinding): string =>
  `<!-- xcluster:reviewed-plan fingerprint=${b.fingerprint} head=${b.head.toLowerCase()} -->`;

/**
 * The hidden line of a plan comment, for the plan it shows; none for an offline lint (no cluster
 * was planned, so there is no plan to bind an apply to).
 */
export function reviewedPlanTrailer(plan: Plan, head: string): string | undefined {
  if (plan.clusters.length === 0) return undefined;
  return reviewedPlanLine({ fingerprint: planFingerprint(plan), head });
}

/**
 * The binding a comment body names: exactly one well-formed line (reports escape `<`, so no role
 * name can write one; two would be ambiguous, and ambiguity is no reviewed plan).
 */
export function parseReviewedPlan(body: string): PlanBinding | undefined {
  const found = body
    .split('\n')
    .map((l) => LINE.exec(l.trim()))
    .filter((m) => m !== null);
  if (found.length !== 1) return undefined;
  const [, fingerprint, head] = found[0]!;
  return { fingerprint: fingerprint!, head: head! };
}

/** What the apply may go ahead with, or why it may not. */
export type ReviewedPlan =
  | { status: 'bound'; pr: number; commentUrl: string; binding: PlanBinding }
  /** A pull request, but no plan of it that binds this apply: the fresh plan is shown on it. */
  | { status: 'unbound'; pr: number; commentUrl?: string; reason: string }
  /** Nothing to check against, or no way to tell: refused before any cluster is read. */
  | { status: 'unavailable'; reason: string };

export interface ReviewQuery {
  owner: string;
  repo: string;
  /** The commit being applied (GITHUB_SHA of the push or dispatch). */
  sha: string;
  config: string;
}

const REFUSED = 'xcluster apply refused';

/** The merged pull request behind `q.sha` and the plan its comment binds, or why there is none. */
export async function findReviewedPlan(gh: GitHub, q: ReviewQuery): Promise<ReviewedPlan> {
  let pr;
  let comment;
  try {
    pr = await findMergedPull(gh, q);
    if (pr === undefined) return { status: 'unavailable', reason: noPullRequest(q.sha) };
    const marker = markerFor('plan', q.config);
    comment = await findOwnComment(gh, { owner: q.owner, repo: q.repo, issueNumber: pr.number, marker });
  } catch (e) {
    const why = errorLine(e);
    return {
      status: 'unavailable',
      reason: `${REFUSED}: the reviewed plan could not be looked up on GitHub (${why}). Nothing was written.`,
    };
  }
  const binding = comment?.body === undefined ? undefined : parseReviewedPlan(comment.body);
  if (!comment || !binding) {
    const reason = `#${pr.number} has no plan comment by xcluster with a reviewed plan for ${mdCode(q.config)}`;
    return { status: 'unbound', pr: pr.number, ...(comment ? { commentUrl: comment.html_url } : {}), reason };
  }
  if (binding.head !== pr.headSha.toLowerCase()) {
    const reason = `the plan comment of #${pr.number} is for commit ${binding.head.slice(0, 7)}, not for the merged head ${pr.headSha.slice(0, 7)}`;
    return { status: 'unbound', pr: pr.number, commentUrl: comment.html_url, reason };
  }
  return { status: 'bound', pr: pr.number, commentUrl: comment.html_url, binding };
}

const noPullRequest = (sha: string): string =>
  `${REFUSED}: no merged pull request is behind commit ${sha.slice(0, 7)}, so there is no reviewed plan to apply ` +
  '(require-reviewed-plan is true). Merge the change through a pull request whose plan comment was reviewed, ' +
  'or set `require-reviewed-plan: false` to apply the branch as it is. Nothing was read or written.';

/** How to go on after a refusal, for the comment on the pull request (markdown). */
function howToProceed(pr: number): string {
  return [
    '**How to proceed.** If the plan below is wanted:',
    `1. re-run the plan job of #${pr} for its last commit (its workflow run → _Re-run jobs_), and review the plan comment it writes;`,
    '2. re-dispatch this apply (_Run workflow_ on the default branch: `workflow_dispatch`).',
    '',
    'If it is not wanted (the clusters were changed by hand on purpose), change the configuration in a new pull request. ' +
      'To apply what is on the default branch without a reviewed plan, set `require-reviewed-plan: false`.',
  ].join('\n');
}

/** The markdown of a reviewed-plan refusal, above the fresh plan. */
export function refusalGuidance(review: ReviewedPlan, stale?: StalePlan): string | undefined {
  if (review.status === 'unavailable') return undefined;
  if (review.status === 'unbound') {
    const where = review.commentUrl ? ` ([the plan comment](${review.commentUrl}))` : '';
    return `The apply needs the plan reviewed on #${review.pr}${where}, and there is none: ${review.reason}. The plan the clusters need now is below.\n\n${howToProceed(review.pr)}`;
  }
  if (!stale) return undefined;
  return (
    `The plan reviewed on #${review.pr} ([its plan comment](${review.commentUrl}), fingerprint ${mdCode(shortFingerprint(stale.reviewed))} ` +
    `for commit ${mdCode(review.binding.head.slice(0, 7))}) is not the plan the clusters need now (fingerprint ` +
    `${mdCode(shortFingerprint(stale.fresh))}): a cluster or the configuration changed since the review. The plan now is below: ` +
    `what differs from the reviewed one is what was changed since.\n\n${howToProceed(review.pr)}`
  );
}
