// What every cluster file shares, as zod schemas: secrets, the connection, remote clusters (the
// cluster.remote.* settings), prune, and the pieces the flavors' sections are built from. The same
// schemas validate the YAML (load.ts) and produce schema/xcluster.schema.json for editors
// (scripts/schema.ts). Every object is strict: an unknown key is a typo until proven otherwise.
//
// The sections of each flavor build on this file: schema-elasticsearch.ts (roles, users, role
// mappings) and schema-opensearch.ts (the security plugin's); the intents file is in
// schema-intents.ts.

import { z } from 'zod';
import { remoteAliasCheck, type NameCheck } from './names.js';
import { unknownKeyMessage } from './suggest.js';

// ---------------------------------------------------------------------------------------------
// Secrets

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const INLINE_SECRET_MESSAGE =
  'inline secret: write { env: NAME } or { file: PATH } (a file git does not track; a relative path starts at the config folder) instead; never commit secrets';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The message for a value that is not a valid secret reference. It never quotes the value: a
 * value written where a secret goes may well be the secret.
 */
export function secretMessage(input: unknown): string {
  if (typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean') {
    return INLINE_SECRET_MESSAGE;
  }
  if (!isPlainObject(input)) return 'expected a secret reference: { env: NAME } or { file: PATH }';
  const keys = Object.keys(input);
  const unknown = keys.find((k) => k !== 'env' && k !== 'file');
  if (unknown !== undefined) return unknownKeyMessage(unknown, 'secret reference', ['env', 'file']);
  if (keys.length !== 1) return 'a secret reference is either { env: NAME } or { file: PATH }, not both';
  if ('env' in input) {
    return 'env must name an environment variable (letters, digits and _), e.g. { env: WEST_API_KEY }';
  }
  return 'file must be a non-empty path, e.g. { file: /run/secrets/west.pem }';
}

const envRef = z.strictObject({
  // A format error here is reported as is (not through secretMessage): say what a name looks like.
  env: z
    .string()
    .regex(ENV_NAME, { error: 'must name an environment variable (letters, digits and _), e.g. { env: WEST_API_KEY }' })
    .meta({ description: 'Name of the environment variable that holds the secret.' }),
});
const fileRef = z.strictObject({
  file: z.string().min(1, { error: 'must be a non-empty path' }).meta({
    description:
      'Path of a file that holds the secret: relative to the config folder, or absolute. A regular file of at most 64 KiB, never under /proc, /dev, /sys or in a .git folder.',
  }),
});

export const secretSchema = z.union([envRef, fileRef], { error: (issue) => secretMessage(issue.input) }).meta({
  id: 'secret',
  title: 'Secret reference',
  description: 'Where a secret comes from: { env: NAME } or { file: PATH }. Never write a secret inline.',
});

// ---------------------------------------------------------------------------------------------
// Connection

export const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):\d{1,5}$/;
const hostPort = (description: string) =>
  z.string().regex(HOST_PORT, { error: 'must be host:port, e.g. east.example.com:9300' }).meta({ description });

/** A duration given to xcluster: `30s`, `500ms`, `2m`, `1h`, or a number of seconds. */
export const TIMEOUT = /^\d+(\.\d+)?(ms|s|m|h)$/;

/** A duration setting: a positive number of seconds or a duration text. */
const duration = (fallback: string, description: string) =>
  z
    .union([
      z.number().positive({ error: 'must be positive' }),
      z.string().regex(TIMEOUT, { error: 'must be a duration such as 30s, 500ms or 2m' }),
    ])
    .default(fallback)
    .meta({ description });

const HTTP_URL = /^https?:\/\/\S+$/;

const parses = (u: string): boolean => {
  try {
    new URL(u);
    return true;
  } catch {
    return false;
  }
};

const hasCredentials = (u: string): boolean => parses(u) && (new URL(u).username !== '' || new URL(u).password !== '');

// The messages never quote the URL: it might carry credentials.
const urlSchema = z
  .string()
  .regex(HTTP_URL, { error: 'must be an http:// or https:// URL, e.g. https://west.example.com:9200' })
  .refine((u) => !HTTP_URL.test(u) || parses(u), { error: 'is not a valid URL' })
  .refine((u) => !hasCredentials(u), {
    error: 'must not hold credentials: use auth with { env: NAME } instead; never commit secrets',
  })
  .meta({ description: 'HTTP(S) address of the cluster, e.g. https://west.example.com:9200.' });

