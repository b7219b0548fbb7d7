// What a pull-request comment and the job summary show: the summary line first, a table of
// clusters, the findings, then one collapsible section per cluster with ```diff blocks (last,
// so that a comment cut for length keeps everything above them). Every name, path and message
// goes through markdown-escape.ts: they come from pull requests and servers.

import { formatSource, type ClusterPlan, type Plan } from '../model/types.js';
import { changeLines, type Sign } from './lines.js';
import { htmlText, mdCode, mdFence, mdTableRow, mdText } from './markdown-escape.js';
import { renderTopology } from './mermaid.js';
import { summarize, summaryLine } from './summary.js';

// GitHub's diff highlighting: + green, - red, ! orange.
const SIGNS: Record<Sign, string> = { add: '+', remove: '-', change: '!' };

function clusterRow(c: ClusterPlan, findings: number): string {
  const state = c.reachable ? 'yes' : `**no**: ${mdText(c.error ?? 'unknown error')}`;
  const flavor = mdText(c.version ? `${c.flavor} ${c.version}` : c.flavor);
  return mdTableRow([mdText(c.name), flavor, String(c.changes.length), String(findings), state]);
}

function clusterDetails(c: ClusterPlan): string[] {
  if (!c.reachable) return [];
  const title = `<summary><b>${htmlText(c.name)}</b>: ${c.changes.length} change${c.changes.length === 1 ? '' : 's'}</summary>`;
  const body = c.changes.length
    ? mdFence(
        'diff',
        c.changes.flatMap((ch) => changeLines(ch).map((l) => `${SIGNS[l.sign]} ${l.text}`)),
      )
    : ['No changes.'];
  const unmanaged = c.unmanaged.length
    ? ['', `Unmanaged (left alone): ${c.unmanaged.map((u) => mdCode(`${u.kind} ${u.name}`)).join(', ')}`]
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
      const where = f.source ? mdCode(formatSource(f.source)) : '';
      out.push(mdTableRow([f.severity, mdCode(f.rule), mdText(f.cluster ?? ''), where, mdText(f.message)]));
    }
    out.push('');
  }
  out.push(...renderTopology(plan));
  for (const c of plan.clusters) out.push(...clusterDetails(c));
  return out.join('\n');
}
