// Plan mode's plan of a pull request: the base commit's config read through the API
// (base-config.ts), the PR's desired state planned with the base's connections and both desired
// states planned against one read (pull-request-job.ts), and the notices that say what the PR's
// own connection changes do (nothing until the merge).

import { type ConnectionNotice } from '../config/base-connections.js';
import { formatSource, type Config, type Plan } from '../model/types.js';
import { ConfigErrors } from '../model/errors.js';
import { redact } from '../model/redact.js';
import { lintJob, type JobOptions } from '../job.js';
import { planPullRequestJob } from '../pull-request-job.js';
import { renderMarkdown } from '../render/markdown.js';
import { mdText } from '../render/markdown-escape.js';
import { loadBaseConfig, type BaseRef } from './base-config.js';
import { type GitHub } from './octokit.js';

export interface PullRequestReport {
  plan: Plan;
  markdown: string;
  /** One line per notice, for the log. */
  notes: string[];
}

/** What each notice says, in plain words (markdown-escaped where it is rendered). */
function noticeText(n: ConnectionNotice): string {
  const at = formatSource(n.source);
  if (n.kind === 'new') {
    return `cluster ${n.cluster} (${at}) is new in this pull request: it has no connection on the base branch, so it was linted offline and not contacted; it is planned after merge.`;
  }
  if (n.kind === 'flavor') {
    return `cluster ${n.cluster} (${at}): this pull request changes connection.flavor; it was linted offline, and is planned after merge.`;
  }
  const fields = n.fields.map((f) => `connection.${f}`).join(', ');
  return `cluster ${n.cluster} (${at}): this pull request changes ${fields}; the connection change takes effect after merge; planned with the base connection.`;
}

function notesBlock(lines: readonly string[]): string {
  if (lines.length === 0) return '';
  return `${lines.map((l) => `> **Note:** ${mdText(l)}`).join('\n>\n')}\n\n`;
}

/**
 * The base config, or why there is none to plan with: its files do not load (a broken base) —
 * then nothing is contacted. A GitHub failure is thrown: the plan cannot be made safely, and a
 * lint would pass for one.
 */
async function baseConfig(gh: GitHub, ref: BaseRef, dir: string): Promise<Config | string> {
  try {
    return await loadBaseConfig(gh, ref, dir);
  } catch (e) {
    if (!(e instanceof ConfigErrors)) throw e;
    return `the configuration at the base commit ${ref.sha.slice(0, 12)} does not load (${e.errors.length} error(s)), so no connection could be taken from it: every cluster was linted offline and none was contacted.`;
  }
}

/** The plan of a pull request whose base commit is `ref.sha`, and its comment. */
export async function planPullRequest(job: JobOptions, ref: BaseRef, gh: () => GitHub): Promise<PullRequestReport> {
  const base = await baseConfig(gh(), ref, job.config);
  if (typeof base === 'string') {
    const { plan } = lintJob(job);
    return { plan, markdown: notesBlock([base]) + renderMarkdown(plan), notes: [base] };
  }
  const { plan, notices } = await planPullRequestJob({ ...job, base });
  const notes = notices.map(noticeText).map((l) => redact(l));
  return { plan, markdown: notesBlock(notes) + renderMarkdown(plan), notes };
}
