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
import { plainLog } from './github/workflow-commands.js';
import { DRIFT_LABEL } from './github/drift-issue.js';
import { DEFAULT_DEADLINE, durationInput } from './github/inputs.js';
import { ConfigErrors } from './model/errors.js';
import { onSecret, redact } from './model/redact.js';

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
    deadlineMs: durationInput('deadline', core.getInput('deadline') || DEFAULT_DEADLINE),
  };
}

/** The payload's `repository.default_branch`, where the event carries one. */
function defaultBranch(): string | undefined {
  const branch: unknown = context.payload.repository?.default_branch;
  return typeof branch === 'string' && branch ? branch : undefined;
}

/** The pull request's base commit (`pull_request.base.sha`), when the payload carries a well-formed one. */
function baseSha(pr: typeof context.payload.pull_request): string | undefined {
  const sha: unknown = pr?.base?.sha;
  return typeof sha === 'string' && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(sha) ? sha : undefined;
}

function readContext(): ActionContext {
  const pr = context.payload.pull_request;
  const head = pr?.head?.repo?.full_name;
  const base = pr?.base?.repo?.full_name;
  return {
    eventName: context.eventName,
    owner: context.repo.owner,
    repo: context.repo.repo,
    sha: context.sha,
    ref: context.ref || undefined,
    defaultBranch: defaultBranch(),
    ...(pr ? { pullRequest: { number: pr.number, fromFork: Boolean(head && base && head !== base) } } : {}),
    ...(baseSha(pr) ? { baseSha: baseSha(pr) } : {}),
    runUrl: runUrl(),
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

const MAX_STEP_ERROR = 1000;

/**
 * The step's error: one line, masked. GitHub's errors are one line already (request-policy.ts);
 * anything else that spans lines (a quoted body) is folded so the annotation stays one line.
 * Masked before it is folded or cut: either could change a secret into a form nothing recognizes.
 */
function stepError(e: unknown): string {
  const text = redact(e instanceof Error ? e.message : String(e))
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > MAX_STEP_ERROR ? `${text.slice(0, MAX_STEP_ERROR - 1)}…` : text;
}

/** The run, started on import as the runner does; a test that imports this module awaits it. */
export const done = main().catch((e: unknown) => {
  if (e instanceof ConfigErrors) {
    // Each configuration error as an annotation on its YAML line, then one failure.
    for (const err of e.errors) {
      const at = err.source;
      core.error(redact(err.message), at ? { file: at.file, startLine: at.line, startColumn: at.column } : {});
    }
    core.setFailed(`xcluster: ${e.errors.length} configuration error(s)`);
    return;
  }
  core.setFailed(stepError(e));
});
