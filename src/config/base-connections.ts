// On a pull request, where the requests go is the base branch's word, not the pull request's: a
// PR that could edit `connection` could send the cluster's API key to a host of its choosing. So
// every cluster is planned with the connection block of the base commit's file, and the PR's
// own connection changes wait for the merge. A cluster without a base connection (a file new in
// the PR) or whose flavor the PR changes cannot be read safely: it is linted offline. Pure.

import { toNameMap } from '../model/names.js';
import {
  type ClusterConfig,
  type Config,
  type ConnectionSpec,
  type SecretSpec,
  type SourceRef,
} from '../model/types.js';

/** Why a cluster of the pull request is planned or linted the way it is. */
export interface ConnectionNotice {
  cluster: string;
  /**
   * `changed`: the PR changes the connection (planned with the base's); `new`: no base file
   * (linted offline); `flavor`: the PR changes the flavor (linted offline).
   */
  kind: 'changed' | 'new' | 'flavor';
  /** The connection fields the PR changes (`changed`), e.g. `url`, `auth`. */
  fields: string[];
  /** The PR's connection block. */
  source: SourceRef;
}

export interface BaseConnected {
  /** The PR's config with the base connections, and only the clusters that have one. */
  config: Config;
  /** Clusters of the PR planned offline only (lint), by name. */
  offline: string[];
  notices: ConnectionNotice[];
}

const secretKey = (s: SecretSpec | undefined): string | null => (s ? JSON.stringify(s.ref) : null);

/** What decides where a connection's requests go and what they carry, field by field (sources left out). */
function connectionFields(c: ConnectionSpec): Record<string, unknown> {
  const auth = c.auth;
  return {
    flavor: c.flavor,
    url: c.url,
    auth:
      auth.kind === 'api_key'
        ? ['api_key', secretKey(auth.apiKey)]
        : auth.kind === 'basic'
          ? ['basic', auth.username, secretKey(auth.password)]
          : ['none'],
    ca: secretKey(c.ca),
    client_certificate: c.clientCertificate
      ? [secretKey(c.clientCertificate.certificate), secretKey(c.clientCertificate.key)]
      : null,
    transport: c.transport ?? null,
    timeout: c.timeoutMs,
    deadline: c.deadlineMs,
  };
}

/** The connection fields that differ between the base's and the PR's. */
export function changedConnectionFields(base: ConnectionSpec, pr: ConnectionSpec): string[] {
  const a = connectionFields(base);
  const b = connectionFields(pr);
  return Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/**
 * The config to plan a pull request with: `pr` (its desired state) with each cluster's connection
 * taken from `base` (the base commit's clusters), and the notices that say what that changed.
 */
export function withBaseConnections(pr: Config, base: readonly ClusterConfig[]): BaseConnected {
  const baseOf = toNameMap(base.map((c) => [c.name, c] as const));
  const notices: ConnectionNotice[] = [];
  const planned: ClusterConfig[] = [];
  for (const c of pr.clusters) {
    const b = baseOf[c.name];
    const source = c.connection.source;
    if (!b) notices.push({ cluster: c.name, kind: 'new', fields: [], source });
    else if (b.connection.flavor !== c.connection.flavor) {
      notices.push({ cluster: c.name, kind: 'flavor', fields: ['flavor'], source });
    } else {
      const fields = changedConnectionFields(b.connection, c.connection);
      if (fields.length) notices.push({ cluster: c.name, kind: 'changed', fields, source });
      planned.push({ ...c, connection: b.connection });
    }
  }
  const names = new Set(planned.map((c) => c.name));
  const offline = pr.clusters.filter((c) => !names.has(c.name)).map((c) => c.name);
  return {
    config: {
      ...pr,
      clusters: planned,
      desired: pr.desired.filter((d) => names.has(d.cluster)),
      transports: baseTransports(pr.transports, base),
    },
    offline,
    notices,
  };
}

/** The PR's transport addresses, with the base's for every cluster the base has (a base without one has none). */
function baseTransports(pr: Record<string, string>, base: readonly ClusterConfig[]): Record<string, string> {
  const inBase = new Set(base.map((c) => c.name));
  const kept = Object.entries(pr).filter(([name]) => !inBase.has(name));
  const fromBase = base.flatMap((c) => (c.connection.transport ? [[c.name, c.connection.transport] as const] : []));
  return toNameMap([...kept, ...fromBase]);
}
