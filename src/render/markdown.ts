// What a pull-request comment and the job summary show: the summary line first, a table of
// clusters, the findings, then one collapsible section per cluster with ```diff blocks (last,
// so that a comment cut for length keeps everything above them).

import { formatSource, type ClusterPlan, type Plan } from '../model/types.js';
import { changeLines, type Sign } from './lines.js';
import { renderTopology } from './mermaid.js';
import { summarize, summaryLine } from './summary.js';

// GitHub's diff highlighting: + green, - red, ! orange.
const SIGNS: Record<Sign, string> = { add: '+', remove: '-', change: '!' };

/** Table cells must not break the table. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function clusterRow(c: ClusterPlan, findings: number): string {
  const state = c.reachable ? 'yes' : `**no**: ${cell(c.error ?? 'unknown error')}`;
  return `| ${cell(c.name)} | ${c.flavor}${c.version ? ` ${c.version}` : ''} | ${c.changes.length} | ${findings} | ${state} |`;
}

function clusterDetails(c: ClusterPlan): string[] {
  if (!c.reachable) return [];
  const title = `<summary><b>${c.name}</b>: ${c.changes.length} change${c.changes.length === 1 ? '' : 's'}</summary>`;
  const body = c.changes.length
    ? ['```diff', ...c.changes.flatMap((ch) => changeLines(ch).map((l) => `${SIGNS[l.sign]} ${l.text}`)), '```']
    : ['No changes.'];
  const unmanaged = c.unmanaged.length
    ? ['', `Unmanaged (left alone): ${c.unmanaged.map((u) => `\`${u.kind} ${u.name}\``).join(', ')}`]
    : [];
  return ['<details>', title, '', ...body, ...unmanaged, '', '</details>', ''];
}

export function renderMarkdown(plan: Plan): string {
  const out = [`**${summaryLine(summarize(plan))}**`, ''];
  out.push('| cluster | flavor | changes | findings | reachable |', '| --- | --- | ---: | ---: | --- |');
  for (const c of plan.clusters) {
    out.push(clusterRow(c, plan.findings.filter((f) => f.cluster === c.name).length));
  }
  out.push('');
  if (plan.findings.length > 0) {
    out.push('### Findings', '', '| severity | rule | cluster | where | message |', '| --- | --- | --- | --- | --- |');
    for (const f of plan.findings) {
      const where = f.source ? `\`${formatSource(f.source)}\`` : '';
      out.push(`| ${f.severity} | \`${f.rule}\` | ${f.cluster ?? ''} | ${where} | ${cell(f.message)} |`);
    }
    out.push('');
  }
  out.push(...renderTopology(plan));
  for (const c of plan.clusters) out.push(...clusterDetails(c));
  return out.join('\n');
}
