// A server error or a name that puts `::command::` at the start of a log line must not reach the
// runner as a workflow command (found while reviewing issue 11 finding 6).

import { describe, expect, it } from 'vitest';
import { plainLog } from '../../src/github/workflow-commands.js';

describe('plainLog', () => {
  it('no line of the result starts a workflow command, even after leading blanks', () => {
    const hostile = 'FAILED create role r: 400 bad\n::add-mask::x\n  ::set-output name=a::b\n\t::stop-commands::t';
    for (const line of plainLog(hostile).split('\n')) expect(line.trimStart().startsWith('::')).toBe(false);
  });

  it('leaves every other line, and colons inside a line, as they are', () => {
    const text = 'remote a:b on west: 127.0.0.1:9300\n  ~ role x';
    expect(plainLog(text)).toBe(text);
  });
});
