// A change as signed lines, shared by the text and markdown renderers.

import { formatSource, type Change } from '../model/types.js';
import { showPath, showValue } from './summary.js';

export type Sign = 'add' | 'remove' | 'change';

export interface Line {
  sign: Sign;
  text: string;
}

const headerSign: Record<Change['action'], Sign> = { create: 'add', update: 'change', delete: 'remove' };

/** "from intent orders": the object was expanded from xcluster/intents.yml, not written by hand. */
export const fromIntent = (ch: Change): string[] => (ch.intent ? [`from intent ${ch.intent}`] : []);

/**
 * " (transient settings)": a remote set up in transient settings is changed there, which a reader
 * would not expect (xcluster creates remotes in persistent settings).
 */
function scopeNote(ch: Change): string {
  if (!ch.scopes?.includes('transient')) return '';
  return ch.scopes.includes('persistent') ? ' (transient and persistent settings)' : ' (transient settings)';
}

export function changeLines(ch: Change): Line[] {
  const where = ch.source ? `  (${[formatSource(ch.source), ...fromIntent(ch)].join(', ')})` : '';
  const lines: Line[] = [{ sign: headerSign[ch.action], text: `${ch.kind} ${ch.name}${scopeNote(ch)}${where}` }];
  for (const d of ch.diff) {
    const field = `    ${showPath(d.path)}: `;
    if (d.before !== null) lines.push({ sign: 'remove', text: field + showValue(d.before) });
    if (d.after !== null) lines.push({ sign: 'add', text: field + showValue(d.after) });
  }
  return lines;
}
