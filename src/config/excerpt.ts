// The line of a config file an error is on, shown under the error with a caret at its column:
//
//     7 |   reader: cluster: [monitor]
//       |           ^
//
// The file comes from a pull request: the line is cut to a bounded width around the column (a
// 10 MB single line prints as 80 characters), control and bidirectional characters are shown as
// `?` (they could rewrite the terminal or the line's look), and a line that may hold a secret is
// masked: the value of a key such as `password:` (the schema refuses a secret written inline, but
// the error is printed before anyone fixes it), a line that continues such a value (a block
// scalar, a quoted string over several lines), and the credentials of a URL.

/** Characters of the line shown; past it the line is cut around the column, with `…` at each cut end. */
export const EXCERPT_WIDTH = 80;
/** Of those, how many come before the column when the line is cut. */
const BEFORE_COLUMN = 30;
/** Lines looked back at for the key a continuation line belongs to. */
const LOOK_BACK = 200;

/** A key whose value is, or may be, a secret: `password:`, `api_key:`, `client_secret:`, `key:`, `token:` ... (bounded: no backtracking over a long line). */
const SECRET_KEY =
  /(?:pass(?:word|phrase)?|secret|token|api_?key|private|credential|bearer|\bkey)\w{0,40}["']?\s*:(?=\s|$)/i;
/** A line that starts with a key of its own (`  name:`, `- name:`, `"name":`). */
const OWN_KEY = /^\s*(?:-\s+)*(?:"[^"]*"|'[^']*'|[^\s"'#:][^:#]*?)\s*:(?:\s|$)/;
/** Characters a terminal or a reader could take for something else. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const MASK = '***';

export interface ExcerptOptions {
  /** After the caret, e.g. "expected column 3 (as on line 2)". */
  note?: string;
}

/**
 * The two lines that show `column` (1-based) of `line` (1-based), which starts at offset `start`
 * of `text` (yaml's LineCounter knows each line's start: no scan of a huge text per error).
 */
export function excerpt(
  text: string,
  start: number,
  line: number,
  column: number,
  opts: ExcerptOptions = {},
): string[] {
  if (start > text.length) return [];
  const shown = shownLine(text, start, column);
  const gutter = String(line);
  const pad = ' '.repeat(gutter.length);
  const note = opts.note ? ` ${opts.note}` : '';
  const caret = shown.caret === undefined ? [] : [`${pad} | ${' '.repeat(shown.caret)}^${note}`];
  return [`${gutter} | ${shown.text}`, ...caret];
}

const lineAt = (text: string, start: number): string => {
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? text.length : end).replace(/\r$/, '');
};

/** The line as shown, and where the caret goes under it (none when the line is not shown). */
function shownLine(text: string, start: number, column: number): { text: string; caret?: number } {
  const raw = lineAt(text, start);
  if (continuesSecret(text, start, raw)) return { text: '(line not shown: it may be part of a secret value)' };
  const masked = maskUrlCredentials(maskSecretValue(raw));
  const col = Math.min(Math.max(column - 1, 0), masked.length);
  const cut = cutAround(masked, col);
  return { text: printable(cut.text), caret: cut.caret };
}

/** `  password: hunter2` → `  password: ***`; a flow map's secret and what follows it too. */
function maskSecretValue(line: string): string {
  const m = SECRET_KEY.exec(line);
  if (!m) return line;
  const end = m.index + m[0].length;
  return line.slice(end).trim() === '' ? line : `${line.slice(0, end)} ${MASK}`;
}

/**
 * A line with no key of its own, under a key that may hold a secret: the rest of a block scalar
 * (`key: |` and a PEM) or of a quoted string. The nearest line above with a key decides.
 */
function continuesSecret(text: string, start: number, line: string): boolean {
  if (OWN_KEY.test(line.slice(0, 200))) return false;
  let end = start - 1;
  for (let n = 0; n < LOOK_BACK && end > 0; n++) {
    const from = text.lastIndexOf('\n', end - 1) + 1;
    const above = text.slice(from, end).replace(/\r$/, '');
    if (OWN_KEY.test(above.slice(0, 200))) return SECRET_KEY.test(above) && !flowRefOnly(above);
    end = from - 1;
  }
  return false;
}

/** `password: { env: NAME }`: a reference, complete on its line; what follows is not its value. */
const flowRefOnly = (line: string): boolean => /:\s*\{[^}]*\}\s*(#.*)?$/.test(line);

/** Up to EXCERPT_WIDTH characters around the column, `…` where the line was cut; the caret's place in them. */
function cutAround(line: string, col: number): { text: string; caret: number } {
  if (line.length <= EXCERPT_WIDTH) return { text: line, caret: col };
  const from = Math.max(0, Math.min(col - BEFORE_COLUMN, line.length - EXCERPT_WIDTH));
  const to = Math.min(line.length, from + EXCERPT_WIDTH);
  const head = from > 0 ? '…' : '';
  const tail = to < line.length ? '…' : '';
  return { text: `${head}${line.slice(from, to)}${tail}`, caret: col - from + head.length };
}

/** One character for one: the caret stays under its column. */
const printable = (s: string): string => s.replace(/\t/g, ' ').replace(UNPRINTABLE, '?');

const maskUrlCredentials = (s: string): string => s.replace(/(\/\/)[^\s/@]+@/g, `$1${MASK}@`);
