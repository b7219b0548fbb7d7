// The GitHub Action entry: reads inputs and the runner's context, then runs the mode.

import * as core from '@actions/core';
import { context } from '@actions/github';
import {
  runAction,
  type ActionContext,
  type ActionInputs,
  type ActionIo,
  type FailOn,
  type Mode,
} from './github/action.js';
import { makeOctokit, runUrl } from './github/octokit.js';
import { stepFailure } from './github/plan-failure.js';
import { isCommitSha, pullRequestOf } from './github/pull-request-event.js';
import { plainLog } from './github/workflow-commands.js';
import { DRIFT_LABEL } from './github/drift-issue.js';
import { booleanInput, durationInput } from './github/inputs.js';
import { DEFAULT_RUN_DEADLINE_MS } from './job.js';
import { onSecret } from './model/redact.js';

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`input ${name}: "${value}" is not one of ${allowed.join(', ')}`);
}

function readInputs(): ActionInputs {
  const clusters = core
    .getMultilineInput('clusters')
    .flatMap((l) => l.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    mode: oneOf<Mode>('mode', core.getInput('mode', { required: true }), ['plan', 'apply', 'drift']),
    config: core.getInput('config') || 'xcluster',
    ...(clusters.length ? { clusters } : {}),
    comment: (core.getInput('comment') || 'true') === 'true',
    failOn: oneOf<FailOn>('fail-on', core.getInput('fail-on') || 'error', ['error', 'warning', 'changes', 'never']),
    driftLabel: core.getInput('drift-label') || DRIFT_LABEL,
    ...(core.getInput('snapshots') ? { snapshots: core.getInput('snapshots') } : {}),
    deadlineMs: core.getInput('deadline')
      ? durationInput('deadline', core.getInput('deadline'))
      : DEFAULT_RUN_DEADLINE_MS,
    // A typo must not turn the guarantee off: only "false" does.
    requireReviewedPlan: booleanInput('require-reviewed-plan', core.getInput('require-reviewed-plan'), true),
  };
}

/** The payload's `repository.default_branch`, where the event carries one. */
function defaultBranch(): string | undefined {
  const branch: unknown = context.payload.repository?.default_branch;
  return typeof branch === 'string' && branch ? branch : undefined;
}

/** The pull request's base commit (`pull_request.base.sha`), when the payload carries a well-formed one. */
function baseShaOf(payload: typeof context.payload): { baseSha?: string } {
  const sha: unknown = payload.pull_request?.base?.sha;
  return typeof sha === 'string' && isCommitSha(sha) ? { baseSha: sha.toLowerCase() } : {};
}

function readContext(): ActionContext {
  const pullRequest = pullRequestOf(context.payload);
  return {
    eventName: context.eventName,
    owner: context.repo.owner,
    repo: context.repo.repo,
    sha: context.sha,
    ref: context.ref || undefined,
    defaultBranch: defaultBranch(),
    ...(pullRequest ? { pullRequest } : {}),
    ...(context.actor ? { actor: context.actor } : {}),
    ...baseShaOf(context.payload),
    runUrl: runUrl(),
    ...(process.env.GITHUB_SERVER_URL ? { serverUrl: process.env.GITHUB_SERVER_URL } : {}),
    tempDir: process.env.RUNNER_TEMP ?? '.',
  };
}

const io: ActionIo = {
  info: (text) => core.info(plainLog(text)),
  error: core.error,
  warning: core.warning,
  notice: core.notice,
  setOutput: core.setOutput,
  setFailed: core.setFailed,
  writeSummary: async (markdown) => {
    await core.summary.addRaw(markdown).write();
  },
};

async function main(): Promise<void> {
  // Secrets are masked in the log as soon as they are resolved; what we post is redacted too.
  onSecret(core.setSecret);
  const token = core.getInput('github-token');
  const github = () => {
    if (!token) throw new Error('input github-token is empty: comments and the drift issue need a token');
    return makeOctokit(token);
  };
  await runAction(readInputs(), readContext(), io, github);
}

/**
 * The run, started on import as the runner does; a test that imports this module awaits it. A
 * plan reports its own failures (the comment says the plan failed); this catches what fails
 * before a mode runs (an input) or outside one. Each configuration error is annotated on its YAML
 * line; the step's error is one line, masked (see plan-failure.ts).
 */
export const done = main().catch((e: unknown) => {
  core.setFailed(stepFailure(e, io));
});
