// Text that reports put into markdown — names, paths, versions, server errors — is written by
// whoever opened a pull request (a file or role name) or by a server (and whatever sits between
// us and it). GitHub renders the pull-request comment, the drift issue and the job summary as
// markdown with HTML, so such text must never make markup of its own: an HTML tag, a link, a
// code span or fence that closes early, a table row that splits, a line that ends a <details>
// section, an @mention or #ref that notifies people. Every such text goes through one of these
// functions, one per place it can stand; the rendered text reads as the original.

import { redact } from '../model/redact.js';

/**
 * One line: a line break would end a table row, a list item, or (twice) an HTML block. Redacted
 * first: an escaped secret (`a\_b` for `a_b`) is a form the redactor would no longer find.
 */
const oneLine = (s: string): string => redact(s).replace(/\r\n?|\n/g, ' ');

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Outside code, `<`, `>` and `&` would start a tag or an entity. */
const entities = (s: string): string => s.replace(/[&<>]/g, (c) => ENTITIES[c] ?? c);

/**
 * A word joiner after `@` and `#` keeps GitHub from linking `@org/team` (a notification to every
 * member) or `#12`. It is invisible; a backslash would not do: GitHub finds mentions after
 * rendering, when escapes are gone.
 */
const noPings = (s: string): string => s.replace(/[@#]/g, '$&\u2060');

/** Text inside a line of markdown: a paragraph, a list item, a heading, bold text. */
export function mdText(s: string): string {
  // The characters that open inline markup: code spans, emphasis, links, strikethrough, math.
  return noPings(entities(oneLine(s)).replace(/[\\`*_[\]~$]/g, '\\$&'));
}

/** Text inside raw HTML (`<summary>`), where markdown is not parsed and a backslash would show. */
export function htmlText(s: string): string {
  return noPings(entities(oneLine(s)));
}

const longestBacktickRun = (s: string): number => (s.match(/`+/g) ?? []).reduce((n, r) => Math.max(n, r.length), 0);

/**
 * A code span: delimited by more backticks than any run inside (CommonMark), padded with a space
 * where the text starts or ends with a backtick or a space (one space each side is stripped).
 * Nothing is decoded in code, so `<` stays as it is, and mentions are not looked for there.
 */
export function mdCode(s: string): string {
  const text = oneLine(s);
  const ticks = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = /^[` ]|[` ]$/.test(text) ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/**
 * A fenced block of `lines` (each one line: a line break inside would start an unsigned line of a
 * diff), its fence longer than any backtick run inside so that no line can close it.
 */
export function mdFence(info: string, lines: readonly string[]): string[] {
  const body = lines.map(oneLine);
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body.join('\n')) + 1));
  return [fence + info, ...body, fence];
}

/**
 * A table row of cells already made markdown (mdText, mdCode): GitHub splits a row at every pipe
 * not preceded by a backslash, code spans included, and drops that backslash before the cell is
 * parsed.
 */
export function mdTableRow(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/**
 * A quoted mermaid label. Mermaid's entity codes (`#quot;`, `#60;`) stand for what would end the
 * label or the edge (`"`, `|`), make HTML (`<`, `>`, `&`), a markdown string (a backtick), an
 * entity code itself (`#`) or a directive (`%%{init: …}%%`, which mermaid looks for anywhere in
 * the text, labels included).
 */
export function mermaidLabel(s: string): string {
  const codes = oneLine(s).replace(/[#"|<>&`%]/g, (c) => `#${c.charCodeAt(0)};`);
  return `"${codes}"`;
}
