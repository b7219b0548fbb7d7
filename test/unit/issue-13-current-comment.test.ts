// Issue 13, "the comment is always current": every plan run rewrites the sticky comment, a failed
// one included, and every comment names its commit, time and run.

import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runAction, type ActionContext, type ActionInputs } from '../../src/github/action.js';
import { thrownMarkdown } from '../../src/github/plan-failure.js';
import { ConfigError, ConfigErrors } from '../../src/model/errors.js';
import { FakeGitHub } from '../fixtures/github/fake-github.js';
import { esError, type FakeElasticsearch } from './helpers/fake-es.js';
import { EXAMPLE_SECRETS, useExampleEstate } from './helpers/example-estate.js';
import { expectNoMarkupFromText } from './helpers/markdown.js';
import { octokitOn, planInputs, pullRequestContext, recorder, RUN, SHA, type Override } from './helpers/action-run.js';

const estate = useExampleEstate('xcluster-i13-comment-');
let gh: FakeGitHub;
let east: FakeElasticsearch;
let override: Override;

beforeEach(() => {
  gh = new FakeGitHub();
  east = estate.east;
  override = () => undefined;
});

/** The head commits of the pull request, one per push. */
const GOOD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const BROKEN = 'f00dfacecafebeef0123456789abcdef01234567';

const onCommit = (headSha: string): Partial<ActionContext> => ({
  pullRequest: { number: 7, fromFork: false, headSha },
});

async function act(c: Partial<ActionContext> = {}, i: Partial<ActionInputs> = {}) {
  const { rec, io } = recorder();
  await runAction(
    planInputs(i),
    pullRequestContext(estate.root, c),
    io,
    octokitOn(gh, () => override),
  );
  return rec;
}

const planComment = () => {
  const comments = gh.commentsOn(7);
  expect(comments).toHaveLength(1);
  return comments[0]!.body;
};

const commitLink = (sha: string) => `[\`${sha.slice(0, 7)}\`](https://github.com/acme/infra/commit/${sha})`;

/** The cluster refuses our credentials (a 401 is an answer: not retried). */
function refuses(cluster: FakeElasticsearch): void {
  for (let i = 0; i < 3; i++) {
    cluster.failNext('GET', '/_security/role', 401, esError(401, 'security_exception', 'unable to authenticate'));
  }
}

describe('issue 13 acceptance 4: a commit that breaks the config after a good plan', () => {
  it('rewrites the sticky comment to say the plan failed, for that commit, with each error and its line', async () => {
    const good = await act(onCommit(GOOD));
    expect(good.failed).toBeUndefined();
    expect(planComment()).toContain('**Plan: 8 to create, 0 to update, 0 to delete**');
    expect(planComment()).toContain(commitLink(GOOD));

    const file = path.join(estate.root, 'xcluster', 'clusters', 'east.yml');
    appendFileSync(file, '\nbogus_key: 1\n');
    const line = readFileSync(file, 'utf8').split('\n').indexOf('bogus_key: 1') + 1;
    const broken = await act(onCommit(BROKEN));

    const body = planComment();
    expect(body.split('\n')[0]).toBe('<!-- xcluster:plan:xcluster -->');
    expect(body).toContain(`Plan of commit ${commitLink(BROKEN)}`);
    expect(body).toContain('**The plan failed**: 1 configuration error.');
    expect(body).toContain(`- \`xcluster/clusters/east.yml:${line}\`: unknown key "bogus\\_key"`);
    expect(body).not.toContain('Plan: 8 to create');
    expect(body).not.toContain(GOOD.slice(0, 7));
    expect(gh.writes().map((w) => w.method)).toEqual(['POST', 'PATCH']);

    expect(broken.failed).toBe('xcluster: 1 configuration error(s)');
    expect(broken.annotations).toContainEqual(
      expect.objectContaining({ level: 'error', file: 'xcluster/clusters/east.yml', line }),
    );
    expect(broken.summaries.join('\n')).toContain('**The plan failed**: 1 configuration error.');
    expectNoMarkupFromText(body);
  });

  it('an unreachable cluster: the comment says the plan failed and which cluster could not be read, above the plan', async () => {
    await act(onCommit(GOOD));
    refuses(east);
    const rec = await act(onCommit(BROKEN));
    const body = planComment();
    expect(body).toContain(`Plan of commit ${commitLink(BROKEN)}`);
    expect(body).toMatch(/\*\*The plan failed\*\*:\n\n- `east` could not be read: .*401/);
    expect(body.indexOf('**The plan failed**')).toBeLessThan(body.indexOf('**Plan: '));
    expect(rec.failed).toMatch(/1 unreachable cluster/);
  });

  it('an internal error: the comment says the plan failed and why, masked', async () => {
    await act(onCommit(GOOD));
    // The report files cannot be written: their folder is a file, whose name holds a secret.
    const tempDir = path.join(estate.root, `tmp-${EXAMPLE_SECRETS.EAST_API_KEY}`);
    writeFileSync(tempDir, '');
    const rec = await act({ ...onCommit(BROKEN), tempDir });
    const body = planComment();
    expect(body).toContain(`Plan of commit ${commitLink(BROKEN)}`);
    expect(body).toMatch(/\*\*The plan failed\*\*: .*ENOTDIR/);
    expect(body).not.toContain('Plan: 8 to create');
    for (const text of [body, rec.failed ?? '', ...rec.summaries]) {
      expect(text).not.toContain(EXAMPLE_SECRETS.EAST_API_KEY);
    }
    expect(rec.failed).toMatch(/ENOTDIR/);
  });

  it('the comment of a plan that failed is rewritten by the next good one', async () => {
    appendFileSync(path.join(estate.root, 'xcluster', 'clusters', 'east.yml'), '\nbogus_key: 1\n');
    await act(onCommit(BROKEN));
    expect(planComment()).toContain('**The plan failed**');
    writeFileSync(
      path.join(estate.root, 'xcluster', 'clusters', 'east.yml'),
      'connection:\n  flavor: elasticsearch\n  url: https://east.example.com:9200\n  auth:\n    api_key: { env: EAST_API_KEY }\n  transport: east.example.com:9300\n',
    );
    const rec = await act(onCommit(GOOD));
    expect(rec.failed).toBeUndefined();
    expect(planComment()).not.toContain('The plan failed');
    expect(planComment()).toContain(commitLink(GOOD));
  });
});

