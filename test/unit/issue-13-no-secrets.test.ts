// Issue 13, "pull requests without secrets": a fork's, a deleted fork's, Dependabot's, or any run
// where every secret the connections need is empty lints offline with one notice; a read-only
// token's 403 on the comment is a warning, with the report in the job summary.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runAction, type ActionContext } from '../../src/github/action.js';
import { pullRequestOf } from '../../src/github/pull-request-event.js';
import { everyConnectionSecretMissing } from '../../src/github/secrets-present.js';
import { type ClusterConfig } from '../../src/model/types.js';
import { FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';
import { type FakeElasticsearch } from './helpers/fake-es.js';
import { EXAMPLE_SECRETS, useExampleEstate } from './helpers/example-estate.js';
import { expectNoMarkupFromText } from './helpers/markdown.js';
import {
  jsonAnswer,
  octokitOn,
  planInputs,
  pullRequestContext,
  recorder,
  SHA,
  type Override,
} from './helpers/action-run.js';

const estate = useExampleEstate('xcluster-i13-secrets-');
let gh: FakeGitHub;
let east: FakeElasticsearch;
let west: FakeElasticsearch;
let override: Override;

beforeEach(() => {
  gh = new FakeGitHub();
  ({ east, west } = estate);
  override = () => undefined;
});

/** A pull_request event payload as the runner hands it over (only the fields that matter here). */
function payload(o: { headRepo?: unknown; author?: string }) {
  const base = { full_name: `${OWNER}/${REPO}`, fork: false };
  return {
    pull_request: {
      number: 7,
      user: { login: o.author ?? 'mona', type: 'User' },
      head: { sha: SHA, ref: 'feature', repo: o.headRepo === undefined ? base : o.headRepo },
      base: { sha: 'b'.repeat(40), ref: 'main', repo: base },
    },
  };
}

const FORK = payload({ headRepo: { full_name: 'mallory/infra', fork: true } });
const DELETED_FORK = payload({ headRepo: null });
const DEPENDABOT = payload({ author: 'dependabot[bot]' });
const SAME_REPO = payload({});

async function act(c: Partial<ActionContext>) {
  const { rec, io } = recorder();
  await runAction(
    planInputs(),
    pullRequestContext(estate.root, c),
    io,
    octokitOn(gh, () => override),
  );
  return rec;
}

const fromPayload = (p: unknown, actor?: string): Partial<ActionContext> => ({
  pullRequest: pullRequestOf(p),
  ...(actor ? { actor } : {}),
});

function withoutConnectionSecrets(): void {
  process.env.EAST_API_KEY = '';
  delete process.env.WEST_API_KEY;
}

const cases: [string, () => Partial<ActionContext>, RegExp][] = [
  ['a fork', () => fromPayload(FORK), /comes from a fork, and GitHub/],
  ['a deleted fork (head.repo null)', () => fromPayload(DELETED_FORK), /comes from a fork that has since been deleted/],
  ['Dependabot (the author)', () => fromPayload(DEPENDABOT), /Dependabot's/],
  ['Dependabot (the actor)', () => fromPayload(SAME_REPO, 'dependabot[bot]'), /Dependabot's/],
  [
    'no connection secret set',
    () => {
      withoutConnectionSecrets();
      return fromPayload(SAME_REPO);
    },
    /no secret the clusters' connections need is set \(`?EAST_API_KEY`?, `?WEST_API_KEY`?: missing or empty\)/,
  ],
];

describe('issue 13 acceptance 5: pull requests without secrets lint offline with one notice', () => {
  it.each(cases)(
    '%s: one notice, no cluster contacted, exit 0; the comment says the plan was not run',
    async (_, event, why) => {
      const rec = await act(event());
      expect(east.requests).toEqual([]);
      expect(west.requests).toEqual([]);
      expect(rec.failed).toBeUndefined();
      expect(rec.annotations).toEqual([{ level: 'notice', message: expect.stringMatching(why) }]);
      expect(rec.annotations[0]!.message).toMatch(
        /^xcluster: the plan was not run: .*\. The configuration was linted offline and no cluster was contacted; /,
      );
      expect(rec.log.join('\n')).not.toMatch(/is empty|is not set/);

      const body = gh.commentsOn(7)[0]!.body;
      expect(body).toMatch(why);
      expect(body).toContain('**The plan was not run**');
      expect(body).toContain('**Lint: 2 clusters, 8 objects checked · 0 errors · 0 warnings**');
      expect(body).not.toMatch(/Plan: 0 to create|No changes/);
      expect(rec.summaries.join('\n')).toContain('**The plan was not run**');
      expect(rec.outputs).toMatchObject({ 'has-changes': 'false', errors: '0' });
      expectNoMarkupFromText(body);
    },
  );

  it.each(cases)('%s: a lint error still fails the step', async (_, event) => {
    const file = path.join(estate.root, 'xcluster', 'clusters', 'east.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('roles:\n', 'roles:\n  typo:\n    cluster: [monitr]\n'));
    const rec = await act(event());
    expect(east.requests).toEqual([]);
    expect(rec.failed).toMatch(/^xcluster plan: 1 error finding/);
    expect(rec.annotations.filter((a) => a.level === 'notice')).toHaveLength(1);
    expect(rec.annotations).toContainEqual(
      expect.objectContaining({ level: 'error', file: 'xcluster/clusters/east.yml' }),
    );
    expect(gh.commentsOn(7)[0]!.body).toContain('**The plan was not run**');
  });

  it('a secret missing for one cluster only is a misconfiguration: planned, and the missing one reported', async () => {
    delete process.env.WEST_API_KEY;
    const rec = await act(fromPayload(SAME_REPO));
    expect(rec.annotations.filter((a) => a.level === 'notice')).toEqual([]);
    expect(rec.failed).toBe('xcluster: 1 configuration error(s)');
    expect(gh.commentsOn(7)[0]!.body).toMatch(
      /\*\*The plan failed\*\*: 1 configuration error\.\n\n- .*WEST\\_API\\_KEY is not set/,
    );
  });

  it('passwords are not connection secrets: their being set does not make a run with no connection secret plan', async () => {
    withoutConnectionSecrets();
    expect(process.env.CROSS_CLUSTER_USER_PASSWORD).toBe(EXAMPLE_SECRETS.CROSS_CLUSTER_USER_PASSWORD);
    const rec = await act(fromPayload(SAME_REPO));
    expect(rec.failed).toBeUndefined();
    expect(east.requests).toEqual([]);
  });

  it('a branch of a repository that is itself a fork is no fork pull request: it is planned', async () => {
    const ownFork = payload({ headRepo: { full_name: `${OWNER}/${REPO}`, fork: true } });
    expect(pullRequestOf(ownFork)).toMatchObject({ number: 7, fromFork: false, headSha: SHA });
    const rec = await act(fromPayload(ownFork));
    expect(rec.failed).toBeUndefined();
    expect(east.requests.length).toBeGreaterThan(0);
    expect(gh.commentsOn(7)[0]!.body).toContain('**Plan: 8 to create');
  });

  it('snapshots need no secret: a fork plans from them as before', async () => {
    withoutConnectionSecrets();
    const example = path.resolve(__dirname, '..', '..', 'examples', 'ccr-opensearch');
    const { rec, io } = recorder();
    await runAction(
      planInputs({ config: path.join(example, 'xcluster'), snapshots: path.join(example, 'live') }),
      pullRequestContext(estate.root, fromPayload(FORK)),
      io,
      octokitOn(gh, () => override),
    );
    expect(rec.annotations.filter((a) => a.level === 'notice')).toEqual([]);
    expect(gh.commentsOn(7)[0]!.body).toContain('**Plan: 1 to create, 1 to update');
  });
});

describe('issue 13 acceptance 5: a read-only token cannot post the comment', () => {
  const forbidden = JSON.parse(
    readFileSync(new URL('../fixtures/github/error-forbidden-integration.json', import.meta.url), 'utf8'),
  ) as object;

  it('a 403 on posting is a warning; the report is in the job summary; the step does not fail for it', async () => {
    override = (method, p) =>
      method === 'POST' && p.endsWith('/issues/7/comments') ? jsonAnswer(403, forbidden) : undefined;
    const rec = await act(fromPayload(FORK));
    expect(gh.comments).toEqual([]);
    expect(rec.failed).toBeUndefined();
    const warnings = rec.annotations.filter((a) => a.level === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(
      /^xcluster plan: the plan comment on #7 could not be posted: the token may not write to the pull request .*The report is in the job summary\. GitHub API POST \/repos\/acme\/infra\/issues\/7\/comments answered 403 Forbidden: Resource not accessible by integration$/,
    );
    expect(rec.summaries.join('\n')).toContain('**The plan was not run**');
  });

  it('a 403 on a plan that did run: a warning too, and the plan is in the job summary', async () => {
    override = (method) => (method === 'POST' ? jsonAnswer(403, forbidden) : undefined);
    const rec = await act(fromPayload(SAME_REPO));
    expect(rec.failed).toBeUndefined();
    expect(rec.annotations.filter((a) => a.level === 'warning')).toHaveLength(1);
    expect(rec.summaries[0]).toContain('**Plan: 8 to create');
  });

  it('a 403 that is a rate limit is no read-only token: the step fails as before', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    override = (method) =>
      method === 'POST'
        ? jsonAnswer(
            403,
            { message: 'API rate limit exceeded for installation.' },
            {
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': reset,
            },
          )
        : undefined;
    const rec = await act(fromPayload(SAME_REPO));
    expect(rec.failed).toMatch(
      /^xcluster plan: the plan comment on #7 could not be written, .*403 Forbidden: API rate limit exceeded/,
    );
    expect(rec.annotations.filter((a) => a.level === 'warning')).toEqual([]);
  });

  it('a config error whose failure comment gets a 403: the step fails for the config error alone', async () => {
    override = (method) => (method === 'POST' ? jsonAnswer(403, forbidden) : undefined);
    const file = path.join(estate.root, 'xcluster', 'clusters', 'east.yml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nbogus_key: 1\n`);
    const rec = await act(fromPayload(FORK));
    expect(rec.failed).toBe('xcluster: 1 configuration error(s)');
    expect(rec.annotations.filter((a) => a.level === 'warning')).toHaveLength(1);
    expect(rec.summaries.join('\n')).toContain('**The plan failed**');
  });
});

describe('issue 13: the pull request and the secrets, read without trusting them', () => {
  it('a payload whose pull request is not one is none', () => {
    expect(pullRequestOf(undefined)).toBeUndefined();
    expect(pullRequestOf({})).toBeUndefined();
    expect(pullRequestOf({ pull_request: { number: '7' } })).toBeUndefined();
    expect(pullRequestOf({ pull_request: { number: -1 } })).toBeUndefined();
    expect(pullRequestOf(JSON.parse('{"pull_request":{"__proto__":{"number":7}}}'))).toBeUndefined();
  });

  it('a head SHA that is not one is dropped', () => {
    const p = payload({});
    p.pull_request.head.sha = '6dcb09b) [x](https://evil';
    expect(pullRequestOf(p)).toEqual({ number: 7, fromFork: false, author: 'mona' });
  });

  it('without full names, the fork flag decides', () => {
    expect(pullRequestOf({ pull_request: { number: 3, head: { repo: { fork: true } } } })).toMatchObject({
      fromFork: true,
    });
    expect(pullRequestOf({ pull_request: { number: 3, head: { repo: {} } } })).toMatchObject({ fromFork: false });
  });

  const cluster = (auth: ClusterConfig['connection']['auth'], extra: Partial<ClusterConfig['connection']> = {}) =>
    ({ name: 'c', connection: { auth, ...extra } }) as ClusterConfig;
  const env = (ref: string) => ({ ref: { env: ref }, source: { file: 'f', line: 1, column: 1 } });
  const file = { ref: { file: 'ca.pem' }, source: { file: 'f', line: 1, column: 1 } };

  it('every connection secret missing: only the env variables the connections name count, each once', () => {
    const clusters = [
      cluster({ kind: 'api_key', apiKey: env('A') }, { ca: file }),
      cluster({ kind: 'basic', username: 'u', password: env('B') }),
      cluster({ kind: 'api_key', apiKey: env('A') }),
    ];
    expect(everyConnectionSecretMissing(clusters, {})).toEqual(['A', 'B']);
    expect(everyConnectionSecretMissing(clusters, { A: '', B: '' })).toEqual(['A', 'B']);
    expect(everyConnectionSecretMissing(clusters, { B: 'x' })).toBeUndefined();
    expect(everyConnectionSecretMissing([cluster({ kind: 'none' }, { ca: file })], {})).toBeUndefined();
    expect(everyConnectionSecretMissing([], {})).toBeUndefined();
  });

  it('a variable named like a prototype property is not set by inheritance', () => {
    const clusters = [
      cluster({ kind: 'api_key', apiKey: env('__proto__') }),
      cluster({ kind: 'api_key', apiKey: env('toString') }),
    ];
    expect(everyConnectionSecretMissing(clusters, {})).toEqual(['__proto__', 'toString']);
  });
});
