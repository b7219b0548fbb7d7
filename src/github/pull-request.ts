// After a merge to the default branch, the pull request whose merge produced this commit: apply
// reports there. A direct push has none, and then there is nothing to comment on.

import { type GitHub } from './octokit.js';

export interface CommitRef {
  owner: string;
  repo: string;
  sha: string;
}

/** A merged pull request: its number, and the last commit of its branch (`head.sha`). */
export interface MergedPull {
  number: number;
  headSha: string;
}

export async function findMergedPullRequest(gh: GitHub, c: CommitRef): Promise<number | undefined> {
  return (await findMergedPull(gh, c))?.number;
}

export async function findMergedPull(gh: GitHub, c: CommitRef): Promise<MergedPull | undefined> {
  const { data } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: c.owner,
    repo: c.repo,
    commit_sha: c.sha,
    per_page: 100,
  });
  // The commit also appears in open PRs that branched from it: prefer the PR it is the merge of
  // (merge commit, or the squash/rebase head GitHub records as merge_commit_sha).
  const exact = data.find((pr) => pr.merge_commit_sha === c.sha);
  const merged = exact ?? data.find((pr) => pr.merged_at !== null);
  return merged === undefined ? undefined : { number: merged.number, headSha: merged.head.sha };
}
