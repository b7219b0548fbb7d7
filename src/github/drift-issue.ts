// The rolling drift issue: one open issue, labelled (default `xcluster-drift`), that a scheduled
// run creates when drift appears, rewrites while it lasts and closes with a comment when it is
// gone. Someone closing it by hand does not make drift go away: the next run with drift reopens it.
//
// Candidates are the issues with the label (the issues API also lists pull requests: skipped),
// authored by our token's login (see identity.ts) — a person's issue that happens to carry the
// label is never edited or closed.
//
// A cluster that could not be read is unknown, not clean: while any is, the issue is never closed
// and "No drift found" is never said. With no drift seen elsewhere, an open issue gets a comment
// naming what could not be checked (no new issue is opened for it: the failed step says it, and an
// issue titled "drift" would claim what nobody saw); with drift seen elsewhere, the issue is
// written as usual, naming the clusters that could not be checked at its top.

import { redact } from '../model/redact.js';
import { mdCode, mdText } from '../render/markdown-escape.js';
import { sameLogin, selfLogin } from './identity.js';
import { httpStatus, type GitHub } from './octokit.js';
import { COMMENT_LIMIT, commentPointer, fitComment } from './truncate.js';

export const DRIFT_LABEL = 'xcluster-drift';

export interface DriftIssue {
  owner: string;
  repo: string;
  label: string;
  title: string;
  /** Markdown report; redacted and fitted to the body limit here. */
  body: string;
  /** The body's first line: the commit checked, the time and the run (comment-header.ts). */
  stamp?: string;
  hasDrift: boolean;
  /** The clusters that could not be checked, and why (their read error). */
  unchecked?: readonly UncheckedCluster[];
  /** This run's page, quoted in the closing and reopening comments. */
  runUrl?: string;
  /** Login our token writes as; resolved from the token when absent. */
  author?: string;
  /** Last line of a body that had to be cut. */
  pointer?: string;
}

export interface UncheckedCluster {
  cluster: string;
  error: string;
}

export interface DriftResult {
  /** `commented`: drift could not be checked everywhere, and the open issue was told so (not closed). */
  action: 'created' | 'updated' | 'closed' | 'reopened' | 'commented' | 'none';
  number?: number;
  url?: string;
}

export async function syncDriftIssue(gh: GitHub, d: DriftIssue): Promise<DriftResult> {
  const { owner, repo } = d;
  const run = d.runUrl ? `run ${d.runUrl}` : 'the latest run';
  const ours = await findOurs(gh, d);
  const open = ours.filter((i) => i.state === 'open');

  const unchecked = d.unchecked ?? [];
  if (!d.hasDrift && unchecked.length) return noteUnchecked(gh, d, open, uncheckedNote(unchecked, run));
  if (!d.hasDrift) {
    if (!open.length) return { action: 'none' };
    // Normally one; close any duplicates too, so "no drift" leaves nothing open.
    for (const issue of open) {
      await gh.rest.issues.createComment({
        owner,
        repo,
        issue_number: issue.number,
        body: redact(`No drift found in ${run}; closing.`),
      });
      await gh.rest.issues.update({
        owner,
        repo,
        issue_number: issue.number,
        state: 'closed',
        state_reason: 'completed',
      });
    }
    return { action: 'closed', number: open[0]?.number, url: open[0]?.html_url };
  }

  const title = redact(unchecked.length ? `${d.title}; unknown in ${uncheckedNames(unchecked)}` : d.title);
  const report = [d.stamp, unchecked.length ? uncheckedNote(unchecked, run) : undefined, d.body]
    .filter((part) => part !== undefined)
    .join('\n\n');
  const body = fitComment(redact(report), COMMENT_LIMIT, redact(d.pointer ?? commentPointer(d.runUrl)));
  const current = open[0];
  if (current) {
    const { data } = await gh.rest.issues.update({ owner, repo, issue_number: current.number, title, body });
    return { action: 'updated', number: data.number, url: data.html_url };
  }
  // ours is newest-updated first: the last closed issue decides between reopening and a new one.
  const last = ours[0];
  if (last && (await closedByHand(gh, d, last.number))) {
    await gh.rest.issues.createComment({
      owner,
      repo,
      issue_number: last.number,
      body: redact(`Drift is still present in ${run}; reopening.`),
    });
    const { data } = await gh.rest.issues.update({
      owner,
      repo,
      issue_number: last.number,
      state: 'open',
      title,
      body,
    });
    return { action: 'reopened', number: data.number, url: data.html_url };
  }
  await ensureLabel(gh, d);
  const { data } = await gh.rest.issues.create({ owner, repo, title, body, labels: [d.label] });
  return { action: 'created', number: data.number, url: data.html_url };
}

