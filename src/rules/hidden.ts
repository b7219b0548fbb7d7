// Hidden objects (OpenSearch `hidden: true`, made with the admin certificate): the REST API lists
// them only to the admin certificate, answers anyone else's GET with the 404 of a missing object
// and anyone else's write with 404 `Resource 'X' is not available.` (recorded from 2.19.4,
// test/fixtures/opensearch/2.19.4/issue-12/10–15). A configured name that exists hidden would be
// planned as a create that fails at apply and takes the rest of its PATCH with it, so it is an
// error at plan time. Only a read made with the admin certificate sees them: without one, the
// apply's error says what the 404 means.

import { type Finding } from '../model/types.js';
import { finding, readableState } from './estate.js';
import { type Rule } from './rule.js';

const hiddenObjectNamed: Rule = {
  id: 'hidden-object',
  severity: 'error',
  description:
    'The config names an OpenSearch object that exists as a hidden one (hidden: true, made with the admin certificate; listed only to the admin certificate); xcluster may not change it: give yours another name.',
  needsLive: true,
  check({ config, live = [] }) {
    return config.desired.flatMap((d): Finding[] => {
      const state = readableState(live, d.cluster);
      if (!state?.hidden?.[d.kind]?.includes(d.name)) return [];
      const message = `${d.kind} "${d.name}" exists on ${d.cluster} as a hidden object (hidden: true, made with the admin certificate): the REST API shows it only to that certificate and refuses anyone else's write with 404, and xcluster does not manage the server's hidden objects; give your ${d.kind} another name`;
      return [finding(this, d.cluster, message, d.source)];
    });
  },
};

export const hiddenRules: Rule[] = [hiddenObjectNamed];
