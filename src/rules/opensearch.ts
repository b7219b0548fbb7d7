// OpenSearch cross-cluster replication, seed 003: the leader and the follower must share one
// security configuration — the security plugin fully enabled on both, enabled for TLS only on
// both, or off on both.
//
// Only OpenSearch clusters are judged (an Elasticsearch cluster is never reported). The security
// configuration is read from how xcluster reaches each cluster: credentials (or a client
// certificate) mean the security plugin is fully on; no credentials over https means TLS only; no credentials over http means off.

import { type ClusterConfig, type Finding } from '../model/types.js';
import { OPENSEARCH_FLAVOR } from '../model/cross-cluster.js';
import { finding, remoteLinks } from './estate.js';
import { type Rule } from './rule.js';

type Security = 'full' | 'TLS only' | 'off';

export function securityOf(c: ClusterConfig): Security {
  if (c.connection.auth.kind !== 'none' || c.connection.clientCertificate) return 'full';
  return c.connection.url.startsWith('https://') ? 'TLS only' : 'off';
}

const isOpenSearch = (c: ClusterConfig | undefined): c is ClusterConfig =>
  (c?.connection.flavor as string | undefined) === OPENSEARCH_FLAVOR;

const securityMismatch: Rule = {
  id: 'opensearch-security-mismatch',
  severity: 'error',
  description:
    'OpenSearch leader and follower have different security configurations (full, TLS only, off); configure both the same way.',
  needsLive: false,
  check({ config }) {
    const cluster = (name: string) => config.clusters.find((c) => c.name === name);
    return remoteLinks(config).flatMap((link): Finding[] => {
      const [follower, leader] = [cluster(link.local), cluster(link.remote)];
      if (!isOpenSearch(follower) || !isOpenSearch(leader)) return [];
      const [f, l] = [securityOf(follower), securityOf(leader)];
      if (f === l) return [];
      const message = `${link.remote} (security ${l}) and ${link.local} (security ${f}) do not share one security configuration, which OpenSearch replication requires: enable the security plugin fully on both, for TLS only on both, or on neither`;
      return [finding(this, link.local, message, link.desired.source)];
    });
  },
};

export const openSearchRules: Rule[] = [securityMismatch];
