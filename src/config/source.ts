// From a path in the parsed data (["remote_clusters", "east", "seeds", 0]) back to the YAML
// node it came from, so that every error and every desired object names file:line:column.

import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { type SourceRef } from '../model/types.js';

export type PathSegment = string | number;

/** A parsed YAML file, with what is needed to turn a node into a SourceRef. */
export interface YamlFile {
  /** Path relative to the working directory, with / separators. */
  file: string;
  doc: Document;
  lines: LineCounter;
}

export interface Located {
  /** How many segments of the path exist in the YAML. */
  depth: number;
  /** The node at that depth (null for a key written without a value). */
  node: Node | null;
  /** The key of the map entry at that depth, when the last step was into a map. */
  key: Node | null;
}

const keyText = (key: unknown): string => (isScalar(key) ? String(key.value) : String(key));

/** Walks as far down `path` as the YAML goes. */
export function locate(y: YamlFile, path: readonly PropertyKey[]): Located {
  let node: unknown = y.doc.contents;
  let key: Node | null = null;
  let depth = 0;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(y.doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (!pair) break;
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      key = null;
      node = node.items[seg];
    } else break;
    depth++;
  }
  return { depth, node: (node ?? null) as Node | null, key };
}

/** The SourceRef of an offset in the file (its lines suffice: before the document is composed too). */
export function sourceAt(y: Pick<YamlFile, 'file' | 'lines'>, offset: number): SourceRef {
  const { line, col } = y.lines.linePos(offset);
  return { file: y.file, line, column: col };
}

/**
 * Where to point for a path: the key of a map entry (the line a reader looks for), else the
 * node itself, else the start of the file.
 */
export function sourceOf(y: YamlFile, located: Located): SourceRef {
  const start = located.key?.range?.[0] ?? located.node?.range?.[0] ?? 0;
  return sourceAt(y, start);
}

/** The source of the deepest node along `path`. */
export function sourceOfPath(y: YamlFile, path: readonly PropertyKey[]): SourceRef {
  return sourceOf(y, locate(y, path));
}

/** `remote_clusters.east.seeds[0]`; keys that are not plain words are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[\w-]+$/.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}
