// Loads the xcluster/ folder: every clusters/<name>.yml is parsed (keeping the position of every
// node), validated against config/schema.ts, and turned into ClusterConfigs and Desired objects;
// intents.yml, when there is one, is expanded into more Desired objects (config/intents.ts).
// Every problem in every file is collected and thrown at once, each with file:line:column.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { type z } from 'zod';
import { flavors } from '../flavors/index.js';
import { ConfigError, ConfigErrors } from '../model/errors.js';
import {
  type Auth,
  type ClusterConfig,
  type Config,
  type ConnectionSpec,
  type Desired,
  type Kind,
  type SecretSpec,
} from '../model/types.js';
import { expandIntents, INTENTS_FILES, type Expansion, type IntentContext } from './intents.js';
import { clusterFileSchema, intentsFileSchema, knownKeysAt, type ClusterFile, type SecretInput } from './schema.js';
import { formatPath, sourceAt, sourceOfPath, type YamlFile } from './source.js';
import { nearest, unknownKeyMessage } from './suggest.js';

export interface LoadOptions {
  /** Load only these clusters (remote `cluster:` links are still checked against every file). */
  clusters?: string[];
}

/** A cluster file that parsed and validated. */
interface ClusterFileData {
  name: string;
  yaml: YamlFile;
  data: ClusterFile;
}

/** A file found in clusters/, before parsing. */
interface FoundFile {
  name: string;
  abs: string;
}

/** Loads and validates `<dir>/clusters/*.yml`; throws ConfigErrors listing every problem found. */
export function loadConfig(dir: string, opts: LoadOptions = {}): Config {
  const found = listClusterFiles(dir);
  const errors: ConfigError[] = [];
  const loaded: ClusterFileData[] = [];
  for (const f of found) {
    const fileErrors: ConfigError[] = [];
    const data = readClusterFile(f, fileErrors);
    if (data) loaded.push(data);
    errors.push(...sortBySource(fileErrors));
  }
  const names = found.map((f) => f.name);
  errors.push(...duplicateNames(found));
  for (const c of loaded) errors.push(...checkLinks(c, names), ...checkFlavorSections(c));
  const selected = opts.clusters ?? names;
  errors.push(...checkSelection(selected, names));
  const transports = Object.fromEntries(
    loaded.flatMap((c) => (c.data.connection.transport ? [[c.name, c.data.connection.transport]] : [])),
  );
  // Intents are expanded against every cluster file, selected or not: a conflict is a conflict
  // whichever clusters a run looks at.
  const handWritten = loaded.flatMap(toDesired);
  const ctx = { clusters: loaded.map(flavorOf), transports, handWritten };
  const intents = loadIntents(dir, ctx, errors.length === 0);
  errors.push(...(intents?.errors ?? []));
  if (errors.length > 0) throw new ConfigErrors(errors);

  const chosen = loaded.filter((c) => selected.includes(c.name));
  return {
    dir,
    clusters: chosen.map(toClusterConfig),
    desired: [...handWritten, ...(intents?.desired ?? [])].filter((d) => selected.includes(d.cluster)),
    transports,
    intents: intents?.intents ?? [],
  };
}

const flavorOf = (c: ClusterFileData) => ({ name: c.name, flavor: c.data.connection.flavor });

/**
 * Reads xcluster/intents.yml when there is one, and expands it when `expand` (the cluster files
 * it refers to are valid): its own syntax and schema errors are reported either way.
 */
function loadIntents(dir: string, ctx: IntentContext, expand: boolean): Expansion | undefined {
  const found = INTENTS_FILES.map((f) => path.resolve(dir, f)).filter((f) => existsSync(f));
  if (found.length === 0) return undefined;
  const errors: ConfigError[] = [];
  if (found.length > 1) {
    const both = found.map(displayPath).join(' and ');
    return { intents: [], desired: [], errors: [new ConfigError(`${both} both exist; keep one intents file`)] };
  }
  const file = readYamlFile(found[0]!, intentsFileSchema, errors);
  if (!file || !expand) return { intents: [], desired: [], errors: sortBySource(errors) };
  return expandIntents(file, ctx);
}

