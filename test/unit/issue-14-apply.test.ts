// Issue 14, the apply comment and the drift issue: the apply comment on the merged pull request
// leads with the result and titles the plan it carried out as applied (under its own "Plan: 8 to
// create" it read as still to do); the drift issue states the drift once, with the time of the
// run and a link to it, and says "unknown" for a cluster it could not read. The examples/ccr
// estate on stand-in clusters (fake-es.ts) and the stand-in GitHub (fake-github.ts).

import { beforeEach, describe, expect, it } from 'vitest';
import { runAction } from '../../src/github/action.js';
import { FakeGitHub } from '../fixtures/github/fake-github.js';
import { planInputs, pullRequestContext, recorder, RUN, SHA } from './helpers/action-run.js';
import { useExampleEstate } from './helpers/example-estate.js';
import { esError } from './helpers/fake-es.js';

const estate = useExampleEstate('xcluster-i14-apply-');
let gh: FakeGitHub;

beforeEach(() => {
  gh = new FakeGitHub();
});

const PUSH = { eventName: 'push', ref: 'refs/heads/main', defaultBranch: 'main', pullRequest: undefined };
const SCHEDULE = { eventName: 'schedule', pullRequest: undefined };
const STAMP_TIME = /\d{4}-\d\d-\d\d \d\d:\d\d UTC/;

async function act(mode: 'apply' | 'drift', context: object) {
  const { rec, io } = recorder();
  const inputs = planInputs({ mode, ...(mode === 'apply' ? { requireReviewedPlan: false } : {}) });
  await runAction(inputs, pullRequestContext(estate.root, context), io, () => gh.octokit());
  return rec;
}

/** Applies examples/ccr after its pull request #9 was merged; returns the comment on #9 and the job summary. */
async function applyMerged(): Promise<{ comment: string; summary: string; failed?: string }> {
  gh.addPull(SHA, { number: 9, mergeCommitSha: SHA, mergedAt: '2025-03-04T09:00:00Z' });
  const rec = await act('apply', PUSH);
  return { comment: gh.commentsOn(9)[0]!.body, summary: rec.summaries[0]!, failed: rec.failed };
}

/** The plan carried out, as the comment shows it: collapsed, its bold first line. */
const appliedPlan = (title: string, summary = 'The plan that was applied') =>
  `<details>\n<summary>${summary}</summary>\n\n**${title}**\n`;

describe('issue 14: the apply comment leads with the result', () => {
  it('the result first (summary line, each cluster and its verification), then the plan titled as applied', async () => {
    const { comment, summary } = await applyMerged();
    const lines = comment.split('\n');
    expect(lines[0]).toBe('<!-- xcluster:apply:xcluster -->');
    expect(lines[1]).toMatch(/^<sub>Apply of commit .*<\/sub>$/);
    expect(lines.slice(2, 18)).toEqual([
      '',
      '**Apply: 8 done, 0 failed, 0 skipped · 2 of 2 clusters verified**',
      '',
      '```',
      'cluster east: verified: a fresh plan is empty',
      '  done    create role remote-replication',
      '  done    create role remote-search',
      '',
      'cluster west: verified: a fresh plan is empty',
      '  done    create remote_cluster east',
      '  done    create role remote-replication',
      '  done    create role remote-search',
      '  done    create role_mapping ldap-replication-operators',
      '  done    create user cross-cluster-user',
      '  done    create user cross-search-user',
      '```',
    ]);
    expect(comment).toContain(appliedPlan('Applied: 8 created, 0 updated, 0 deleted'));
    expect(comment.trimEnd().endsWith('</details>')).toBe(true);
    for (const report of [comment, summary]) {
      expect(report).not.toMatch(/Plan: \d+ to create/);
      expect(report.indexOf('**Apply: 8 done')).toBeLessThan(report.indexOf('<details>'));
    }
    expect(summary).toContain(appliedPlan('Applied: 8 created, 0 updated, 0 deleted'));
  });

  it('an apply that did not carry out all of its plan says how much of it was applied', async () => {
    estate.west.failNext('PUT', '/_security/role/remote-replication', 500, esError(500, 'exception', 'disk full'));
    const { comment, failed } = await applyMerged();
    expect(failed).toBe('xcluster apply: not every cluster was applied and verified');
    expect(comment).toMatch(/^\*\*Apply: 4 done, 1 failed, 3 skipped · 1 of 2 clusters verified\*\*$/m);
    expect(comment).toContain(
      appliedPlan(
        'Applied: 4 created, 0 updated, 0 deleted (4 of the 8 planned changes)',
        'The plan this apply carried out (not all of it was applied)',
      ),
    );
    expect(comment).not.toMatch(/Plan: \d+ to create/);
  });
});

describe('issue 14: the drift issue states the drift once, with the time of the run and a link to it', () => {
  const driftIssue = () => gh.issues.find((i) => i.labels.some((l) => l.name === 'xcluster-drift'))!;

  it('one summary line, under the commit checked, the time of the run and the link to it', async () => {
    await act('drift', SCHEDULE);
    const issue = driftIssue();
    expect(issue.title).toBe('xcluster: drift in xcluster');
    const body = String(issue.body).split('\n');
    expect(body[0]).toMatch(
      new RegExp(
        `^<sub>Drift check of commit \\[\`6dcb09b\`\\]\\(https://github.com/acme/infra/commit/${SHA}\\) · ${STAMP_TIME.source} · \\[workflow run\\]\\(${RUN}\\)</sub>$`,
      ),
    );
    expect(body.slice(1, 3)).toEqual([
      '',
      '**Drift: the live clusters differ from `xcluster` · Plan: 8 to create, 0 to update, 0 to delete**',
    ]);
    expect(String(issue.body).match(/to create/g)).toHaveLength(1);
  });

  it('a cluster that could not be read: title and body say its drift is unknown, never "no drift"', async () => {
    for (let i = 0; i < 3; i++)
      estate.west.failNext('GET', '/_security/role', 401, esError(401, 'security_exception', 'no'));
    await act('drift', SCHEDULE);
    const issue = driftIssue();
    expect(issue.title).toBe('xcluster: drift in xcluster; unknown in 1 cluster that could not be read (west)');
    const body = String(issue.body);
    expect(body.split('\n')[0]).toMatch(/^<sub>Drift check of commit /);
    expect(body).toContain(`**Drift could not be checked in 1 cluster** (run ${RUN}): they could not be read.`);
    expect(body).not.toMatch(/no drift/i);
    expect(body.match(/to create/g)).toHaveLength(1);
  });
});
