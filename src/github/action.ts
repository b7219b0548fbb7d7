// The Action's three modes over the same jobs as the CLI:
// - plan (pull_request): sticky PR comment, annotations, job summary, outputs;
// - apply (push to the default branch): apply, then the result in the job summary and on the
//   merged pull request;
// - drift (schedule / workflow_dispatch): one rolling drift issue.
// Everything GitHub-facing is injected (ActionIo, and the GitHub client, made only when a mode
// needs it), so tests run it without a runner.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyExitCode, applyJob, lintJob, planJob, type ApplyOutcome } from '../job.js';
import { redact } from '../model/redact.js';
import { type Plan } from '../model/types.js';
import { renderApply, renderApplyReport, summarizeApply } from '../render/apply.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { mdCode } from '../render/markdown-escape.js';
import { summarize, summaryLine } from '../render/summary.js';
import { renderText } from '../render/text.js';
import { annotate, type AnnotationSink } from './annotations.js';
import { applyRefusal } from './apply-event.js';
import { stopOnSignals } from '../stop-signals.js';
import { markerFor, upsertStickyComment } from './comment.js';
import { stampLine, type RunStamp } from './comment-header.js';
import { syncDriftIssue, type UncheckedCluster } from './drift-issue.js';
import { type GitHub } from './octokit.js';
import { offlineMarkdown, offlineNotice, offlineReason } from './offline-lint.js';
import { errorLine, planProblems, stepFailure, thrownMarkdown } from './plan-failure.js';
import { findMergedPullRequest } from './pull-request.js';
import { type PullRequestContext } from './pull-request-event.js';
import { isReadOnlyRefusal, readOnlyWarning } from './read-only-token.js';
import { findReviewedPlan, refusalGuidance, reviewedPlanTrailer, type ReviewedPlan } from './reviewed-plan.js';
import { planPullRequest } from './pr-plan.js';
import { commentPointer, fitSummary } from './truncate.js';

export type Mode = 'plan' | 'apply' | 'drift';
export type FailOn = 'error' | 'warning' | 'changes' | 'never';

export interface ActionInputs {
  mode: Mode;
  config: string;
  clusters?: string[];
  comment: boolean;
  failOn: FailOn;
  driftLabel: string;
  /** Plan against recorded snapshots (offline runs such as `npm run action:local`). */
  snapshots?: string;
  /** The run's deadline (input `deadline`); the jobs' default when absent. */
  deadlineMs?: number;
  /** Apply only the plan reviewed on the merged pull request (input `require-reviewed-plan`); true when absent. */
  requireReviewedPlan?: boolean;
}

/** What the run is about, from the runner's environment and event payload. */
export interface ActionContext {
  eventName: string;
  owner: string;
  repo: string;
  sha: string;
  /** The ref the run is on (GITHUB_REF); apply checks it against the default branch. */
  ref?: string;
  /** The repository's default branch, from the event payload (`repository.default_branch`). */
  defaultBranch?: string;
  /** The pull request of a pull_request event. */
  pullRequest?: PullRequestContext;
  /** Who started the run (GITHUB_ACTOR): Dependabot's runs get no Actions secrets. */
  actor?: string;
  /**
   * The pull request's base commit (`pull_request.base.sha`): its connections are the ones the
   * plan uses, and its desired state tells the PR's changes from drift (pr-plan.ts).
   */
  baseSha?: string;
  runUrl?: string;
  /** GITHUB_SERVER_URL, for links to commits. */
  serverUrl?: string;
  /** Where the report files go (RUNNER_TEMP). */
  tempDir: string;
}

/** The part of @actions/core the Action uses. */
export interface ActionIo extends AnnotationSink {
  info: (message: string) => void;
  setOutput: (name: string, value: string) => void;
  setFailed: (message: string) => void;
  writeSummary: (markdown: string) => Promise<void>;
}

interface Reports {
  planJson: string;
  report: string;
}

function writeReports(ctx: ActionContext, plan: Plan, markdown: string): Reports {
  const dir = join(ctx.tempDir, 'xcluster');
  mkdirSync(dir, { recursive: true });
  const paths = { planJson: join(dir, 'plan.json'), report: join(dir, 'report.md') };
  writeFileSync(paths.planJson, redact(renderJson(plan)));
  writeFileSync(paths.report, redact(markdown));
  return paths;
}

function setPlanOutputs(io: ActionIo, plan: Plan, reports: Reports): void {
  const s = summarize(plan);
  const changes = s.create + s.update + s.delete;
  io.setOutput('has-changes', String(changes > 0));
  io.setOutput('changes', String(changes));
  io.setOutput('errors', String(s.errors));
  io.setOutput('plan-json', reports.planJson);
  io.setOutput('report', reports.report);
}