// ---------------------------------------------------------------------------------------------
// Files

/** Path relative to the working directory with / separators: what errors and plans print. */
export function displayPath(abs: string): string {
  return path.relative(process.cwd(), abs).split(path.sep).join('/');
}

function listClusterFiles(dir: string): FoundFile[] {
  const clustersDir = path.resolve(dir, 'clusters');
  const shown = displayPath(clustersDir);
  if (!existsSync(clustersDir) || !statSync(clustersDir).isDirectory()) {
    throw new ConfigErrors([
      new ConfigError(
        `no clusters folder: ${shown} does not exist (expected ${shown}/<name>.yml, one file per cluster)`,
      ),
    ]);
  }
  const files = readdirSync(clustersDir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (files.length === 0) {
    throw new ConfigErrors([
      new ConfigError(`no cluster files in ${shown} (expected ${shown}/<name>.yml, one file per cluster)`),
    ]);
  }
  return files.map((f) => ({ name: f.replace(/\.ya?ml$/, ''), abs: path.join(clustersDir, f) }));
}

function readClusterFile(f: FoundFile, errors: ConfigError[]): ClusterFileData | undefined {
  const read = readYamlFile(f.abs, clusterFileSchema, errors);
  return read && { name: f.name, ...read };
}

/** Parses one YAML file and validates it against `schema`; problems go to `errors`, each with file:line:column. */
function readYamlFile<S extends z.ZodType>(
  abs: string,
  schema: S,
  errors: ConfigError[],
): { yaml: YamlFile; data: z.output<S> } | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(abs, 'utf8'), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const yaml: YamlFile = { file: displayPath(abs), doc, lines };
  if (doc.errors.length > 0) {
    errors.push(...doc.errors.map((e) => yamlError(yaml, e)));
    return undefined;
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    errors.push(new ConfigError(`invalid YAML: ${(e as Error).message}`, sourceAt(yaml, 0)));
    return undefined;
  }
  // An empty file reads as null: report the missing keys rather than "expected a map".
  const result = schema.safeParse(raw ?? {}, { error: errorMessage });
  if (!result.success) {
    errors.push(...result.error.issues.flatMap((i) => issueErrors({ yaml, raw, schema }, i)));
    return undefined;
  }
  return { yaml, data: result.data };
}

/**
 * A YAML syntax error at yaml's own position. Only the first line of yaml's message is kept:
 * the rest quotes the source, which may hold a secret.
 */
function yamlError(y: YamlFile, e: YAMLError): ConfigError {
  const message =
    e.code === 'MULTIPLE_DOCS'
      ? 'an xcluster file holds a single YAML document (remove the extra ---)'
      : e.message.split('\n')[0];
  return new ConfigError(`invalid YAML: ${message}`, sourceAt(y, e.pos[0]));
}

// ---------------------------------------------------------------------------------------------
// Zod issues → ConfigErrors

/** Marks a union whose branches all failed; issueErrors() picks the branch that was meant. */
const UNION = 'xcluster:union';

const describeValue = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a map' : `a ${typeof v}`;

const EXPECTED: Record<string, string> = {
  array: 'a list',
  object: 'a map',
  record: 'a map',
  int: 'an integer',
  null: 'null',
};
const describeExpected = (e: string): string => EXPECTED[e] ?? `a ${e}`;

/**
 * Messages for zod's issues, in our words. Messages never quote the value: it could be a
 * secret written in the wrong place.
 */
function errorMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'missing'
        : `expected ${describeExpected(issue.expected)}, got ${describeValue(issue.input)}`;
    case 'invalid_union':
      return UNION;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
}

type Issue = z.core.$ZodIssue;

/** The file being validated: its YAML, the data it holds, and the schema it must follow. */
interface Checked {
  yaml: YamlFile;
  raw: unknown;
  schema: z.ZodType;
}

