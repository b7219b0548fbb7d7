// OpenSearch action group types. Since 2.15 the security plugin accepts only `cluster` and `index`
// (opensearch-project/security#4400, backported as #4411 and listed in the 2.15.0 release notes;
// before it any string was stored): a PUT or PATCH with `type: kibana` is 400 `Invalid action
// group type: kibana. Supported types are: cluster, index.` (recorded from 2.19.4,
// test/fixtures/opensearch/2.19.4/issue-12/05), although the demo configuration's own reserved
// groups still carry it. The plan knows the cluster's version (GET /) and says so as an error;
// `xcluster lint` does not, so it warns.

import { type Finding } from '../model/types.js';
import { finding, flavorOf, ofKind, readableState } from './estate.js';
import { type Rule } from './rule.js';
import { compareVersions } from './version-numbers.js';

/** The first OpenSearch version whose security plugin refuses other types than these. */
const TYPES_CHECKED_SINCE = '2.15.0';
const ACCEPTED = ['cluster', 'index'];

const actionGroupType: Rule = {
  id: 'action-group-type',
  severity: 'error',
  description:
    'An OpenSearch action group has a type other than cluster or index (e.g. kibana), which OpenSearch 2.15 and later refuse (400 Invalid action group type); use cluster or index, or leave type out. Lint, which does not know the version, warns.',
  needsLive: false,
  check({ config, live }) {
    return ofKind(config, 'action_group').flatMap((d): Finding[] => {
      const type = d.body.type;
      if (typeof type !== 'string' || ACCEPTED.includes(type) || flavorOf(config, d.cluster) !== 'opensearch') {
        return [];
      }
      const version = live ? readableState(live, d.cluster)?.version : undefined;
      const order = version === undefined ? undefined : compareVersions(version, TYPES_CHECKED_SINCE);
      if (order !== undefined && order < 0) return []; // older servers store any type
      const source = d.fieldSources?.type ?? d.source;
      const refused = `type ${type} of action group ${d.name} on ${d.cluster}: OpenSearch ${TYPES_CHECKED_SINCE} and later accept only cluster and index`;
      if (version === undefined) {
        const message = `${refused}; the cluster's version is not known here, so this is a warning (plan says error from 2.15 on): use cluster or index, or leave type out`;
        return [finding(this, d.cluster, message, source, 'warning')];
      }
      const message = `${refused}, and ${d.cluster} runs ${version}, which would refuse the action group at apply time: use cluster or index, or leave type out`;
      return [finding(this, d.cluster, message, source)];
    });
  },
};

export const actionGroupRules: Rule[] = [actionGroupType];