/** The job summary of a report: masked, then fitted to its limit (a cut could keep part of a secret's lines). */
export const jobSummary = (markdown: string): string => fitSummary(redact(markdown));

/** Why the step fails under `fail-on`, or undefined when it passes. */
export function failure(plan: Plan, failOn: FailOn): string | undefined {
  const s = summarize(plan);
  if (failOn === 'never') return undefined;
  if (s.errors > 0 || s.unreachable > 0) return `${s.errors} error finding(s), ${s.unreachable} unreachable cluster(s)`;
  if (failOn === 'warning' && s.warnings > 0) return `${s.warnings} warning finding(s)`;
  if (failOn === 'changes' && s.create + s.update + s.delete > 0) return 'the plan has changes';
  return undefined;
}

/** What every job call of a mode gets from the inputs. */
function jobOptions(inputs: ActionInputs, io: ActionIo) {
  return {
    config: inputs.config,
    clusters: inputs.clusters,
    log: (l: string) => io.info(redact(l)),
    ...(inputs.deadlineMs !== undefined ? { deadlineMs: inputs.deadlineMs } : {}),
  };
}

/**
 * Plan, or offline lint when the run has no secrets (a fork's or Dependabot's pull request, or
 * every connection secret empty): lint, and say so in one notice, not a wall of "is empty" errors.
 */
async function planOrLint(
  inputs: ActionInputs,
  ctx: ActionContext,
  io: ActionIo,
  gh: () => GitHub,
): Promise<{ plan: Plan; markdown: string }> {
  const job = jobOptions(inputs, io);
  const offline = offlineReason({ ...inputs, pullRequest: ctx.pullRequest, actor: ctx.actor });
  if (offline) {
    io.notice(offlineNotice(offline));
    const { config, plan } = lintJob(job);
    return { plan, markdown: offlineMarkdown(offline, config, plan.findings) };
  }
  if (ctx.pullRequest && ctx.baseSha) {
    const report = await planPullRequest(
      { ...job, fromSnapshot: inputs.snapshots },
      { owner: ctx.owner, repo: ctx.repo, sha: ctx.baseSha },
      gh,
    );
    for (const note of report.notes) io.notice(note);
    const problems = planProblems(report.plan);
    return { plan: report.plan, markdown: `${problems ? `${problems}\n` : ''}${report.markdown}` };
  }
  const { plan } = await planJob({ ...job, fromSnapshot: inputs.snapshots });
  const problems = planProblems(plan);
  return { plan, markdown: `${problems ? `${problems}\n` : ''}${renderMarkdown(plan)}` };
}

/**
 * Every plan run rewrites the sticky comment, a failed one included: a comment left from an
 * earlier commit would go on reading as the plan of this one.
 */
async function planMode(inputs: ActionInputs, ctx: ActionContext, io: ActionIo, gh: () => GitHub): Promise<void> {
  try {
    await planAndReport(inputs, ctx, io, gh);
  } catch (e) {
    await reportPlanFailure(inputs, ctx, io, gh, e);
  }
}

async function planAndReport(inputs: ActionInputs, ctx: ActionContext, io: ActionIo, gh: () => GitHub) {
  const { plan, markdown } = await planOrLint(inputs, ctx, io, gh);
  io.info(redact(renderText(plan)));
  annotate(plan.findings, io);
  await io.writeSummary(jobSummary(markdown));
  setPlanOutputs(io, plan, writeReports(ctx, plan, markdown));
  const trailer = reviewedPlanTrailer(plan, ctx.pullRequest?.headSha ?? ctx.sha);
  const commentFailure = await postPlanComment(inputs, ctx, io, gh, markdown, trailer);
  const why = [failure(plan, inputs.failOn), commentFailure].filter(Boolean).join('; ');
  if (why) io.setFailed(`xcluster plan: ${why}`);
}

/** A plan that stopped with `e`: the comment and the job summary say why, then the step fails. */
async function reportPlanFailure(inputs: ActionInputs, ctx: ActionContext, io: ActionIo, gh: () => GitHub, e: unknown) {
  const markdown = thrownMarkdown(e);
  await io.writeSummary(jobSummary(markdown));
  const commentFailure = await postPlanComment(inputs, ctx, io, gh, markdown);
  io.setFailed([stepFailure(e, io), commentFailure].filter(Boolean).join('; '));
}

/** The commit, time and run a comment is stamped with (a pull request's head, not GitHub's merge commit). */
const stampOf = (ctx: ActionContext, sha = ctx.pullRequest?.headSha ?? ctx.sha): RunStamp => ({
  sha,
  owner: ctx.owner,
  repo: ctx.repo,
  serverUrl: ctx.serverUrl,
  runUrl: ctx.runUrl,
  at: new Date(),
});

