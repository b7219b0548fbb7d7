// What a reader sees first, under the summary line ("above the fold"): one line per changed
// object per cluster, capped, and the two things nobody may miss — the plan deletes something,
// a cluster could not be read. Shared by the markdown and text renderers; each signs and escapes
// the lines its own way.

import { formatSource, type Change, type ChangeOrigin, type ClusterPlan, type Plan } from '../model/types.js';
import { ACTION_SIGN, type Sign } from './lines.js';
import { plural } from './summary.js';

/** How many changed objects the list above the fold names; the rest are in the details. */
export const FOLD_CAP = 30;
/** How many deleted objects the deletion warning names. */
export const DELETIONS_CAP = 10;

export interface FoldLine {
  sign: Sign;
  /** "role remote-replication — east — xcluster/intents.yml:9 (intent orders)" */
  text: string;
  origin?: ChangeOrigin;
}

/** "(intent orders)", "(intents logs, orders)": which intents of intents.yml made the object. */
function intentNote(ch: Change): string {
  if (!ch.intent) return '';
  const names = ch.intent.split(',').map((n) => n.trim());
  return ` (${names.length === 1 ? 'intent' : 'intents'} ${names.join(', ')})`;
}

/** The line of one change: what, where it is applied, where it is written and why. */
function foldText(ch: Change): string {
  const where = ch.source ? [formatSource(ch.source) + intentNote(ch)] : [];
  return [`${ch.kind} ${ch.name}`, ch.cluster, ...where].join(' — ');
}

/** Every change of the plan as one line, cluster by cluster, each in the order apply runs them. */
export function foldLines(plan: Plan): FoldLine[] {
  return plan.clusters.flatMap((c) =>
    c.changes.map((ch) => ({
      sign: ACTION_SIGN[ch.action],
      text: foldText(ch),
      ...(ch.origin ? { origin: ch.origin } : {}),
    })),
  );
}

export const deletionsOf = (plan: Plan): Change[] =>
  plan.clusters.flatMap((c) => c.changes.filter((ch) => ch.action === 'delete'));

export const unreachableOf = (plan: Plan): ClusterPlan[] => plan.clusters.filter((c) => !c.reachable);

/** "This plan deletes 2 objects", for the deletion warning (the objects follow, as each renderer writes them). */
export const deletionsHead = (n: number): string => `This plan deletes ${plural(n, 'object')}`;

/** "1 cluster could not be read: east — its changes are unknown". */
export function unreachableText(names: readonly string[]): string {
  const whose = names.length === 1 ? 'its' : 'their';
  return `${plural(names.length, 'cluster')} could not be read: ${names.join(', ')} — ${whose} changes are unknown`;
}