const authSchema = z
  .strictObject({
    api_key: secretSchema
      .optional()
      .meta({ description: 'Encoded API key (the `encoded` value the create-API-key API returns).' }),
    username: z.string().min(1).optional().meta({ description: 'User for basic authentication.' }),
    password: secretSchema.optional().meta({ description: 'Password of `username`.' }),
  })
  .superRefine((auth, ctx) => {
    const basic = auth.username !== undefined || auth.password !== undefined;
    if (auth.api_key && basic) {
      ctx.addIssue({
        code: 'custom',
        path: ['api_key'],
        message: 'use either api_key or username + password, not both',
      });
    } else if (!auth.api_key && !basic) {
      ctx.addIssue({
        code: 'custom',
        message: 'needs api_key, or username + password (omit auth for a cluster without security)',
      });
    } else if (auth.username !== undefined && auth.password === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['password'],
        message: 'missing password for username (write password: { env: NAME })',
      });
    } else if (auth.password !== undefined && auth.username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'missing username for password' });
    }
  })
  .meta({
    title: 'Authentication',
    description: 'api_key: { env: NAME }, or username + password: { env: NAME }. Omit for a cluster without security.',
  });

export const connectionSchema = z
  .strictObject({
    flavor: z
      .enum(['elasticsearch', 'opensearch'])
      .meta({ description: 'Server family: elasticsearch or opensearch. It decides which sections the file has.' }),
    url: urlSchema,
    auth: authSchema.optional(),
    ca: secretSchema.optional().meta({ description: 'PEM of the CA that signs the cluster HTTP certificate.' }),
    client_certificate: z
      .strictObject({
        certificate: secretSchema.meta({ description: 'PEM of the client certificate.' }),
        key: secretSchema.meta({ description: 'PEM of its private key.' }),
      })
      .optional()
      .meta({
        description:
          'A TLS client certificate and key presented on every request, e.g. the OpenSearch admin certificate that the nodes_dn API requires.',
      }),
    transport: hostPort('host:port other clusters use as seed for this one (transport port, usually 9300).').optional(),
    timeout: duration(
      '30s',
      'Wall-clock limit of each request to the cluster, its whole answer included (a request still unanswered is aborted): 30s, 500ms, 2m, or a number of seconds. Default 30s.',
    ),
    deadline: duration(
      '120s',
      'Limit of one read of this cluster: its whole read round with the retries, and the password checks. Past it the cluster is reported unreachable and the others are planned as usual. Default 120s.',
    ),
  })
  .meta({ id: 'connection', title: 'Connection', description: 'How xcluster reaches this cluster.' });

// ---------------------------------------------------------------------------------------------
// Shared pieces

export const stringList = z.array(z.string());
/** Index names and remote cluster names may be one string or a list (the API takes both). */
export const stringOrList = z.union([z.string(), stringList]);

/** Metadata keys starting with `_` are reserved: the server refuses them on a PUT. */
export const metadataSchema = z
  .record(z.string(), z.unknown())
  .superRefine((m, ctx) => {
    for (const key of Object.keys(m)) {
      if (key.startsWith('_')) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'metadata keys starting with "_" are reserved for the server',
        });
      }
    }
  })
  .meta({ description: 'Free-form metadata. Keys starting with _ are reserved.' });

// ---------------------------------------------------------------------------------------------
// Remote clusters (cluster.remote.<alias>.* settings)

const TIME_VALUE = /^(-1|\d+(nanos|micros|ms|s|m|h|d))$/;

const SNIFF_ONLY = ['seeds', 'node_connections'] as const;
const PROXY_ONLY = ['proxy_address', 'proxy_socket_connections', 'server_name'] as const;

export const remoteClusterSchema = z
  .strictObject({
    cluster: z
      .string()
      .optional()
      .meta({ description: 'Name of the cluster file (xcluster/clusters/<name>.yml) this remote points at.' }),
    mode: z.enum(['sniff', 'proxy']).optional().meta({ description: 'Connection mode. Default sniff.' }),
    seeds: z
      .array(hostPort('Seed node, host:port.'))
      .optional()
      .meta({ description: 'Seed nodes (sniff mode), host:port.' }),
    proxy_address: hostPort('Proxy address (proxy mode), host:port.').optional(),
    server_name: z.string().optional().meta({ description: 'SNI server name (proxy mode).' }),
    skip_unavailable: z
      .boolean()
      .optional()
      .meta({ description: 'Skip this remote in searches when it is unavailable.' }),
    node_connections: z.int().positive().optional().meta({ description: 'Gateway nodes to connect to (sniff mode).' }),
    proxy_socket_connections: z
      .int()
      .positive()
      .optional()
      .meta({ description: 'Sockets to open to the proxy (proxy mode).' }),
    transport: z
      .strictObject({
        compress: z
          .union([z.boolean(), z.literal('indexing_data')])
          .optional()
          .meta({ description: 'Compress requests to the remote: true, false or indexing_data.' }),
        compression_scheme: z.enum(['deflate', 'lz4']).optional().meta({ description: 'Default lz4.' }),
        ping_schedule: z
          .string()
          .regex(TIME_VALUE, { error: 'must be a time value such as 30s or -1' })
          .optional()
          .meta({ description: 'Interval of keep-alive pings, e.g. 30s (-1: off).' }),
      })
      .optional()
      .meta({ description: 'cluster.remote.<alias>.transport.* settings.' }),
  })
  .superRefine(
    (r, ctx) => {
      // The server refuses settings of the other mode; say so here, with the line, not at apply time.
      const mode = r.mode ?? 'sniff';
      if (mode !== 'sniff' && mode !== 'proxy') return; // reported by the enum
      const wrong = mode === 'proxy' ? SNIFF_ONLY : PROXY_ONLY;
      for (const key of wrong) {
        if (r[key] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: `${key} does not apply in ${mode} mode` });
        }
      }
    },
    // Also when other keys of the remote are wrong, so that every mistake shows in one pass.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  .meta({ id: 'remoteCluster', title: 'Remote cluster', description: 'A remote cluster connection of this cluster.' });

