// The reviewed plan is bound to the apply (issue 13 acceptance 1): the plan comment on a pull
// request names the fingerprint of its plan and the head it was made for; apply on the merge
// applies only when a fresh plan has that fingerprint, the comment is xcluster's own and was made
// for the merged head. Stand-in GitHub (fake-github.ts) and stand-in clusters (fake-es.ts).

import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runAction, type ActionContext, type ActionInputs } from '../../src/github/action.js';
import { markerFor } from '../../src/github/comment.js';
import { parseReviewedPlan, reviewedPlanLine } from '../../src/github/reviewed-plan.js';
import { FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';
import { type FakeElasticsearch } from './helpers/fake-es.js';
import { useExampleEstate } from './helpers/example-estate.js';
import { planInputs, recorder } from './helpers/action-run.js';

const HEAD = '1111111111111111111111111111111111111111';
const TEST_MERGE = '2222222222222222222222222222222222222222';
const MERGED = '3333333333333333333333333333333333333333';
const PR = 7;
const estate = useExampleEstate('xcluster-reviewed-');
let root: string;
let east: FakeElasticsearch;
let west: FakeElasticsearch;
let gh: FakeGitHub;

beforeEach(() => {
  ({ root, east, west } = estate);
  gh = new FakeGitHub();
});

const base = (extra: Partial<ActionContext>): ActionContext => ({
  eventName: 'pull_request',
  owner: OWNER,
  repo: REPO,
  sha: TEST_MERGE,
  runUrl: 'https://github.com/acme/infra/actions/runs/42',
  tempDir: root,
  ...extra,
});

async function run(i: Partial<ActionInputs>, c: Partial<ActionContext>) {
  const { rec, io } = recorder();
  await runAction(planInputs(i), base(c), io, () => gh.octokit());
  return rec;
}

/** The plan job on the pull request, for its head commit `head`. */
const planOnPullRequest = (head = HEAD) => run({}, { pullRequest: { number: PR, fromFork: false, headSha: head } });

/** The merge: GitHub now lists the pull request for the merge commit, with its last head. */
const merge = (head = HEAD) =>
  gh.addPull(MERGED, { number: PR, mergeCommitSha: MERGED, mergedAt: '2025-03-04T10:00:00Z', headSha: head });

/** The apply job on the push of the merge commit to the default branch. */
const applyOnMerge = (i: Partial<ActionInputs> = {}, c: Partial<ActionContext> = {}) =>
  run({ mode: 'apply', ...i }, { eventName: 'push', sha: MERGED, ref: 'refs/heads/main', defaultBranch: 'main', ...c });

const clusterWrites = () => [...east.writes(), ...west.writes()];
const planComment = () => gh.commentsOn(PR).find((c) => c.body.startsWith(markerFor('plan', 'xcluster')))!;
const applyComment = () => gh.commentsOn(PR).find((c) => c.body.startsWith(markerFor('apply', 'xcluster')));

/** A hand change on west after the review: an emergency revoke of a role the plan creates. */
const handChange = () =>
  void (west.roles['remote-search'] = { indices: [{ names: ['logs-*'], privileges: ['read'] }] });

describe('issue 13 acceptance 1: the reviewed plan is bound to the apply', () => {
  it('the plan comment ends with the fingerprint and the head commit of the pull request (not the test merge)', async () => {
    await planOnPullRequest();
    const body = planComment().body;
    expect(body.split('\n').at(-1)).toMatch(
      new RegExp(`^<!-- xcluster:reviewed-plan fingerprint=sha256:[0-9a-f]{64} head=${HEAD} -->$`),
    );
    expect(parseReviewedPlan(body)).toMatchObject({ head: HEAD });
  });

  it('(a) plan on the PR, merge, apply: applied', async () => {
    await planOnPullRequest();
    merge();
    const rec = await applyOnMerge();
    expect(rec.failed).toBeUndefined();
    expect(Object.keys(west.users).sort()).toEqual(['cross-cluster-user', 'cross-search-user']);
    expect(applyComment()!.body).toContain('Apply: 8 done, 0 failed, 0 skipped · 2 of 2 clusters verified');
  });

  it('(b) plan on the PR, a hand change on a cluster, merge, apply: refused, nothing written, the comment says why and how to go on', async () => {
    await planOnPullRequest();
    handChange();
    merge();
    const rec = await applyOnMerge();
    expect(clusterWrites()).toEqual([]);
    expect(rec.failed).toMatch(
      /^xcluster apply refused: the plan is not the reviewed plan \(reviewed [0-9a-f]{12}, now [0-9a-f]{12}\)/,
    );
    const body = applyComment()!.body;
    expect(body).toContain('Apply refused: the plan is not the reviewed plan');
    expect(body).toContain(`The plan reviewed on #${PR}`);
    expect(body).toContain(planComment().html_url);
    expect(body).toContain('**Plan: 7 to create, 1 to update, 0 to delete**');
    expect(body).toContain(`re-run the plan job of #${PR} for its last commit`);
    expect(body).toContain('workflow_dispatch');
    expect(body).toContain('require-reviewed-plan: false');
  });

  it('(c) re-plan on the PR after the hand change, merge, apply: applied', async () => {
    await planOnPullRequest();
    handChange();
    await planOnPullRequest();
    merge();
    const rec = await applyOnMerge();
    expect(rec.failed).toBeUndefined();
    // The re-plan was reviewed with the hand change undone, so the apply undoes it.
    expect(west.roles['remote-search']).not.toHaveProperty('indices');
  });

  it('(c) after a refusal, the plan re-run on the PR and the apply re-dispatched: applied', async () => {
    await planOnPullRequest();
    handChange();
    merge();
    expect((await applyOnMerge()).failed).toMatch(/refused/);
    await planOnPullRequest();
    const rec = await applyOnMerge({}, { eventName: 'workflow_dispatch' });
    expect(rec.failed).toBeUndefined();
    expect(clusterWrites().length).toBeGreaterThan(0);
  });

  it('(d) require-reviewed-plan: false: applied with no reviewed plan, and on a push with no pull request', async () => {
    const rec = await applyOnMerge({ requireReviewedPlan: false });
    expect(rec.failed).toBeUndefined();
    expect(Object.keys(west.users)).toHaveLength(2);
  });

  it("(e) a fingerprint in a comment by anyone but xcluster's login is ignored: refused, nothing written", async () => {
    await planOnPullRequest();
    merge();
    // Someone copies xcluster's comment, line and all, and xcluster's own comment is gone.
    const copied = planComment().body;
    gh.comments.splice(gh.comments.indexOf(planComment()), 1);
    gh.addComment(PR, copied, 'person');
    gh.addComment(PR, copied, 'other-bot');
    const rec = await applyOnMerge();
    expect(clusterWrites()).toEqual([]);
    expect(rec.failed).toMatch(/^xcluster apply refused: #7 has no plan comment by xcluster with a reviewed plan/);
    expect(applyComment()!.body).toContain('re-run the plan job of #7');
  });

  it('a plan comment made for an older head of the pull request: refused, nothing written', async () => {
    await planOnPullRequest();
    merge('4444444444444444444444444444444444444444');
    const rec = await applyOnMerge();
    expect(clusterWrites()).toEqual([]);
    expect(rec.failed).toMatch(/is for commit 1111111, not for the merged head 4444444/);
  });

  it('a push with no pull request behind it: refused under the default, with a message; nothing read or written', async () => {
    const rec = await applyOnMerge();
    expect(rec.failed).toMatch(/^xcluster apply refused: no merged pull request is behind commit 3333333/);
    expect(rec.failed).toContain('require-reviewed-plan: false');
    expect(east.requests).toEqual([]);
    expect(west.requests).toEqual([]);
    expect(gh.writes()).toEqual([]);
  });

  it('a comment with two reviewed-plan lines binds nothing', () => {
    const line = reviewedPlanLine({ fingerprint: `sha256:${'a'.repeat(64)}`, head: HEAD });
    expect(parseReviewedPlan(`x\n${line}`)).toBeDefined();
    expect(parseReviewedPlan(`${line}\n${line}`)).toBeUndefined();
    expect(parseReviewedPlan(`say ${line}`)).toBeUndefined();
  });

  it('the line survives a plan comment cut to the comment limit', async () => {
    // 900 roles to create: a plan too long for one comment (unmanaged objects would not make one:
    // a cluster's section lists at most 20 of them).
    const roles = Array.from({ length: 900 }, (_, i) => `  hand-made-${i}-${'x'.repeat(60)}: { cluster: [monitor] }`);
    appendFileSync(path.join(root, 'xcluster/clusters/west.yml'), `\nroles:\n${roles.join('\n')}\n`);
    await planOnPullRequest();
    const body = planComment().body;
    expect(body).toContain('The plan is longer than a comment can hold');
    expect(parseReviewedPlan(body)).toMatchObject({ head: HEAD });
  });
});

describe('issue 13 acceptance 1: input require-reviewed-plan', () => {
  it('is true when empty; only "false" turns it off; anything else fails the step naming the input', async () => {
    const { booleanInput } = await import('../../src/github/inputs.js');
    expect(booleanInput('require-reviewed-plan', '', true)).toBe(true);
    expect(booleanInput('require-reviewed-plan', 'TRUE', true)).toBe(true);
    expect(booleanInput('require-reviewed-plan', ' false ', true)).toBe(false);
    expect(() => booleanInput('require-reviewed-plan', 'no', true)).toThrow(
      'input require-reviewed-plan: "no" is not true or false',
    );
  });
});