/** One ConfigError per problem, placed on the YAML node the issue is about. */
function issueErrors(c: Checked, issue: Issue): ConfigError[] {
  const { yaml: y, raw } = c;
  if (issue.code === 'invalid_union' && issue.message === UNION) return unionErrors(c, issue);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(c.schema, issue.path);
    return issue.keys.map(
      (key) =>
        new ConfigError(unknownKeyMessage(key, formatPath(issue.path), known), sourceOfPath(y, [...issue.path, key])),
    );
  }
  if (issue.code === 'invalid_type' && isMissing(raw, issue.path)) return [missingKey(y, issue.path)];
  const where = formatPath(issue.path);
  // zod's own prefixes add nothing to a message that already names the key.
  const message = issue.message.replace(/^(Invalid input|Invalid option|Too small|Too big|Invalid string): /, '');
  return [new ConfigError(where ? `${where}: ${message}` : message, sourceOfPath(y, issue.path))];
}

/**
 * A value that matched no branch of a union. If exactly one branch accepted its type, that is
 * the branch the author meant: report its errors. Otherwise name the types that would do.
 */
function unionErrors(c: Checked, issue: z.core.$ZodIssueInvalidUnion): ConfigError[] {
  const { yaml: y, raw } = c;
  // A branch that rejected the value's type (or, for a literal, its value) was not the one meant.
  const typeMismatch = (errs: Issue[]) =>
    errs.every((e) => (e.code === 'invalid_type' || e.code === 'invalid_value') && e.path.length === 0);
  if (isMissing(raw, issue.path)) return [missingKey(y, issue.path)];
  const meant = issue.errors.filter((errs) => !typeMismatch(errs));
  if (meant.length === 1 && meant[0]) {
    return meant[0].flatMap((e) => issueErrors(c, { ...e, path: [...issue.path, ...e.path] }));
  }
  const expected = issue.errors.flat().flatMap((e) => {
    if (e.code === 'invalid_type') return [describeExpected(e.expected)];
    if (e.code === 'invalid_value') return e.values.map((v) => JSON.stringify(v));
    return [];
  });
  const got = describeValue(valueAt(raw, issue.path));
  const where = formatPath(issue.path);
  return [
    new ConfigError(
      `${where}: expected ${[...new Set(expected)].join(' or ')}, got ${got}`,
      sourceOfPath(y, issue.path),
    ),
  ];
}

/** The key at the end of `path` is absent from a map that is there. */
function isMissing(raw: unknown, p: readonly PropertyKey[]): boolean {
  const parent = valueAt(raw ?? {}, p.slice(0, -1));
  const last = p[p.length - 1];
  return last !== undefined && typeof parent === 'object' && parent !== null && !(last in parent);
}

function missingKey(y: YamlFile, p: readonly PropertyKey[]): ConfigError {
  const parent = p.slice(0, -1);
  const where = parent.length > 0 ? ` in ${formatPath(parent)}` : '';
  return new ConfigError(`missing required key "${String(p[p.length - 1])}"${where}`, sourceOfPath(y, parent));
}

function valueAt(raw: unknown, p: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const seg of p) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  return v;
}

function sortBySource(errors: ConfigError[]): ConfigError[] {
  return [...errors].sort(
    (a, b) => (a.source?.line ?? 0) - (b.source?.line ?? 0) || (a.source?.column ?? 0) - (b.source?.column ?? 0),
  );
}

// ---------------------------------------------------------------------------------------------
// Checks across files

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

/**
 * The sections of an OpenSearch cluster file. Until the schema has OpenSearch's sections
 * (internal_users, roles_mapping, action_groups, OpenSearch role keys: the next slice of the
 * OpenSearch issue), only remote_clusters may be written for it; the Elasticsearch sections
 * are an error rather than objects silently read in the wrong dialect.
 */
const ELASTICSEARCH_SECTIONS = ['roles', 'users', 'role_mappings'] as const;

