// The Action when something cannot be seen or said: drift mode with clusters it could not read
// (unknown is not clean), and GitHub failing while a plan, an apply or a drift run reports.

import { beforeEach, describe, expect, it } from 'vitest';
import { runAction, type ActionContext, type ActionInputs, type ActionIo } from '../../src/github/action.js';
import { makeOctokit, type GitHub } from '../../src/github/octokit.js';
import { BASE_URL, FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';
import { esError, type FakeElasticsearch } from './helpers/fake-es.js';
import { useExampleEstate } from './helpers/example-estate.js';

const SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const RUN = 'https://github.com/acme/infra/actions/runs/42';
const estate = useExampleEstate('xcluster-i12-action-');
let east: FakeElasticsearch;
let west: FakeElasticsearch;
let gh: FakeGitHub;
/** Requests (method and path) GitHub answers with an HTML 502 page, as its front end does. */
let broken: (method: string, path: string) => boolean;

const HTML_502 = '<!DOCTYPE html>\n<html><head><title>Unicorn! · GitHub</title></head>\n<body>502</body></html>\n';

beforeEach(() => {
  ({ east, west } = estate);
  gh = new FakeGitHub();
  broken = () => false;
});

/** An Octokit on the fake GitHub, through a fetch that breaks what `broken` says; retries do not wait. */
function octokit(): GitHub {
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    if (broken(method, new URL(String(input)).pathname)) {
      return new Response(HTML_502, { status: 502, headers: { 'content-type': 'text/html; charset=utf-8' } });
    }
    return gh.fetch(input, init);
  };
  return makeOctokit('ghs_faketoken', { baseUrl: BASE_URL, fetch, policy: { sleep: async () => {} } });
}

function recorder() {
  const rec = {
    log: [] as string[],
    warnings: [] as string[],
    errors: [] as string[],
    outputs: {} as Record<string, string>,
    failed: undefined as string | undefined,
    summaries: [] as string[],
  };
  const io: ActionIo = {
    info: (m) => void rec.log.push(m),
    error: (m) => void rec.errors.push(String(m)),
    warning: (m) => void rec.warnings.push(String(m)),
    notice: () => {},
    setOutput: (k, v) => void (rec.outputs[k] = v),
    setFailed: (m) => void (rec.failed = m),
    writeSummary: async (m) => void rec.summaries.push(m),
  };
  return { rec, io };
}

const inputs = (extra: Partial<ActionInputs>): ActionInputs => ({
  mode: 'plan',
  config: 'xcluster',
  comment: true,
  failOn: 'error',
  driftLabel: 'xcluster-drift',
  ...extra,
});

const ctx = (extra: Partial<ActionContext> = {}): ActionContext => ({
  eventName: 'pull_request',
  owner: OWNER,
  repo: REPO,
  sha: SHA,
  pullRequest: { number: 7, fromFork: false },
  runUrl: RUN,
  tempDir: estate.root,
  ...extra,
});

const PUSH_TO_MAIN: Partial<ActionContext> = {
  eventName: 'push',
  ref: 'refs/heads/main',
  defaultBranch: 'main',
  pullRequest: undefined,
};
const SCHEDULE: Partial<ActionContext> = { eventName: 'schedule', pullRequest: undefined };

async function act(i: Partial<ActionInputs>, c: Partial<ActionContext> = {}) {
  const { rec, io } = recorder();
  await runAction(inputs(i), ctx(c), io, octokit);
  return rec;
}

const drift = (i: Partial<ActionInputs> = {}) => act({ mode: 'drift', ...i }, SCHEDULE);
const driftIssues = () => gh.issues.filter((i) => i.labels.some((l) => l.name === 'xcluster-drift'));

/** The cluster refuses our credentials on its first read (a 401 is an answer: not retried). */
function unreachable(cluster: FakeElasticsearch): void {
  for (let i = 0; i < 3; i++) {
    cluster.failNext('GET', '/_security/role', 401, esError(401, 'security_exception', 'unable to authenticate'));
  }
}

