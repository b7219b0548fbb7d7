// The terminal view: Terraform-like, coloured when stdout is a TTY.

import { formatSource, type Change, type ClusterPlan, type Finding, type Plan } from '../model/types.js';
import { changeLines, type Sign } from './lines.js';
import { summarize, summaryLine } from './summary.js';

const COLOURS = { add: 32, remove: 31, change: 33, dim: 2, bold: 1, red: 31 } as const;
type Style = keyof typeof COLOURS;

const SIGNS: Record<Sign, string> = { add: '+', remove: '-', change: '~', context: ' ' };

function styler(colour: boolean) {
  return (style: Style, s: string): string => (colour ? `\x1b[${COLOURS[style]}m${s}\x1b[0m` : s);
}

/** On a pull request's plan, which changes are not the PR's (drift/origins.ts). */
const originNote = (ch: Change): string =>
  ch.origin === 'drift'
    ? '  [drift already on the cluster; any apply reverts it]'
    : ch.origin
      ? '  [this pull request]'
      : '';

function clusterSection(c: ClusterPlan, paint: ReturnType<typeof styler>): string[] {
  const version = c.version ? ` ${c.version}` : '';
  const head = paint('bold', `cluster ${c.name}`) + ` (${c.flavor}${version})`;
  if (!c.reachable) return [`${head}: ${paint('red', `unreachable: ${c.error ?? 'unknown error'}`)}`];
  const out = [head];
  if (c.changes.length === 0) out.push('  no changes');
  for (const ch of c.changes) {
    changeLines(ch).forEach((l, i) => {
      const line = `  ${SIGNS[l.sign]} ${l.text}${i === 0 ? originNote(ch) : ''}`;
      out.push(l.sign === 'context' ? line : paint(l.sign, line));
    });
  }
  if (c.unmanaged.length > 0) {
    const names = c.unmanaged.map((u) => `${u.kind} ${u.name}`).join(', ');
    out.push(paint('dim', `  unmanaged (left alone): ${names}`));
  }
  return out;
}

function findingLine(f: Finding): string {
  const where = [f.cluster, f.source && formatSource(f.source)].filter(Boolean).join(' ');
  return `  ${f.severity.padEnd(7)} ${f.rule}${where ? ` [${where}]` : ''}: ${f.message}`;
}

export function renderText(plan: Plan, opts: { colour?: boolean } = {}): string {
  const paint = styler(opts.colour ?? false);
  const out = [paint('bold', summaryLine(summarize(plan))), ''];
  for (const c of plan.clusters) out.push(...clusterSection(c, paint), '');
  if (plan.findings.length > 0) out.push('Findings:', ...plan.findings.map(findingLine), '');
  return out.join('\n');
}
