// Versions of connected clusters, from `GET /` of each: can the local cluster reach the remote one
// (seed 002's table, rules/version-table.ts), and is its security model still supported.

import { type ClusterState, type Finding } from '../model/types.js';
import { finding, flavorOf, ofKind, remoteLinks } from './estate.js';
import { type Rule } from './index.js';
import { compatibility } from './version-table.js';

const versionOf = (live: ClusterState[], cluster: string): string | undefined =>
  live.find((s) => s.name === cluster && s.reachable)?.version;

const versionCompatible: Rule = {
  id: 'remote-version-compatible',
  severity: 'error',
  description:
    'The local and remote cluster versions cannot talk (seed 002 table); upgrade one side first (a version outside the table is a warning).',
  needsLive: true,
  check({ config, live = [] }) {
    return remoteLinks(config).flatMap((link): Finding[] => {
      const [local, remote] = [versionOf(live, link.local), versionOf(live, link.remote)];
      if (!local || !remote || flavorOf(config, link.local) !== 'elasticsearch') return [];
      const verdict = compatibility(local, remote);
      if (verdict === 'compatible') return [];
      const pair = `${link.local} (${local}) → ${link.remote} (${remote})`;
      const message =
        verdict === 'incompatible'
          ? `remote ${link.alias}: ${pair} is not a compatible pair of versions; upgrade ${link.local} or ${link.remote} to a version the other supports before connecting them`
          : `remote ${link.alias}: ${pair} is outside the version compatibility table xcluster knows (7.17 to 9.3); check the Elasticsearch documentation for this pair`;
      const severity = verdict === 'incompatible' ? 'error' : 'warning';
      return [finding(this, link.local, message, link.desired.source, severity)];
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
      const state = live.find((s) => s.name === d.cluster && s.reachable);
      const major = Number(state?.version?.split('.')[0]);
      if (!(major >= 9) || usesApiKey(state, d.name) || flavorOf(config, d.cluster) !== 'elasticsearch') return [];
      const message = `remote ${d.name} on ${d.cluster} (${state?.version}) uses TLS certificate authentication, deprecated since Elasticsearch 9.0: migrate it to API key authentication (security: api_key in an intent)`;
      return [finding(this, d.cluster, message, d.source)];
    });
  },
};

export const versionRules: Rule[] = [versionCompatible, certAuthDeprecated];
