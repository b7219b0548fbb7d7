// Issue 11, finding 6: one escaping function per place text stands in markdown.

import { describe, expect, it } from 'vitest';
import { htmlText, mdCode, mdFence, mdTableRow, mdText, mermaidLabel } from '../../src/render/markdown-escape.js';

const WJ = '\u2060';

describe('issue 11 finding 6: markdown escaping', () => {
  it('mdText: HTML becomes entities, inline markup is backslash-escaped, lines join, pings break', () => {
    expect(mdText('<img src=x onerror=alert(1)> & co')).toBe('&lt;img src=x onerror=alert(1)&gt; &amp; co');
    expect(mdText('[click](https://evil.example)')).toBe('\\[click\\](https://evil.example)');
    expect(mdText('a`b`*c*_d_~~e~~$f$\\')).toBe('a\\`b\\`\\*c\\*\\_d\\_\\~\\~e\\~\\~\\$f\\$\\\\');
    expect(mdText('one\r\ntwo\n\n# three')).toBe(`one two  #${WJ} three`);
    expect(mdText('@acme/admins, see #12')).toBe(`@${WJ}acme/admins, see #${WJ}12`);
  });

  it('htmlText (inside <summary>): entities only, since no markdown is parsed there', () => {
    expect(htmlText('<b>x</b> *y* [z](w) @acme\n\n</details>')).toBe(
      `&lt;b&gt;x&lt;/b&gt; *y* [z](w) @${WJ}acme  &lt;/details&gt;`,
    );
  });

  it('mdCode: delimiters longer than any backtick run inside, padded where the text touches one', () => {
    expect(mdCode('role x')).toBe('`role x`');
    expect(mdCode('a`b``c')).toBe('```a`b``c```');
    expect(mdCode('`edge`')).toBe('`` `edge` ``');
    expect(mdCode('<img src=x>\nnext')).toBe('`<img src=x> next`');
  });

  it('mdFence: a fence longer than any backtick run inside; one line per element', () => {
    expect(mdFence('diff', ['+ role a'])).toEqual(['```diff', '+ role a', '```']);
    expect(mdFence('', ['error: ```', 'x\n```\ny'])).toEqual(['````', 'error: ```', 'x ``` y', '````']);
  });

  it('mdTableRow: a pipe in any cell, code spans included, does not split the row', () => {
    expect(mdTableRow([mdText('a|b'), mdCode('c|d'), 'e'])).toBe('| a\\|b | `c\\|d` | e |');
    // A backslash before a pipe stays a backslash: escaped by mdText, the pipe by the row.
    expect(mdTableRow([mdText('a\\|b')])).toBe('| a\\\\\\|b |');
  });

  it('mermaidLabel: one quoted label, whatever the name holds', () => {
    expect(mermaidLabel('east')).toBe('"east"');
    expect(mermaidLabel('a"]-->b|c<d>&`#quot;\nx')).toBe('"a#34;]--#62;b#124;c#60;d#62;#38;#96;#35;quot; x"');
  });
});
