// A cluster file that validated → the model: its ClusterConfig (the connection, with secrets as
// references and the places they are written) and one Desired per object, in canonical form.

import { flavors } from '../flavors/index.js';
import {
  type Auth,
  type ClusterConfig,
  type ConnectionSpec,
  type Desired,
  type Kind,
  type SecretSpec,
  type SourceRef,
} from '../model/types.js';
import { withDlsText } from './dls-text.js';
import { type SecretInput } from './schema.js';
import { type ClusterFile } from './schema-elasticsearch.js';
import { type OpenSearchClusterFile } from './schema-opensearch.js';
import { sourceOfPath, type YamlFile } from './source.js';

/** A cluster file that parsed and validated against the schema of its flavor. */
export type ClusterFileData = { name: string; yaml: YamlFile } & (
  { flavor: 'elasticsearch'; data: ClusterFile } | { flavor: 'opensearch'; data: OpenSearchClusterFile }
);

const secretSpec = (c: ClusterFileData, s: SecretInput, p: readonly PropertyKey[]): SecretSpec => ({
  ref: 'env' in s ? { env: s.env } : { file: s.file },
  source: sourceOfPath(c.yaml, p),
});

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds from `30s`, `500ms`, `2m`, `1h` or a number of seconds. */
export function timeoutMs(t: number | string): number {
  if (typeof t === 'number') return Math.round(t * 1000);
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(t);
  const n = Number(m?.[1] ?? 30);
  return Math.round(n * (UNITS[m?.[2] ?? 's'] ?? 1000));
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

export function toClusterConfig(c: ClusterFileData): ClusterConfig {
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
    deadlineMs: timeoutMs(conn.deadline),
    source: sourceOfPath(c.yaml, ['connection']),
  };
  return { name: c.name, file: c.yaml.file, connection, prune: c.data.prune, checkPasswords: c.data.check_passwords };
}

/** Where each top-level field of an object was written, so a rule can point at the field's own line. */
function fieldSources(y: YamlFile, at: readonly PropertyKey[], body: object): Record<string, SourceRef> {
  const out: Record<string, SourceRef> = Object.create(null) as Record<string, SourceRef>;
  for (const key of Object.keys(body)) out[key] = sourceOfPath(y, [...at, key]);
  return out;
}

/** One Desired per object of the cluster file, in file order. */
export function toDesired(c: ClusterFileData): Desired[] {
  const out: Desired[] = [];
  const add = (kind: Kind, section: string, name: string, body: object, extra: Partial<Desired> = {}) =>
    out.push({
      cluster: c.name,
      kind,
      name,
      body: flavors[c.flavor].normalize(kind, body),
      source: sourceOfPath(c.yaml, [section, name]),
      fieldSources: fieldSources(c.yaml, [section, name], body),
      ...extra,
    });
  /** The password is resolved only by the steps that need it; it never enters the body. */
  const password = (s: SecretInput | undefined, section: string, name: string): Partial<Desired> =>
    s ? { password: secretSpec(c, s, [section, name, 'password']) } : {};

  if (c.flavor === 'opensearch') {
    const d = c.data;
    for (const [name, role] of Object.entries(d.roles ?? {}))
      add('role', 'roles', name, withDlsText(c.yaml, name, role));
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
