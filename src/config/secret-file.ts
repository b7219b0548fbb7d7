// Reading a `{ file: PATH }` secret. What such a file holds is sent as a credential to the URL
// written next to it, and the config of a pull request is untrusted: so only a small regular
// file is read, never one of the kernel's (/proc/self/environ holds the job's environment, the
// GitHub token with it; /dev/zero never ends) nor one inside a .git folder (a checkout keeps
// its token in .git/config). The place is judged on the path as written and on the real path,
// links resolved; the kind and size on the opened file itself, before a byte is read.

import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../model/errors.js';
import { type SourceRef } from '../model/types.js';

/** Far above a PEM chain or a password; a larger file is not a secret. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

const KERNEL_ROOTS = ['/proc', '/dev', '/sys'];

const NEVER = 'a secret file is never read from /proc, /dev, /sys or a .git folder';

/** Where a secret file is, and how to say what went wrong with it. */
interface SecretFile {
  /** The path as written. */
  file: string;
  /** Resolved against the config folder. */
  abs: string;
  /** What the error says it is: `secret file <file> (needed by …)`. */
  what: string;
  source: SourceRef;
}

const shown = (p: string): string => path.relative(process.cwd(), p).split(path.sep).join('/') || '.';

/** Why nothing at `p` may be read as a secret, or undefined. */
function forbiddenPlace(p: string): string | undefined {
  const root = KERNEL_ROOTS.find((r) => p === r || p.startsWith(`${r}/`));
  if (root) return `under ${root}`;
  if (p.split(path.sep).some((segment) => segment.toLowerCase() === '.git')) return 'inside a .git folder';
  return undefined;
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'a device';
}

/**
 * The text of the secret file `file` (a relative path starts at `configDir`). Throws a
 * ConfigError at `source` for a file that may not be read, and reads nothing of it.
 */
export function readSecretFile(file: string, configDir: string, forWhat: string, source: SourceRef): string {
  const abs = path.resolve(configDir, file);
  const f: SecretFile = { file, abs, what: `secret file ${file}${forWhat}`, source };
  refuseForbidden(f, abs);
  const real = realPath(f, configDir);
  if (real !== abs) refuseForbidden(f, real, ` (its real path is ${real})`);
  return readRegularFile(f, real);
}

function refuseForbidden(f: SecretFile, p: string, via = ''): void {
  const place = forbiddenPlace(p);
  if (place) throw new ConfigError(`${f.what} is ${place}${via}: ${NEVER}`, f.source);
}

const errorCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? 'unreadable';

function cannotRead(f: SecretFile, e: unknown, configDir: string): ConfigError {
  const where = path.isAbsolute(f.file)
    ? ''
    : ` (looked for at ${shown(f.abs)}: a relative path starts at the config folder ${shown(configDir)})`;
  return new ConfigError(`cannot read ${f.what}: ${errorCode(e)}${where}`, f.source);
}

function realPath(f: SecretFile, configDir: string): string {
  try {
    return realpathSync(f.abs);
  } catch (e) {
    throw cannotRead(f, e, configDir);
  }
}

/** Opened without following a link or waiting for a FIFO's writer; checked on the descriptor. */
function readRegularFile(f: SecretFile, real: string): string {
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    throw new ConfigError(`cannot read ${f.what}: ${errorCode(e)}`, f.source);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ConfigError(`${f.what} is not a regular file (${kindOf(st)})`, f.source);
    const tooLarge = new ConfigError(`${f.what} is larger than 64 KiB`, f.source);
    if (st.size > MAX_SECRET_FILE_BYTES) throw tooLarge;
    // One byte more than allowed tells a file that grew since fstat.
    const bytes = readAtMost(fd, MAX_SECRET_FILE_BYTES + 1);
    if (bytes.length > MAX_SECRET_FILE_BYTES) throw tooLarge;
    return bytes.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function readAtMost(fd: number, limit: number): Buffer {
  const buf = Buffer.alloc(limit);
  let n = 0;
  for (let got = -1; n < limit && got !== 0; n += got) got = readSync(fd, buf, n, limit - n, null);
  return buf.subarray(0, n);
}
