// Runs that get no secrets, so that no plan can be made: a pull request from a fork (or from a
// fork since deleted), one of Dependabot's, or any run where every secret the clusters'
// connections need is missing or empty. Such a run lints the configuration offline and says so
// once (one notice), instead of one "environment variable is empty" error per reference, and its
// report says the plan was not run: "Plan: 0 to create" would read as "no changes".

import { loadConfig } from '../config/load.js';
import { redact } from '../model/redact.js';
import { type Config, type Finding } from '../model/types.js';
import { renderLint } from '../render/lint.js';
import { mdCode } from '../render/markdown-escape.js';
import { isDependabot, type PullRequestContext } from './pull-request-event.js';
import { everyConnectionSecretMissing } from './secrets-present.js';

export type OfflineReason =
  { kind: 'fork' } | { kind: 'deleted-fork' } | { kind: 'dependabot' } | { kind: 'no-secrets'; variables: string[] };

export interface OfflineQuestion {
  config: string;
  clusters?: string[];
  /** A plan from snapshots needs no secret: it is never offline. */
  snapshots?: string;
  pullRequest?: PullRequestContext;
  /** Who started the run (GITHUB_ACTOR). */
  actor?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Why this run cannot plan, or undefined when it can. The event decides first (no config is read
 * for a fork); otherwise the config is loaded to see which variables its connections name (a
 * broken config throws its ConfigErrors here, as the plan would).
 */
export function offlineReason(q: OfflineQuestion): OfflineReason | undefined {
  if (q.snapshots) return undefined;
  if (q.pullRequest?.fromFork) return { kind: q.pullRequest.forkDeleted ? 'deleted-fork' : 'fork' };
  if (isDependabot(q.pullRequest?.author) || isDependabot(q.actor)) return { kind: 'dependabot' };
  const config = loadConfig(q.config, { clusters: q.clusters });
  const variables = everyConnectionSecretMissing(config.clusters, q.env);
  return variables ? { kind: 'no-secrets', variables } : undefined;
}

const MAX_NAMES = 10;
const MAX_NAME = 100;

/** `A, B and 3 more`: bounded, since the names come from the pull request's files. */
function names(variables: readonly string[], show: (name: string) => string): string {
  const shown = variables.slice(0, MAX_NAMES).map((n) => show(n.length > MAX_NAME ? `${n.slice(0, MAX_NAME)}…` : n));
  const more = variables.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** Why no cluster was contacted, in one sentence (plain text, or markdown with the names as code). */
function why(reason: OfflineReason, markdown: boolean): string {
  switch (reason.kind) {
    case 'fork':
      return 'this pull request comes from a fork, and GitHub gives the runs of a fork no secrets';
    case 'deleted-fork':
      return 'this pull request comes from a fork that has since been deleted, and GitHub gives the runs of a fork no secrets';
    case 'dependabot':
      return "this run is Dependabot's, and GitHub gives Dependabot's runs no Actions secrets";
    case 'no-secrets':
      return `no secret the clusters' connections need is set (${names(reason.variables, markdown ? mdCode : (n) => n)}: missing or empty)`;
  }
}

const next = (reason: OfflineReason): string =>
  reason.kind === 'no-secrets'
    ? "to plan, pass them to the step's `env:`"
    : 'the plan runs once the change is on a branch of this repository';

/** The one notice of an offline run (plain text: GitHub shows annotations as text). */
export function offlineNotice(reason: OfflineReason): string {
  return redact(
    `xcluster: the plan was not run: ${why(reason, false)}. The configuration was linted offline and no cluster was contacted; ${next(reason).replace(/`/g, '')}.`,
  );
}

/** The report of an offline run: why, then the lint's findings (never a plan's "0 to create"). */
export function offlineMarkdown(reason: OfflineReason, config: Config, findings: Finding[]): string {
  const explanation = `**The plan was not run**: ${why(reason, true)}. No cluster was contacted; the configuration was linted offline, and ${next(reason)}.`;
  return `${explanation}\n\n${renderLint(config, findings, 'markdown')}`;
}
