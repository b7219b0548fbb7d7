// The Elasticsearch security sections of a cluster file, as zod schemas: roles, users and role
// mappings, and the Elasticsearch cluster file that holds them. Every object is strict.
//
// Role bodies follow the Elasticsearch put-role API (elasticsearch-specification:
// specification/security/put_role/SecurityPutRoleRequest.ts, _types/Privileges.ts); users and
// role mappings follow put-user and put-role-mapping. The connection, secrets, remote clusters
// and prune are shared with OpenSearch files (schema.ts).

import { z } from 'zod';
import { nameCheck } from './names.js';
import {
  connectionSchema,
  metadataSchema,
  pruneSchema,
  checkPasswordsSchema,
  remoteClustersSection,
  secretSchema,
  section,
  stringList,
  stringOrList,
} from './schema.js';

// ApplicationPrivilege refuses any whitespace in an application name (a role's applications[]).
const applicationNameSchema = z.string().regex(/^\S*$/, {
  error: 'an application name has no spaces or other whitespace, e.g. my-app or kibana-.kibana',
});

// ---------------------------------------------------------------------------------------------
// Roles (PUT /_security/role/<name>)

// The server refuses `except` alone: it excepts fields from those granted.
const fieldSecuritySchema = z
  .strictObject({ grant: stringList.optional(), except: stringList.optional() })
  .refine((f) => f.except === undefined || f.grant !== undefined, {
    error:
      "field_security needs grant when it has except, e.g. { grant: ['*'], except: [secret] } grants every field but the excepted ones",
  });

const indexPrivilegeFields = {
  names: stringOrList.meta({ description: 'Index names or patterns.' }),
  privileges: stringList.meta({ description: 'Index privileges, e.g. read, monitor, manage_follow_index.' }),
  field_security: fieldSecuritySchema
    .optional()
    .meta({ description: 'Field-level security: fields granted and excepted.' }),
  query: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .optional()
    .meta({ description: 'Document-level security query (object or JSON string).' }),
  allow_restricted_indices: z
    .boolean()
    .optional()
    .meta({ description: 'Let patterns cover restricted indices. Default false.' }),
};

const indexPrivilegesSchema = z
  .strictObject(indexPrivilegeFields)
  .meta({ id: 'indexPrivileges', title: 'Index privileges' });

const remoteIndexPrivilegesSchema = z
  .strictObject({
    clusters: stringOrList.meta({ description: 'Remote cluster aliases (patterns allowed).' }),
    ...indexPrivilegeFields,
  })
  .meta({ id: 'remoteIndexPrivileges', title: 'Remote index privileges' });

export const roleSchema = z
  .strictObject({
    cluster: stringList.optional().meta({ description: 'Cluster privileges, e.g. manage_ccr, monitor.' }),
    indices: z.array(indexPrivilegesSchema).optional().meta({ description: 'Index privileges on this cluster.' }),
    remote_indices: z
      .array(remoteIndexPrivilegesSchema)
      .optional()
      .meta({ description: 'Index privileges on remote clusters connected with API-key security.' }),
    remote_cluster: z
      .array(z.strictObject({ clusters: stringList, privileges: stringList }))
      .optional()
      .meta({ description: 'Cluster privileges on remote clusters (monitor_enrich, monitor_stats).' }),
    applications: z
      .array(z.strictObject({ application: applicationNameSchema, privileges: stringList, resources: stringList }))
      .optional()
      .meta({ description: 'Application privileges.' }),
    global: z.record(z.string(), z.unknown()).optional().meta({ description: 'Global (request-aware) privileges.' }),
    run_as: stringList.optional().meta({ description: 'Users this role may impersonate.' }),
    metadata: metadataSchema.optional(),
    description: z.string().optional().meta({ description: 'What the role is for.' }),
  })
  .meta({ id: 'role', title: 'Role', description: 'A role, as the body of the Elasticsearch put-role API.' });

// ---------------------------------------------------------------------------------------------
// Users (PUT /_security/user/<name>)

export const userSchema = z
  .strictObject({
    password: secretSchema.optional().meta({ description: 'Password: { env: NAME } or { file: PATH }.' }),
    roles: stringList.meta({ description: 'Roles of the user.' }),
    full_name: z.string().optional(),
    email: z.string().optional(),
    metadata: metadataSchema.optional(),
    enabled: z.boolean().optional().meta({ description: 'Default true.' }),
  })
  .meta({ id: 'user', title: 'User', description: 'A native-realm user.' });

// ---------------------------------------------------------------------------------------------
// Role mappings (PUT /_security/role_mapping/<name>)

// The rules follow the server's parser (x-pack ExpressionParser): every rule object holds exactly
// one operator, a field rule exactly one user field, and `except` is taken only as an element of
// `all` (its own rule may not be another except). Anything else the server refuses at apply time.

