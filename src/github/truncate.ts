// Fitting a report into GitHub's limits: a comment or issue body holds 65,536 characters, a
// step's job summary 1 MiB. Over the limit we cut at a line boundary, keep the head (the summary
// line and the cluster table come first), close what the cut left open so the markdown still
// renders, and end with a pointer to where the whole report is.
//
// Sizes are measured in UTF-8 bytes. A string's UTF-8 length is never below its length in
// UTF-16 code units or in code points, so a text that fits in bytes fits however GitHub counts
// "characters" — diffs of role names and index patterns are ASCII, so this costs nothing there.

export const COMMENT_LIMIT = 65_536;
export const SUMMARY_LIMIT = 1024 * 1024;

export const size = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The last line of a cut comment; `url` is this run's page (see runUrl in octokit.ts). */
export function commentPointer(url?: string): string {
  const run = url ? `[this run](${url})` : 'this run';
  return `_The plan is longer than a comment can hold: the full report is in the job summary of ${run}._`;
}

export const SUMMARY_POINTER =
  '_The report is longer than a job summary can hold (1 MiB): the full report and the JSON plan are the files named by the `report` and `plan-json` outputs of this step._';

export function fitComment(markdown: string, limit = COMMENT_LIMIT, pointer = commentPointer()): string {
  return fit(markdown, limit, pointer);
}

export function fitSummary(markdown: string, limit = SUMMARY_LIMIT, pointer = SUMMARY_POINTER): string {
  return fit(markdown, limit, pointer);
}

/** What a cut leaves open at some line: a code fence (its opening run) and <details> nesting. */
interface Open {
  fence: string | undefined;
  details: number;
}

// CommonMark: a fence is 3+ backticks or tildes indented at most 3 spaces; it is closed by a
// run of the same character at least as long, with nothing but spaces after it.
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})\s*$/;

function step(open: Open, line: string): Open {
  if (open.fence) {
    const m = FENCE_CLOSE.exec(line);
    const run = m?.[1];
    const closes = run !== undefined && run[0] === open.fence[0] && run.length >= open.fence.length;
    return closes ? { ...open, fence: undefined } : open;
  }
  const m = FENCE_OPEN.exec(line);
  if (m?.[1]) return { ...open, fence: m[1] };
  const opened = line.match(/<details[\s>]/gi)?.length ?? 0;
  const closed = line.match(/<\/details>/gi)?.length ?? 0;
  return { ...open, details: Math.max(0, open.details + opened - closed) };
}

/** The lines that close what is open, then the pointer; the blank lines end any table or paragraph. */
function tail(open: Open, pointer: string): string {
  const lines = open.fence ? [open.fence, ''] : [''];
  for (let i = 0; i < open.details; i++) lines.push('</details>', '');
  lines.push(pointer);
  return lines.join('\n');
}

/**
 * The longest prefix of `s` (whole code points) of at most `bytes` UTF-8 bytes, less an entity
 * the cut went through: reports write `<` as `&lt;`, and `&l` would show as text.
 */
function cutBytes(s: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    used += size(ch);
    if (used > bytes) break;
    out += ch;
  }
  return out.length < s.length ? out.replace(/&#?[A-Za-z0-9]*$/, '') : out;
}

function fit(markdown: string, limit: number, pointer: string): string {
  if (size(markdown) <= limit) return markdown;
  if (size(pointer) >= limit) return cutBytes(pointer, limit);
  const lines = markdown.split('\n');
  let open: Open = { fence: undefined, details: 0 };
  let used = 0; // bytes of lines[0..k), each followed by '\n'
  let best = { k: 0, tail: tail(open, pointer) };
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] ?? '';
    used += size(line) + 1;
    if (used > limit) break;
    open = step(open, line);
    const t = tail(open, pointer);
    if (used + size(t) <= limit) best = { k: k + 1, tail: t };
  }
  if (best.k === 0) {
    // Not even the first line fits whole (a pathological single-line report): cut inside it.
    const first = lines[0] ?? '';
    const room = limit - size(best.tail) - 1;
    return `${cutBytes(first, Math.max(0, room))}\n${best.tail}`;
  }
  return `${lines.slice(0, best.k).join('\n')}\n${best.tail}`;
}
