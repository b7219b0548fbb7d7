// The sticky pull-request comment: one per config path (and kind), found again on every run by a
// hidden marker and edited in place, so a PR carries one up-to-date plan instead of a pile.
//
// A comment is ours when (1) its body contains our exact marker and (2) its author is the login
// our token writes as (see identity.ts). Both are needed: anyone can paste the marker, and the
// same bot may post other comments. Anything else — another bot, a user quoting our comment — is
// never edited.

import { redact } from '../model/redact.js';
import { sameLogin, selfLogin } from './identity.js';
import { type GitHub } from './octokit.js';
import { COMMENT_LIMIT, commentPointer, fitComment } from './truncate.js';

export type CommentKind = 'plan' | 'apply';

/**
 * `<!-- xcluster:plan:xcluster -->`. The path is normalized ("./xcluster/" = "xcluster") and
 * made safe inside an HTML comment (no "--", no ">", one line).
 */
export function markerFor(kind: CommentKind, config: string): string {
  const path = config
    .trim()
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '')
    .replace(/-{2,}/g, '-')
    .replace(/[<>\r\n]/g, '_');
  return `<!-- xcluster:${kind}:${path || '.'} -->`;
}

export interface StickyComment {
  owner: string;
  repo: string;
  issueNumber: number;
  /** From markerFor(); put on the first line of the body. */
  marker: string;
  /** Markdown; redacted and fitted to the comment limit here. */
  body: string;
  /** Login our token writes as; resolved from the token when absent (see identity.ts). */
  author?: string;
  /** Last line of a body that had to be cut (see truncate.ts). */
  pointer?: string;
}

export interface CommentResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url: string;
}

export async function upsertStickyComment(gh: GitHub, c: StickyComment): Promise<CommentResult> {
  const { owner, repo, issueNumber } = c;
  // The marker is searched for exactly as it is posted, so it goes through the same redaction.
  const marker = redact(c.marker);
  // Redact before fitting: a cut could split a secret and leave a part nothing recognizes.
  const body = fitComment(`${marker}\n${redact(c.body)}`, COMMENT_LIMIT, redact(c.pointer ?? commentPointer()));

  const comments = await gh.paginate(gh.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const marked = comments.filter((x) => x.body?.includes(marker));
  // Only ask who we are when there is something to compare (one request fewer on a fresh PR).
  const self = marked.length ? (c.author ?? (await selfLogin(gh))) : undefined;
  // The oldest of ours: the comment stays where it first appeared in the conversation.
  const mine = self === undefined ? undefined : marked.find((x) => sameLogin(x.user?.login, self));

  if (!mine) {
    const { data } = await gh.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    return { action: 'created', id: data.id, url: data.html_url };
  }
  // An identical edit would still notify subscribers and bump "edited": skip it.
  if (mine.body === body) return { action: 'unchanged', id: mine.id, url: mine.html_url };
  const { data } = await gh.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
  return { action: 'updated', id: data.id, url: data.html_url };
}
