// A server error or a name that puts `::command::` at the start of a log line must not reach the
// runner as a workflow command (found while reviewing issue 11 finding 6).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { plainLog } from '../../src/github/workflow-commands.js';
import { writeConfigDir } from './helpers/config-dir.js';

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

describe('the CLI in a workflow step', () => {
  it('a config key that puts "::warning::" at a line start is printed as text, not run as a command', () => {
    const dir = writeConfigDir({
      'clusters/a.yml':
        'connection:\n  flavor: elasticsearch\n  url: https://a.example:9200\nroles:\n  r:\n    "x\\n::warning::pwned": 1\n',
    });
    const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [cli, 'lint', '--config', dir], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
    const starts = (out: string) => out.split('\n').some((l) => l.trimStart().startsWith('::warning::'));
    expect(starts(run({ GITHUB_ACTIONS: '' }).stderr)).toBe(true);
    const inWorkflow = run({ GITHUB_ACTIONS: 'true' });
    expect(inWorkflow.stderr).toContain('pwned');
    expect(starts(inWorkflow.stderr + inWorkflow.stdout)).toBe(false);
  });
});
