// Loads the xcluster/ folder: every clusters/<name>.yml is read (config/files.ts: regular files
// inside the folder only), parsed under limits (config/yaml.ts, keeping the position of every
// node), validated against the schema of its flavor (config/schema-elasticsearch.ts,
// config/schema-opensearch.ts; zod's issues in our words by config/issues.ts), and turned into
// ClusterConfigs and Desired objects (config/desired.ts); intents.yml, when there is one, is
// expanded into more Desired objects (config/intents.ts). Every problem in every file is collected
// and thrown at once, each with file:line:column.

import { ConfigError, ConfigErrors } from '../model/errors.js';
import { toNameMap, unusableName } from '../model/names.js';
import { type Config, type Desired } from '../model/types.js';
import { toClusterConfig, toDesired, type ClusterFileData } from './desired.js';
import { displayPath, type FoundFile } from './files.js';
import { diskFiles, type ConfigFiles } from './config-files.js';
import { expandIntents, INTENTS_FILES, type Expansion, type IntentContext } from './intents.js';
import { FILE_SCHEMAS, sortBySource, validate } from './issues.js';
import { intentsFileSchema } from './schema-intents.js';
import { withOpenSearchReferences } from './schema-opensearch.js';
import { formatPath, sourceOfPath } from './source.js';
import { nearest } from './suggest.js';
import { parseYaml, type Parsed } from './yaml.js';

export { displayPath } from './files.js';
export { timeoutMs } from './desired.js';

export interface LoadOptions {
  /** Load only these clusters (remote `cluster:` links are still checked against every file). */
  clusters?: string[];
}