type FieldValue = string | number | boolean | null;
export interface MappingRule {
  any?: MappingRule[];
  all?: MappingRule[];
  field?: Record<string, FieldValue | FieldValue[]>;
  except?: MappingRule;
}

// The server reads a number as a long: 2.5 would be stored as 2, and the plan would never converge.
const wholeNumber = z.number().refine(Number.isInteger, {
  error: (issue) =>
    `role mapping field values must be whole numbers: the server stores ${String(issue.input)} as ${Math.trunc(Number(issue.input))}`,
});

const fieldValue = z.union([z.string(), wholeNumber, z.boolean(), z.null()]);

/** What to say of a field rule that does not name exactly one user field. */
function fieldCountMessage(names: string[]): string {
  if (names.length === 0)
    return 'a field rule names one user field, e.g. field: { username: jane }; this one names none';
  const each = names.map((n) => `{ field: { ${n}: ... } }`).join(', ');
  return `a field rule names one user field, not ${names.length} (${names.join(', ')}); to require each, write all: [${each}]`;
}

const fieldRuleSchema = z.record(z.string(), z.union([fieldValue, z.array(fieldValue)])).superRefine(
  (field, ctx) => {
    const names = Object.keys(field);
    if (names.length !== 1) ctx.addIssue({ code: 'custom', message: fieldCountMessage(names) });
  },
  // Also when a value is wrong, so that every mistake shows in one pass.
  { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
);

const EXCEPT_ONLY_IN_ALL =
  'except is allowed only as an element of all, e.g. all: [{ field: { groups: staff } }, { except: { field: { username: guest } } }]';

/** `except` anywhere but as an element of `all`: always refused, with the place it is allowed. */
const misplacedExceptSchema = z.custom<MappingRule>(() => false, { error: EXCEPT_ONLY_IN_ALL });

/** A rule object whose `except` (if any) must pass `except`. */
const ruleObject = (except: z.ZodType<MappingRule>) =>
  z
    .strictObject({
      any: z.array(mappingRuleSchema).optional(),
      all: z.array(allElementSchema).optional(),
      field: fieldRuleSchema.optional(),
      except: except.optional(),
    })
    .refine((r) => Object.values(r).filter((v) => v !== undefined).length === 1, {
      error: 'a rule has exactly one of any, all, field, except',
    });

export const mappingRuleSchema: z.ZodType<MappingRule> = z
  .lazy(() => ruleObject(misplacedExceptSchema))
  .meta({ id: 'roleMappingRule', title: 'Role mapping rule', description: 'One of any, all, field.' });

/** An element of `all`: the one place where the server takes `except`. */
const allElementSchema: z.ZodType<MappingRule> = z
  .lazy(() => ruleObject(mappingRuleSchema))
  .meta({
    id: 'roleMappingAllElement',
    title: 'Role mapping rule (in all)',
    description: 'One of any, all, field, except.',
  });

const roleTemplateSchema = z.strictObject({
  template: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .meta({ description: 'Mustache script: { source: ... }.' }),
  format: z.enum(['string', 'json']).optional(),
});

export const roleMappingSchema = z
  .strictObject({
    roles: stringList.optional().meta({ description: 'Roles granted (or use role_templates).' }),
    role_templates: z.array(roleTemplateSchema).optional().meta({ description: 'Templates that produce role names.' }),
    rules: mappingRuleSchema,
    enabled: z.boolean().optional().meta({ description: 'Default true.' }),
    metadata: metadataSchema.optional(),
  })
  .superRefine((m, ctx) => {
    if (m.roles === undefined && m.role_templates === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a role mapping needs roles or role_templates' });
    } else if (m.roles !== undefined && m.role_templates !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['role_templates'], message: 'use roles or role_templates, not both' });
    }
  })
  .meta({ id: 'roleMapping', title: 'Role mapping', description: 'Maps users of external realms to roles.' });

// ---------------------------------------------------------------------------------------------
// The cluster file

export const clusterFileSchema = z
  .strictObject({
    connection: connectionSchema,
    roles: section(roleSchema, 'Roles, by name (Elasticsearch put-role bodies).', nameCheck('elasticsearch', 'role')),
    users: section(userSchema, 'Native users, by name.', nameCheck('elasticsearch', 'user')),
    role_mappings: section(roleMappingSchema, 'Role mappings, by name.', nameCheck('elasticsearch', 'role_mapping')),
    remote_clusters: remoteClustersSection('Remote clusters, by alias.'),
    prune: pruneSchema,
    check_passwords: checkPasswordsSchema,
  })
  .meta({
    title: 'xcluster cluster file (Elasticsearch)',
    description: 'xcluster/clusters/<name>.yml of an Elasticsearch cluster: how to reach it, and what it must contain.',
  });

export type ClusterFile = z.output<typeof clusterFileSchema>;