describe('issue 12 item 6: in drift mode, a cluster that could not be read is unknown, not clean', () => {
  it('every cluster unreachable: the open issue is not closed; it is told which clusters and why; the step fails under fail-on: never', async () => {
    await drift();
    const [issue] = driftIssues();
    expect(issue?.state).toBe('open');

    unreachable(east);
    unreachable(west);
    const rec = await drift({ failOn: 'never' });
    expect(gh.issue(issue!.number).state).toBe('open');
    const comments = gh.commentsOn(issue!.number).map((c) => c.body);
    expect(comments).toHaveLength(1);
    expect(comments.join('\n')).not.toMatch(/no drift/i);
    expect(comments[0]).toContain('**Drift could not be checked in 2 clusters**');
    expect(comments[0]).toMatch(/- `east`: .*401/);
    expect(comments[0]).toMatch(/- `west`: .*401/);
    expect(comments[0]).toContain('stays open');
    expect(rec.failed).toMatch(
      /^xcluster drift: .*drift is unknown in 2 cluster\(s\) that could not be read \(east, west\)$/,
    );
    expect(rec.log).toContain(`drift issue: commented ${issue!.html_url}`);
  });

  it('drift in one cluster, the other unreachable: the issue is updated as usual and names the one not checked; the step fails', async () => {
    await drift();
    const [issue] = driftIssues();
    unreachable(west);
    const rec = await drift({ failOn: 'never' });
    const body = String(gh.issue(issue!.number).body);
    expect(gh.issue(issue!.number).state).toBe('open');
    // Under the stamp line (the commit checked, the time, the run: issue 14).
    expect(body).toMatch(/^<sub>Drift check of commit .*<\/sub>\n\n\*\*Drift could not be checked in 1 cluster\*\*/);
    expect(body).toMatch(/- `west`: .*401/);
    expect(body).not.toMatch(/- `east`/);
    expect(body).toMatch(/Plan: \d+ to create/);
    expect(rec.failed).toMatch(/drift is unknown in 1 cluster\(s\) that could not be read \(west\)$/);
  });

  it('no issue open and nothing seen but unreachable clusters: no issue is opened, and the step fails', async () => {
    unreachable(east);
    unreachable(west);
    const rec = await drift({ failOn: 'never' });
    expect(driftIssues()).toEqual([]);
    expect(gh.writes()).toEqual([]);
    expect(rec.failed).toMatch(/drift is unknown in 2 cluster\(s\) that could not be read \(east, west\)$/);
  });

  it('a hand-closed issue is neither reopened nor closed again while drift is unknown', async () => {
    await drift();
    const [issue] = driftIssues();
    gh.closeByHand(issue!.number);
    unreachable(east);
    unreachable(west);
    const rec = await drift();
    expect(gh.issue(issue!.number).state).toBe('closed');
    expect(gh.commentsOn(issue!.number)).toEqual([]);
    expect(rec.failed).toMatch(/drift is unknown/);
  });
});

describe('issue 12 item 7: GitHub failures', () => {
  it('apply succeeded, its comment could not be posted: a one-line warning, and the step passes', async () => {
    gh.addPull(SHA, { number: 9, mergeCommitSha: SHA, mergedAt: '2025-03-04T09:00:00Z' });
    broken = (method, path) => method === 'POST' && path.endsWith('/issues/9/comments');
    const rec = await act({ mode: 'apply', requireReviewedPlan: false }, PUSH_TO_MAIN);
    expect(Object.keys(west.users).sort()).toEqual(['cross-cluster-user', 'cross-search-user']);
    expect(rec.failed).toBeUndefined();
    expect(rec.summaries[0]).toContain('Apply: 8 done');
    expect(rec.warnings).toEqual([
      'xcluster apply: the result could not be posted on the pull request (it is in the job summary): ' +
        `GitHub API POST /repos/${OWNER}/${REPO}/issues/9/comments answered 502 Bad Gateway (3 attempts)`,
    ]);
  });

  it('apply succeeded, finding its pull request failed: a warning, and the step passes', async () => {
    broken = (method, path) => method === 'GET' && path.endsWith(`/commits/${SHA}/pulls`);
    const rec = await act({ mode: 'apply', requireReviewedPlan: false }, PUSH_TO_MAIN);
    expect(rec.failed).toBeUndefined();
    expect(rec.warnings).toHaveLength(1);
    expect(rec.warnings[0]).toContain(`GET /repos/${OWNER}/${REPO}/commits/${SHA}/pulls answered 502 Bad Gateway`);
  });

  it("a failed apply whose comment failed too fails for the apply's reason; the comment is a warning", async () => {
    gh.addPull(SHA, { number: 9, mergeCommitSha: SHA, mergedAt: '2025-03-04T09:00:00Z' });
    west.failNext('PUT', '/_security/role/remote-replication', 500, esError(500, 'exception', 'disk full'));
    broken = (method) => method === 'POST';
    const rec = await act({ mode: 'apply', requireReviewedPlan: false }, PUSH_TO_MAIN);
    expect(rec.failed).toBe('xcluster apply: not every cluster was applied and verified');
    expect(rec.warnings).toHaveLength(1);
    expect(rec.warnings[0]).toContain('answered 502 Bad Gateway');
  });

  it('plan: a sticky comment that could not be written fails the step in one line (the PR would show an older plan)', async () => {
    broken = (method) => method === 'POST';
    const rec = await act({ mode: 'plan' });
    expect(rec.summaries[0]).toContain('Plan: 8 to create');
    expect(rec.outputs.changes).toBe('8');
    expect(rec.failed).toBe(
      'xcluster plan: the plan comment on #7 could not be written, so the pull request may show an older plan ' +
        '(this one is in the job summary): ' +
        `GitHub API POST /repos/${OWNER}/${REPO}/issues/7/comments answered 502 Bad Gateway (3 attempts)`,
    );
  });

  it('drift: an issue that could not be written fails the step in one line, with the drift run otherwise reported', async () => {
    broken = (method) => method !== 'GET';
    const rec = await drift({ failOn: 'changes' });
    expect(rec.summaries[0]).toContain('Plan: 8 to create');
    expect(rec.failed).toMatch(
      /^xcluster drift: the plan has changes; the drift issue could not be updated \(the report is in the job summary\): GitHub API POST \/repos\/acme\/infra\/labels answered 502 Bad Gateway \(3 attempts\)$/,
    );
    expect(rec.failed).not.toContain('<');
  });
});
