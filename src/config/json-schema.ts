// The JSON schema of the xcluster files, for editors (schema/xcluster.schema.json, written by
// `npm run schema`). It is generated from the zod schemas of both flavors (schema-elasticsearch.ts,
// schema-opensearch.ts) and the intents file (schema-intents.ts), and lives apart from them because
// it is the one place that needs them all: each builds on schema.ts.

import { z } from 'zod';
import { clusterFileSchema } from './schema-elasticsearch.js';
import { intentsFileSchema } from './schema-intents.js';
import { openSearchClusterFileSchema } from './schema-opensearch.js';

const toJsonSchema = (schema: z.ZodType): Record<string, unknown> =>
  z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' });

/** The name, under `definitions`, of the intents file's schema inside xcluster.schema.json. */
export const INTENTS_DEFINITION = 'intentsFile';

/** The names, under `definitions`, of the cluster file of each flavor. */
export const CLUSTER_FILE_DEFINITIONS = {
  elasticsearch: 'elasticsearchClusterFile',
  opensearch: 'opensearchClusterFile',
} as const;

/** A generated schema split into its definitions and the rest (its `$schema` dropped). */
function split(schema: z.ZodType): { root: Record<string, unknown>; definitions: Record<string, unknown> } {
  const { $schema: _, definitions, ...root } = toJsonSchema(schema);
  return { root, definitions: (definitions ?? {}) as Record<string, unknown> };
}

/**
 * The JSON schema of a cluster file of either flavor, for editors (yaml-language-server handles
 * draft-07 best): `if connection.flavor is opensearch then <OpenSearch file> else <Elasticsearch
 * file>`, mirroring how load.ts picks the schema (anything but opensearch is read as
 * Elasticsearch, so a wrong flavor meets the flavor enum). Object schemas shared by both files
 * (connection, secret, remoteCluster) appear once under `definitions`. It also carries the
 * intents file's schema under `definitions.intentsFile`, so that one generated file serves both;
 * schema/intents.schema.json is a fixed pointer to that definition.
 */
export function clusterFileJsonSchema(): Record<string, unknown> {
  const elasticsearch = split(clusterFileSchema);
  const opensearch = split(openSearchClusterFileSchema);
  const intents = split(intentsFileSchema);
  const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'xcluster cluster file',
    description:
      'xcluster/clusters/<name>.yml: how to reach one cluster, and what it must contain. The sections depend on connection.flavor (elasticsearch or opensearch).',
    type: 'object',
    if: {
      properties: { connection: { properties: { flavor: { const: 'opensearch' } }, required: ['flavor'] } },
      required: ['connection'],
    },
    then: ref(CLUSTER_FILE_DEFINITIONS.opensearch),
    else: ref(CLUSTER_FILE_DEFINITIONS.elasticsearch),
    definitions: {
      ...elasticsearch.definitions,
      ...opensearch.definitions,
      ...intents.definitions,
      [CLUSTER_FILE_DEFINITIONS.elasticsearch]: elasticsearch.root,
      [CLUSTER_FILE_DEFINITIONS.opensearch]: opensearch.root,
      [INTENTS_DEFINITION]: intents.root,
    },
  };
}
