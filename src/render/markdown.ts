// What a pull-request comment and the job summary show: the summary line first, what the plan
// changes (one line per object, and warnings when it deletes something or a cluster could not be
// read), a table of clusters, the findings, the topology, then one collapsible section per
// cluster with ```diff blocks (last, so that a comment cut for length keeps everything above
// them). Every name, path and message goes through markdown-escape.ts: they come from pull
// requests and servers.

import { formatSource, type Change, type ClusterPlan, type Plan } from '../model/types.js';
import {
  DELETIONS_CAP,
  FOLD_CAP,
  deletionsHead,
  deletionsOf,
  foldLines,
  unreachableOf,
  unreachableText,
  type FoldLine,
} from './fold.js';
import { changeLines, type Sign } from './lines.js';
import { htmlText, mdCode, mdFence, mdTableRow, mdText } from './markdown-escape.js';
import { renderTopology } from './mermaid.js';
import { UNMANAGED_CAP, capped, moreText, plural, summarize, summaryLine } from './summary.js';

// GitHub's diff highlighting: + green, - red, ! orange, a space for a line left plain.
const SIGNS: Record<Sign, string> = { add: '+', remove: '-', change: '!', context: ' ' };

/** A GitHub alert (`> [!WARNING]`): shown as a coloured box, and as a plain quote elsewhere. */
const alert = (type: 'WARNING' | 'CAUTION', text: string): string[] => [`> [!${type}]`, `> ${text}`, ''];

function deletionWarning(plan: Plan): string[] {
  const deleted = deletionsOf(plan);
  if (deleted.length === 0) return [];
  const { shown, more } = capped(deleted, DELETIONS_CAP);
  const names = shown.map((ch) => `${mdCode(`${ch.kind} ${ch.name}`)} on ${mdText(ch.cluster)}`);
  const rest = more > 0 ? [moreText(more)] : [];
  return alert('WARNING', `**${deletionsHead(deleted.length)}:** ${[...names, ...rest].join(', ')}`);
}

function unreachableWarning(plan: Plan): string[] {
  const names = unreachableOf(plan).map((c) => c.name);
  return names.length === 0 ? [] : alert('CAUTION', mdText(unreachableText(names)));
}

const foldBlock = (lines: readonly FoldLine[]): string[] =>
  lines.length === 0
    ? []
    : [
        ...mdFence(
          'diff',
          lines.map((l) => `${SIGNS[l.sign]} ${l.text}`),
        ),
        '',
      ];

/**
 * Every changed object, one line each, capped. On a pull request's plan the PR's own changes and
 * the drift already on the clusters are two lists: approving the PR approves reverting the drift.
 */
function foldList(plan: Plan, byOrigin: boolean): string[] {
  const all = foldLines(plan);
  const { shown, more } = capped(all, FOLD_CAP);
  const rest = more > 0 ? [`${moreText(more)}: every change is in its cluster's section below.`, ''] : [];
  if (!byOrigin) return [...foldBlock(shown), ...rest];
  const mine = shown.filter((l) => l.origin !== 'drift');
  const drift = shown.filter((l) => l.origin === 'drift');
  return [
    ...(mine.length > 0 ? ['**This pull request**', '', ...foldBlock(mine)] : []),
    ...(drift.length > 0 ? ['**Drift already on the cluster** (any apply reverts it)', '', ...foldBlock(drift)] : []),
    ...rest,
  ];
}

function clusterRow(c: ClusterPlan, findings: number): string {
  const state = c.reachable ? 'yes' : `**no**: ${mdText(c.error ?? 'unknown error')}`;
  const flavor = mdText(c.version ? `${c.flavor} ${c.version}` : c.flavor);
  // An unreachable cluster's changes and objects are not known: not zero.
  const count = (n: number) => (c.reachable ? String(n) : '?');
  return mdTableRow([
    mdText(c.name),
    flavor,
    count(c.changes.length),
    count(c.unmanaged.length),
    String(findings),
    state,
  ]);
}

function changeBlock(changes: readonly Change[], none: string): string[] {
  if (changes.length === 0) return [none];
  return mdFence(
    'diff',
    changes.flatMap((ch) => changeLines(ch).map((l) => `${SIGNS[l.sign]} ${l.text}`)),
  );
}

function unmanagedList(c: ClusterPlan): string[] {
  if (c.unmanaged.length === 0) return [];
  const { shown, more } = capped(c.unmanaged, UNMANAGED_CAP);
  const names = [...shown.map((u) => mdCode(`${u.kind} ${u.name}`)), ...(more > 0 ? [moreText(more)] : [])];
  return ['', `Unmanaged (left alone): ${names.join(', ')}`];
}

function clusterDetails(c: ClusterPlan, changes: readonly Change[] = c.changes, none = 'No changes.'): string[] {
  if (!c.reachable) return [];
  const title = `<summary><b>${htmlText(c.name)}</b>: ${plural(changes.length, 'change')}</summary>`;
  return ['<details>', title, '', ...changeBlock(changes, none), ...unmanagedList(c), '', '</details>', ''];
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

function findingsTable(plan: Plan): string[] {
  if (plan.findings.length === 0) return [];
  const out = [
    '### Findings',
    '',
    '| severity | rule | cluster | where | message |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const f of plan.findings) {
    const where = f.source ? mdCode(formatSource(f.source)) : '';
    out.push(mdTableRow([f.severity, mdCode(f.rule), mdText(f.cluster ?? ''), where, mdText(f.message)]));
  }
  return [...out, ''];
}

function clusterTable(plan: Plan): string[] {
  const out = [
    '| cluster | flavor | changes | unmanaged | findings | reachable |',
    '| --- | --- | ---: | ---: | ---: | --- |',
  ];
  for (const c of plan.clusters) {
    out.push(clusterRow(c, plan.findings.filter((f) => f.cluster === c.name).length));
  }
  return [...out, ''];
}

export function renderMarkdown(plan: Plan, opts: { title?: string } = {}): string {
  const byOrigin = hasOrigins(plan);
  const title = `**${opts.title ?? summaryLine(summarize(plan))}**`;
  const out = [title, ...(byOrigin ? ['', originLine(plan)] : []), ''];
  out.push(...deletionWarning(plan), ...unreachableWarning(plan), ...foldList(plan, byOrigin));
  out.push(...clusterTable(plan), ...findingsTable(plan), ...renderTopology(plan));
  if (byOrigin) out.push(...sectionsByOrigin(plan));
  else for (const c of plan.clusters) out.push(...clusterDetails(c));
  return out.join('\n');
}
