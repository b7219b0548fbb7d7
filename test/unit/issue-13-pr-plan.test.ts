// Issue 13, items 2 and 3: how the plan of a pull request is computed. The Action runs against a
// stand-in GitHub that serves the base commit's files (contents API) and stand-in Elasticsearch
// clusters that count requests: connections come from the base commit, and the PR's changes are
// told apart from drift already on the clusters by planning both desired states on one read.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runAction, type ActionContext, type ActionInputs, type ActionIo } from '../../src/github/action.js';
import { applyJob } from '../../src/job.js';
import { FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';
import { BaseContents, snapshotTree } from './helpers/base-contents.js';
import { useExampleEstate } from './helpers/example-estate.js';
import { FakeElasticsearch } from './helpers/fake-es.js';

const HEAD_SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const BASE_SHA = 'a10867b14bb761a232cd80139fbd4c0d33264240';
const estate = useExampleEstate('xcluster-i13-pr-');
let root: string;
let east: FakeElasticsearch;
let west: FakeElasticsearch;
let gh: FakeGitHub;

beforeEach(() => {
  ({ root, east, west } = estate);
  gh = new FakeGitHub();
});

function recorder() {
  const rec = { log: [] as string[], notices: [] as string[], outputs: {} as Record<string, string>, failed: '' };
  const io: ActionIo = {
    info: (m) => void rec.log.push(m),
    error: () => {},
    warning: () => {},
    notice: (m) => void rec.notices.push(String(m)),
    setOutput: (k, v) => void (rec.outputs[k] = v),
    setFailed: (m) => void (rec.failed = m),
    writeSummary: async () => {},
  };
  return { rec, io };
}

const inputs: ActionInputs = {
  mode: 'plan',
  config: 'xcluster',
  comment: true,
  failOn: 'error',
  driftLabel: 'xcluster-drift',
};

const ctx = (): ActionContext => ({
  eventName: 'pull_request',
  owner: OWNER,
  repo: REPO,
  sha: HEAD_SHA,
  pullRequest: { number: 7, fromFork: false },
  baseSha: BASE_SHA,
  runUrl: 'https://github.com/acme/infra/actions/runs/42',
  tempDir: root,
});

/** The base commit is the estate as it is now; what the test edits afterwards is the PR's head. */
const baseCommit = (): BaseContents => new BaseContents(gh, BASE_SHA, snapshotTree(root, 'xcluster'));

function edit(file: string, change: (text: string) => string): void {
  const abs = path.join(root, 'xcluster', 'clusters', file);
  const before = readFileSync(abs, 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  writeFileSync(abs, after);
}

async function planPr(base: BaseContents) {
  const { rec, io } = recorder();
  await runAction(inputs, ctx(), io, () => base.octokit());
  const comment = gh.commentsOn(7)[0]?.body ?? '';
  const planJson = JSON.parse(readFileSync(rec.outputs['plan-json']!, 'utf8')) as {
    clusters: { name: string; changes: { kind: string; name: string; action: string; origin?: string }[] }[];
    findings: { rule: string; cluster: string | null; severity: string }[];
  };
  return { rec, comment, planJson };
}

describe('issue 13: a pull request is planned with the base commit connections', () => {
  it('issue 13 acceptance 2: a PR that points url at another server sends it nothing; the comment says the change takes effect after merge', async () => {
    const base = baseCommit();
    const elsewhere = new FakeElasticsearch('https://elsewhere.example.net:9200').install();
    edit('east.yml', (t) => t.replace('url: https://east.example.com:9200', 'url: https://elsewhere.example.net:9200'));
    const { rec, comment, planJson } = await planPr(base);

    expect(elsewhere.requests).toEqual([]);
    // Planned with the base URL: east was read, and its plan is there.
    expect(east.requests.length).toBeGreaterThan(0);
    expect(planJson.clusters.map((c) => c.name)).toEqual(['east', 'west']);
    expect(comment).toContain(
      'this pull request changes connection.url; the connection change takes effect after merge; planned with the base connection',
    );
    expect(rec.notices.join('\n')).toContain('takes effect after merge');
    expect(rec.failed).toBe('');
    // The base files were read at the base commit, through the contents API.
    expect(base.asked).toEqual(expect.arrayContaining(['xcluster', 'xcluster/clusters', 'xcluster/clusters/east.yml']));
  });

  it('a PR that changes the API key variable does not choose the credentials: the base variable is sent', async () => {
    const base = baseCommit();
    process.env.PR_CHOSEN_KEY = 'cHItY2hvc2VuLWtleS1ub3QtcmVhbA==';
    try {
      edit('east.yml', (t) => t.replace('api_key: { env: EAST_API_KEY }', 'api_key: { env: PR_CHOSEN_KEY }'));
      const { comment } = await planPr(base);
      const sent = new Set(east.requests.map((r) => r.authorization));
      expect(sent).toEqual(new Set([`ApiKey ${process.env.EAST_API_KEY}`]));
      expect(comment).toContain('changes connection.auth; the connection change takes effect after merge');
    } finally {
      delete process.env.PR_CHOSEN_KEY;
    }
  });

  it('a cluster file new in the PR is linted offline and said so; no request goes to it', async () => {
    const base = baseCommit();
    const north = new FakeElasticsearch('https://north.example.com:9200').install();
    writeFileSync(
      path.join(root, 'xcluster', 'clusters', 'north.yml'),
      'connection:\n  flavor: elasticsearch\n  url: https://north.example.com:9200\n  auth:\n    api_key: { env: EAST_API_KEY }\n' +
        'roles:\n  ops:\n    cluster: [manage_everything]\n',
    );
    const { rec, comment, planJson } = await planPr(base);
    expect(north.requests).toEqual([]);
    expect(planJson.clusters.map((c) => c.name)).toEqual(['east', 'west']);
    expect(comment).toContain('cluster north');
    expect(comment).toContain('is new in this pull request');
    expect(comment).toContain('linted offline and not contacted');
    // The offline rules still judge it: an unknown privilege is found without the cluster.
    expect(planJson.findings).toContainEqual(expect.objectContaining({ rule: 'unknown-privilege', cluster: 'north' }));
    expect(rec.failed).toMatch(/error finding/);
  });

  it('a base file answered as text (a charset in the content type) reads the same as bytes', async () => {
    const base = baseCommit();
    base.rawType = 'text/plain; charset=utf-8';
    edit('east.yml', (t) => t.replace('url: https://east.example.com:9200', 'url: https://elsewhere.example.net:9200'));
    const { comment } = await planPr(base);
    expect(comment).toContain('the connection change takes effect after merge');
  });

  it('a config folder new in the PR (none at the base commit): every cluster linted offline, none contacted', async () => {
    const base = new BaseContents(gh, BASE_SHA, new Map());
    const { comment, planJson } = await planPr(base);
    expect(east.requests).toEqual([]);
    expect(west.requests).toEqual([]);
    expect(planJson.clusters).toEqual([]);
    expect(comment).toContain('cluster east');
    expect(comment).toContain('is new in this pull request');
  });

  it('a base commit whose config does not load: linted offline, nothing contacted, and said so', async () => {
    const tree = snapshotTree(root, 'xcluster');
    tree.set('xcluster/clusters/east.yml', 'connection: [not, a, map]\n');
    const { comment } = await planPr(new BaseContents(gh, BASE_SHA, tree));
    expect(east.requests).toEqual([]);
    expect(west.requests).toEqual([]);
    expect(comment).toContain('does not load');
  });
});

describe('issue 13: the PR changes and the drift already on the cluster, apart', () => {
  it('issue 13 acceptance 3: a PR adding one privilege on a cluster with a hand edit shows both in separate sections; the JSON plan marks each origin', async () => {
    edit('east.yml', (t) => t.replace(/^roles:\n/m, 'roles:\n  ops-readers:\n    cluster: [monitor]\n'));
    // The clusters are as the base commit says: applied from it.
    const applied = await applyJob({ config: 'xcluster', confirm: async () => true, remoteWaitMs: 0 });
    expect(applied.status).toBe('applied');
    const base = baseCommit();
    // A hand edit on east, outside the configuration.
    const role = east.roles['remote-search']!;
    east.roles['remote-search'] = { ...role, cluster: ['manage'] };
    // The PR adds one privilege to a role.
    edit('east.yml', (t) => t.replace('cluster: [monitor]', 'cluster: [monitor, manage_ilm]'));
    east.requests.length = 0;
    west.requests.length = 0;

    const { comment, planJson } = await planPr(base);

    const changes = planJson.clusters.flatMap((c) => c.changes.map((ch) => ({ cluster: c.name, ...ch })));
    expect(changes).toEqual([
      expect.objectContaining({ cluster: 'east', kind: 'role', name: 'ops-readers', origin: 'pull_request' }),
      expect.objectContaining({ cluster: 'east', kind: 'role', name: 'remote-search', origin: 'drift' }),
    ]);
    const mine = comment.indexOf('### Changes in this pull request');
    const drift = comment.indexOf('### Drift already on the cluster (any apply reverts it)');
    expect(mine).toBeGreaterThan(0);
    expect(drift).toBeGreaterThan(mine);
    expect(comment.slice(mine, drift)).toContain('role ops-readers');
    expect(comment.slice(mine, drift)).not.toContain('role remote-search');
    expect(comment.slice(drift)).toContain('role remote-search');
    expect(comment.slice(drift)).not.toContain('role ops-readers');
    expect(comment).toContain('1 change in this pull request, 1 drift already on the cluster');
    // One read: each cluster's read round once (one GET / per cluster), not once per plan.
    expect(east.requests.filter((r) => r.method === 'GET' && r.path === '/').length).toBe(1);
    expect(east.writes()).toEqual([]);
  });
});
