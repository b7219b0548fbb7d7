// A YAML syntax error in our words, at yaml's position, with the line it is on and a caret under
// the column (excerpt.ts), masked there. yaml's own message is kept without the source it quotes
// (see ownWords). A key indented unlike the other keys of its map gets the column it should be
// at: yaml points at the start of the line and says only that the columns differ.

import { visit, type YAMLError } from 'yaml';
import { ConfigError } from '../model/errors.js';
import { excerpt } from './excerpt.js';
import { sourceAt, type YamlFile } from './source.js';

const MISALIGNED_KEY = 'All mapping items must start at the same column';

/** Errors of one file shown with their line: a person reads the first few, and each costs a look at its line. */
const MAX_EXCERPTS = 10;

/** The ConfigErrors of a document's YAML errors (the first MAX_EXCERPTS with their line). */
export function yamlErrors(y: YamlFile, text: string, errors: readonly YAMLError[]): ConfigError[] {
  let misaligned: Map<number, Misaligned> | undefined;
  return errors.map((e, i) => {
    const first = ownWords(e);
    const at = sourceAt(y, e.pos[0]);
    const show = (column: number, note?: string) =>
      i < MAX_EXCERPTS ? excerpt(text, y.lines.lineStarts[at.line - 1] ?? 0, at.line, column, { note }) : [];
    const indent =
      e.code === 'BAD_INDENT' && first === MISALIGNED_KEY ? (misaligned ??= misalignedKeys(y)).get(at.line) : undefined;
    if (!indent) return new ConfigError(`invalid YAML: ${first}`, at, show(at.column));
    const message = `invalid YAML: ${first}: this key is at column ${indent.column}, the first key of its map (line ${indent.firstLine}) at column ${indent.expected}`;
    return new ConfigError(
      message,
      { ...at, column: indent.column },
      show(indent.column, `expected column ${indent.expected}`),
    );
  });
}

/** yaml's messages longer than this were made of the source: they are cut. */
const MAX_MESSAGE = 200;

/**
 * yaml's message without the source it quotes: the first line only (the rest is the source with
 * a caret, unmasked), and for an unexpected token not the token (`Unexpected scalar token in YAML
 * document: "hunter2"`, `Not a YAML token: …`), which may be a secret or 10 MB long.
 */
function ownWords(e: YAMLError): string {
  const first = e.message.split('\n')[0] ?? '';
  const own = e.code === 'UNEXPECTED_TOKEN' ? first.replace(/:\s[\s\S]*$/, '') : first;
  return own.length > MAX_MESSAGE ? `${own.slice(0, MAX_MESSAGE - 1)}…` : own;
}

interface Misaligned {
  /** Where the key on the error's line starts. */
  column: number;
  /** Where the first key of its map starts, and on which line. */
  expected: number;
  firstLine: number;
}

/** By line, each key that yaml put in a map whose first key is at another column (one walk of the document). */
function misalignedKeys(y: YamlFile): Map<number, Misaligned> {
  const found = new Map<number, Misaligned>();
  const pos = (offset: number) => y.lines.linePos(offset);
  visit(y.doc, {
    Map(_, map) {
      const first = map.items[0]?.key;
      if (!isNode(first)) return;
      const firstAt = pos(first.range[0]);
      for (const { key } of map.items) {
        if (!isNode(key)) continue;
        const at = pos(key.range[0]);
        if (at.col !== firstAt.col && !found.has(at.line))
          found.set(at.line, { column: at.col, expected: firstAt.col, firstLine: firstAt.line });
      }
    },
  });
  return found;
}

const isNode = (key: unknown): key is { range: [number, number, number] } =>
  typeof key === 'object' && key !== null && Array.isArray((key as { range?: unknown }).range);
