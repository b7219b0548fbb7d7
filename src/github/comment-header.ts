// The first line of every plan and apply comment: which commit the run was about (short SHA,
// linked to the commit), when, and the workflow run (where the job summary and the log are). A
// reviewer reading a sticky comment that is edited in place can tell at once whether it is the
// plan of the commit they are looking at, and since every run rewrites it, whether the last run
// wrote it.

import { mdCode } from '../render/markdown-escape.js';
import { isCommitSha } from './pull-request-event.js';

export interface RunStamp {
  /** The commit: a pull request's head, or the pushed commit of an apply. */
  sha: string;
  owner: string;
  repo: string;
  /** GITHUB_SERVER_URL (GitHub Enterprise Server has its own); https://github.com when absent. */
  serverUrl?: string;
  runUrl?: string;
  at: Date;
}

const SHORT_SHA = 7;

/** An http(s) URL that can stand in a markdown link as it is (no space, no parenthesis, no angle bracket). */
const linkable = (url: string | undefined): url is string =>
  url !== undefined && /^https?:\/\/[^\s()<>]+$/.test(url) && url.length <= 2000;

function commitLink(s: RunStamp): string {
  if (!isCommitSha(s.sha)) return mdCode(s.sha.slice(0, 64));
  const server = linkable(s.serverUrl) ? s.serverUrl.replace(/\/+$/, '') : 'https://github.com';
  const url = `${server}/${encodeURIComponent(s.owner)}/${encodeURIComponent(s.repo)}/commit/${s.sha}`;
  return `[${mdCode(s.sha.slice(0, SHORT_SHA))}](${url})`;
}

/** `2025-03-04 10:00 UTC`: minutes are enough to tell two runs apart by eye, and UTC is everyone's. */
export const utcMinute = (at: Date): string => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** `Plan of commit [`6dcb09b`](…/commit/6dcb09b…) · 2025-03-04 10:00 UTC · [workflow run](…)`, small. */
export function stampLine(kind: 'Plan' | 'Apply' | 'Drift check', s: RunStamp): string {
  const parts = [`${kind} of commit ${commitLink(s)}`, utcMinute(s.at)];
  if (linkable(s.runUrl)) parts.push(`[workflow run](${s.runUrl})`);
  return `<sub>${parts.join(' · ')}</sub>`;
}
