// The top-level shape of every answer xcluster reads or writes, one zod schema per endpoint.
// Only the top level and what a wrong reading would bless are checked: the parse of each kind
// stays as lenient as the servers' versions need, but a list endpoint answering `[]`, `null`
// or a string is never read as "no objects". Recorded answers of real servers
// (test/fixtures/) all pass; test/unit/issue-12-answers.test.ts holds them to it.

import { z } from 'zod';
import { type Shape } from './http.js';

/** A JSON object (not an array, not null). */
const object = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  'expected an object',
);

/** A list endpoint's `{ name: body }`: an object whose every member is an object. */
const byName = (what: string): Shape => ({ schema: z.record(z.string(), object), what });

export const ANY_OBJECT: Shape = { schema: object, what: 'a JSON object' };

export const READ_SHAPES = {
  info: {
    schema: z.looseObject({ version: z.looseObject({ number: z.string() }) }),
    what: 'the server info ({ version: { number } })',
  },
  settings: {
    schema: z.looseObject({ persistent: object, transient: object }),
    what: 'cluster settings ({ persistent, transient })',
  },
  remoteInfo: { schema: object, what: 'an object of remote clusters by alias' },
  roles: byName('an object of roles by name'),
  users: byName('an object of users by name'),
  roleMappings: byName('an object of role mappings by name'),
  actionGroups: byName('an object of action groups by name'),
  nodesDn: byName('an object of nodes_dn entries by name'),
  /** Any security collection, read again before a write. */
  collection: byName('an object of objects by name'),
  identity: ANY_OBJECT,
  builtinPrivileges: ANY_OBJECT,
} satisfies Record<string, Shape>;

const created = (key: string): Shape => ({
  schema: z.looseObject({ [key]: z.looseObject({ created: z.boolean() }) }),
  what: `{ ${key}: { created } }`,
});

/** The answers of Elasticsearch's writes (elasticsearch-specification, and test/fixtures/elasticsearch/8.19.5/writes). */
export const WRITE_SHAPES = {
  putRole: created('role'),
  putRoleMapping: created('role_mapping'),
  putUser: { schema: z.looseObject({ created: z.boolean() }), what: '{ created }' },
  delete: { schema: z.looseObject({ found: z.boolean() }), what: '{ found }' },
  settings: { schema: z.looseObject({ acknowledged: z.literal(true) }), what: '{ acknowledged: true }' },
  /** OpenSearch's security API: `{ status: "OK", message }` (test/fixtures/opensearch/2.19.4/writes). */
  securityOk: { schema: z.looseObject({ status: z.literal('OK') }), what: '{ status: "OK" }' },
  any: ANY_OBJECT,
} satisfies Record<string, Shape>;
