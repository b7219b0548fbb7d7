// An xcluster/ folder written to a temporary directory and loaded the way the CLI loads it, so
// that rules and intents are tested on real YAML with real file:line sources.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type LoadOptions } from '../../../src/config/load.js';
import { ConfigErrors } from '../../../src/model/errors.js';
import { type Config, type Flavor } from '../../../src/model/types.js';

/** The first four lines of every cluster file: what follows starts on line 5. */
export const connection = (
  name: string,
  auth = '  auth:\n    api_key: { env: KEY }\n',
  flavor: Flavor = 'elasticsearch',
): string =>
  `connection:\n  flavor: ${flavor}\n  url: https://${name}.example.com:9200\n  transport: ${name}.example.com:9300\n${auth}`;

/** A cluster file: the connection (lines 1–6 with the default auth), then `body`, from line 7. */
export const clusterFile = (name: string, body = ''): string => connection(name) + body;

/** An OpenSearch cluster file: the connection (lines 1–7, basic auth), then `body`, from line 8. */
export const openSearchFile = (name: string, body = ''): string =>
  connection(name, '  auth:\n    username: admin\n    password: { env: ADMIN_PASSWORD }\n', 'opensearch') + body;

/** What a test writes: a file's text, or its raw bytes (a file that is not valid UTF-8). */
export type Files = Record<string, string | Uint8Array>;

/** Writes `files` (paths relative to xcluster/) and returns the folder. */
export function writeConfigDir(files: Files): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'xcluster-config-')), 'xcluster');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export const loadFiles = (files: Files, opts?: LoadOptions): Config => loadConfig(writeConfigDir(files), opts);

/** The messages of the configuration errors loading `files` throws (none: []). */
export function loadErrors(files: Files): string[] {
  try {
    loadFiles(files);
    return [];
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors.map((x) => x.message);
    throw e;
  }
}
