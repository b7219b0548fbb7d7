// Zod's issues with a file's data → ConfigErrors in our words, each placed on the YAML node the
// issue is about (file:line:column). An unknown key suggests the nearest known one, or says which
// flavor the key belongs to; a union names the branch that was meant. Messages never quote a
// value: it could be a secret written in the wrong place.

import { type z } from 'zod';
import { ConfigError } from '../model/errors.js';
import { type Flavor } from '../model/types.js';
import { knownKeysAt, titleAt } from './schema.js';
import { clusterFileSchema } from './schema-elasticsearch.js';
import { openSearchClusterFileSchema } from './schema-opensearch.js';
import { formatPath, sourceOfPath, type YamlFile } from './source.js';
import { counterpart, unknownKeyMessage } from './suggest.js';
import { type Parsed } from './yaml.js';

/** The schema of a cluster file, by flavor. */
export const FILE_SCHEMAS = { elasticsearch: clusterFileSchema, opensearch: openSearchClusterFileSchema } as const;

const FLAVOR_NAMES: Record<Flavor, string> = { elasticsearch: 'Elasticsearch', opensearch: 'OpenSearch' };
const OTHER_FLAVOR: Record<Flavor, Flavor> = { elasticsearch: 'opensearch', opensearch: 'elasticsearch' };

/** What a file is validated against: its schema, and for a cluster file the flavor it is of. */
export interface Validation<S extends z.ZodType> {
  schema: S;
  flavor?: Flavor;
}

/** Validates parsed data against `v.schema`; problems go to `errors`, each with file:line:column. */
export function validate<S extends z.ZodType>(
  p: Parsed,
  v: Validation<S>,
  errors: ConfigError[],
): z.output<S> | undefined {
  // An empty file reads as null: report the missing keys rather than "expected a map".
  const result = v.schema.safeParse(p.raw ?? {}, { error: errorMessage });
  if (!result.success) {
    const checked: Checked = { yaml: p.yaml, raw: p.raw, schema: v.schema, ...(v.flavor ? { flavor: v.flavor } : {}) };
    errors.push(...result.error.issues.flatMap((i) => issueErrors(checked, i)));
    return undefined;
  }
  return result.data;
}

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

/** Errors in the order of the file, line then column. */
export function sortBySource(errors: ConfigError[]): ConfigError[] {
  return [...errors].sort(
    (a, b) => (a.source?.line ?? 0) - (b.source?.line ?? 0) || (a.source?.column ?? 0) - (b.source?.column ?? 0),
  );
}
