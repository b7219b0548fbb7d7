// A change as signed lines, shared by the text and markdown renderers.

import { formatSource, type Change } from '../model/types.js';
import { objectDiff, type DiffLine, type DiffSign } from './object-diff.js';

/** `context`: an unmarked line, where a change stands or what is hidden there. */
export type Sign = DiffSign;

export interface Line {
  sign: Sign;
  text: string;
}

/** The sign of a change's own line: what is done to the object. */
export const ACTION_SIGN: Record<Change['action'], Sign> = { create: 'add', update: 'change', delete: 'remove' };

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

/**
 * A user's password is never in the body (nor its value anywhere): a create says one is set, an
 * update that the configured one no longer authenticates.
 */
function passwordLines(ch: Change): DiffLine[] {
  if (!ch.diff.some((d) => d.path.length === 1 && d.path[0] === 'password')) return [];
  return ch.action === 'create'
    ? [{ sign: 'add', depth: 0, text: 'password: (sensitive)' }]
    : [{ sign: 'change', depth: 0, text: 'password: changed (sensitive)' }];
}

/** The body of a change, from its canonical bodies: the desired one and, for updates, the live one. */
function bodyLines(ch: Change): DiffLine[] {
  if (ch.action === 'create') return objectDiff(ch.kind, undefined, ch.body);
  if (ch.action === 'delete') return objectDiff(ch.kind, ch.before ?? ch.body, undefined);
  return objectDiff(ch.kind, ch.before ?? {}, ch.body);
}

const BODY_INDENT = '    ';

export function changeLines(ch: Change): Line[] {
  const where = ch.source ? `  (${[formatSource(ch.source), ...fromIntent(ch)].join(', ')})` : '';
  const header: Line = { sign: ACTION_SIGN[ch.action], text: `${ch.kind} ${ch.name}${scopeNote(ch)}${where}` };
  const body = [...bodyLines(ch), ...passwordLines(ch)];
  return [header, ...body.map((l) => ({ sign: l.sign, text: BODY_INDENT + '  '.repeat(l.depth) + l.text }))];
}
