// Reading the files of the config folder. A pull request writes them, so a "file" may be a FIFO,
// a device or a link to anywhere on the machine: only regular files whose real path lies inside
// the config folder are read, at most 10 MiB of each, and their text must be UTF-8. Anything else
// is a ConfigError at the file, and nothing of such a file is read, let alone quoted.

import {
  constants,
  closeSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { ConfigError, ConfigErrors } from '../model/errors.js';
import { type SourceRef } from '../model/types.js';

/** The largest config file xcluster reads: far above any real estate's, far below a memory problem. */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

/** Path relative to the working directory with / separators: what errors and plans print. */
export function displayPath(abs: string): string {
  return path.relative(process.cwd(), abs).split(path.sep).join('/');
}

/** A file found in clusters/, before it is read. */
export interface FoundFile {
  name: string;
  abs: string;
}

const fileStart = (abs: string): SourceRef => ({ file: displayPath(abs), line: 1, column: 1 });

/**
 * Every `clusters/*.yml` (and `.yaml`) but hidden ones. Links and other non-files are listed too:
 * reading them is refused with a reason, never skipped without a word.
 */
export function listClusterFiles(dir: string): FoundFile[] {
  const clustersDir = path.resolve(dir, 'clusters');
  const shown = displayPath(clustersDir);
  if (statSync(clustersDir, { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw new ConfigErrors([
      new ConfigError(
        `no clusters folder: ${shown} does not exist (expected ${shown}/<name>.yml, one file per cluster)`,
      ),
    ]);
  }
  const files = readdirSync(clustersDir)
    .filter((name) => /\.ya?ml$/.test(name) && !name.startsWith('.'))
    .sort();
  if (files.length === 0) {
    throw new ConfigErrors([
      new ConfigError(`no cluster files in ${shown} (expected ${shown}/<name>.yml, one file per cluster)`),
    ]);
  }
  return files.map((f) => ({ name: f.replace(/\.ya?ml$/, ''), abs: path.join(clustersDir, f) }));
}

/** Whether there is an entry at `abs`, a link that leads nowhere included (it is reported when read). */
export const entryExists = (abs: string): boolean => lstatSync(abs, { throwIfNoEntry: false }) !== undefined;

/** The real path of the config folder: every file read must lie inside it. */
export const realFolder = (dir: string): string => realpathSync(path.resolve(dir));

/**
 * The text of a config file, or undefined with the reason in `errors`: a link that leads nowhere
 * or out of `root` (the real path of the config folder), anything but a regular file, a file over
 * MAX_CONFIG_BYTES, or bytes that are not UTF-8.
 */
export function readConfigFile(abs: string, root: string, errors: ConfigError[]): string | undefined {
  const problem = (message: string, at: SourceRef = fileStart(abs)): undefined => {
    errors.push(new ConfigError(message, at));
    return undefined;
  };
  const real = realPathOf(abs);
  if (real === undefined) return problem('a link to nothing (no file at the end of it)');
  if (!isInside(root, real)) {
    return problem(
      `a link to a file outside the config folder ${displayPath(root)}; xcluster reads only files inside it`,
    );
  }
  const stats = statSync(real);
  if (!stats.isFile()) return problem(`not a regular file (${whatItIs(stats)}); a config file must be a regular file`);
  const bytes = stats.size > MAX_CONFIG_BYTES ? undefined : readRegularFile(real, stats);
  if (bytes === undefined) return problem('larger than 10 MiB, the limit of a config file');
  if (typeof bytes === 'string') return problem(bytes);
  const decoded = utf8(bytes);
  if (typeof decoded === 'string') return decoded;
  return problem(`not valid UTF-8 (byte 0x${decoded.byte.toString(16)}); save the file as UTF-8`, {
    file: displayPath(abs),
    line: decoded.line,
    column: decoded.column,
  });
}

function realPathOf(abs: string): string | undefined {
  try {
    return realpathSync(abs);
  } catch {
    return undefined;
  }
}

const isInside = (root: string, real: string): boolean => {
  const rel = path.relative(root, real);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

function whatItIs(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a file';
}

/**
 * The bytes of the regular file `real` was found to be; a reason when it changed in between (a
 * swap for a FIFO or a link must not block or escape); undefined past MAX_CONFIG_BYTES. O_NONBLOCK
 * keeps the open itself from waiting on a FIFO swapped in; O_NOFOLLOW refuses a link swapped in.
 */
function readRegularFile(real: string, expected: Stats): Buffer | string | undefined {
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);
  let fd: number;
  try {
    fd = openSync(real, flags);
  } catch (e) {
    return `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  try {
    const now = fstatSync(fd);
    if (!now.isFile() || now.ino !== expected.ino || now.dev !== expected.dev) return 'changed while it was read';
    return readUpTo(fd, MAX_CONFIG_BYTES);
  } finally {
    closeSync(fd);
  }
}

/** Reads `fd` to its end; undefined as soon as it holds more than `limit` bytes (a file that grew). */
function readUpTo(fd: number, limit: number): Buffer | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(64 * 1024);
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) return Buffer.concat(chunks, total);
    total += n;
    if (total > limit) return undefined;
    chunks.push(chunk.subarray(0, n));
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
// ignoreBOM keeps a byte order mark as a character, so that byte offsets below stay aligned.
const LENIENT_UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The text, or where its first byte that is not UTF-8 is (line and column of the text before it). */
function utf8(bytes: Buffer): string | { byte: number; line: number; column: number } {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return firstBadByte(bytes);
  }
}

/**
 * The lenient decoding writes U+FFFD for bad bytes; the first U+FFFD that is not the three bytes
 * EF BF BD of a real one marks the first bad byte. Up to there every character decoded as written,
 * so counting its bytes finds the offset.
 */
function firstBadByte(bytes: Buffer): { byte: number; line: number; column: number } {
  let offset = 0;
  let line = 1;
  let column = 1;
  for (const ch of LENIENT_UTF8.decode(bytes)) {
    const real = bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd;
    if (ch === '\uFFFD' && !real) break;
    offset += Buffer.byteLength(ch);
    [line, column] = ch === '\n' ? [line + 1, 1] : [line, column + 1];
  }
  return { byte: bytes[offset] ?? 0, line, column };
}
