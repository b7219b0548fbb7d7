// The shape of an OpenSearch cluster file (connection.flavor: opensearch), as zod schemas. The
// connection, secrets, remote clusters and prune are shared with the Elasticsearch file (schema.ts); the
// security sections are the OpenSearch security plugin's. Every object is strict.
//
// Bodies follow the security plugin's REST API, https://opensearch.org/docs/latest/security/access-control/api/
// (PUT /_plugins/_security/api/roles/<name>, internalusers/<name>, rolesmapping/<name>,
// actiongroups/<name>, nodesdn/<name>), and what the real server answers, recorded in
// test/fixtures/opensearch/2.19.4/ (its README describes the server's behaviour: the defaults it
// fills in, reserved and static objects, the 404 of a missing role).

import { z } from 'zod';
import { MANAGED_ATTRIBUTE } from '../flavors/opensearch-canonical.js';
import { type Desired, type Reference } from '../model/types.js';
import { nameCheck } from './names.js';
import {
  checkPasswordsSchema,
  connectionSchema,
  pruneSchema,
  remoteClustersSection,
  secretSchema,
  section,
  stringList,
} from './schema.js';

const OS = 'opensearch';

// ---------------------------------------------------------------------------------------------
// Roles (PUT /_plugins/_security/api/roles/<name>)

const indexPermissionSchema = z
  .strictObject({
    index_patterns: stringList.meta({ description: 'Index names or patterns, e.g. logs-*.' }),
    allowed_actions: stringList.meta({
      description: 'Action groups or actions, e.g. read, indices:admin/plugins/replication/index/start.',
    }),
    fls: stringList
      .optional()
      .meta({ description: 'Field-level security: the fields granted (or, prefixed with ~, excluded).' }),
    masked_fields: stringList.optional().meta({ description: 'Fields whose values are masked.' }),
    dls: z
      .union([z.string(), z.record(z.string(), z.unknown())])
      .optional()
      .meta({ description: 'Document-level security query (object or JSON string).' }),
  })
  .meta({ id: 'opensearchIndexPermission', title: 'OpenSearch index permission' });

const tenantPermissionSchema = z
  .strictObject({
    tenant_patterns: stringList.meta({ description: 'Tenant names or patterns.' }),
    allowed_actions: stringList.meta({ description: 'e.g. kibana_all_read or kibana_all_write.' }),
  })
  .meta({ id: 'opensearchTenantPermission', title: 'OpenSearch tenant permission' });

export const openSearchRoleSchema = z
  .strictObject({
    cluster_permissions: stringList
      .optional()
      .meta({ description: 'Cluster-wide action groups or actions, e.g. cluster_monitor.' }),
    index_permissions: z.array(indexPermissionSchema).optional().meta({ description: 'Permissions on indices.' }),
    tenant_permissions: z
      .array(tenantPermissionSchema)
      .optional()
      .meta({ description: 'Permissions on OpenSearch Dashboards tenants.' }),
    description: z.string().optional().meta({ description: 'What the role is for.' }),
  })
  .meta({
    id: 'opensearchRole',
    title: 'OpenSearch role',
    description: 'A role, as the body of PUT /_plugins/_security/api/roles/<name>.',
  });

// ---------------------------------------------------------------------------------------------
// Internal users (PUT /_plugins/_security/api/internalusers/<name>)

/** The ownership marker is xcluster's attribute: a user of the config may not set it. */
const attributesSchema = z
  .record(z.string(), z.string())
  .superRefine((a, ctx) => {
    if (a[MANAGED_ATTRIBUTE] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [MANAGED_ATTRIBUTE],
        message: `the attribute ${MANAGED_ATTRIBUTE} is xcluster's ownership marker, written by xcluster itself`,
      });
    }
  })
  .meta({ description: 'Free-form attributes (strings), e.g. for DLS templates.' });

export const internalUserSchema = z
  .strictObject({
    password: secretSchema.optional().meta({ description: 'Password: { env: NAME } or { file: PATH }.' }),
    backend_roles: stringList.optional().meta({ description: 'Backend roles of the user.' }),
    attributes: attributesSchema.optional(),
    opendistro_security_roles: stringList
      .optional()
      .meta({ description: 'Security roles the user holds directly (each must exist on the cluster).' }),
    description: z.string().optional().meta({ description: 'Who or what the user is.' }),
  })
  .meta({
    id: 'opensearchInternalUser',
    title: 'OpenSearch internal user',
    description: 'A user of the internal user database.',
  });

// ---------------------------------------------------------------------------------------------
// Roles mappings (PUT /_plugins/_security/api/rolesmapping/<role>)

export const rolesMappingSchema = z
  .strictObject({
    users: stringList.optional().meta({ description: 'Users mapped to the role.' }),
    backend_roles: stringList.optional().meta({ description: 'Backend roles mapped to the role.' }),
    hosts: stringList.optional().meta({ description: 'Hosts mapped to the role.' }),
    and_backend_roles: stringList.optional().meta({ description: 'Backend roles a user must all hold to be mapped.' }),
    description: z.string().optional().meta({ description: 'What the mapping is for.' }),
  })
  .meta({
    id: 'opensearchRolesMapping',
    title: 'OpenSearch roles mapping',
    description: 'Who holds the role of the same name (the role must exist on the cluster).',
  });

