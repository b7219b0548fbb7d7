// What a pull-request comment and the job summary show: the summary line first, a table of
// clusters, the findings, then one collapsible section per cluster with ```diff blocks (last,
// so that a comment cut for length keeps everything above them). Every name, path and message
// goes through markdown-escape.ts: they come from pull requests and servers.

import { formatSource, type Change, type ClusterPlan, type Plan } from '../model/types.js';
import { changeLines, type Sign } from './lines.js';
import { htmlText, mdCode, mdFence, mdTableRow, mdText } from './markdown-escape.js';
import { renderTopology } from './mermaid.js';
import { summarize, summaryLine } from './summary.js';

// GitHub's diff highlighting: + green, - red, ! orange, a space for a line left plain.
const SIGNS: Record<Sign, string> = { add: '+', remove: '-', change: '!', context: ' ' };

function clusterRow(c: ClusterPlan, findings: number): string {
  const state = c.reachable ? 'yes' : `**no**: ${mdText(c.error ?? 'unknown error')}`;
  const flavor = mdText(c.version ? `${c.flavor} ${c.version}` : c.flavor);
  return mdTableRow([mdText(c.name), flavor, String(c.changes.length), String(findings), state]);
}

function changeBlock(changes: readonly Change[], none: string): string[] {
  if (changes.length === 0) return [none];
  return mdFence(
    'diff',
    changes.flatMap((ch) => changeLines(ch).map((l) => `${SIGNS[l.sign]} ${l.text}`)),
  );
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function clusterDetails(c: ClusterPlan, changes: readonly Change[] = c.changes, none = 'No changes.'): string[] {
  if (!c.reachable) return [];
  const title = `<summary><b>${htmlText(c.name)}</b>: ${plural(changes.length, 'change')}</summary>`;
  const unmanaged = c.unmanaged.length
    ? ['', `Unmanaged (left alone): ${c.unmanaged.map((u) => mdCode(`${u.kind} ${u.name}`)).join(', ')}`]
    : [];
  return ['<details>', title, '', ...changeBlock(changes, none), ...unmanaged, '', '</details>', ''];
}

const hasOrigins = (plan: Plan): boolean => plan.clusters.some((c) => c.changes.some((ch) => ch.origin));

/**
 * A pull request's plan, its changes told apart: the PR's own first, then the drift already on
 * the clusters, which any apply reverts (approving the PR approves that too).
 */
function sectionsByOrigin(plan: Plan): string[] {
  const reachable = plan.clusters.filter((c) => c.reachable);
  const mine = (c: ClusterPlan) => c.changes.filter((ch) => ch.origin !== 'drift');
  const drift = (c: ClusterPlan) => c.changes.filter((ch) => ch.origin === 'drift');
  const out = ['### Changes in this pull request', ''];
  for (const c of reachable) out.push(...clusterDetails(c, mine(c), 'No changes from this pull request.'));
  const drifted = reachable.filter((c) => drift(c).length > 0);
  if (drifted.length === 0) return out;
  out.push(
    '### Drift already on the cluster (any apply reverts it)',
    '',
    'These changes are in the plan of the base branch too: the clusters differ from the configuration already, whatever this pull request does.',
    '',
  );
  for (const c of drifted) out.push(...clusterDetails({ ...c, unmanaged: [] }, drift(c)));
  return out;
}

/** The count of each origin, under the summary line of a pull request's plan. */
function originLine(plan: Plan): string {
  const all = plan.clusters.flatMap((c) => c.changes);
  const drift = all.filter((ch) => ch.origin === 'drift').length;
  return `${plural(all.length - drift, 'change')} in this pull request, ${drift} drift already on the cluster`;
}

export function renderMarkdown(plan: Plan, opts: { title?: string } = {}): string {
  const byOrigin = hasOrigins(plan);
  const out = [`**${opts.title ?? summaryLine(summarize(plan))}**`, ...(byOrigin ? ['', originLine(plan)] : []), ''];
  out.push('| cluster | flavor | changes | findings | reachable |', '| --- | --- | ---: | ---: | --- |');
  for (const c of plan.clusters) {
    out.push(clusterRow(c, plan.findings.filter((f) => f.cluster === c.name).length));
  }
  out.push('');
  if (plan.findings.length > 0) {
    out.push('### Findings', '', '| severity | rule | cluster | where | message |', '| --- | --- | --- | --- | --- |');
    for (const f of plan.findings) {
      const where = f.source ? mdCode(formatSource(f.source)) : '';
      out.push(mdTableRow([f.severity, mdCode(f.rule), mdText(f.cluster ?? ''), where, mdText(f.message)]));
    }
    out.push('');
  }
  out.push(...renderTopology(plan));
  if (byOrigin) out.push(...sectionsByOrigin(plan));
  else for (const c of plan.clusters) out.push(...clusterDetails(c));
  return out.join('\n');
}