// ---------------------------------------------------------------------------------------------
// Sections of a cluster file

/** Reports, at its key, every name of a section that `check` refuses. */
const checkNames =
  (check: NameCheck) =>
  (objects: Record<string, unknown>, ctx: z.core.$RefinementCtx): void => {
    for (const name of Object.keys(objects)) {
      const refused = check(name);
      if (refused !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: refused });
    }
  };

/**
 * A section of a cluster file: objects by name. A section may be left empty (`roles:`), which
 * YAML reads as null. A name the server would refuse (config/names.ts) is an error at its key.
 */
export const section = <T extends z.ZodType>(value: T, description: string, names: NameCheck) =>
  z
    .record(z.string(), value)
    // Also when an object is wrong, so that every mistake shows in one pass.
    .superRefine(checkNames(names), { when: (p) => isPlainObject(p.value) })
    .nullish()
    .meta({ description });

/** The remote_clusters section of either flavor. */
export const remoteClustersSection = (description: string) =>
  section(remoteClusterSchema, description, remoteAliasCheck);

export const pruneSchema = z.boolean().default(false).meta({
  description: 'Delete live objects that carry the xcluster ownership marker but are no longer in this file.',
});

export const checkPasswordsSchema = z.enum(['plan', 'drift', 'never']).default('plan').meta({
  description:
    "When xcluster checks that each managed user's password still works, by logging in as the user: plan (default: every plan, apply and drift run), drift (only the Action's drift mode, the nightly job), never. On OpenSearch with auth_failure_listeners the checks are skipped whatever this says: a failed login would count against the user and the address.",
});

export type SecretInput = z.output<typeof secretSchema>;

// ---------------------------------------------------------------------------------------------
// Known keys, for "did you mean" on unknown keys

/** The keys an object schema accepts at `path` inside `schema`, or [] where there is no object. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType[] = [schema];
  for (const seg of path) current = current.flatMap((s) => objectsIn(s)).flatMap((s) => childAt(s, seg));
  return [
    ...new Set(current.flatMap(objectsIn).flatMap((s) => (s instanceof z.ZodObject ? Object.keys(s.shape) : []))),
  ];
}

/** Unwraps optional/default/lazy and splits unions, down to the schemas that take a value. */
function objectsIn(s: z.ZodType): z.ZodType[] {
  if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault || s instanceof z.ZodLazy) {
    return objectsIn(s.unwrap() as z.ZodType);
  }
  if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).flatMap(objectsIn);
  return [s];
}

function childAt(s: z.ZodType, seg: PropertyKey): z.ZodType[] {
  if (s instanceof z.ZodObject && typeof seg === 'string') {
    const child = (s.shape as Record<string, z.ZodType>)[seg];
    return child ? [child] : [];
  }
  if (s instanceof z.ZodArray && typeof seg === 'number') return [s.element as z.ZodType];
  if (s instanceof z.ZodRecord && typeof seg === 'string') return [s.valueType as z.ZodType];
  return [];
}

/**
 * The title of the object schema at `path` inside `schema` (its `.meta({ title })`), if there is
 * one: what an error calls the object a key belongs to ("Role", "OpenSearch role").
 */
export function titleAt(schema: z.ZodType, path: readonly PropertyKey[]): string | undefined {
  let current: z.ZodType[] = [schema];
  for (const seg of path) current = current.flatMap((s) => objectsIn(s)).flatMap((s) => childAt(s, seg));
  const titles = current
    .flatMap(objectsIn)
    .filter((s) => s instanceof z.ZodObject)
    .map((s) => s.meta()?.title)
    .filter((t): t is string => typeof t === 'string');
  return titles[0];
}
