// The shape of the intents file, xcluster/intents.yml, as zod schemas (expanded by
// config/intents.ts). Every object is strict.

import { z } from 'zod';
import { secretSchema, stringList } from './schema.js';

const clusterName = (description: string) => z.string().min(1).meta({ description });
const indexNames = (description: string) => z.array(z.string().min(1)).min(1).meta({ description });

const intentUserSchema = z
  .strictObject({
    name: z.string().min(1).meta({ description: 'User name.' }),
    password: secretSchema.optional().meta({ description: 'Password: { env: NAME } or { file: PATH }.' }),
    roles: stringList
      .optional()
      .meta({ description: 'Further roles the user also holds, e.g. a role that grants access to Kibana.' }),
  })
  .meta({ id: 'intentUser', title: 'Intent user', description: 'The user the intent creates.' });

const intentCommon = {
  name: z.string().min(1).meta({ description: 'Name of the intent; the plan says "from intent <name>".' }),
  alias: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Alias of the remote connection on the local cluster. Default: the remote cluster name.' }),
  user: intentUserSchema,
};

export const replicationIntentSchema = z
  .strictObject({
    ...intentCommon,
    security: z
      .enum(['certificate', 'api_key'])
      .meta({ description: 'Remote cluster security model: certificate (TLS) or api_key (Elasticsearch).' }),
    leader: z
      .strictObject({
        cluster: clusterName('The cluster that holds the leader indices (the remote cluster).'),
        indices: indexNames('Leader indices or patterns.'),
      })
      .meta({ description: 'The remote side.' }),
    follower: z
      .strictObject({
        cluster: clusterName('The cluster that holds the follower indices (the local cluster).'),
        indices: indexNames('Follower indices or patterns.'),
      })
      .meta({ description: 'The local side.' }),
    role: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Elasticsearch: the role name, the same on both clusters (required).' }),
    roles: z
      .strictObject({
        leader: z.string().min(1).optional(),
        follower: z.string().min(1).optional(),
      })
      .optional()
      .meta({
        description:
          'OpenSearch: the roles the user is mapped to. Default: cross_cluster_replication_leader_full_access and cross_cluster_replication_follower_full_access.',
      }),
  })
  .meta({
    id: 'replicationIntent',
    title: 'Replication intent',
    description: 'Replicate leader indices to a follower.',
  });

export const searchIntentSchema = z
  .strictObject({
    ...intentCommon,
    security: z.enum(['certificate']).meta({ description: 'Remote cluster security model: certificate (TLS).' }),
    local: clusterName('The cluster that runs the searches.'),
    remote: clusterName('The cluster that is searched.'),
    indices: indexNames('Indices or patterns searched on the remote cluster.'),
    role: z.string().min(1).meta({ description: 'The role name, the same on both clusters.' }),
    kibana: z
      .boolean()
      .optional()
      .meta({ description: 'Searching from Kibana: read and view_index_metadata on both sides. Default false.' }),
  })
  .meta({ id: 'searchIntent', title: 'Search intent', description: 'Search indices of a remote cluster.' });

export const intentsFileSchema = z
  .strictObject({
    replication: z.array(replicationIntentSchema).nullish().meta({ description: 'Cross-cluster replication intents.' }),
    search: z.array(searchIntentSchema).nullish().meta({ description: 'Cross-cluster search intents.' }),
  })
  .meta({
    title: 'xcluster intents file',
    description: 'xcluster/intents.yml: replication and search intents that expand to roles, users and connections.',
  });

export type IntentsFile = z.output<typeof intentsFileSchema>;
export type ReplicationIntentInput = z.output<typeof replicationIntentSchema>;
export type SearchIntentInput = z.output<typeof searchIntentSchema>;