function checkFlavorSections(c: ClusterFileData): ConfigError[] {
  if (c.data.connection.flavor !== 'opensearch') return [];
  return ELASTICSEARCH_SECTIONS.filter((s) => Object.keys(c.data[s] ?? {}).length > 0).map(
    (s) =>
      new ConfigError(
        `${s}: not supported yet for an OpenSearch cluster (its roles, internal users and roles mappings come with the OpenSearch sections of the schema)`,
        sourceOfPath(c.yaml, [s]),
      ),
  );
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

// ---------------------------------------------------------------------------------------------
// Validated data → model

const secretSpec = (c: ClusterFileData, s: SecretInput, p: readonly PropertyKey[]): SecretSpec => ({
  ref: 'env' in s ? { env: s.env } : { file: s.file },
  source: sourceOfPath(c.yaml, p),
});

/** Milliseconds from `30s`, `500ms`, `2m` or a number of seconds. */
export function timeoutMs(t: number | string): number {
  if (typeof t === 'number') return Math.round(t * 1000);
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(t);
  const n = Number(m?.[1] ?? 30);
  const unit = m?.[2] === 'ms' ? 1 : m?.[2] === 'm' ? 60_000 : 1000;
  return Math.round(n * unit);
}

function toAuth(c: ClusterFileData): Auth {
  const auth = c.data.connection.auth;
  const base = ['connection', 'auth'];
  if (auth?.api_key) return { kind: 'api_key', apiKey: secretSpec(c, auth.api_key, [...base, 'api_key']) };
  if (auth?.username !== undefined && auth.password) {
    return { kind: 'basic', username: auth.username, password: secretSpec(c, auth.password, [...base, 'password']) };
  }
  return { kind: 'none' };
}

function toClusterConfig(c: ClusterFileData): ClusterConfig {
  const conn = c.data.connection;
  const connection: ConnectionSpec = {
    flavor: conn.flavor,
    url: conn.url,
    auth: toAuth(c),
    ...(conn.ca ? { ca: secretSpec(c, conn.ca, ['connection', 'ca']) } : {}),
    ...(conn.transport !== undefined ? { transport: conn.transport } : {}),
    timeoutMs: timeoutMs(conn.timeout),
    source: sourceOfPath(c.yaml, ['connection']),
  };
  return { name: c.name, file: c.yaml.file, connection, prune: c.data.prune };
}

/** One Desired per role, user, role mapping and remote cluster, in file order. */
function toDesired(c: ClusterFileData): Desired[] {
  const out: Desired[] = [];
  const add = (kind: Kind, section: string, name: string, body: object, extra: Partial<Desired> = {}) =>
    out.push({
      cluster: c.name,
      kind,
      name,
      body: flavors[c.data.connection.flavor].normalize(kind, body),
      source: sourceOfPath(c.yaml, [section, name]),
      ...extra,
    });

  // An OpenSearch file's Elasticsearch sections are errors (checkFlavorSections), not objects.
  const elasticsearch = c.data.connection.flavor === 'elasticsearch';
  if (elasticsearch) for (const [name, role] of Object.entries(c.data.roles ?? {})) add('role', 'roles', name, role);
  for (const [name, { password, ...user }] of Object.entries(elasticsearch ? (c.data.users ?? {}) : {})) {
    // The password is resolved only by the steps that need it; it never enters the body.
    add(
      'user',
      'users',
      name,
      user,
      password ? { password: secretSpec(c, password, ['users', name, 'password']) } : {},
    );
  }
  for (const [name, mapping] of Object.entries(elasticsearch ? (c.data.role_mappings ?? {}) : {}))
    add('role_mapping', 'role_mappings', name, mapping);
  for (const [alias, { cluster, ...remote }] of Object.entries(c.data.remote_clusters ?? {})) {
    add('remote_cluster', 'remote_clusters', alias, remote, cluster !== undefined ? { linkedCluster: cluster } : {});
  }
  return out;
}