/** Markdown naming each cluster that could not be checked, and why. */
export function uncheckedNote(unchecked: readonly UncheckedCluster[], run: string): string {
  const lines = unchecked.map((u) => `- ${mdCode(u.cluster)}: ${mdText(u.error)}`);
  const count = unchecked.length === 1 ? '1 cluster' : `${unchecked.length} clusters`;
  return [`**Drift could not be checked in ${count}** (${mdText(run)}): they could not be read.`, '', ...lines].join(
    '\n',
  );
}

/** "1 cluster that could not be read (west)", for the title of an issue whose drift is known only in part. */
function uncheckedNames(unchecked: readonly UncheckedCluster[]): string {
  const count = unchecked.length === 1 ? '1 cluster' : `${unchecked.length} clusters`;
  return `${count} that could not be read (${unchecked.map((u) => u.cluster).join(', ')})`;
}

/** Drift unknown, none seen: every open issue is told what could not be checked, and stays open. */
async function noteUnchecked(
  gh: GitHub,
  d: DriftIssue,
  open: readonly OpenIssue[],
  note: string,
): Promise<DriftResult> {
  for (const issue of open) {
    const text = `${note}\n\nThis issue stays open until a run can check every cluster.`;
    const body = fitComment(redact(text), COMMENT_LIMIT, redact(d.pointer ?? commentPointer(d.runUrl)));
    await gh.rest.issues.createComment({ owner: d.owner, repo: d.repo, issue_number: issue.number, body });
  }
  return open[0] ? { action: 'commented', number: open[0].number, url: open[0].html_url } : { action: 'none' };
}

interface OpenIssue {
  number: number;
  html_url: string;
}

async function findOurs(gh: GitHub, d: DriftIssue) {
  const listed = await gh.paginate(gh.rest.issues.listForRepo, {
    owner: d.owner,
    repo: d.repo,
    labels: d.label,
    state: 'all',
    sort: 'updated',
    direction: 'desc',
    per_page: 100,
  });
  const issues = listed.filter((i) => !i.pull_request);
  if (!issues.length) return [];
  const self = d.author ?? (await selfLogin(gh));
  return issues.filter((i) => sameLogin(i.user?.login, self));
}

/**
 * Closed by someone other than us (a person, or a commit/PR that "fixes" it). We close with
 * our own token, so `closed_by` tells the two apart; the list endpoint may omit it, the single
 * issue carries it.
 */
async function closedByHand(gh: GitHub, d: DriftIssue, issueNumber: number): Promise<boolean> {
  const { data } = await gh.rest.issues.get({ owner: d.owner, repo: d.repo, issue_number: issueNumber });
  const self = d.author ?? (await selfLogin(gh));
  return !sameLogin(data.closed_by?.login, self);
}

/** Issues can only carry labels that exist; create ours on first use. */
async function ensureLabel(gh: GitHub, d: DriftIssue): Promise<void> {
  try {
    await gh.rest.issues.getLabel({ owner: d.owner, repo: d.repo, name: d.label });
    return;
  } catch (e) {
    if (httpStatus(e) !== 404) throw e;
  }
  try {
    await gh.rest.issues.createLabel({
      owner: d.owner,
      repo: d.repo,
      name: d.label,
      color: 'd93f0b',
      description: 'Live clusters differ from the xcluster configuration',
    });
  } catch (e) {
    // 422 "already_exists": another run (a matrix shard) created it in between.
    if (httpStatus(e) !== 422) throw e;
  }
}
