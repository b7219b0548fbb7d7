// Live objects whose name xcluster refuses (model/names.ts). The read round keeps them out of the
// live state, so they are never compared, written or pruned; this rule says so, so that a name
// like `__proto__` from a server, a proxy or a snapshot file is seen rather than silently dropped.

import { type Finding } from '../model/types.js';
import { finding } from './estate.js';
import { type Rule } from './rule.js';

const unusableName: Rule = {
  id: 'unusable-name',
  severity: 'warning',
  description:
    'A live object has a name xcluster refuses (__proto__, constructor, prototype, . or .., control characters, a remote alias the server would not parse): it is left alone, never compared, written or deleted; look at who created it.',
  needsLive: true,
  check({ config, live = [] }) {
    return live.flatMap((state): Finding[] => {
      // The cluster file: a live object has no line of its own, the connection says where it was read.
      const source = config.clusters.find((c) => c.name === state.name)?.connection.source;
      return (state.unusableNames ?? []).map(({ kind, name, reason }) => {
        const message = `${kind} ${JSON.stringify(name)} on ${state.name} is left alone: ${reason}`;
        return finding(this, state.name, message, source);
      });
    });
  },
};

export const nameRules: Rule[] = [unusableName];
