// The answers of the real Elasticsearch servers, recorded by scripts/elasticsearch/record-fixtures.ts
// into test/fixtures/elasticsearch/<version>/ (see test/fixtures/elasticsearch/README.md).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type RecordedRequest } from '../../../scripts/record-common.js';
import { type Line } from '../../fixtures/elasticsearch/index.js';

export type { RecordedRequest };

type Obj = Record<string, unknown>;

export interface Recording {
  version: string;
  /** The hand-built fixture line the version stands for. */
  line: Line;
  /** `requests.json`: the read round (files in the version folder) and the writes (in writes/). */
  read: RecordedRequest[];
  writes: RecordedRequest[];
  /** The read answers by request line, `"GET /_security/role"`, as Snapshot.responses keys them. */
  responses: Record<string, unknown>;
  /** The answer of one write. */
  answer(w: RecordedRequest): unknown;
}

/** The recorded versions and the hand-built line each stands for. */
export const RECORDED_VERSIONS: { version: string; line: Line }[] = [
  { version: '7.17.25', line: '7.17' },
  { version: '8.19.5', line: '8.15' },
  { version: '9.1.5', line: '9.1' },
];

const ROOT = fileURLToPath(new URL('../../fixtures/elasticsearch/', import.meta.url));
const json = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8')) as unknown;

export function loadRecording(version: string, line: Line): Recording {
  const dir = `${ROOT}${version}/`;
  const manifest = json(`${dir}requests.json`) as {
    version: string;
    read: RecordedRequest[];
    writes: RecordedRequest[];
  };
  if (manifest.version !== version) throw new Error(`${dir}requests.json is of ${manifest.version}`);
  const responses: Record<string, unknown> = {};
  for (const r of manifest.read) responses[`${r.method} ${r.path}`] = json(`${dir}${r.file}`);
  return {
    version,
    line,
    read: manifest.read,
    writes: manifest.writes,
    responses,
    answer: (w) => json(`${dir}writes/${w.file}`),
  };
}

export const RECORDINGS: Recording[] = RECORDED_VERSIONS.map(({ version, line }) => loadRecording(version, line));

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Built-in as the server marks it: `metadata._reserved` (or `_read_only`, operator role mappings). */
export const isBuiltIn = (body: unknown): boolean =>
  isObject(body) && isObject(body.metadata) && (body.metadata._reserved === true || body.metadata._read_only === true);

/** The `{ name: body }` of a recorded list answer, split into built-in and the recorder's own. */
export function splitList(list: unknown): { builtIn: Record<string, Obj>; own: Record<string, Obj> } {
  const builtIn: Record<string, Obj> = {};
  const own: Record<string, Obj> = {};
  for (const [name, body] of Object.entries(isObject(list) ? list : {})) {
    if (isBuiltIn(body)) builtIn[name] = body as Obj;
    else own[name] = body as Obj;
  }
  return { builtIn, own };
}

const SECURITY_PUT = /^\/_security\/(role|user|role_mapping)\/([^/?]+)$/;

/** The object PUTs of a recording, by kind, in the order sent (a later PUT of a name wins). */
export function objectPuts(rec: Recording, kind: 'role' | 'user' | 'role_mapping'): RecordedRequest[] {
  return rec.writes.filter((w) => w.method === 'PUT' && SECURITY_PUT.exec(w.path)?.[1] === kind);
}

export const putName = (w: RecordedRequest): string => SECURITY_PUT.exec(w.path)?.[2] ?? '';

/**
 * The remote settings the recorder PUT and the server took, by scope and alias, without the
 * `cluster.remote.<alias>.` prefix: `{ persistent: { 'rec-sniff': { seeds: [...], ... } } }`.
 */
export function remotePuts(rec: Recording): Record<'persistent' | 'transient', Record<string, Obj>> {
  const out: Record<'persistent' | 'transient', Record<string, Obj>> = { persistent: {}, transient: {} };
  for (const w of rec.writes) {
    if (w.method !== 'PUT' || w.path !== '/_cluster/settings' || w.status !== 200) continue;
    const body = isObject(w.request_body) ? w.request_body : {};
    for (const scope of ['persistent', 'transient'] as const) {
      for (const [key, value] of Object.entries(isObject(body[scope]) ? body[scope] : {})) {
        const m = /^cluster\.remote\.([^.]+)\.(.+)$/.exec(key);
        if (!m || value === null) continue;
        (out[scope][m[1]!] ??= {})[m[2]!] = value;
      }
    }
  }
  return out;
}
