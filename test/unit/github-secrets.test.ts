// Masking covers what we post, not only the log: core.setSecret masks the runner's log, GitHub
// shows comments, issues and annotations as sent. Every text must pass through redact().

import { describe, expect, it } from 'vitest';
import { annotate, type AnnotationSink } from '../../src/github/annotations.js';
import { markerFor, upsertStickyComment } from '../../src/github/comment.js';
import { DRIFT_LABEL, syncDriftIssue } from '../../src/github/drift-issue.js';
import { registerSecret } from '../../src/model/redact.js';
import { type Finding } from '../../src/model/types.js';
import { FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';

// A cluster's password and API key, as the config loader registers them when resolving { env: … }.
const PASSWORD = 'hunter2-Sup3r-Secret';
const API_KEY = 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==';
registerSecret(PASSWORD);
registerSecret(API_KEY);

const leaky = `**Plan: 1 to create**\n\n\`\`\`diff\n+ user cross-cluster-user\n+     password: ${PASSWORD}\n+     api_key: ${API_KEY}\n\`\`\``;

function sentTexts(fake: FakeGitHub): string {
  return JSON.stringify(fake.writes().map((w) => w.body));
}

describe('no secret value in anything posted', () => {
  it('sticky comment: created and updated bodies are redacted', async () => {
    const fake = new FakeGitHub();
    const post = (body: string) =>
      upsertStickyComment(fake.octokit(), {
        owner: OWNER,
        repo: REPO,
        issueNumber: 7,
        marker: markerFor('plan', 'xcluster'),
        body,
      });
    await post(leaky);
    await post(`${leaky}\nagain`);
    expect(fake.writes().map((w) => w.method)).toEqual(['POST', 'PATCH']);
    const sent = sentTexts(fake);
    expect(sent).not.toContain(PASSWORD);
    expect(sent).not.toContain(API_KEY);
    expect(sent).toContain('password: ***');
  });

  it('a secret cut by truncation is still never sent (redacted before the cut)', async () => {
    const fake = new FakeGitHub();
    const long = `**Plan**\n${'x'.repeat(65_400)}${API_KEY}\n${'y'.repeat(100)}`;
    await upsertStickyComment(fake.octokit(), {
      owner: OWNER,
      repo: REPO,
      issueNumber: 7,
      marker: markerFor('plan', 'xcluster'),
      body: long,
    });
    const sent = sentTexts(fake);
    expect(sent).not.toContain(API_KEY.slice(0, 12));
  });

  it('drift issue: title, body and comments are redacted', async () => {
    const fake = new FakeGitHub();
    const sync = (hasDrift: boolean) =>
      syncDriftIssue(fake.octokit(), {
        owner: OWNER,
        repo: REPO,
        label: DRIFT_LABEL,
        title: `drift (${PASSWORD})`,
        body: leaky,
        hasDrift,
        runUrl: `https://x/runs/1?k=${API_KEY}`,
      });
    expect((await sync(true)).action).toBe('created');
    expect((await sync(true)).action).toBe('updated');
    fake.closeByHand(fake.issues[0]?.number ?? -1);
    expect((await sync(true)).action).toBe('reopened'); // with a comment quoting the run
    expect((await sync(false)).action).toBe('closed'); // with a comment quoting the run
    expect(fake.writes().length).toBeGreaterThanOrEqual(7);
    const sent = sentTexts(fake);
    expect(sent).not.toContain(PASSWORD);
    expect(sent).not.toContain(API_KEY);
  });

  it('annotations: message, title and file are redacted', () => {
    const calls: unknown[][] = [];
    const record = (...args: unknown[]) => void calls.push(args);
    const sink: AnnotationSink = { error: record, warning: record, notice: record };
    annotate(
      [
        {
          severity: 'error',
          rule: 'no-inline-secret',
          cluster: 'west',
          message: `password ${PASSWORD} is inline`,
          source: { file: 'xcluster/clusters/west.yml', line: 12, column: 5 },
        },
      ],
      sink,
    );
    expect(calls).toHaveLength(1);
    expect(JSON.stringify(calls)).not.toContain(PASSWORD);
  });
});

describe('annotations', () => {
  it('maps severities to error / warning / notice with file, line, column and the rule as title', () => {
    const calls: { level: string; message: string | Error; props: unknown }[] = [];
    const at = (level: string) => (message: string | Error, props?: unknown) =>
      void calls.push({ level, message, props });
    const findings: Finding[] = [
      {
        severity: 'error',
        rule: 'ccr-role-names-match',
        cluster: 'east',
        message: 'role names differ',
        source: { file: 'xcluster/intents.yml', line: 3, column: 5 },
      },
      {
        severity: 'warning',
        rule: 'skip-unavailable',
        message: 'set skip_unavailable',
        source: { file: 'xcluster/clusters/west.yml', line: 20, column: 7 },
      },
      { severity: 'info', rule: 'unmanaged', cluster: 'west', message: 'role legacy is unmanaged' },
    ];
    annotate(findings, { error: at('error'), warning: at('warning'), notice: at('notice') });
    expect(calls).toEqual([
      {
        level: 'error',
        message: '[east] role names differ',
        props: { file: 'xcluster/intents.yml', startLine: 3, startColumn: 5, title: 'ccr-role-names-match' },
      },
      {
        level: 'warning',
        message: 'set skip_unavailable',
        props: { file: 'xcluster/clusters/west.yml', startLine: 20, startColumn: 7, title: 'skip-unavailable' },
      },
      { level: 'notice', message: '[west] role legacy is unmanaged', props: { title: 'unmanaged' } },
    ]);
  });
});
