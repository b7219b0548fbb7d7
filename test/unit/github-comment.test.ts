import { beforeEach, describe, expect, it } from 'vitest';
import { markerFor, upsertStickyComment } from '../../src/github/comment.js';
import { FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';

const PR = 7;
const marker = markerFor('plan', 'xcluster');
const post = (fake: FakeGitHub, body: string, extra: { author?: string } = {}) =>
  upsertStickyComment(fake.octokit(), { owner: OWNER, repo: REPO, issueNumber: PR, marker, body, ...extra });

describe('sticky plan comment', () => {
  let fake: FakeGitHub;
  beforeEach(() => {
    fake = new FakeGitHub();
  });

  it('creates one comment on a PR without one, the marker on its first line', async () => {
    const r = await post(fake, '**Plan: 1 to create, 0 to update, 0 to delete**');
    expect(r.action).toBe('created');
    expect(fake.writes()).toHaveLength(1);
    expect(fake.writes()[0]).toMatchObject({ method: 'POST', path: `/repos/${OWNER}/${REPO}/issues/${PR}/comments` });
    const [c] = fake.commentsOn(PR);
    expect(c?.body).toBe(`${marker}\n**Plan: 1 to create, 0 to update, 0 to delete**`);
    expect(r).toEqual({ action: 'created', id: c?.id, url: c?.html_url });
    // A fresh PR has nothing to compare against: no need to ask who we are.
    expect(fake.requests.some((q) => q.path === '/user')).toBe(false);
  });

  it('run again: updates that comment in place and creates none', async () => {
    const first = await post(fake, 'Plan: 1 to create');
    const second = await post(fake, 'Plan: 2 to create');
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect(fake.commentsOn(PR)).toHaveLength(1);
    expect(fake.commentsOn(PR)[0]?.body).toBe(`${marker}\nPlan: 2 to create`);
    expect(fake.writes().map((w) => w.method)).toEqual(['POST', 'PATCH']);
    expect(fake.writes()[1]?.path).toBe(`/repos/${OWNER}/${REPO}/issues/comments/${first.id}`);
  });

  it('leaves an unchanged comment alone (no edit, no notification)', async () => {
    await post(fake, 'Plan: 1 to create');
    const again = await post(fake, 'Plan: 1 to create');
    expect(again.action).toBe('unchanged');
    expect(fake.writes()).toHaveLength(1);
  });

  it('never touches a comment of another bot or a user, even one containing the marker', async () => {
    const otherBot = fake.addComment(PR, `${marker}\nPlan: 9 to create`, 'other-bot');
    const person = fake.addComment(PR, `> ${marker}\n> Plan: 9 to create\nwhy 9?`, 'person');
    const similar = fake.addComment(PR, '<!-- xcluster:plan:xcluster/other -->\nPlan: 3 to create', 'self');
    const before = fake.comments.map((c) => ({ ...c }));

    const r = await post(fake, 'Plan: 1 to create');
    expect(r.action).toBe('created');
    expect(fake.writes()).toEqual([
      expect.objectContaining({ method: 'POST', path: `/repos/${OWNER}/${REPO}/issues/${PR}/comments` }),
    ]);
    for (const c of [otherBot, person, similar]) {
      expect(fake.comments.find((x) => x.id === c.id)).toEqual(before.find((x) => x.id === c.id));
    }

    // The next run edits the comment it created, still nothing else.
    const again = await post(fake, 'Plan: 2 to create');
    expect(again).toMatchObject({ action: 'updated', id: r.id });
    const edited = fake
      .writes()
      .filter((w) => w.method === 'PATCH')
      .map((w) => w.path);
    expect(edited).toEqual([`/repos/${OWNER}/${REPO}/issues/comments/${r.id}`]);
  });

  it('finds its comment on page 2 of the listing (pagination, 100 per page)', async () => {
    for (let i = 0; i < 130; i++) fake.addComment(PR, `lgtm ${i}`, i % 2 ? 'person' : 'other-bot');
    const ours = fake.addComment(PR, `${marker}\nPlan: 1 to create`, 'self');

    const r = await post(fake, 'Plan: 2 to create');
    expect(r).toMatchObject({ action: 'updated', id: ours.id });
    const listed = fake.requests.filter((q) => q.method === 'GET' && q.path.endsWith(`/issues/${PR}/comments`));
    expect(listed.map((q) => [q.query.per_page, q.query.page ?? '1'])).toEqual([
      ['100', '1'],
      ['100', '2'],
    ]);
    expect(fake.writes().filter((w) => w.method === 'POST')).toHaveLength(0);
  });

  it('with a personal access token, "ours" is the token\'s user (GET /user)', async () => {
    fake.token = 'pat';
    const mine = fake.addComment(PR, `${marker}\nold`, 'self');
    const r = await post(fake, 'new');
    expect(r).toMatchObject({ action: 'updated', id: mine.id });
    expect(fake.requests.filter((q) => q.path === '/user')).toHaveLength(1);
  });

  it('an explicit author (a GitHub App token) is used as is', async () => {
    const mine = fake.addComment(PR, `${marker}\nold`, 'other-bot');
    const r = await post(fake, 'new', { author: 'other-ci[bot]' });
    expect(r).toMatchObject({ action: 'updated', id: mine.id });
    expect(fake.requests.some((q) => q.path === '/user')).toBe(false);
  });

  it('markers: one per kind and config path, normalized, safe inside an HTML comment', () => {
    expect(markerFor('plan', 'xcluster')).toBe('<!-- xcluster:plan:xcluster -->');
    expect(markerFor('plan', './xcluster/')).toBe(markerFor('plan', 'xcluster'));
    expect(markerFor('apply', 'xcluster')).toBe('<!-- xcluster:apply:xcluster -->');
    expect(markerFor('plan', 'a-->b')).toBe('<!-- xcluster:plan:a-_b -->');
    expect(markerFor('plan', 'prod/xcluster')).not.toBe(markerFor('plan', 'xcluster'));
  });
});
