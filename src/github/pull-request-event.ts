// The pull request of a run, read from the event payload (`context.payload.pull_request`). The
// payload is JSON the runner hands us; every field is checked before it is believed.

/** What the Action needs to know about the pull request a plan runs for. */
export interface PullRequestContext {
  number: number;
  /** The head is in another repository (a fork), or in one since deleted: GitHub gives the run no secrets. */
  fromFork: boolean;
  /** `head.repo` is null: the fork was deleted after the pull request was opened. */
  forkDeleted?: boolean;
  /**
   * The head commit (`pull_request.head.sha`): what the reviewer pushed and sees. GITHUB_SHA of a
   * pull_request run is GitHub's test merge commit, which no one recognizes.
   */
  headSha?: string;
  /** Who opened it (`pull_request.user.login`): Dependabot's pull requests get no Actions secrets. */
  author?: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (o: unknown, key: string): unknown => (isObj(o) && Object.hasOwn(o, key) ? o[key] : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** A commit SHA: 40 hex digits (SHA-1), or 64 (a SHA-256 repository). */
export const isCommitSha = (s: string): boolean => /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(s);

/**
 * Whether the head repository is a fork of the base one. The full names decide when both are
 * known: `head.repo.fork` alone is true on every branch of a repository that is itself a fork of
 * another, where the runs do get secrets. A null `head.repo` is a fork that was deleted.
 */
function forkOf(head: unknown, base: unknown): { fromFork: boolean; forkDeleted?: boolean } {
  const headRepo = field(head, 'repo');
  if (headRepo === null) return { fromFork: true, forkDeleted: true };
  const headName = text(field(headRepo, 'full_name'));
  const baseName = text(field(field(base, 'repo'), 'full_name'));
  if (headName && baseName) return { fromFork: headName.toLowerCase() !== baseName.toLowerCase() };
  return { fromFork: field(headRepo, 'fork') === true };
}

/** The pull request of an event payload, or undefined when the payload has none (or not one we can trust). */
export function pullRequestOf(payload: unknown): PullRequestContext | undefined {
  const pr = field(payload, 'pull_request');
  const number = field(pr, 'number');
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) return undefined;
  const head = field(pr, 'head');
  const sha = text(field(head, 'sha'));
  const author = text(field(field(pr, 'user'), 'login'));
  return {
    number,
    ...forkOf(head, field(pr, 'base')),
    ...(sha && isCommitSha(sha) ? { headSha: sha.toLowerCase() } : {}),
    ...(author ? { author } : {}),
  };
}

/** Dependabot's login; its runs get Dependabot secrets only, and a read-only token. */
export const DEPENDABOT = 'dependabot[bot]';

export const isDependabot = (login: string | undefined): boolean => login?.toLowerCase() === DEPENDABOT;
