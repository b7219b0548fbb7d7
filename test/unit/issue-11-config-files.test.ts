// Issue 11, finding 5: config files that are not files. An intents.yml that was a FIFO or a link
// to /dev/zero hung `xcluster lint` (the path pull requests from forks take); a symlinked cluster
// file was skipped without a word; one linked to a YAML file outside the repository echoed that
// file's keys in errors. Only regular files whose real path is inside the config folder are read;
// a file is at most 10 MiB, its aliases and its nesting are bounded; each refusal is a ConfigError
// that names the file and the limit, and comes in bounded time.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigErrors } from '../../src/model/errors.js';
import { clusterFile, writeConfigDir } from './helpers/config-dir.js';

/** Each case must end well within this: a hang or a blow-up fails the test instead of the run. */
const BOUNDED = 20_000;

let dir: string;
beforeEach(() => {
  dir = writeConfigDir({ 'clusters/west.yml': clusterFile('west') });
});
afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

/** The messages of the ConfigErrors loading `dir` throws; fails when it throws anything else. */
function errorsOf(config = dir): string[] {
  try {
    loadConfig(config);
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors.map((x) => x.message);
    throw e;
  }
  return [];
}

const CLI = path.resolve('src/bin.ts');
const TSX = path.resolve('node_modules/.bin/tsx');

/**
 * `xcluster lint` in a child process that is killed after 15 s: on a FIFO or /dev/zero a read
 * blocks the whole process, so only another process can tell a hang from an answer.
 */
function lintInChild(config: string): { status: number | null; stderr: string; timedOut: boolean } {
  const r = spawnSync(TSX, [CLI, 'lint', '--config', config], { encoding: 'utf8', timeout: 15_000 });
  return { status: r.status, stderr: r.stderr, timedOut: r.error !== undefined || r.signal !== null };
}

describe('issue 11 finding 5: files that are not regular files', () => {
  it(
    'issue 11 finding 5: lint with intents.yml a FIFO and a cluster file linked to /dev/zero answers at once, naming both',
    () => {
      spawnSync('mkfifo', [path.join(dir, 'intents.yml')]);
      symlinkSync('/dev/zero', path.join(dir, 'clusters', 'zero.yml'));
      const r = lintInChild(dir);
      expect(r.timedOut).toBe(false);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/intents\.yml:1:1: not a regular file \(a FIFO\); a config file must be a regular file/);
      expect(r.stderr).toMatch(/clusters\/zero\.yml:1:1: .*outside the config folder/);
    },
    BOUNDED,
  );

  it('issue 11 finding 5: a cluster file that links to another file of the folder is read, not skipped', () => {
    mkdirSync(path.join(dir, 'shared'));
    writeFileSync(path.join(dir, 'shared', 'east.yml'), clusterFile('east'));
    symlinkSync('../shared/east.yml', path.join(dir, 'clusters', 'east.yml'));
    const config = loadConfig(dir);
    expect(config.clusters.map((c) => c.name)).toEqual(['east', 'west']);
  });

  it('issue 11 finding 5: a cluster file or intents.yml linked to a file outside the folder is an error that quotes nothing of it', () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'xcluster-outside-'));
    try {
      writeFileSync(path.join(outside, 'private.yml'), 'database_password_key: 1\nsome_private_key: 2\n');
      symlinkSync(path.join(outside, 'private.yml'), path.join(dir, 'clusters', 'east.yml'));
      symlinkSync(path.join(outside, 'private.yml'), path.join(dir, 'intents.yml'));
      const errors = errorsOf();
      expect(errors).toEqual([
        expect.stringMatching(
          /clusters\/east\.yml:1:1: a link to a file outside the config folder .*; xcluster reads only files inside it/,
        ),
        expect.stringMatching(/intents\.yml:1:1: a link to a file outside the config folder/),
      ]);
      expect(errors.join('\n')).not.toMatch(/database_password_key|some_private_key|private\.yml/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('issue 11 finding 5: a link that leads nowhere is an error, not a file that is not there', () => {
    symlinkSync(path.join(dir, 'missing.yml'), path.join(dir, 'intents.yml'));
    expect(errorsOf()).toEqual([expect.stringMatching(/intents\.yml:1:1: a link to nothing/)]);
  });
});

describe('issue 11 finding 5: limits, each named in its error', () => {
  it(
    'issue 11 finding 5: a file over 10 MiB is refused unread',
    () => {
      const line = '# ' + 'x'.repeat(1022) + '\n';
      writeFileSync(path.join(dir, 'clusters', 'big.yml'), clusterFile('big') + line.repeat(10 * 1024 + 1));
      expect(errorsOf()).toEqual([
        expect.stringMatching(/clusters\/big\.yml:1:1: .*larger than 10 MiB, the limit of a config file/),
      ]);
    },
    BOUNDED,
  );

  it(
    'issue 11 finding 5: an alias bomb (billion laughs) is refused by its alias limit',
    () => {
      const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (let i = 1; i < 10; i++) {
        const prev = String.fromCharCode(96 + i);
        levels.push(
          `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(', ')}]`,
        );
      }
      const bomb = 'roles:\n  r:\n    metadata:\n' + levels.map((l) => `      ${l}\n`).join('');
      writeFileSync(path.join(dir, 'clusters', 'west.yml'), clusterFile('west', bomb));
      expect(errorsOf()).toEqual([
        expect.stringMatching(/clusters\/west\.yml:\d+:\d+: .*aliases.*past the limit of 100/),
      ]);
    },
    BOUNDED,
  );

  for (const [shape, deep] of [
    ['flow sequences', 'x: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n'],
    ['flow maps', 'x: ' + '{a: '.repeat(10_000) + '1' + '}'.repeat(10_000) + '\n'],
    ['block sequences', 'x:\n' + '- '.repeat(10_000) + 'y\n'],
  ] as const) {
    it(
      `issue 11 finding 5: 10,000-deep ${shape} are refused by the depth limit, not "Maximum call stack size exceeded"`,
      () => {
        writeFileSync(path.join(dir, 'intents.yml'), deep);
        const errors = errorsOf();
        expect(errors).toEqual([
          expect.stringMatching(/intents\.yml:\d+:\d+: nests deeper than 100 levels, the limit of a config file/),
        ]);
        expect(errors.join('\n')).not.toContain('call stack');
      },
      BOUNDED,
    );
  }

  it('issue 11 finding 5: aliases cannot nest a value deeper than the limit, nor hold themselves', () => {
    const chain = ['x0: &x0 ' + '['.repeat(60) + ']'.repeat(60)];
    for (let i = 1; i < 4; i++) chain.push(`x${i}: &x${i} ` + '['.repeat(60) + `*x${i - 1}` + ']'.repeat(60));
    writeFileSync(path.join(dir, 'intents.yml'), chain.join('\n') + '\n');
    expect(errorsOf()).toEqual([expect.stringMatching(/intents\.yml:\d+:\d+: nests deeper than 100 levels/)]);
    writeFileSync(path.join(dir, 'intents.yml'), 'replication: &loop\n  - *loop\n');
    expect(errorsOf()).toEqual([
      expect.stringMatching(/intents\.yml:2:5: the alias \*loop is inside the node it names/),
    ]);
  });
});
