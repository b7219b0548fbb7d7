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
import { COMMENT_LIMIT, commentPointer, fitComment, size } from './truncate.js';

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
  /** Hidden lines kept whole at the end of the body, however much of it is cut (reviewed-plan.ts). */
  trailer?: string;
}

/** Where to look for our comment: an issue or pull request, our marker, and who we are. */
export type CommentQuery = Pick<StickyComment, 'owner' | 'repo' | 'issueNumber' | 'marker' | 'author'>;

/** A comment as the API lists it (the fields we read). */
export interface ListedComment {
  id: number;
  body?: string;
  html_url: string;
}

export interface CommentResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url: string;
}

/**
 * Our comment: the oldest with our exact marker (as it is posted: redacted) written by our login.
 * A comment with the marker by anyone else is never ours, whatever it says.
 */
export async function findOwnComment(gh: GitHub, q: CommentQuery): Promise<ListedComment | undefined> {
  const marker = redact(q.marker);
  const comments = await gh.paginate(gh.rest.issues.listComments, {
    owner: q.owner,
    repo: q.repo,
    issue_number: q.issueNumber,
    per_page: 100,
  });
  const marked = comments.filter((x) => x.body?.includes(marker));
  // Only ask who we are when there is something to compare (one request fewer on a fresh PR).
  const self = marked.length ? (q.author ?? (await selfLogin(gh))) : undefined;
  // The oldest of ours: the comment stays where it first appeared in the conversation.
  return self === undefined ? undefined : marked.find((x) => sameLogin(x.user?.login, self));
}

export async function upsertStickyComment(gh: GitHub, c: StickyComment): Promise<CommentResult> {
  const { owner, repo, issueNumber } = c;
  // The marker is searched for exactly as it is posted, so it goes through the same redaction.
  const marker = redact(c.marker);
  const body = commentBody(marker, c);
  const mine = await findOwnComment(gh, c);

  if (!mine) {
    const { data } = await gh.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    return { action: 'created', id: data.id, url: data.html_url };
  }
  // An identical edit would still notify subscribers and bump "edited": skip it.
  if (mine.body === body) return { action: 'unchanged', id: mine.id, url: mine.html_url };
  const { data } = await gh.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
  return { action: 'updated', id: data.id, url: data.html_url };
}

/** Marker, body fitted to the limit, then the trailer, which no cut reaches. */
function commentBody(marker: string, c: StickyComment): string {
  const trailer = c.trailer === undefined ? '' : `\n${redact(c.trailer)}`;
  // Redact before fitting: a cut could split a secret and leave a part nothing recognizes.
  const pointer = redact(c.pointer ?? commentPointer());
  return fitComment(`${marker}\n${redact(c.body)}`, COMMENT_LIMIT - size(trailer), pointer) + trailer;
}
