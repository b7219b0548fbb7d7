// The terminal view: Terraform-like, coloured when stdout is a TTY.

import { formatSource, type Change, type ClusterPlan, type Finding, type Plan } from '../model/types.js';
import { DELETIONS_CAP, deletionsHead, deletionsOf, unreachableOf, unreachableText } from './fold.js';
import { changeLines, type Sign } from './lines.js';
import { UNMANAGED_CAP, capped, moreText, summarize, summaryLine } from './summary.js';

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
    const { shown, more } = capped(c.unmanaged, UNMANAGED_CAP);
    const names = [...shown.map((u) => `${u.kind} ${u.name}`), ...(more > 0 ? [moreText(more)] : [])];
    out.push(paint('dim', `  unmanaged (left alone, ${c.unmanaged.length}): ${names.join(', ')}`));
  }
  return out;
}

/** What nobody may miss, under the summary line: the plan deletes something, a cluster was not read. */
function warnings(plan: Plan, paint: ReturnType<typeof styler>): string[] {
  const deleted = deletionsOf(plan);
  const unreachable = unreachableOf(plan).map((c) => c.name);
  const out: string[] = [];
  if (deleted.length > 0) {
    const { shown, more } = capped(deleted, DELETIONS_CAP);
    const names = [
      ...shown.map((ch) => `${ch.kind} ${ch.name} on ${ch.cluster}`),
      ...(more > 0 ? [moreText(more)] : []),
    ];
    out.push(paint('red', `Warning: ${deletionsHead(deleted.length)}: ${names.join(', ')}`));
  }
  if (unreachable.length > 0) out.push(paint('red', `Warning: ${unreachableText(unreachable)}`));
  return out.length > 0 ? [...out, ''] : [];
}

function findingLine(f: Finding): string {
  const where = [f.cluster, f.source && formatSource(f.source)].filter(Boolean).join(' ');
  return `  ${f.severity.padEnd(7)} ${f.rule}${where ? ` [${where}]` : ''}: ${f.message}`;
}

export function renderText(plan: Plan, opts: { colour?: boolean } = {}): string {
  const paint = styler(opts.colour ?? false);
  const out = [paint('bold', summaryLine(summarize(plan))), '', ...warnings(plan, paint)];
  for (const c of plan.clusters) out.push(...clusterSection(c, paint), '');
  if (plan.findings.length > 0) out.push('Findings:', ...plan.findings.map(findingLine), '');
  return out.join('\n');
}
