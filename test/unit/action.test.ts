// The Action's modes against fake Elasticsearch clusters (nock) and a fake GitHub (injected
// fetch): what is commented, filed, annotated, summarized and output.

import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runAction, type ActionContext, type ActionInputs, type ActionIo } from '../../src/github/action.js';
import { FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';
import { FakeElasticsearch } from './helpers/fake-es.js';
import { useExampleEstate } from './helpers/example-estate.js';
import { expectNoMarkupFromText, expectTablesIntact } from './helpers/markdown.js';

const SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const estate = useExampleEstate('xcluster-action-');
let root: string;
let east: FakeElasticsearch;
let west: FakeElasticsearch;
let gh: FakeGitHub;

beforeEach(() => {
  ({ root, east, west } = estate);
  gh = new FakeGitHub();
});

/** A recording stand-in for @actions/core. */
function recorder() {
  const rec = {
    log: [] as string[],
    annotations: [] as { level: string; message: string; file?: string; line?: number }[],
    outputs: {} as Record<string, string>,
    failed: undefined as string | undefined,
    summaries: [] as string[],
  };
  const note = (level: string) => (message: string | Error, p?: { file?: string; startLine?: number }) =>
    void rec.annotations.push({ level, message: String(message), file: p?.file, line: p?.startLine });
  const io: ActionIo = {
    info: (m) => void rec.log.push(m),
    error: note('error'),
    warning: note('warning'),
    notice: note('notice'),
    setOutput: (k, v) => void (rec.outputs[k] = v),
    setFailed: (m) => void (rec.failed = m),
    writeSummary: async (m) => void rec.summaries.push(m),
  };
  return { rec, io };
}

const inputs = (extra: Partial<ActionInputs> = {}): ActionInputs => ({
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
  runUrl: 'https://github.com/acme/infra/actions/runs/42',
  tempDir: root,
  ...extra,
});

/** The event apply is meant for: a push to the default branch (a merged pull request). */
const PUSH_TO_MAIN: Partial<ActionContext> = {
  eventName: 'push',
  ref: 'refs/heads/main',
  defaultBranch: 'main',
  pullRequest: undefined,
};

async function act(i: Partial<ActionInputs> = {}, c: Partial<ActionContext> = {}) {
  const { rec, io } = recorder();
  await runAction(inputs(i), ctx(c), io, () => gh.octokit());
  return rec;
}

describe('plan mode on a pull request', () => {
  it('creates one sticky comment, then updates it in place; sets outputs and the job summary', async () => {
    const first = await act();
    expect(gh.commentsOn(7)).toHaveLength(1);
    const body = gh.commentsOn(7)[0]!.body;
    expect(body.split('\n')[0]).toBe('<!-- xcluster:plan:xcluster -->');
    expect(body.split('\n')[1]).toMatch(/^<sub>Plan of commit \[`6dcb09b`\]/);
    expect(body.split('\n')[3]).toBe('**Plan: 8 to create, 0 to update, 0 to delete**');
    expect(first.summaries[0]).toContain('**Plan: 8 to create, 0 to update, 0 to delete**');
    expect(first.outputs).toMatchObject({ 'has-changes': 'true', changes: '8', errors: '0' });
    expect(JSON.parse(readFileSync(first.outputs['plan-json']!, 'utf8')).summary.create).toBe(8);
    expect(readFileSync(first.outputs.report!, 'utf8')).toContain('```diff');
    expect(first.failed).toBeUndefined();

    west.roles['remote-search'] = { metadata: { managed_by: 'xcluster' } };
    await act();
    expect(gh.commentsOn(7)).toHaveLength(1);
    expect(gh.commentsOn(7)[0]!.body).toContain('**Plan: 7 to create, 0 to update, 0 to delete**');
    expect(gh.writes().map((w) => w.method)).toEqual(['POST', 'PATCH']);
  });

  it('annotates the YAML line of each finding and fails the step on an error finding', async () => {
    const file = path.join(root, 'xcluster', 'clusters', 'east.yml');
    cpSync(file, file + '.bak');
    const text = readFileSync(file, 'utf8').replace('roles:\n', 'roles:\n  superuser:\n    cluster: [all]\n');
    await import('node:fs').then((fs) => fs.writeFileSync(file, text));
    const rec = await act();
    expect(rec.annotations).toContainEqual(
      expect.objectContaining({ level: 'error', file: 'xcluster/clusters/east.yml', line: 11 }),
    );
    expect(rec.failed).toMatch(/1 error finding/);
  });

  it('on a pull request from a fork, lints offline and says so (no cluster contacted)', async () => {
    const rec = await act({}, { pullRequest: { number: 7, fromFork: true } });
    expect(gh.commentsOn(7)[0]!.body).toContain('**The plan was not run**: this pull request comes from a fork');
    expect(east.requests).toEqual([]);
    expect(west.requests).toEqual([]);
    expect(rec.failed).toBeUndefined();
  });

  it('fail-on: changes fails the step when the plan has changes; never never fails', async () => {
    expect((await act({ failOn: 'changes' })).failed).toBe('xcluster plan: the plan has changes');
    expect((await act({ failOn: 'never', clusters: ['west'] })).failed).toBeUndefined();
  });
});

describe('plan mode for OpenSearch clusters', () => {
  it('comments the plan of examples/ccr-opensearch from its snapshots of real 2.19.4 clusters', async () => {
    const example = path.resolve(__dirname, '..', '..', 'examples', 'ccr-opensearch');
    const rec = await act({ config: path.join(example, 'xcluster'), snapshots: path.join(example, 'live') });
    const body = gh.commentsOn(7)[0]!.body;
    expect(body).toContain('**Plan: 1 to create, 1 to update, 0 to delete**');
    expect(body).toContain('opensearch 2.19.4');
    expect(body).toMatch(/roles_mapping.*logs-search/);
    expect(rec.outputs).toMatchObject({ 'has-changes': 'true', changes: '2', errors: '0' });
  });
});

describe('apply mode on a push to the default branch', () => {
  it('applies, and comments the result on the pull request whose merge commit is GITHUB_SHA', async () => {
    gh.addPull(SHA, {
      number: 5,
      mergeCommitSha: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      mergedAt: '2025-03-01T10:00:00Z',
    });
    gh.addPull(SHA, { number: 9, mergeCommitSha: SHA, mergedAt: '2025-03-04T09:00:00Z' });
    const rec = await act({ mode: 'apply', requireReviewedPlan: false }, PUSH_TO_MAIN);
    expect(rec.failed).toBeUndefined();
    expect(Object.keys(west.users).sort()).toEqual(['cross-cluster-user', 'cross-search-user']);
    expect(gh.commentsOn(5)).toEqual([]);
    const [comment] = gh.commentsOn(9);
    expect(comment!.body).toContain('<!-- xcluster:apply:xcluster -->');
    expect(comment!.body).toContain('Apply: 8 done, 0 failed, 0 skipped · 2 of 2 clusters verified');
    expect(rec.summaries[0]).toContain('Apply: 8 done');
  });

  it('comments nothing on a push without a pull request', async () => {
    const rec = await act({ mode: 'apply', requireReviewedPlan: false }, PUSH_TO_MAIN);
    expect(rec.failed).toBeUndefined();
    expect(gh.writes()).toEqual([]);
  });
});

describe('issue 11 finding 1: apply runs only on a push to the default branch or a workflow_dispatch on it', () => {
  const refused: [string, Partial<ActionContext>][] = [
    ['a pull_request', { eventName: 'pull_request', ref: 'refs/pull/7/merge', defaultBranch: 'main' }],
    // These two run on the default branch's ref, with the pull request's config checked out.
    ['a pull_request_target', { eventName: 'pull_request_target', ref: 'refs/heads/main', defaultBranch: 'main' }],
    ['an issue_comment', { eventName: 'issue_comment', ref: 'refs/heads/main', defaultBranch: 'main' }],
    ['a schedule', { eventName: 'schedule', ref: 'refs/heads/main', defaultBranch: 'main', pullRequest: undefined }],
    [
      'a workflow_dispatch on a feature branch',
      { ...PUSH_TO_MAIN, eventName: 'workflow_dispatch', ref: 'refs/heads/feature' },
    ],
    ['a push to a feature branch', { ...PUSH_TO_MAIN, ref: 'refs/heads/feature' }],
    ['a push of a tag named like the default branch', { ...PUSH_TO_MAIN, ref: 'refs/tags/main' }],
    ['a push whose default branch is unknown', { ...PUSH_TO_MAIN, defaultBranch: undefined }],
    ['a push whose ref is unknown', { ...PUSH_TO_MAIN, ref: undefined }],
  ];

  it.each(refused)('refuses on %s: fails in one line, and nothing is read, written or posted', async (_, event) => {
    const rec = await act({ mode: 'apply' }, event);
    expect(rec.failed).toMatch(/^xcluster apply refused: .+; apply runs only on a push to the default branch/);
    expect(rec.failed).toContain(event.eventName);
    expect(rec.failed!.split('\n')).toHaveLength(1);
    expect(rec.log).toEqual([]);
    expect(east.requests).toEqual([]);
    expect(west.requests).toEqual([]);
    expect(gh.requests).toEqual([]);
    expect(rec.summaries).toEqual([]);
    expect(rec.outputs).toEqual({});
  });

  it('applies on a push to the default branch and on a workflow_dispatch run on it', async () => {
    expect((await act({ mode: 'apply', requireReviewedPlan: false }, PUSH_TO_MAIN)).failed).toBeUndefined();
    expect(Object.keys(west.users)).toHaveLength(2);
    east.requests.length = 0;
    const dispatch = await act(
      { mode: 'apply', requireReviewedPlan: false },
      { ...PUSH_TO_MAIN, eventName: 'workflow_dispatch', ref: 'refs/heads/trunk', defaultBranch: 'trunk' },
    );
    expect(dispatch.failed).toBeUndefined();
    expect(east.requests.length).toBeGreaterThan(0);
  });

  it('plan and drift still run on any event, with or without a ref', async () => {
    const plan = await act({}, { eventName: 'pull_request', ref: 'refs/pull/7/merge', defaultBranch: 'main' });
    expect(plan.failed).toBeUndefined();
    expect(gh.commentsOn(7)).toHaveLength(1);
    const drift = await act(
      { mode: 'drift' },
      { eventName: 'workflow_dispatch', ref: 'refs/heads/feature', pullRequest: undefined },
    );
    expect(drift.failed).toBeUndefined();
    expect(drift.outputs['has-changes']).toBe('true');
  });
});

describe('drift mode', () => {
  const drift = () => act({ mode: 'drift' }, { eventName: 'schedule', pullRequest: undefined });
  const driftIssues = () => gh.issues.filter((i) => i.labels.some((l) => l.name === 'xcluster-drift'));

  it('creates the issue, updates it, closes it when clean, reopens a hand-closed one while drift remains', async () => {
    await drift();
    expect(driftIssues()).toHaveLength(1);
    const number = driftIssues()[0]!.number;
    expect(driftIssues()[0]).toMatchObject({ state: 'open', title: 'xcluster: drift in xcluster' });
    expect(String(driftIssues()[0]!.body)).toContain('Plan: 8 to create');

    east.roles['remote-search'] = { indices: [{ names: ['logs-*'], privileges: ['read', 'read_cross_cluster'] }] };
    await drift();
    expect(driftIssues()).toHaveLength(1);
    expect(String(gh.issue(number).body)).toContain('Plan: 7 to create');

    gh.closeByHand(number);
    await drift();
    expect(gh.issue(number).state).toBe('open');

    await act({ mode: 'apply', requireReviewedPlan: false }, PUSH_TO_MAIN);
    await drift();
    expect(gh.issue(number).state).toBe('closed');
    expect(gh.commentsOn(number).at(-1)!.body).toContain('No drift');
  });
});

describe('issue 11 finding 6: a hostile file name and role name', () => {
  const HOSTILE = '<img src=x onerror=alert(1)>';

  /** A third cluster whose file name and role name are HTML, as a pull request could add them. */
  function addHostileCluster(): void {
    const yml = [
      'connection:',
      '  flavor: elasticsearch',
      '  url: https://north.example.com:9200',
      '  auth:',
      '    api_key: { env: EAST_API_KEY }',
      'roles:',
      `  '<script>alert(2)</script>\`|@acme/admins':`,
      '    cluster: [monitor]',
    ].join('\n');
    writeFileSync(path.join(root, 'xcluster', 'clusters', `${HOSTILE}.yml`), yml);
    new FakeElasticsearch('https://north.example.com:9200').install();
  }

  it('reach the pull-request comment, the job summary, the report and the drift issue as text, not HTML', async () => {
    addHostileCluster();
    const plan = await act();
    const drift = await act({ mode: 'drift' }, { eventName: 'schedule', pullRequest: undefined });
    const comment = gh.commentsOn(7)[0]!.body;
    const issue = String(gh.issues[0]!.body);
    expect(comment).toContain('&lt;img src=x onerror=alert(1)&gt;');
    for (const md of [
      comment,
      issue,
      ...plan.summaries,
      ...drift.summaries,
      readFileSync(plan.outputs.report!, 'utf8'),
    ]) {
      expectNoMarkupFromText(md);
      expectTablesIntact(md);
    }
  });
});

describe('secrets', () => {
  it('a secret value in a password or API key variable appears in no comment, issue, summary, annotation or output', async () => {
    // Secrets that collide with text the reports print, so that only redaction keeps them out.
    process.env.CROSS_SEARCH_USER_PASSWORD = 'cross-search-user';
    process.env.WEST_API_KEY = 'remote-replication';
    const recs = [
      await act(),
      await act({ mode: 'drift' }, { eventName: 'schedule', pullRequest: undefined }),
      await act({ mode: 'apply', requireReviewedPlan: false }, PUSH_TO_MAIN),
    ];
    const posted = [
      ...gh.comments.map((c) => c.body),
      ...gh.issues.map((i) => String(i.body)),
      ...gh.requests.map((r) => JSON.stringify(r.body ?? {})),
    ];
    const ours = recs.flatMap((r) => [
      ...r.summaries,
      ...r.log,
      ...r.annotations.map((a) => a.message),
      ...Object.values(r.outputs),
      ...Object.values(r.outputs)
        .filter((v) => v.startsWith(root))
        .map((p) => readFileSync(p, 'utf8')),
    ]);
    expect(posted.join('\n')).toContain('***');
    for (const text of [...posted, ...ours]) {
      expect(text).not.toContain('cross-search-user');
      expect(text).not.toContain('remote-replication');
    }
  });
});
