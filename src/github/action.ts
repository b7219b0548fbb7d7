// The Action's three modes over the same jobs as the CLI:
// - plan (pull_request): sticky PR comment, annotations, job summary, outputs;
// - apply (push to the default branch): apply, then the result in the job summary and on the
//   merged pull request;
// - drift (schedule / workflow_dispatch): one rolling drift issue.
// Everything GitHub-facing is injected (ActionIo, and the GitHub client, made only when a mode
// needs it), so tests run it without a runner.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyExitCode, applyJob, lintJob, planJob } from '../job.js';
import { redact } from '../model/redact.js';
import { type Plan } from '../model/types.js';
import { renderApply, summarizeApply } from '../render/apply.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { mdCode } from '../render/markdown-escape.js';
import { summarize, summaryLine } from '../render/summary.js';
import { renderText } from '../render/text.js';
import { annotate, type AnnotationSink } from './annotations.js';
import { applyRefusal } from './apply-event.js';
import { markerFor, upsertStickyComment } from './comment.js';
import { syncDriftIssue } from './drift-issue.js';
import { type GitHub } from './octokit.js';
import { findMergedPullRequest } from './pull-request.js';
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
  pullRequest?: { number: number; fromFork: boolean };
  runUrl?: string;
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

const FORK_NOTE =
  '> **Offline lint only.** This pull request comes from a fork, and GitHub gives such runs no secrets, so no ' +
  'cluster was contacted. The configuration was checked offline; the plan runs once the change is on a branch of ' +
  'this repository.\n\n';

/** Plan, or offline lint on a fork's pull request (no secrets there: lint and say so, no wall of 401s). */
async function planOrLint(
  inputs: ActionInputs,
  ctx: ActionContext,
  io: ActionIo,
): Promise<{ plan: Plan; markdown: string }> {
  const job = { config: inputs.config, clusters: inputs.clusters, log: (l: string) => io.info(redact(l)) };
  if (ctx.pullRequest?.fromFork && !inputs.snapshots) {
    const { plan } = lintJob(job);
    return { plan, markdown: FORK_NOTE + renderMarkdown(plan) };
  }
  const { plan } = await planJob({ ...job, fromSnapshot: inputs.snapshots });
  return { plan, markdown: renderMarkdown(plan) };
}

async function planMode(inputs: ActionInputs, ctx: ActionContext, io: ActionIo, gh: () => GitHub): Promise<void> {
  const { plan, markdown } = await planOrLint(inputs, ctx, io);
  io.info(redact(renderText(plan)));
  annotate(plan.findings, io);
  await io.writeSummary(jobSummary(markdown));
  setPlanOutputs(io, plan, writeReports(ctx, plan, markdown));
  if (inputs.comment && ctx.pullRequest) {
    const result = await upsertStickyComment(gh(), {
      owner: ctx.owner,
      repo: ctx.repo,
      issueNumber: ctx.pullRequest.number,
      marker: markerFor('plan', inputs.config),
      body: markdown,
      pointer: commentPointer(ctx.runUrl),
    });
    io.info(`plan comment ${result.action}: ${result.url}`);
  }
  const why = failure(plan, inputs.failOn);
  if (why) io.setFailed(`xcluster plan: ${why}`);
}

async function applyMode(inputs: ActionInputs, ctx: ActionContext, io: ActionIo, gh: () => GitHub): Promise<void> {
  // Before the config is even read: on a refused event it is not the merged one.
  const refusal = applyRefusal(ctx);
  if (refusal) return io.setFailed(refusal);
  const log = (l: string) => io.info(redact(l));
  const outcome = await applyJob({ config: inputs.config, clusters: inputs.clusters, confirm: async () => true, log });
  const markdown =
    outcome.status === 'applied'
      ? `${renderApply(outcome.result, 'markdown')}\n${renderMarkdown(outcome.plan)}`
      : `**${outcome.status === 'refused' ? `Apply refused: ${outcome.reason}; nothing was changed.` : 'No changes; nothing to apply.'}**\n\n${renderMarkdown(outcome.plan)}`;
  io.info(redact(outcome.status === 'applied' ? renderApply(outcome.result, 'text') : renderText(outcome.plan)));
  annotate(outcome.plan.findings, io);
  await io.writeSummary(jobSummary(markdown));
  setPlanOutputs(io, outcome.plan, writeReports(ctx, outcome.plan, markdown));
  if (outcome.status === 'applied') io.setOutput('applied', String(summarizeApply(outcome.result).done));

  const pr = await findMergedPullRequest(gh(), { owner: ctx.owner, repo: ctx.repo, sha: ctx.sha });
  if (pr !== undefined && inputs.comment && outcome.status !== 'nothing-to-do') {
    const result = await upsertStickyComment(gh(), {
      owner: ctx.owner,
      repo: ctx.repo,
      issueNumber: pr,
      marker: markerFor('apply', inputs.config),
      body: markdown,
      pointer: commentPointer(ctx.runUrl),
    });
    io.info(`apply comment on #${pr} ${result.action}: ${result.url}`);
  }
  if (applyExitCode(outcome) !== 0) io.setFailed('xcluster apply: not every cluster was applied and verified');
}

async function driftMode(inputs: ActionInputs, ctx: ActionContext, io: ActionIo, gh: () => GitHub): Promise<void> {
  const log = (l: string) => io.info(redact(l));
  const { plan } = await planJob({
    config: inputs.config,
    clusters: inputs.clusters,
    log,
    fromSnapshot: inputs.snapshots,
    purpose: 'drift',
  });
  const s = summarize(plan);
  const hasDrift = s.create + s.update + s.delete > 0;
  const markdown = renderMarkdown(plan);
  io.info(redact(renderText(plan)));
  await io.writeSummary(jobSummary(markdown));
  setPlanOutputs(io, plan, writeReports(ctx, plan, markdown));
  const result = await syncDriftIssue(gh(), {
    owner: ctx.owner,
    repo: ctx.repo,
    label: inputs.driftLabel,
    title: `xcluster: drift in ${inputs.config}`,
    body: `${summaryLine(s)}: the live clusters differ from ${mdCode(inputs.config)}.\n\n${markdown}`,
    hasDrift,
    runUrl: ctx.runUrl,
    pointer: commentPointer(ctx.runUrl),
  });
  io.info(`drift issue: ${result.action}${result.url ? ` ${result.url}` : ''}`);
  // Drift itself is what the issue reports; by default the step fails only on errors and
  // unreachable clusters (`fail-on: changes` makes drift fail it too).
  const why = failure(plan, inputs.failOn);
  if (why) io.setFailed(`xcluster drift: ${why}`);
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