// ---------------------------------------------------------------------------------------------
// Action groups (PUT /_plugins/_security/api/actiongroups/<name>)

export const actionGroupSchema = z
  .strictObject({
    allowed_actions: stringList.meta({ description: 'Actions or other action groups.' }),
    type: z.enum(['cluster', 'index', 'kibana']).optional().meta({ description: 'cluster, index or kibana.' }),
    description: z.string().optional().meta({ description: 'What the group is for.' }),
  })
  .meta({ id: 'opensearchActionGroup', title: 'OpenSearch action group', description: 'A named set of actions.' });

// ---------------------------------------------------------------------------------------------
// Nodes DN (PUT /_plugins/_security/api/nodesdn/<name>)

const nodesDnSchema = z
  .array(z.string().min(1, { error: 'must be a distinguished name, e.g. CN=node-0.example.com,O=node' }))
  .meta({
    description: 'Distinguished names of the nodes of another cluster, e.g. CN=node-0.example.com,OU=node,O=node.',
  });

// ---------------------------------------------------------------------------------------------
// The cluster file

export const openSearchClusterFileSchema = z
  .strictObject({
    connection: connectionSchema,
    roles: section(openSearchRoleSchema, 'Roles, by name (OpenSearch security roles).', nameCheck(OS, 'role')),
    internal_users: section(internalUserSchema, 'Internal users, by name.', nameCheck(OS, 'internal_user')),
    roles_mapping: section(
      rolesMappingSchema,
      'Roles mappings, by the name of the role they map.',
      nameCheck(OS, 'roles_mapping'),
    ),
    action_groups: section(actionGroupSchema, 'Action groups, by name.', nameCheck(OS, 'action_group')),
    nodes_dn: section(
      nodesDnSchema,
      'Node distinguished names this cluster accepts, by a name of your choice (e.g. the other cluster). Needs connection.client_certificate (the admin certificate) and plugins.security.nodes_dn_dynamic_config_enabled: true.',
      nameCheck(OS, 'nodes_dn'),
    ),
    remote_clusters: remoteClustersSection('Remote clusters, by alias (skip_unavailable defaults to false).'),
    prune: pruneSchema,
    check_passwords: checkPasswordsSchema,
  })
  .superRefine((file, ctx) => {
    if (file.connection.auth?.api_key !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['connection', 'auth', 'api_key'],
        message:
          "OpenSearch's security plugin has no API keys: use username + password, or connection.client_certificate",
      });
    }
  })
  .meta({
    title: 'xcluster cluster file (OpenSearch)',
    description:
      'xcluster/clusters/<name>.yml of an OpenSearch cluster (connection.flavor: opensearch): how to reach it, and what it must contain.',
  });

export type OpenSearchClusterFile = z.output<typeof openSearchClusterFileSchema>;

// ---------------------------------------------------------------------------------------------
// References

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);

/**
 * The objects an OpenSearch object names and the server insists exist when it is written: a
 * roles mapping is for the role of its name, and an internal user's `opendistro_security_roles`
 * are roles; either answers 404 `role 'X' not found.` otherwise (fixtures README, "Missing
 * references are 404 at write time"). Roles and action groups name action groups, which the
 * server does not check (see actionGroupReferences). Read from the canonical body, so
 * hand-written and intent-expanded objects alike get them.
 */
export function openSearchReferences(d: Pick<Desired, 'kind' | 'name' | 'body'>): Reference[] {
  if (d.kind === 'roles_mapping') return [{ kind: 'role', name: d.name, field: 'name' }];
  if (d.kind === 'internal_user') {
    return strings(d.body.opendistro_security_roles).map((name) => ({
      kind: 'role',
      name,
      field: 'opendistro_security_roles',
    }));
  }
  if (d.kind === 'role') return actionGroupReferences(roleActions(d.body));
  if (d.kind === 'action_group') return actionGroupReferences([['allowed_actions', strings(d.body.allowed_actions)]]);
  return [];
}

const entries = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null) : [];

/** The action lists of a role, by the field that holds them. */
function roleActions(body: Desired['body']): [string, string[]][] {
  return [
    ['cluster_permissions', strings(body.cluster_permissions)],
    ['index_permissions.allowed_actions', entries(body.index_permissions).flatMap((e) => strings(e.allowed_actions))],
    ['tenant_permissions.allowed_actions', entries(body.tenant_permissions).flatMap((e) => strings(e.allowed_actions))],
  ];
}

/**
 * An allowed action is an action pattern (`indices:data/read/*`, `cluster:monitor/*`, `*`) or
 * the name of an action group. The server stores a name that is neither without a word (seen on
 * 2.19.4: `"allowed_actions": ["raed"]` is 201 Created), and the permission grants nothing.
 */
function actionGroupReferences(lists: [string, string[]][]): Reference[] {
  const refs = lists.flatMap(([field, actions]) =>
    actions
      .filter((a) => !a.includes(':') && !a.includes('*'))
      .map((name): Reference => ({ kind: 'action_group', name, field, unchecked: true })),
  );
  return refs.filter((r, i) => refs.findIndex((x) => x.name === r.name && x.field === r.field) === i);
}

/** `d` with its references set (unchanged when it names nothing). */
export function withOpenSearchReferences(d: Desired): Desired {
  const references = openSearchReferences(d);
  return references.length > 0 ? { ...d, references } : d;
}
