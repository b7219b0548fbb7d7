// The cluster topology as a mermaid graph (GitHub renders ```mermaid blocks): one node per
// cluster, one arrow per remote connection, labelled with its alias and what the plan does to it.
// A cluster that could not be read is drawn dashed and says so: its connections are the config's.

import { type Link, type Plan } from '../model/types.js';
import { mdFence, mermaidLabel } from './markdown-escape.js';

/**
 * A mermaid node id: plain word characters, one id per name and one name per id. Letters and
 * digits stand for themselves; any other character (`_` included) is `_<hex code point>_`, so
 * `eu-west` (`c_eu_2d_west`) and `eu_west` (`c_eu_5f_west`) stay two nodes. The prefix keeps an
 * id off mermaid's keywords (`end`, `graph`).
 */
export function nodeId(name: string): string {
  const word = [...name].map((ch) => (/^[A-Za-z0-9]$/.test(ch) ? ch : `_${ch.codePointAt(0)!.toString(16)}_`));
  return `c_${word.join('')}`;
}

const STATE: Record<Link['state'], string> = {
  create: ' (new)',
  update: ' (changes)',
  delete: ' (removed)',
  unchanged: '',
};

/** Mermaid's style for a node whose cluster was not read: dashed, greyed. */
const UNREACHABLE_STYLE = 'classDef unreachable stroke-dasharray: 5 5,color:#888';

function edge(l: Link): string {
  const status = l.connected === false ? ', not connected' : '';
  const arrow = l.state === 'delete' ? '-.->' : l.connected === false ? '-.->' : '-->';
  return `  ${nodeId(l.from)} ${arrow}|${mermaidLabel(l.alias + STATE[l.state] + status)}| ${nodeId(l.to)}`;
}

function node(name: string, unreachable: boolean): string {
  if (!unreachable) return `  ${nodeId(name)}[${mermaidLabel(name)}]`;
  return `  ${nodeId(name)}[${mermaidLabel(`${name} (unreachable)`)}]:::unreachable`;
}

/**
 * A ```mermaid block, or nothing when there is no remote connection to draw, or when everything
 * would be one node (a cluster whose remotes all point at itself tells nothing drawn).
 */
export function renderTopology(plan: Plan): string[] {
  const links = plan.topology ?? [];
  if (links.length === 0) return [];
  const names = new Set([...plan.clusters.map((c) => c.name), ...links.flatMap((l) => [l.from, l.to])]);
  if (names.size < 2) return [];
  const unreachable = new Set(plan.clusters.filter((c) => !c.reachable).map((c) => c.name));
  const nodes = [...names].sort().map((n) => node(n, unreachable.has(n)));
  const style = unreachable.size > 0 ? [`  ${UNREACHABLE_STYLE}`] : [];
  return [...mdFence('mermaid', ['graph LR', ...nodes, ...links.map(edge), ...style]), ''];
}
