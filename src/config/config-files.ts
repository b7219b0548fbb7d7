// Where the loader gets the files of a config folder: the disk (files.ts, with its checks of what
// a pull request may put there), or texts held in memory, such as the base commit's files read
// through the GitHub API. Either way the loader sees the same paths, so errors and sources name
// the same file:line.

import path from 'node:path';
import { ConfigError, ConfigErrors } from '../model/errors.js';
import { nameMap } from '../model/names.js';
import {
  displayPath,
  entryExists,
  listClusterFiles,
  MAX_CONFIG_BYTES,
  readConfigFile,
  realFolder,
  type FoundFile,
} from './files.js';

export interface ConfigFiles {
  /** Every clusters/*.yml (and .yaml) of the folder; throws ConfigErrors when there is none. */
  clusterFiles: () => FoundFile[];
  /** The paths of those of `names` (intents.yml, intents.yaml) that exist at the folder's top. */
  intentsFiles: (names: readonly string[]) => string[];
  /** The text of a file listed above, or undefined with the reason in `errors`. */
  read: (abs: string, errors: ConfigError[]) => string | undefined;
}

/** The folder on disk. */
export function diskFiles(dir: string): ConfigFiles {
  let root: string | undefined;
  return {
    clusterFiles: () => listClusterFiles(dir),
    intentsFiles: (names) => names.map((f) => path.resolve(dir, f)).filter(entryExists),
    read: (abs, errors) => readConfigFile(abs, (root ??= realFolder(dir)), errors),
  };
}

/** The texts of a config folder: file names in clusters/ to text, and the top-level files (intents.yml). */
export interface FileTexts {
  clusters: Record<string, string>;
  top: Record<string, string>;
}

const CLUSTER_FILE = /^[^.][^/\\]*\.ya?ml$/;

/** A config folder held in memory, as if it were at `dir` (its paths are shown as the disk's would be). */
export function memoryFiles(dir: string, texts: FileTexts): ConfigFiles {
  const clustersDir = path.resolve(dir, 'clusters');
  const byPath = nameMap<string>();
  for (const [name, text] of Object.entries(texts.clusters)) byPath[path.join(clustersDir, name)] = text;
  for (const [name, text] of Object.entries(texts.top)) byPath[path.resolve(dir, name)] = text;
  return {
    clusterFiles: () => {
      const names = Object.keys(texts.clusters)
        .filter((n) => CLUSTER_FILE.test(n))
        .sort();
      if (names.length === 0) {
        const shown = displayPath(clustersDir);
        throw new ConfigErrors([
          new ConfigError(`no cluster files in ${shown} (expected ${shown}/<name>.yml, one file per cluster)`),
        ]);
      }
      return names.map((n) => ({ name: n.replace(/\.ya?ml$/, ''), abs: path.join(clustersDir, n) }));
    },
    intentsFiles: (names) => names.map((f) => path.resolve(dir, f)).filter((abs) => byPath[abs] !== undefined),
    read: (abs, errors) => {
      const text = byPath[abs];
      if (text === undefined || Buffer.byteLength(text) > MAX_CONFIG_BYTES) {
        errors.push(
          new ConfigError(text === undefined ? 'no such file' : 'larger than 10 MiB, the limit of a config file', {
            file: displayPath(abs),
            line: 1,
            column: 1,
          }),
        );
        return undefined;
      }
      return text;
    },
  };
}