describe('issue 13: every comment names its commit, time and run', () => {
  it("the plan comment: the pull request's head commit (not GitHub's merge commit), linked; the time in UTC; the run", async () => {
    const before = Date.now();
    await act(onCommit(GOOD));
    const stamp = planComment().split('\n')[1]!;
    expect(stamp).toMatch(
      new RegExp(
        `^<sub>Plan of commit \\[\`a1b2c3d\`\\]\\(https://github\\.com/acme/infra/commit/${GOOD}\\) · (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d) UTC · \\[workflow run\\]\\(${RUN.replace(/[./]/g, '\\$&')}\\)</sub>$`,
      ),
    );
    const at = Date.parse(`${/(\d{4}-\d\d-\d\d \d\d:\d\d)/.exec(stamp)![1]!.replace(' ', 'T')}:00Z`);
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 60_000) * 60_000);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(stamp).not.toContain(SHA.slice(0, 7));
  });

  it('without a head SHA the commit is GITHUB_SHA; on GitHub Enterprise Server the link is to its server', async () => {
    await act({ serverUrl: 'https://ghe.example.com' });
    expect(planComment()).toContain(`[\`6dcb09b\`](https://ghe.example.com/acme/infra/commit/${SHA})`);
  });

  it('a URL that is not one is not made a link', async () => {
    await act({ runUrl: 'javascript:alert(1)', serverUrl: 'https://x) [y](https://evil' });
    const stamp = planComment().split('\n')[1]!;
    expect(stamp).toContain(`(https://github.com/acme/infra/commit/${SHA})`);
    expect(stamp).not.toContain('javascript');
    expect(stamp).not.toContain('evil');
  });

  it('the apply comment on the merged pull request: the merged commit, the time, the run', async () => {
    gh.addPull(SHA, { number: 9, mergeCommitSha: SHA, mergedAt: '2025-03-04T09:00:00Z' });
    const { rec, io } = recorder();
    await runAction(
      planInputs({ mode: 'apply', requireReviewedPlan: false }),
      pullRequestContext(estate.root, {
        eventName: 'push',
        ref: 'refs/heads/main',
        defaultBranch: 'main',
        pullRequest: undefined,
      }),
      io,
      octokitOn(gh, () => override),
    );
    expect(rec.failed).toBeUndefined();
    const [comment] = gh.commentsOn(9);
    expect(comment!.body.split('\n')[0]).toBe('<!-- xcluster:apply:xcluster -->');
    expect(comment!.body.split('\n')[1]).toMatch(
      new RegExp(
        `^<sub>Apply of commit ${commitLink(SHA).replace(/[[\]().`/]/g, '\\$&')} · .* UTC · \\[workflow run\\]`,
      ),
    );
  });
});

describe('issue 13: a failure report is bounded', () => {
  it('lists 20 configuration errors and counts the rest; each message is cut', () => {
    const errors = Array.from(
      { length: 25 },
      (_, i) => new ConfigError(`bad ${'x'.repeat(1000)}`, { file: 'xcluster/clusters/a.yml', line: i + 1, column: 1 }),
    );
    const md = thrownMarkdown(new ConfigErrors(errors));
    const items = md.split('\n').filter((l) => l.startsWith('- '));
    expect(items).toHaveLength(21);
    expect(items.at(-1)).toBe('- and 5 more (each is annotated on its line in the workflow run)');
    for (const item of items) expect(item.length).toBeLessThan(400);
    expect(md.length).toBeLessThan(10_000);
  });

  it('an internal error is one line, masked, and cut', () => {
    const md = thrownMarkdown(new Error(`boom\n<img src=x>\n${'y'.repeat(5000)}`));
    expect(md.trim().split('\n')).toHaveLength(1);
    expect(md).toContain('&lt;img src=x&gt;');
    expect(md.length).toBeLessThan(400);
  });
});
