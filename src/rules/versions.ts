// Versions of connected clusters, from `GET /` of each: can the local cluster reach the remote one
// (the wire rule of minimum wire compatibility versions, rules/version-numbers.ts; seed 002's
// table, rules/version-table.ts), and is its security model still supported.

import { type ClusterState, type Finding, type Severity } from '../model/types.js';
import { finding, flavorOf, ofKind, readableState, remoteLinks } from './estate.js';
import { type Rule } from './rule.js';
import { wireAccepts, type WireVersions } from './version-numbers.js';
import { compatibility } from './version-table.js';

type Verdict = { severity: Severity; message: string } | undefined;

/**
 * What to say of `local` connecting to `remote` (`pair` names both, with their versions). The wire
 * rule (minimum wire compatibility versions: what the servers enforce) decides whether they
 * connect; the table (seed 002: what Elastic supports) only whether the pair is documented.
 * Without the wire versions (a snapshot recorded before they were kept), the table decides alone.
 */
function verdictOf(local: ClusterState & WireVersions, remote: ClusterState & WireVersions, pair: string): Verdict {
  const wire = wireAccepts(local, remote);
  if (wire === false) {
    const accepted = `${local.name} accepts ${local.minimumWireVersion} and later, ${remote.name} accepts ${remote.minimumWireVersion} and later`;
    const message = `${pair}: the servers refuse to connect (${accepted}); upgrade ${local.name} or ${remote.name} to a version the other accepts before connecting them`;
    return { severity: 'error', message };
  }
  const table = compatibility(local.version, remote.version);
  if (table === 'compatible') return undefined;
  if (wire === true) {
    const message = `${pair} connects, but outside the documented compatibility table (seed 002): Elastic does not support this pair; move to a documented pair when you can`;
    return { severity: 'warning', message };
  }
  return table === 'incompatible'
    ? {
        severity: 'error',
        message: `${pair} is not a compatible pair of versions; upgrade ${local.name} or ${remote.name} to a version the other supports before connecting them`,
      }
    : {
        severity: 'warning',
        message: `${pair} is outside the version compatibility table xcluster knows (7.17 to 9.3); check the Elasticsearch documentation for this pair`,
      };
}

const hasVersion = (s: ClusterState | undefined): s is ClusterState & WireVersions => s?.version !== undefined;

const versionCompatible: Rule = {
  id: 'remote-version-compatible',
  severity: 'error',
  description:
    "The local and remote cluster versions cannot connect (each must be at least the other's minimum wire compatibility version); upgrade one side first (a pair that connects but is outside the seed 002 table is a warning).",
  needsLive: true,
  check({ config, live = [] }) {
    return remoteLinks(config).flatMap((link): Finding[] => {
      const [local, remote] = [readableState(live, link.local), readableState(live, link.remote)];
      if (!hasVersion(local) || !hasVersion(remote) || flavorOf(config, link.local) !== 'elasticsearch') return [];
      const pair = `remote ${link.alias}: ${link.local} (${local.version}) → ${link.remote} (${remote.version})`;
      const verdict = verdictOf(local, remote, pair);
      return verdict ? [finding(this, link.local, verdict.message, link.desired.source, verdict.severity)] : [];
    });
  },
};

/** API key remotes show `cluster_credentials` in `GET /_remote/info`; the others use certificates. */
const usesApiKey = (state: ClusterState | undefined, alias: string): boolean =>
  state?.remoteInfo[alias]?.cluster_credentials !== undefined;

const certAuthDeprecated: Rule = {
  id: 'remote-cert-auth-deprecated',
  severity: 'warning',
  description:
    'A remote connection of a 9.x cluster uses TLS certificate authentication, deprecated since 9.0; move it to API key authentication.',
  needsLive: true,
  check({ config, live = [] }) {
    return ofKind(config, 'remote_cluster').flatMap((d): Finding[] => {
      const state = readableState(live, d.cluster);
      const major = Number(state?.version?.split('.')[0]);
      if (!(major >= 9) || usesApiKey(state, d.name) || flavorOf(config, d.cluster) !== 'elasticsearch') return [];
      const message = `remote ${d.name} on ${d.cluster} (${state?.version}) uses TLS certificate authentication, deprecated since Elasticsearch 9.0: migrate it to API key authentication (security: api_key in an intent)`;
      return [finding(this, d.cluster, message, d.source)];
    });
  },
};

export const versionRules: Rule[] = [versionCompatible, certAuthDeprecated];