/**
 * The sticky plan comment, stamped with its commit, time and run. Its failure fails the step
 * (unlike apply's): the comment is where reviewers read the plan, and the one already there shows
 * an older commit's plan, which a warning would leave standing unnoticed. Except a 403: a
 * read-only token (a fork's, Dependabot's) can never comment, and the report is in the job
 * summary. Returns why it failed.
 */
async function postPlanComment(
  inputs: ActionInputs,
  ctx: ActionContext,
  io: ActionIo,
  gh: () => GitHub,
  markdown: string,
  trailer?: string,
): Promise<string | undefined> {
  const issueNumber = ctx.pullRequest?.number;
  if (!inputs.comment || issueNumber === undefined) return undefined;
  try {
    const result = await upsertStickyComment(gh(), {
      owner: ctx.owner,
      repo: ctx.repo,
      issueNumber,
      marker: markerFor('plan', inputs.config),
      body: `${stampLine('Plan', stampOf(ctx))}\n\n${markdown}`,
      pointer: commentPointer(ctx.runUrl),
      ...(trailer !== undefined ? { trailer } : {}),
    });
    io.info(`plan comment ${result.action}: ${result.url}`);
    return undefined;
  } catch (e) {
    if (isReadOnlyRefusal(e)) {
      io.warning(readOnlyWarning(`xcluster plan: the plan comment on #${issueNumber}`, errorLine(e)));
      return undefined;
    }
    return `the plan comment on #${issueNumber} could not be written, so the pull request may show an older plan (this one is in the job summary): ${errorLine(e)}`;
  }
}

async function applyMode(inputs: ActionInputs, ctx: ActionContext, io: ActionIo, gh: () => GitHub): Promise<void> {
  // Before the config is even read: on a refused event it is not the merged one.
  const refusal = applyRefusal(ctx);
  if (refusal) return io.setFailed(refusal);
  const review =
    inputs.requireReviewedPlan === false
      ? undefined
      : await findReviewedPlan(gh(), { owner: ctx.owner, repo: ctx.repo, sha: ctx.sha, config: inputs.config });
  if (review?.status === 'unavailable') return io.setFailed(review.reason);
  // A cancelled workflow run sends SIGINT, then SIGTERM: start nothing new, report what ran.
  const stop = new AbortController();
  const signals = stopOnSignals(stop, (l) => io.info(l));
  const outcome = await (
    review?.status === 'unbound'
      ? unreviewedOutcome(inputs, io, review.reason)
      : applyJob({
          ...jobOptions(inputs, io),
          confirm: async () => true,
          stop: stop.signal,
          ...(review ? { expectFingerprint: review.binding.fingerprint } : {}),
        })
  ).finally(() => signals.dispose());
  const markdown = applyMarkdown(outcome, review);
  io.info(redact(outcome.status === 'applied' ? renderApply(outcome.result, 'text') : renderText(outcome.plan)));
  annotate(outcome.plan.findings, io);
  await io.writeSummary(jobSummary(markdown));
  setPlanOutputs(io, outcome.plan, writeReports(ctx, outcome.plan, markdown));
  if (outcome.status === 'applied') io.setOutput('applied', String(summarizeApply(outcome.result).done));

  if (outcome.status !== 'nothing-to-do') await postApplyComment(inputs, ctx, io, gh, markdown);
  // The step's status is the apply's alone: the result is in the job summary whatever GitHub did.
  // A plan that is not the reviewed one is a refusal, not a failed apply: say which.
  if (outcome.status === 'refused' && (outcome.stale || review?.status === 'unbound'))
    io.setFailed(`xcluster apply refused: ${outcome.reason}; nothing was written`);
  else if (applyExitCode(outcome) !== 0) io.setFailed('xcluster apply: not every cluster was applied and verified');
}

/** No reviewed plan binds this apply: a fresh plan (reads only) to show on the pull request, and the refusal. */
async function unreviewedOutcome(inputs: ActionInputs, io: ActionIo, reason: string): Promise<ApplyOutcome> {
  const { plan } = await planJob(jobOptions(inputs, io));
  return { status: 'refused', plan, reason };
}

/** The apply's report: the result and the plan, or why nothing was applied (and, for a reviewed-plan refusal, how to go on). */
function applyMarkdown(outcome: ApplyOutcome, review?: ReviewedPlan): string {
  if (outcome.status === 'applied') return renderApplyReport(outcome.result);
  const head =
    outcome.status === 'refused'
      ? `Apply refused: ${outcome.reason}; nothing was changed.`
      : 'No changes; nothing to apply.';
  const guidance = outcome.status === 'refused' && review ? refusalGuidance(review, outcome.stale) : undefined;
  return `**${head}**\n\n${guidance ? `${guidance}\n\n` : ''}${renderMarkdown(outcome.plan)}`;
}

