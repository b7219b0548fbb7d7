import { beforeEach, describe, expect, it } from 'vitest';
import { DRIFT_LABEL, syncDriftIssue, type DriftIssue } from '../../src/github/drift-issue.js';
import { makeOctokit } from '../../src/github/octokit.js';
import { BASE_URL, FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';

const RUN = 'https://github.com/acme/infra/actions/runs/99';
const base = { owner: OWNER, repo: REPO, label: DRIFT_LABEL, title: 'xcluster: drift detected', runUrl: RUN };
const sync = (fake: FakeGitHub, o: Partial<DriftIssue> & { hasDrift: boolean }) =>
  syncDriftIssue(fake.octokit(), { ...base, body: 'Plan: 1 to create', ...o });
const issuesPath = `/repos/${OWNER}/${REPO}/issues`;

describe('rolling drift issue', () => {
  let fake: FakeGitHub;
  beforeEach(() => {
    fake = new FakeGitHub();
  });

  it('drift and no issue: creates the label, then the issue carrying it', async () => {
    const r = await sync(fake, { hasDrift: true, body: 'Plan: 2 to create' });
    expect(r.action).toBe('created');
    expect(fake.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
      `POST /repos/${OWNER}/${REPO}/labels`,
      `POST ${issuesPath}`,
    ]);
    expect(fake.writes()[1]?.body).toEqual({ title: base.title, body: 'Plan: 2 to create', labels: [DRIFT_LABEL] });
    const issue = fake.issue(r.number ?? -1);
    expect(issue).toMatchObject({
      state: 'open',
      body: 'Plan: 2 to create',
      labels: [expect.objectContaining({ name: DRIFT_LABEL })],
    });
    expect(r.url).toBe(issue.html_url);
    // The listing asked for every state, most recently updated first.
    expect(fake.requests[0]).toMatchObject({
      method: 'GET',
      path: issuesPath,
      query: { labels: DRIFT_LABEL, state: 'all', sort: 'updated', direction: 'desc', per_page: '100' },
    });
  });

  it('an existing label is reused', async () => {
    fake.labels.add(DRIFT_LABEL);
    const r = await sync(fake, { hasDrift: true });
    expect(r.action).toBe('created');
    expect(fake.writes().map((w) => w.path)).toEqual([issuesPath]);
  });

  it('a 422 "already_exists" on creating the label (a concurrent matrix shard made it) is tolerated', async () => {
    // The label appears between our GET (404) and our POST (which then answers 422).
    const racy: typeof fetch = async (input, init) => {
      const res = await fake.fetch(input, init);
      if (!init?.method || init.method === 'GET') {
        if (String(input).includes('/labels/')) fake.labels.add(DRIFT_LABEL);
      }
      return res;
    };
    const gh = makeOctokit('ghs_faketoken', { baseUrl: BASE_URL, fetch: racy });
    const r = await syncDriftIssue(gh, { ...base, body: 'x', hasDrift: true });
    expect(r.action).toBe('created');
    expect(fake.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
      `POST /repos/${OWNER}/${REPO}/labels`,
      `POST ${issuesPath}`,
    ]);
  });

  it('drift again: updates the open issue in place', async () => {
    const created = await sync(fake, { hasDrift: true, body: 'Plan: 1 to create' });
    const updated = await sync(fake, { hasDrift: true, body: 'Plan: 3 to create' });
    expect(updated).toMatchObject({ action: 'updated', number: created.number });
    expect(fake.issues).toHaveLength(1);
    expect(fake.issue(created.number ?? -1).body).toBe('Plan: 3 to create');
    expect(fake.writes().at(-1)).toMatchObject({
      method: 'PATCH',
      path: `${issuesPath}/${created.number}`,
      body: { title: base.title, body: 'Plan: 3 to create' },
    });
  });

  it('no drift: comments with the run and closes the open issue as completed', async () => {
    const created = await sync(fake, { hasDrift: true });
    const r = await sync(fake, { hasDrift: false, body: 'Plan: 0 to create' });
    expect(r).toMatchObject({ action: 'closed', number: created.number });
    const n = created.number ?? -1;
    expect(fake.commentsOn(n).map((c) => c.body)).toEqual([`No drift found in run ${RUN}; closing.`]);
    expect(fake.issue(n)).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(fake.writes().at(-1)?.body).toEqual({ state: 'closed', state_reason: 'completed' });
  });

  it('no drift and nothing open: does nothing', async () => {
    expect(await sync(fake, { hasDrift: false })).toEqual({ action: 'none' });
    await sync(fake, { hasDrift: true });
    await sync(fake, { hasDrift: false });
    const writes = fake.writes().length;
    expect(await sync(fake, { hasDrift: false })).toEqual({ action: 'none' });
    expect(fake.writes()).toHaveLength(writes);
  });

  it('reopens (and updates) an issue closed by hand while drift remains', async () => {
    const created = await sync(fake, { hasDrift: true, body: 'Plan: 1 to create' });
    const n = created.number ?? -1;
    fake.closeByHand(n);
    const r = await sync(fake, { hasDrift: true, body: 'Plan: 1 to create, 1 to update' });
    expect(r).toMatchObject({ action: 'reopened', number: n });
    expect(fake.issues).toHaveLength(1);
    expect(fake.issue(n)).toMatchObject({ state: 'open', body: 'Plan: 1 to create, 1 to update' });
    expect(fake.commentsOn(n).map((c) => c.body)).toEqual([`Drift is still present in run ${RUN}; reopening.`]);
  });

  it('new drift after a clean close by us opens a new issue (the closed one keeps its history)', async () => {
    const first = await sync(fake, { hasDrift: true });
    await sync(fake, { hasDrift: false });
    const second = await sync(fake, { hasDrift: true });
    expect(second.action).toBe('created');
    expect(second.number).not.toBe(first.number);
    expect(fake.issue(first.number ?? -1).state).toBe('closed');
  });

  it('ignores pull requests and issues by others that carry the label', async () => {
    fake.labels.add(DRIFT_LABEL);
    const pr = fake.addIssue({ title: 'fix drift', body: 'PR', who: 'self', labels: [DRIFT_LABEL], pullRequest: true });
    const human = fake.addIssue({
      title: 'drift?',
      body: 'I think west drifted',
      who: 'person',
      labels: [DRIFT_LABEL],
    });
    const r = await sync(fake, { hasDrift: true });
    expect(r.action).toBe('created');
    expect(r.number).not.toBe(pr.number);
    expect(r.number).not.toBe(human.number);
    await sync(fake, { hasDrift: false });
    expect(fake.issue(human.number).state).toBe('open');
    expect(fake.issue(pr.number).state).toBe('open');
    const touched = fake.writes().map((w) => w.path);
    expect(touched.some((p) => p.includes(`/${human.number}`) || p.includes(`/${pr.number}`))).toBe(false);
  });
});
