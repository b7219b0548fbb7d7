// Loads the xcluster/ folder: every clusters/<name>.yml is parsed (keeping the position of every
// node), validated against the schema of its flavor (config/schema-elasticsearch.ts for Elasticsearch,
// config/schema-opensearch.ts for OpenSearch), and turned into ClusterConfigs and Desired
// objects; intents.yml, when there is one, is expanded into more Desired objects
// (config/intents.ts). Every problem in every file is collected and thrown at once, each with
// file:line:column.

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
  type Flavor,
  type Kind,
  type SecretSpec,
} from '../model/types.js';
import { expandIntents, INTENTS_FILES, type Expansion, type IntentContext } from './intents.js';
import { knownKeysAt, titleAt, type SecretInput } from './schema.js';
import { clusterFileSchema, type ClusterFile } from './schema-elasticsearch.js';
import { intentsFileSchema } from './schema-intents.js';
import {
  openSearchClusterFileSchema,
  withOpenSearchReferences,
  type OpenSearchClusterFile,
} from './schema-opensearch.js';
import { formatPath, sourceAt, sourceOfPath, type YamlFile } from './source.js';
import { counterpart, nearest, unknownKeyMessage } from './suggest.js';

export interface LoadOptions {
  /** Load only these clusters (remote `cluster:` links are still checked against every file). */
  clusters?: string[];
}

/** A cluster file that parsed and validated against the schema of its flavor. */
type ClusterFileData = { name: string; yaml: YamlFile } & (
  { flavor: 'elasticsearch'; data: ClusterFile } | { flavor: 'opensearch'; data: OpenSearchClusterFile }
);

/** The schema of a cluster file, by flavor. */
const FILE_SCHEMAS = { elasticsearch: clusterFileSchema, opensearch: openSearchClusterFileSchema } as const;

const FLAVOR_NAMES: Record<Flavor, string> = { elasticsearch: 'Elasticsearch', opensearch: 'OpenSearch' };
const OTHER_FLAVOR: Record<Flavor, Flavor> = { elasticsearch: 'opensearch', opensearch: 'elasticsearch' };