/** The apply's result on the merged pull request; a failure to post it is a warning, never a failed apply. */
async function postApplyComment(
  inputs: ActionInputs,
  ctx: ActionContext,
  io: ActionIo,
  gh: () => GitHub,
  markdown: string,
): Promise<void> {
  if (!inputs.comment) return;
  try {
    const pr = await findMergedPullRequest(gh(), { owner: ctx.owner, repo: ctx.repo, sha: ctx.sha });
    if (pr === undefined) return;
    const result = await upsertStickyComment(gh(), {
      owner: ctx.owner,
      repo: ctx.repo,
      issueNumber: pr,
      marker: markerFor('apply', inputs.config),
      body: `${stampLine('Apply', stampOf(ctx, ctx.sha))}\n\n${markdown}`,
      pointer: commentPointer(ctx.runUrl),
    });
    io.info(`apply comment on #${pr} ${result.action}: ${result.url}`);
  } catch (e) {
    io.warning(
      `xcluster apply: the result could not be posted on the pull request (it is in the job summary): ${errorLine(e)}`,
    );
  }
}

async function driftMode(inputs: ActionInputs, ctx: ActionContext, io: ActionIo, gh: () => GitHub): Promise<void> {
  const { plan } = await planJob({ ...jobOptions(inputs, io), fromSnapshot: inputs.snapshots, purpose: 'drift' });
  const s = summarize(plan);
  const hasDrift = s.create + s.update + s.delete > 0;
  const unchecked = uncheckedClusters(plan);
  const markdown = driftMarkdown(plan, inputs.config);
  io.info(redact(renderText(plan)));
  await io.writeSummary(jobSummary(markdown));
  setPlanOutputs(io, plan, writeReports(ctx, plan, markdown));
  const issueFailure = await syncIssue(inputs, ctx, io, gh, { plan, markdown, hasDrift, unchecked });
  // Drift itself is what the issue reports; by default the step fails only on errors and
  // unreachable clusters (`fail-on: changes` makes drift fail it too). A cluster that could not be
  // checked fails it whatever `fail-on` says: its drift is unknown, and silence would read as clean.
  const why = [failure(plan, inputs.failOn), uncheckedFailure(unchecked), issueFailure].filter(Boolean);
  if (why.length) io.setFailed(`xcluster drift: ${[...new Set(why)].join('; ')}`);
}

/** The drift report: the plan under one line that says what it is, the drift (stated once, not above it again). */
const driftMarkdown = (plan: Plan, config: string): string =>
  renderMarkdown(plan, {
    title: `Drift: the live clusters differ from ${mdCode(config)} · ${summaryLine(summarize(plan))}`,
  });

/** The clusters of a plan that could not be read, and why. */
function uncheckedClusters(plan: Plan): UncheckedCluster[] {
  return plan.clusters.filter((c) => !c.reachable).map((c) => ({ cluster: c.name, error: c.error ?? 'unknown error' }));
}

function uncheckedFailure(unchecked: readonly UncheckedCluster[]): string | undefined {
  if (!unchecked.length) return undefined;
  const names = unchecked.map((u) => u.cluster).join(', ');
  return `drift is unknown in ${unchecked.length} cluster(s) that could not be read (${names})`;
}

/** Creates, updates, comments on or closes the drift issue; returns why that failed. */
async function syncIssue(
  inputs: ActionInputs,
  ctx: ActionContext,
  io: ActionIo,
  gh: () => GitHub,
  r: { plan: Plan; markdown: string; hasDrift: boolean; unchecked: UncheckedCluster[] },
): Promise<string | undefined> {
  try {
    const result = await syncDriftIssue(gh(), {
      owner: ctx.owner,
      repo: ctx.repo,
      label: inputs.driftLabel,
      title: `xcluster: drift in ${inputs.config}`,
      body: r.markdown,
      stamp: stampLine('Drift check', stampOf(ctx, ctx.sha)),
      hasDrift: r.hasDrift,
      unchecked: r.unchecked,
      runUrl: ctx.runUrl,
      pointer: commentPointer(ctx.runUrl),
    });
    io.info(`drift issue: ${result.action}${result.url ? ` ${result.url}` : ''}`);
    return undefined;
  } catch (e) {
    return `the drift issue could not be updated (the report is in the job summary): ${errorLine(e)}`;
  }
}

const MODES: Record<Mode, (inputs: ActionInputs, ctx: ActionContext, io: ActionIo, gh: () => GitHub) => Promise<void>> =
  {
    plan: planMode,
    apply: applyMode,
    drift: driftMode,
  };

export async function runAction(
  inputs: ActionInputs,
  ctx: ActionContext,
  io: ActionIo,
  gh: () => GitHub,
): Promise<void> {
  await MODES[inputs.mode](inputs, ctx, io, gh);
}
