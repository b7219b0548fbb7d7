// The cluster topology as a mermaid graph (GitHub renders ```mermaid blocks): one node per
// cluster, one arrow per remote connection, labelled with its alias and what the plan does to it.

import { type Link, type Plan } from '../model/types.js';
import { mdFence, mermaidLabel } from './markdown-escape.js';

/** Mermaid node ids must be plain words; labels carry the real names. */
const id = (name: string): string => `c_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;

const STATE: Record<Link['state'], string> = {
  create: ' (new)',
  update: ' (changes)',
  delete: ' (removed)',
  unchanged: '',
};

function edge(l: Link): string {
  const status = l.connected === false ? ', not connected' : '';
  const arrow = l.state === 'delete' ? '-.->' : l.connected === false ? '-.->' : '-->';
  return `  ${id(l.from)} ${arrow}|${mermaidLabel(l.alias + STATE[l.state] + status)}| ${id(l.to)}`;
}

/** A ```mermaid block, or nothing when there are no remote connections to draw. */
export function renderTopology(plan: Plan): string[] {
  const links = plan.topology ?? [];
  if (links.length === 0) return [];
  const names = new Set([...plan.clusters.map((c) => c.name), ...links.flatMap((l) => [l.from, l.to])]);
  const nodes = [...names].sort().map((n) => `  ${id(n)}[${mermaidLabel(n)}]`);
  return [...mdFence('mermaid', ['graph LR', ...nodes, ...links.map(edge)]), ''];
}
