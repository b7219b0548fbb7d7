// What the server must find, or be able to read, for the plan to apply. Both rules read only
// what the model says — the references a desired object carries (set by the config loader: an
// OpenSearch roles mapping names its role, an internal user its roles) and the kinds a read round
// could not read (`ClusterState.unreadable`) — so they know no server's dialect.

import { type ClusterState, type Desired, type Finding, type Reference } from '../model/types.js';
import { finding, readableState } from './estate.js';
import { type Rule, type RuleContext } from './rule.js';

/** One key per object of a cluster: the lookups below are by key, so a check is linear in the estate. */
const keyOf = (cluster: string, kind: string, name: string): string => JSON.stringify([cluster, kind, name]);

const onServer = (state: ClusterState, ref: Reference): boolean =>
  state.objects[ref.kind]?.[ref.name] !== undefined || (state.reserved[ref.kind] ?? []).includes(ref.name);

/** `roles_mapping "readers" is for role "readers"`, `internal_user "u" names role "r" in opendistro_security_roles`. */
function naming(d: Desired, ref: Reference): string {
  const how = ref.field === 'name' ? 'is for' : 'names';
  const where = ref.field === 'name' ? '' : ` in ${ref.field}`;
  return `${d.kind} "${d.name}" ${how} ${ref.kind} "${ref.name}"${where}`;
}

const unknownReference: Rule = {
  id: 'unknown-reference',
  severity: 'error',
  description:
    'An object names another one (an OpenSearch roles mapping its role, an internal user its roles, a role or action group its action groups) that exists neither in the config nor on the cluster; the server would refuse it (404) mid-apply, or (action groups) store it and grant nothing.',
  needsLive: true,
  check({ config, live = [], changes = [] }: RuleContext) {
    const inConfig = new Set(config.desired.map((d) => keyOf(d.cluster, d.kind, d.name)));
    // Objects live now but gone once the plan applies (prune).
    const deleted = new Set(changes.filter((c) => c.action === 'delete').map((c) => keyOf(c.cluster, c.kind, c.name)));
    return config.desired.flatMap((d): Finding[] => {
      const state = readableState(live, d.cluster);
      if (!state || !d.references) return [];
      return d.references.flatMap((ref): Finding[] => {
        // A kind the read round could not read is kind-unreadable's to report: nothing is known of it.
        const key = keyOf(d.cluster, ref.kind, ref.name);
        if (state.unreadable?.[ref.kind] !== undefined || inConfig.has(key)) return [];
        const exists = onServer(state, ref);
        if (exists && !deleted.has(key)) return [];
        const why = exists
          ? `which this plan deletes from ${d.cluster} (prune) and the config does not name`
          : `which exists neither in the config nor on ${d.cluster}`;
        const consequence = ref.unchecked
          ? 'the server takes the name unchecked and the permission grants nothing'
          : 'the server would refuse it (404) mid-apply';
        const message = `${naming(d, ref)}, ${why}; ${consequence}: add ${ref.kind} "${ref.name}" to the config or fix the name`;
        return [finding(this, d.cluster, message, d.source)];
      });
    });
  },
};

const kindUnreadable: Rule = {
  id: 'kind-unreadable',
  severity: 'error',
  description:
    'The config holds objects of a kind the cluster did not let xcluster read (e.g. OpenSearch nodes_dn without the admin client certificate), so they cannot be planned; set connection.client_certificate.',
  needsLive: true,
  check({ config, live = [] }) {
    return live.flatMap((state): Finding[] => {
      if (!state.reachable) return [];
      return Object.entries(state.unreadable ?? {}).flatMap(([kind, reason]): Finding[] => {
        const wanted = config.desired.filter((d) => d.cluster === state.name && d.kind === kind);
        const first = wanted[0];
        if (!first) return [];
        const names = wanted.map((d) => d.name).join(', ');
        const message = `cannot read ${kind} on ${state.name}: ${reason}; ${kind} ${names} cannot be planned without reading it. If the API needs a TLS client certificate (OpenSearch's nodesdn API needs the admin certificate), set connection.client_certificate`;
        return [finding(this, state.name, message, first.source)];
      });
    });
  },
};

export const referenceRules: Rule[] = [unknownReference, kindUnreadable];
