// Where a remote connection points: the addresses it dials, and the cluster of the estate that
// listens there. Remote-cluster settings carry no name of the cluster they reach, only these.

import { type Canonical } from './types.js';

/** The addresses a remote connection dials: its sniff seeds and its proxy address. */
export function remoteAddresses(body: Canonical): string[] {
  const seeds = Array.isArray(body.seeds) ? body.seeds : [];
  return [...seeds, body.proxy_address].filter((a): a is string => typeof a === 'string');
}

/** The cluster whose transport address (`transports`, by cluster name) the remote dials, if any. */
export function clusterAt(transports: Record<string, string>, body: Canonical): string | undefined {
  const addresses = remoteAddresses(body);
  return Object.keys(transports)
    .sort()
    .find((name) => addresses.includes(transports[name]!));
}