/** What the file says in `connection.flavor` (anything, or nothing). */
function statedFlavor(raw: unknown): unknown {
  const connection = isRecord(raw) ? raw.connection : undefined;
  return isRecord(connection) ? connection.flavor : undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Loads and validates `<dir>/clusters/*.yml`; throws ConfigErrors listing every problem found. */
export function loadConfig(dir: string, opts: LoadOptions = {}): Config {
  return loadConfigFrom(dir, diskFiles(dir), opts);
}

/**
 * Loads and validates the config folder `dir` from `files` (the disk, or texts held in memory such
 * as a base commit's read through the GitHub API); throws ConfigErrors listing every problem found.
 */
export function loadConfigFrom(dir: string, files: ConfigFiles, opts: LoadOptions = {}): Config {
  const found = files.clusterFiles();
  const errors: ConfigError[] = [];
  const loaded: ClusterFileData[] = [];
  for (const f of found) {
    const fileErrors: ConfigError[] = clusterNameErrors(f);
    const data = fileErrors.length === 0 ? readClusterFile(f, files, fileErrors) : undefined;
    if (data) loaded.push(data);
    errors.push(...sortBySource(fileErrors));
  }
  const names = found.map((f) => f.name);
  errors.push(...duplicateNames(found));
  for (const c of loaded) errors.push(...checkLinks(c, names));
  const selected = opts.clusters ?? names;
  errors.push(...checkSelection(selected, names));
  const transports = toNameMap(
    loaded.flatMap((c) => (c.data.connection.transport ? [[c.name, c.data.connection.transport] as const] : [])),
  );
  // Intents are expanded against every cluster file, selected or not: a conflict is a conflict
  // whichever clusters a run looks at.
  const handWritten = loaded.flatMap(toDesired);
  const ctx = { clusters: loaded.map(flavorOf), transports, handWritten };
  const intents = loadIntents(files, ctx, errors.length === 0);
  errors.push(...(intents?.errors ?? []));
  if (errors.length > 0) throw new ConfigErrors(errors);

  const chosen = loaded.filter((c) => selected.includes(c.name));
  // The objects an OpenSearch object names (its references) are read in one place, for
  // hand-written and intent-expanded objects alike.
  const openSearch = new Set(loaded.filter((c) => c.flavor === 'opensearch').map((c) => c.name));
  const withReferences = (d: Desired): Desired => (openSearch.has(d.cluster) ? withOpenSearchReferences(d) : d);
  return {
    dir,
    clusters: chosen.map(toClusterConfig),
    desired: [...handWritten, ...(intents?.desired ?? [])]
      .filter((d) => selected.includes(d.cluster))
      .map(withReferences),
    transports,
    intents: intents?.intents ?? [],
  };
}

const flavorOf = (c: ClusterFileData) => ({ name: c.name, flavor: c.flavor });

/**
 * Reads xcluster/intents.yml when there is one, and expands it when `expand` (the cluster files
 * it refers to are valid): its own syntax and schema errors are reported either way.
 */
function loadIntents(files: ConfigFiles, ctx: IntentContext, expand: boolean): Expansion | undefined {
  const found = files.intentsFiles(INTENTS_FILES);
  if (found.length === 0) return undefined;
  const errors: ConfigError[] = [];
  if (found.length > 1) {
    const both = found.map(displayPath).join(' and ');
    return { intents: [], desired: [], errors: [new ConfigError(`${both} both exist; keep one intents file`)] };
  }
  const parsed = parseFile(found[0]!, files, errors);
  const data = parsed && validate(parsed, { schema: intentsFileSchema }, errors);
  if (!parsed || !data || !expand) return { intents: [], desired: [], errors: sortBySource(errors) };
  return expandIntents({ yaml: parsed.yaml, data }, ctx);
}

/** Reads and parses one file of the config folder; problems go to `errors`. */
function parseFile(abs: string, files: ConfigFiles, errors: ConfigError[]): Parsed | undefined {
  const text = files.read(abs, errors);
  return text === undefined ? undefined : parseYaml(text, displayPath(abs), errors);
}

/**
 * Reads a cluster file with the schema of the flavor it states: OpenSearch when it says so,
 * Elasticsearch otherwise (so that a missing or misspelt flavor meets the flavor enum's error).
 */
function readClusterFile(f: FoundFile, files: ConfigFiles, errors: ConfigError[]): ClusterFileData | undefined {
  const parsed = parseFile(f.abs, files, errors);
  if (!parsed) return undefined;
  const { yaml } = parsed;
  const stated = statedFlavor(parsed.raw);
  if (stated === 'opensearch') {
    const data = validate(parsed, { schema: FILE_SCHEMAS.opensearch, flavor: 'opensearch' }, errors);
    return data && { name: f.name, yaml, flavor: 'opensearch', data };
  }
  // A key of the other flavor is reported as such only when the file states its flavor: with a
  // missing or misspelt one, the flavor's own error says what is wrong.
  const flavor = stated === 'elasticsearch' ? { flavor: 'elasticsearch' as const } : {};
  const data = validate(parsed, { schema: FILE_SCHEMAS.elasticsearch, ...flavor }, errors);
  return data && { name: f.name, yaml, flavor: 'elasticsearch', data };
}

// ---------------------------------------------------------------------------------------------
// Checks across files

/** A cluster is named by its file, and that name keys maps and becomes a remote alias: it is a name like any other. */
function clusterNameErrors(f: FoundFile): ConfigError[] {
  const refused = unusableName(f.name);
  if (refused === undefined) return [];
  const file = displayPath(f.abs);
  return [
    new ConfigError(`cluster ${JSON.stringify(f.name)} (the file's name): ${refused}`, { file, line: 1, column: 1 }),
  ];
}

function duplicateNames(found: FoundFile[]): ConfigError[] {
  const errors: ConfigError[] = [];
  const seen = new Map<string, string>();
  for (const f of found) {
    const first = seen.get(f.name);
    if (first !== undefined) {
      const file = displayPath(f.abs);
      errors.push(
        new ConfigError(`cluster "${f.name}" is defined twice: ${displayPath(first)} and ${file}`, {
          file,
          line: 1,
          column: 1,
        }),
      );
    }
    seen.set(f.name, f.abs);
  }
  return errors;
}

/** A remote's `cluster:` must name another cluster file. */
function checkLinks(c: ClusterFileData, names: string[]): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const [alias, remote] of Object.entries(c.data.remote_clusters ?? {})) {
    const target = remote.cluster;
    if (target === undefined) continue;
    const p = ['remote_clusters', alias, 'cluster'];
    const at = sourceOfPath(c.yaml, p);
    if (target === c.name) {
      errors.push(
        new ConfigError(
          `${formatPath(p)}: "${target}" is this cluster itself; a remote must point at another cluster`,
          at,
        ),
      );
    } else if (!names.includes(target)) {
      const guess = nearest(target, names);
      const hint = guess ? `did you mean "${guess}"?` : `known clusters: ${names.join(', ')}`;
      errors.push(
        new ConfigError(`${formatPath(p)}: unknown cluster "${target}" (no clusters/${target}.yml); ${hint}`, at),
      );
    }
  }
  return errors;
}

function checkSelection(selected: string[], names: string[]): ConfigError[] {
  return selected
    .filter((s) => !names.includes(s))
    .map((s) => new ConfigError(`unknown cluster "${s}" selected; known clusters: ${names.join(', ')}`));
}
