import { describe, expect, it } from 'vitest';
import { markerFor, upsertStickyComment } from '../../src/github/comment.js';
import { COMMENT_LIMIT, commentPointer, fitComment, fitSummary, size } from '../../src/github/truncate.js';
import { type Change, type ClusterPlan, type Plan } from '../../src/model/types.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { summarize, summaryLine } from '../../src/render/summary.js';
import { FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';

const RUN = 'https://github.com/acme/infra/actions/runs/42';
const pointer = commentPointer(RUN);

function change(i: number): Change {
  return {
    cluster: i % 2 ? 'west' : 'east',
    action: i % 3 === 0 ? 'update' : 'create',
    kind: 'role',
    name: `replication-role-${i}`,
    source: { file: 'xcluster/clusters/west.yml', line: 10 + i, column: 3 },
    diff: [
      { path: ['cluster'], before: i % 3 === 0 ? ['monitor'] : null, after: ['manage_ccr', 'monitor'] },
      { path: ['indices', 0, 'names'], before: null, after: [`follower-index-${i}`, `leader-index-${i}`] },
    ],
    body: { cluster: ['manage_ccr', 'monitor'] },
  };
}

/** A plan of `n` changes over two clusters, plus one finding (rendered after the clusters). */
function bigPlan(n: number): Plan {
  const changes = Array.from({ length: n }, (_, i) => change(i));
  const cluster = (name: string): ClusterPlan => ({
    name,
    flavor: 'elasticsearch',
    version: '8.15.0',
    reachable: true,
    changes: changes.filter((c) => c.cluster === name),
    unmanaged: [],
  });
  return {
    clusters: [cluster('east'), cluster('west')],
    findings: [{ severity: 'warning', rule: 'ccr-role-names-match', cluster: 'west', message: 'role names differ' }],
  };
}

/** Fences and <details> are balanced (the cut closed what it left open). */
function balanced(md: string): void {
  const fences = md.split('\n').filter((l) => /^ {0,3}```/.test(l)).length;
  expect(fences % 2).toBe(0);
  expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
}

describe('fitting a report into GitHub limits', () => {
  it('a plan of 3,000 changes: under 65,536 characters, starts with the summary line, ends with the pointer', () => {
    const plan = bigPlan(3000);
    const full = renderMarkdown(plan);
    expect(full.length).toBeGreaterThan(COMMENT_LIMIT); // the test is about a plan that does not fit

    const out = fitComment(full, COMMENT_LIMIT, pointer);
    expect(out.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(size(out)).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(out.split('\n')[0]).toBe(`**${summaryLine(summarize(plan))}**`);
    expect(out.endsWith(`\n${pointer}`)).toBe(true);
    expect(out).toContain(`[this run](${RUN})`);
    // The head survives whole: the cluster table with both clusters.
    expect(out).toContain('| cluster | flavor | changes | unmanaged | findings | reachable |');
    expect(out).toMatch(/\| east \| elasticsearch 8\.15\.0 \| 1500 \|/);
    expect(out).toMatch(/\| west \| elasticsearch 8\.15\.0 \| 1500 \|/);
    // Cut at a line boundary: every kept line is a line of the full report.
    const fullLines = new Set(full.split('\n'));
    const kept = out
      .split('\n')
      .slice(0, -1)
      .filter((l) => l !== '' && l !== '```' && l !== '</details>');
    for (const l of kept) expect(fullLines.has(l)).toBe(true);
    balanced(out);
    // It uses the room it has: not cut far below the limit.
    expect(out.length).toBeGreaterThan(COMMENT_LIMIT - 500);
  });

  it('the posted comment (marker + plan of 3,000 changes) fits, summary first after the marker', async () => {
    const fake = new FakeGitHub();
    const plan = bigPlan(3000);
    const marker = markerFor('plan', 'xcluster');
    await upsertStickyComment(fake.octokit(), {
      owner: OWNER,
      repo: REPO,
      issueNumber: 7,
      marker,
      body: renderMarkdown(plan),
      pointer,
    });
    const sent = String(fake.writes()[0]?.body?.body);
    expect(sent.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const [first, second] = sent.split('\n');
    expect(first).toBe(marker);
    expect(second).toBe(`**${summaryLine(summarize(plan))}**`);
    expect(sent.endsWith(pointer)).toBe(true);
  });

  it('leaves a report that fits untouched', () => {
    const md = renderMarkdown(bigPlan(10));
    expect(fitComment(md, COMMENT_LIMIT, pointer)).toBe(md);
  });

  it('counts multibyte text conservatively (UTF-8 bytes ≥ characters ≥ UTF-16 units of BMP text)', () => {
    const md = ['**Plan: 1 to create**', '', ...Array.from({ length: 200 }, (_, i) => `- rôle ✓ 日本語 🚀 ${i}`)].join(
      '\n',
    );
    const out = fitComment(md, 2000, pointer);
    expect(size(out)).toBeLessThanOrEqual(2000);
    expect(out.length).toBeLessThanOrEqual(2000);
    expect(out.startsWith('**Plan: 1 to create**\n')).toBe(true);
    expect(out).not.toContain('\uFFFD');
  });

  it('closes an open fence and <details> at the cut', () => {
    const md = [
      '**Plan**',
      '',
      '<details>',
      '<summary>west</summary>',
      '',
      '```diff',
      ...Array.from({ length: 100 }, (_, i) => `+ role r${i}`),
      '```',
      '',
      '</details>',
    ].join('\n');
    const out = fitComment(md, 400, pointer);
    expect(size(out)).toBeLessThanOrEqual(400);
    balanced(out);
    expect(out).toMatch(/\+ role r\d+\n```\n\n<\/details>\n\n_The plan is longer/);
  });

  it('fits the job summary into 1 MiB (bytes)', () => {
    const full = renderMarkdown(bigPlan(30_000));
    expect(size(full)).toBeGreaterThan(1024 * 1024);
    const out = fitSummary(full);
    expect(size(out)).toBeLessThanOrEqual(1024 * 1024);
    expect(out.startsWith('**Plan:')).toBe(true);
    expect(out.endsWith('outputs of this step._')).toBe(true);
    balanced(out);
  });
});