/** What the file says in `connection.flavor` (anything, or nothing). */
function statedFlavor(raw: unknown): unknown {
  const connection = isRecord(raw) ? raw.connection : undefined;
  return isRecord(connection) ? connection.flavor : undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
  for (const c of loaded) errors.push(...checkLinks(c, names));
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
function loadIntents(dir: string, ctx: IntentContext, expand: boolean): Expansion | undefined {
  const found = INTENTS_FILES.map((f) => path.resolve(dir, f)).filter((f) => existsSync(f));
  if (found.length === 0) return undefined;
  const errors: ConfigError[] = [];
  if (found.length > 1) {
    const both = found.map(displayPath).join(' and ');
    return { intents: [], desired: [], errors: [new ConfigError(`${both} both exist; keep one intents file`)] };
  }
  const parsed = parseYamlFile(found[0]!, errors);
  const data = parsed && validate(parsed, { schema: intentsFileSchema }, errors);
  if (!parsed || !data || !expand) return { intents: [], desired: [], errors: sortBySource(errors) };
  return expandIntents({ yaml: parsed.yaml, data }, ctx);
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

/**
 * Reads a cluster file with the schema of the flavor it states: OpenSearch when it says so,
 * Elasticsearch otherwise (so that a missing or misspelt flavor meets the flavor enum's error).
 */
function readClusterFile(f: FoundFile, errors: ConfigError[]): ClusterFileData | undefined {
  const parsed = parseYamlFile(f.abs, errors);
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

/** A YAML file that parsed: its document and the data it holds. */
interface Parsed {
  yaml: YamlFile;
  raw: unknown;
}

/** Parses one YAML file; problems go to `errors`, each with file:line:column. */
function parseYamlFile(abs: string, errors: ConfigError[]): Parsed | undefined {
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
  return { yaml, raw };
}

/** What a file is validated against: its schema, and for a cluster file the flavor it is of. */
interface Validation<S extends z.ZodType> {
  schema: S;
  flavor?: Flavor;
}

/** Validates parsed data against `v.schema`; problems go to `errors`, each with file:line:column. */
function validate<S extends z.ZodType>(p: Parsed, v: Validation<S>, errors: ConfigError[]): z.output<S> | undefined {
  // An empty file reads as null: report the missing keys rather than "expected a map".
  const result = v.schema.safeParse(p.raw ?? {}, { error: errorMessage });
  if (!result.success) {
    const checked: Checked = { yaml: p.yaml, raw: p.raw, schema: v.schema, ...(v.flavor ? { flavor: v.flavor } : {}) };
    errors.push(...result.error.issues.flatMap((i) => issueErrors(checked, i)));
    return undefined;
  }
  return result.data;
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

/** The file being validated: its YAML, the data it holds, the schema it must follow and its flavor. */
interface Checked {
  yaml: YamlFile;
  raw: unknown;
  schema: z.ZodType;
  /** A cluster file's flavor: a key of the other flavor's schema is reported as such. */
  flavor?: Flavor;
}

/** One ConfigError per problem, placed on the YAML node the issue is about. */
function issueErrors(c: Checked, issue: Issue): ConfigError[] {
  const { yaml: y, raw } = c;
  if (issue.code === 'invalid_union' && issue.message === UNION) return unionErrors(c, issue);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map(
      (key) => new ConfigError(unknownKey(c, issue.path, key), sourceOfPath(y, [...issue.path, key])),
    );
  }
  if (issue.code === 'invalid_type' && isMissing(raw, issue.path)) return [missingKey(y, issue.path)];
  const where = formatPath(issue.path);
  // zod's own prefixes add nothing to a message that already names the key.
  const message = issue.message.replace(/^(Invalid input|Invalid option|Too small|Too big|Invalid string): /, '');
  return [new ConfigError(where ? `${where}: ${message}` : message, sourceOfPath(y, issue.path))];
}

/**
 * The message for an unknown key at `p`. A key that the other flavor's schema knows at the same
 * place was written for the other flavor: say so, and name the key this flavor has instead
 * (`users: is an Elasticsearch key; an OpenSearch cluster (connection.flavor: opensearch) has
 * internal_users`). Any other key is a typo until proven otherwise: suggest the nearest one.
 */
function unknownKey(c: Checked, p: readonly PropertyKey[], key: string): string {
  const known = knownKeysAt(c.schema, p);
  const other = c.flavor && OTHER_FLAVOR[c.flavor];
  if (c.flavor === undefined || other === undefined || !knownKeysAt(FILE_SCHEMAS[other], p).includes(key)) {
    return unknownKeyMessage(key, formatPath(p), known);
  }
  const here = describeObject(c.schema, c.flavor, p);
  const instead = counterpart(key, known);
  const has = instead ? `has ${instead}` : `has no ${key} (its keys: ${known.join(', ')})`;
  return `${formatPath([...p, key])}: is an ${FLAVOR_NAMES[other]} key; ${here} ${has}`;
}

/** "an OpenSearch cluster (connection.flavor: opensearch)", "an OpenSearch role", "an Elasticsearch role". */
function describeObject(schema: z.ZodType, flavor: Flavor, p: readonly PropertyKey[]): string {
  const name = FLAVOR_NAMES[flavor];
  if (p.length === 0) return `an ${name} cluster (connection.flavor: ${flavor})`;
  const title = titleAt(schema, p);
  if (title === undefined) return `${formatPath(p)} of an ${name} cluster`;
  return title.startsWith(name) ? `an ${title}` : `an ${name} ${title.charAt(0).toLowerCase()}${title.slice(1)}`;
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
  const cert = conn.client_certificate;
  const base = ['connection', 'client_certificate'];
  const clientCertificate = cert && {
    certificate: secretSpec(c, cert.certificate, [...base, 'certificate']),
    key: secretSpec(c, cert.key, [...base, 'key']),
  };
  const connection: ConnectionSpec = {
    flavor: c.flavor,
    url: conn.url,
    auth: toAuth(c),
    ...(conn.ca ? { ca: secretSpec(c, conn.ca, ['connection', 'ca']) } : {}),
    ...(clientCertificate ? { clientCertificate } : {}),
    ...(conn.transport !== undefined ? { transport: conn.transport } : {}),
    timeoutMs: timeoutMs(conn.timeout),
    source: sourceOfPath(c.yaml, ['connection']),
  };
  return { name: c.name, file: c.yaml.file, connection, prune: c.data.prune, checkPasswords: c.data.check_passwords };
}

/** One Desired per object of the cluster file, in file order. */
function toDesired(c: ClusterFileData): Desired[] {
  const out: Desired[] = [];
  const add = (kind: Kind, section: string, name: string, body: object, extra: Partial<Desired> = {}) =>
    out.push({
      cluster: c.name,
      kind,
      name,
      body: flavors[c.flavor].normalize(kind, body),
      source: sourceOfPath(c.yaml, [section, name]),
      ...extra,
    });
  /** The password is resolved only by the steps that need it; it never enters the body. */
  const password = (s: SecretInput | undefined, section: string, name: string): Partial<Desired> =>
    s ? { password: secretSpec(c, s, [section, name, 'password']) } : {};

  if (c.flavor === 'opensearch') {
    const d = c.data;
    for (const [name, role] of Object.entries(d.roles ?? {})) add('role', 'roles', name, role);
    for (const [name, { password: p, ...user }] of Object.entries(d.internal_users ?? {})) {
      add('internal_user', 'internal_users', name, user, password(p, 'internal_users', name));
    }
    for (const [name, mapping] of Object.entries(d.roles_mapping ?? {})) {
      add('roles_mapping', 'roles_mapping', name, mapping);
    }
    for (const [name, group] of Object.entries(d.action_groups ?? {}))
      add('action_group', 'action_groups', name, group);
    for (const [name, dns] of Object.entries(d.nodes_dn ?? {})) add('nodes_dn', 'nodes_dn', name, { nodes_dn: dns });
  } else {
    const d = c.data;
    for (const [name, role] of Object.entries(d.roles ?? {})) add('role', 'roles', name, role);
    for (const [name, { password: p, ...user }] of Object.entries(d.users ?? {})) {
      add('user', 'users', name, user, password(p, 'users', name));
    }
    for (const [name, mapping] of Object.entries(d.role_mappings ?? {})) {
      add('role_mapping', 'role_mappings', name, mapping);
    }
  }
  for (const [alias, { cluster, ...remote }] of Object.entries(c.data.remote_clusters ?? {})) {
    add('remote_cluster', 'remote_clusters', alias, remote, cluster !== undefined ? { linkedCluster: cluster } : {});
  }
  return out;
}
