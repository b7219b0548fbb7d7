// Checks of rendered markdown against text it was not written to contain (issue 11, finding 6):
// what a hostile name or server message must never turn into once GitHub renders it.

import { expect } from 'vitest';

/**
 * The markdown with fenced blocks and code spans taken out (CommonMark's rules, as far as these
 * reports use them: a fence ends at a run of its character at least as long; a code span at the
 * next run of exactly its length; a backslash-escaped backtick opens nothing).
 */
export function outsideCode(md: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of md.split('\n')) {
    const run = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (run && run[0] === fence[0] && run.length >= fence.length && /^ {0,3}[`~]+\s*$/.test(line)) fence = undefined;
      continue;
    }
    if (run) fence = run;
    else out.push(line.replace(/(?<![\\`])(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '<code/>'));
  }
  expect(fence, 'every fence is closed').toBeUndefined();
  return out.join('\n');
}

/** The HTML tags a report writes itself. */
const OURS = /^<(\/?(details|summary|b)|code\/|!-- xcluster:[^>]*--)>$/;

/**
 * The stamp line of a comment (src/github/comment-header.ts): our own links to the commit and the
 * run, made of a checked SHA and the runner's URLs, never of text from a pull request or a server.
 */
const STAMP =
  /^<sub>(Plan|Apply|Drift check) of commit \[`[0-9a-f]{7}`\]\(https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/commit\/[0-9a-f]{40}\) · \d{4}-\d\d-\d\d \d\d:\d\d UTC( · \[workflow run\]\(https:\/\/github\.com\/[\w./-]+\))?<\/sub>$/;

/** The first line of a GitHub alert the report writes (render/markdown.ts). */
const ALERT = /^> \[!(WARNING|CAUTION)\]$/;

export function expectNoMarkupFromText(md: string): void {
  const text = outsideCode(
    md
      .split('\n')
      .filter((l) => !STAMP.test(l))
      .join('\n'),
  );
  const tags = text.match(/<[^>]*>?/g) ?? [];
  expect(tags.filter((t) => !OURS.test(t))).toEqual([]);
  // No link; in raw HTML (a <summary> line) markdown is not parsed, so brackets are only text.
  // A GitHub alert's own first line (`> [!WARNING]`) is the report's markup, never text's.
  const markdown = text.split('\n').filter((l) => !l.startsWith('<summary>') && !ALERT.test(l));
  expect(markdown.join('\n')).not.toMatch(/(?<!\\)\[/);
  expect(text).not.toMatch(/@[A-Za-z0-9]/); // no @mention
  expect(text).not.toMatch(/#\d/); // no #ref
  expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|#\d+);)/); // a bare & could start an entity
  const headings = text.split('\n').filter((l) => /^ {0,3}#/.test(l));
  expect(headings).toEqual(text.includes('\n### Findings\n') ? ['### Findings'] : []);
}

/** Cells of a table row, split where GitHub splits them (at a pipe no backslash escapes). */
const cells = (row: string): number => row.split(/(?<!\\)\|/).length;

export function expectTablesIntact(md: string): void {
  const lines = md.split('\n');
  lines.forEach((line, i) => {
    if (!/^\| --- /.test(line)) return;
    const header = cells(lines[i - 1] ?? '');
    for (let j = i + 1; lines[j]?.startsWith('|'); j++) expect(cells(lines[j]!), lines[j]).toBe(header);
    const after = lines.slice(i + 1).findIndex((l) => !l.startsWith('|'));
    expect(lines[i + 1 + after], 'a table ends with a blank line').toBe('');
  });
}
