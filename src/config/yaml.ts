// Parsing a config file's YAML with limits, so that no file makes xcluster hang, run out of memory
// or overflow its stack: at most MAX_DEPTH nested collections (checked while the parser runs, before
// the recursive composer sees them, and again on the value with aliases followed), at most
// MAX_ALIAS_COUNT alias expansions (yaml's maxAliasCount), no alias inside the node it names, and
// no `__proto__` key anywhere (in JavaScript it is an object's prototype, never data). Each refusal
// is a ConfigError that says which limit was hit, with file:line:column.

import { Composer, isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, Parser, type CST } from 'yaml';
import { ConfigError } from '../model/errors.js';
import { formatPath, locate, sourceAt, sourceOf, sourceOfPath, type PathSegment, type YamlFile } from './source.js';
import { yamlErrors } from './yaml-errors.js';

/** Collections nested in one another: a cluster file needs a handful, a role mapping's rules a few more. */
export const MAX_DEPTH = 100;
/** yaml's maxAliasCount: how far aliases may multiply a document before it counts as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

const TOO_DEEP = `nests deeper than ${MAX_DEPTH} levels, the limit of a config file`;

/** A YAML file that parsed: its document and the data it holds. */
export interface Parsed {
  yaml: YamlFile;
  raw: unknown;
}

/** Parses the text of one file; problems go to `errors`, each with file:line:column. */
export function parseYaml(text: string, file: string, errors: ConfigError[]): Parsed | undefined {
  const lines = new LineCounter();
  const tokens = boundedTokens(text, lines);
  if (typeof tokens === 'number') {
    errors.push(new ConfigError(TOO_DEEP, sourceAt({ file, lines }, tokens)));
    return undefined;
  }
  const [doc, ...more] = new Composer({ prettyErrors: false, uniqueKeys: true }).compose(tokens, true, text.length);
  const yaml: YamlFile = { file, doc: doc!, lines };
  const before = errors.length;
  errors.push(...yamlErrors(yaml, text, doc!.errors));
  if (more[0]) errors.push(new ConfigError(MULTIPLE_DOCS, sourceAt(yaml, more[0].range[0])));
  if (errors.length > before) return undefined;
  // Refused, but no reason not to validate the rest: yaml keeps such a key as data, not a prototype.
  errors.push(...prototypeKeys(yaml));
  return valueOf(yaml, errors);
}

/**
 * The parser's tokens, or the offset at which its stack (one entry per open collection, plus the
 * document) grew past MAX_DEPTH. The parser keeps its own stack; the composer after it recurses.
 */
function boundedTokens(text: string, lines: LineCounter): CST.Token[] | number {
  const parser = new Parser(lines.addNewLine);
  const tokens: CST.Token[] = [];
  lines.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_DEPTH + 1) return parser.offset;
  }
  for (const token of parser.end()) tokens.push(token);
  return tokens;
}

const MULTIPLE_DOCS = 'invalid YAML: an xcluster file holds a single YAML document (remove the extra ---)';

/** Every `__proto__` key of the document, at its line (the nesting is bounded, the walk a loop). */
function prototypeKeys(y: YamlFile): ConfigError[] {
  const errors: ConfigError[] = [];
  const stack: { node: unknown; path: PathSegment[] }[] = [{ node: y.doc.contents, path: [] }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { node, path } = next;
    if (isSeq(node)) node.items.forEach((item, i) => stack.push({ node: item, path: [...path, i] }));
    if (!isMap(node)) continue;
    for (const { key, value } of node.items) {
      const name = isScalar(key) ? String(key.value) : '';
      if (isScalar(key) && name === '__proto__') {
        const message = `${formatPath([...path, name])}: "__proto__" is never a valid key (in JavaScript it is an object's prototype, not a key)`;
        errors.push(new ConfigError(message, sourceAt(y, key.range?.[0] ?? 0)));
      }
      stack.push({ node: value, path: [...path, name] });
    }
  }
  return errors;
}

/** The data of the document, with aliases expanded under the limits. */
function valueOf(yaml: YamlFile, errors: ConfigError[]): Parsed | undefined {
  let raw: unknown;
  try {
    raw = yaml.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const message = /alias count/i.test((e as Error).message)
      ? `expanding its aliases goes past the limit of ${MAX_ALIAS_COUNT} (yaml's maxAliasCount), as an alias bomb ("billion laughs") does`
      : `invalid YAML: ${(e as Error).message}`;
    errors.push(new ConfigError(message, sourceAt(yaml, 0)));
    return undefined;
  }
  const nesting = nestingProblem(raw);
  if (nesting === undefined) return { yaml, raw };
  errors.push(nestingError(yaml, nesting));
  return undefined;
}

/** Too deep, at the path; or a loop, at the alias that closes it. */
function nestingError(yaml: YamlFile, { path, cycle }: { path: PathSegment[]; cycle: boolean }): ConfigError {
  if (!cycle) return new ConfigError(TOO_DEEP, sourceOfPath(yaml, path));
  const located = locate(yaml, path);
  const what = isAlias(located.node)
    ? `the alias *${located.node.source} is inside the node it names`
    : 'a value holds itself';
  return new ConfigError(`${what}: its value would nest forever`, sourceOf(yaml, located));
}

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/** A value being walked: its place, its children, the next child to look at, its height so far. */
interface Frame {
  value: Container;
  path: PathSegment[];
  children: [PathSegment, unknown][];
  next: number;
  height: number;
}

const frame = (value: Container, path: PathSegment[]): Frame => ({
  value,
  path,
  children: Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value),
  next: 0,
  height: 1,
});

/**
 * Where the value nests more than MAX_DEPTH collections deep, or holds itself (an alias inside
 * its own anchor). Aliases share values: each is walked once, its height remembered, so an alias
 * used a hundred times costs one walk. A loop of its own: the nesting has no bound here.
 */
export function nestingProblem(root: unknown): { path: PathSegment[]; cycle: boolean } | undefined {
  if (!isContainer(root)) return undefined;
  const heights = new Map<Container, number>();
  const open = new Set<Container>([root]);
  const stack = [frame(root, [])];
  for (let top = stack[stack.length - 1]; top; top = stack[stack.length - 1]) {
    if (top.next === top.children.length) {
      stack.pop();
      open.delete(top.value);
      heights.set(top.value, top.height);
      const parent = stack[stack.length - 1];
      if (parent) parent.height = Math.max(parent.height, top.height + 1);
      continue;
    }
    const [key, child] = top.children[top.next++]!;
    if (!isContainer(child)) continue;
    const path = [...top.path, key];
    if (open.has(child)) return { path, cycle: true };
    const height = heights.get(child) ?? 1;
    if (path.length + height > MAX_DEPTH) return { path, cycle: false };
    if (heights.has(child)) top.height = Math.max(top.height, height + 1);
    else {
      open.add(child);
      stack.push(frame(child, path));
    }
  }
  return undefined;
}
