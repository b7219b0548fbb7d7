import { describe, expect, it } from 'vitest';
import { markerFor, upsertStickyComment } from '../../src/github/comment.js';
import { findMergedPullRequest } from '../../src/github/pull-request.js';
import { FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';

const SHA = 'e5bd3914e2e596debea16f433f57875b5b90bcd6';
const find = (fake: FakeGitHub, sha = SHA) => findMergedPullRequest(fake.octokit(), { owner: OWNER, repo: REPO, sha });

describe('apply: the pull request a push to main came from', () => {
  it('finds the PR whose merge commit is the pushed sha, not other PRs containing the commit', async () => {
    const fake = new FakeGitHub();
    // An open PR branched from main after the merge also "contains" the commit, and so does an
    // older merged PR whose merge commit is another sha; GitHub lists them all.
    fake.addPull(SHA, { number: 31, mergeCommitSha: null, mergedAt: null });
    fake.addPull(SHA, {
      number: 12,
      mergeCommitSha: '0000000000000000000000000000000000000001',
      mergedAt: '2025-03-01T00:00:00Z',
    });
    fake.addPull(SHA, { number: 27, mergeCommitSha: SHA, mergedAt: '2025-03-04T10:00:00Z' });
    expect(await find(fake)).toBe(27);
    expect(fake.requests).toEqual([
      { method: 'GET', path: `/repos/${OWNER}/${REPO}/commits/${SHA}/pulls`, query: { per_page: '100' } },
    ]);
  });

  it('falls back to the first merged PR when none records this sha as its merge commit', async () => {
    const fake = new FakeGitHub();
    fake.addPull(SHA, { number: 31, mergeCommitSha: null, mergedAt: null });
    fake.addPull(SHA, {
      number: 12,
      mergeCommitSha: '0000000000000000000000000000000000000001',
      mergedAt: '2025-03-01T00:00:00Z',
    });
    expect(await find(fake)).toBe(12);
  });

  it('a direct push without a pull request: undefined', async () => {
    const fake = new FakeGitHub();
    expect(await find(fake)).toBeUndefined();
    fake.addPull(SHA, { number: 31, mergeCommitSha: null, mergedAt: null });
    expect(await find(fake)).toBeUndefined();
  });

  it('the apply result goes to that PR as its own sticky comment (apply marker, beside the plan one)', async () => {
    const fake = new FakeGitHub();
    fake.addPull(SHA, { number: 27, mergeCommitSha: SHA, mergedAt: '2025-03-04T10:00:00Z' });
    fake.addComment(27, `${markerFor('plan', 'xcluster')}\nPlan: 1 to create`, 'self');
    const gh = fake.octokit();
    const pr = await findMergedPullRequest(gh, { owner: OWNER, repo: REPO, sha: SHA });
    expect(pr).toBe(27);
    const r = await upsertStickyComment(gh, {
      owner: OWNER,
      repo: REPO,
      issueNumber: pr ?? -1,
      marker: markerFor('apply', 'xcluster'),
      body: 'Applied: 1 created',
    });
    expect(r.action).toBe('created');
    expect(fake.commentsOn(27).map((c) => c.body)).toEqual([
      `${markerFor('plan', 'xcluster')}\nPlan: 1 to create`,
      `${markerFor('apply', 'xcluster')}\nApplied: 1 created`,
    ]);
  });
});
