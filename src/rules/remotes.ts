// Remote cluster connections (the cluster.remote.<alias>.* settings), seed 002: settings the
// server would refuse, changes that drop open connections, and connections that are down.

import { HOST_PORT } from '../config/schema.js';
import { nearest } from '../config/suggest.js';
import { remoteAddresses } from '../model/remote-address.js';
import {
  type Canonical,
  type Change,
  type Desired,
  type Finding,
  type Json,
  type RemoteInfo,
  type Severity,
} from '../model/types.js';
import { finding, flavorOf, ofKind, readableState, remoteLinks } from './estate.js';
import { type Rule } from './rule.js';

/** Per mode: the setting it cannot do without, and the settings only it accepts. */
const MODES: Record<string, { required: string; only: string[] }> = {
  sniff: { required: 'seeds', only: ['seeds', 'node_connections'] },
  proxy: { required: 'proxy_address', only: ['proxy_address', 'proxy_socket_connections', 'server_name'] },
};
const COMMON = ['mode', 'skip_unavailable', 'transport'];
const TRANSPORT = ['compress', 'compression_scheme', 'ping_schedule'];
const KNOWN = [...COMMON, ...Object.values(MODES).flatMap((m) => m.only)];

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every problem of one remote's settings, each a sentence that says what to write instead. */
function settingProblems(body: Canonical): string[] {
  const mode = typeof body.mode === 'string' ? body.mode : 'sniff';
  const spec = MODES[mode];
  if (!spec) return [`mode "${mode}" is neither sniff nor proxy`];
  const other = Object.values(MODES).flatMap((m) => (m === spec ? [] : m.only));
  const transport = isObject(body.transport) ? Object.keys(body.transport) : [];
  const unknown = (key: string, known: string[], prefix = '') => {
    const guess = nearest(key, known);
    return `unknown setting ${prefix}${key}${guess ? `; did you mean ${prefix}${guess}?` : ''}`;
  };
  const addresses = remoteAddresses(body);
  return [
    ...(body[spec.required] === undefined ? [`${mode} mode needs ${spec.required}`] : []),
    ...Object.keys(body)
      .filter((k) => !KNOWN.includes(k))
      .map((k) => unknown(k, KNOWN)),
    ...transport.filter((k) => !TRANSPORT.includes(k)).map((k) => unknown(k, TRANSPORT, 'transport.')),
    ...Object.keys(body)
      .filter((k) => other.includes(k))
      .map((k) => `${k} does not apply in ${mode} mode`),
    ...addresses.filter((a) => !HOST_PORT.test(a)).map((a) => `"${a}" is not host:port (e.g. east.example.com:9300)`),
  ];
}

const settingsValid: Rule = {
  id: 'remote-settings-valid',
  severity: 'error',
  description:
    'A remote connection the server would refuse: sniff without seeds, proxy without proxy_address, an unknown setting, a seed that is not host:port; fix the setting.',
  needsLive: false,
  check({ config }) {
    return ofKind(config, 'remote_cluster').flatMap((d: Desired): Finding[] => {
      const problems = settingProblems(d.body);
      if (problems.length === 0) return [];
      return [finding(this, d.cluster, `remote ${d.name} on ${d.cluster}: ${problems.join('; ')}`, d.source)];
    });
  },
};

/** The transport settings whose change makes every node close and reopen its connections (seed 002). */
const RESETTING = ['compress', 'ping_schedule'];

const transportOf = (body: Canonical | undefined): { [key: string]: Json } =>
  isObject(body?.transport) ? body.transport : {};

function resettingChanges(ch: Change): string[] {
  if (ch.kind !== 'remote_cluster' || ch.action !== 'update') return [];
  const [before, after] = [transportOf(ch.before), transportOf(ch.body)];
  return RESETTING.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).map((k) => `transport.${k}`);
}

const connectionReset: Rule = {
  id: 'remote-connection-reset',
  severity: 'warning',
  description:
    'The plan changes transport.compress or transport.ping_schedule of a remote: its open connections close and in-flight requests may fail; apply at a quiet time.',
  needsLive: true,
  check({ changes = [] }) {
    return changes.flatMap((ch): Finding[] => {
      const settings = resettingChanges(ch);
      if (settings.length === 0) return [];
      const message = `changing ${settings.join(' and ')} of remote ${ch.name} closes and reopens every connection of ${ch.cluster} to it, and in-flight cross-cluster requests may fail: apply at a quiet time`;
      return [finding(this, ch.cluster, message, ch.source)];
    });
  },
};

/**
 * A remote that is down is a finding about that remote, not about the rest of the plan. With
 * `skip_unavailable: true` searches skip it, so it is a warning and apply goes on with the other
 * changes; otherwise every cross-cluster request through it fails, an error. A remote that sets
 * no value has the server's default (true from 8.15, false before), which `_remote/info` reports.
 */
const severityWhenDown = (d: Desired, info: RemoteInfo | undefined): Severity => {
  const skips = typeof d.body.skip_unavailable === 'boolean' ? d.body.skip_unavailable : info?.skip_unavailable;
  return skips === true ? 'warning' : 'error';
};

const connected: Rule = {
  id: 'remote-connected',
  severity: 'error',
  description:
    'GET /_remote/info says a configured remote is not connected (a warning when its skip_unavailable is true); check the seeds or proxy address, the network and the TLS trust between the clusters.',
  needsLive: true,
  check({ config, live = [], changes = [] }) {
    return ofKind(config, 'remote_cluster').flatMap((d): Finding[] => {
      const state = readableState(live, d.cluster);
      // A remote the plan creates or changes is judged after apply (apply waits for it to connect);
      // one that GET /_remote/info does not list is not reported: the server says nothing about it.
      const planned = changes.some((c) => c.cluster === d.cluster && c.kind === 'remote_cluster' && c.name === d.name);
      const info = state?.remoteInfo[d.name];
      if (planned || info?.connected !== false) return [];
      const severity = severityWhenDown(d, info);
      const skipped = severity === 'warning' ? ' (skip_unavailable: true, so searches skip it meanwhile)' : '';
      const message = `remote ${d.name} on ${d.cluster} is not connected (GET /_remote/info)${skipped}: check that its seeds or proxy address are reachable from ${d.cluster} and that both clusters trust each other's transport CA`;
      return [finding(this, d.cluster, message, d.source, severity)];
    });
  },
};

/** A connection between an Elasticsearch and an OpenSearch cluster: their transport layers do not speak to each other. */
const sameFamily: Rule = {
  id: 'remote-flavor-mismatch',
  severity: 'error',
  description:
    'A remote connection joins an Elasticsearch and an OpenSearch cluster, whose transport layers refuse each other; connect clusters of one family.',
  needsLive: false,
  check({ config }) {
    return remoteLinks(config).flatMap((link): Finding[] => {
      const [local, remote] = [flavorOf(config, link.local), flavorOf(config, link.remote)];
      if (local === undefined || remote === undefined || local === remote) return [];
      const message = `remote cluster "${link.alias}" of ${link.local} (${local}) points at ${link.remote} (${remote}): Elasticsearch and OpenSearch clusters cannot be remote clusters of each other (their transport handshakes refuse each other); connect clusters of one family`;
      return [finding(this, link.local, message, link.desired.source)];
    });
  },
};

export const remoteRules: Rule[] = [settingsValid, connectionReset, connected, sameFamily];
