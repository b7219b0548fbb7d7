import { type Rule } from './rule.js';

/** Built-in objects (`metadata._reserved`) are the server's: naming one in the config is a mistake. */
const reservedObjectNamed: Rule = {
  id: 'reserved-object',
  severity: 'error',
  description: 'The config names a built-in (reserved) role or user; rename your object, built-ins cannot be changed.',
  needsLive: true,
  check({ config, live = [] }) {
    return config.desired.flatMap((d) => {
      const state = live.find((s) => s.name === d.cluster);
      if (!state?.reserved[d.kind].includes(d.name)) return [];
      if (state.hidden?.[d.kind]?.includes(d.name)) return []; // the hidden-object rule says what it is
      return [
        {
          severity: 'error' as const,
          rule: 'reserved-object',
          cluster: d.cluster,
          message: `${d.kind} "${d.name}" is built in (reserved) on ${d.cluster} and cannot be managed; give your ${d.kind} another name`,
          source: d.source,
        },
      ];
    });
  },
};

export const reservedRules: Rule[] = [reservedObjectNamed];
