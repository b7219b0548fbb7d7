import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLUSTER_FILE_DEFINITIONS, clusterFileJsonSchema } from '../../src/config/json-schema.js';
import { clusterFileSchema } from '../../src/config/schema-elasticsearch.js';
import { knownKeysAt, secretMessage, titleAt } from '../../src/config/schema.js';
import { openSearchClusterFileSchema } from '../../src/config/schema-opensearch.js';
import { counterpart, levenshtein, nearest } from '../../src/config/suggest.js';

interface ObjectSchema {
  additionalProperties: boolean;
  required?: string[];
  properties: Record<string, { description?: string }>;
}

describe('schema/xcluster.schema.json', () => {
  it('is up to date with the zod schema (run `npm run schema`)', () => {
    const committed: unknown = JSON.parse(readFileSync('schema/xcluster.schema.json', 'utf8'));
    expect(committed).toEqual(clusterFileJsonSchema());
  });

  const schema = clusterFileJsonSchema() as {
    $schema: string;
    if: unknown;
    then: { $ref: string };
    else: { $ref: string };
    definitions: Record<string, ObjectSchema>;
  };
  const file = (flavor: keyof typeof CLUSTER_FILE_DEFINITIONS): ObjectSchema =>
    schema.definitions[CLUSTER_FILE_DEFINITIONS[flavor]]!;

  it('is draft-07, strict, and documents the main keys of both flavors', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const keys = {
      elasticsearch: ['connection', 'roles', 'users', 'role_mappings', 'remote_clusters', 'prune', 'check_passwords'],
      opensearch: [
        'connection',
        'roles',
        'internal_users',
        'roles_mapping',
        'action_groups',
        'nodes_dn',
        'remote_clusters',
        'prune',
        'check_passwords',
      ],
    } as const;
    for (const flavor of ['elasticsearch', 'opensearch'] as const) {
      expect(file(flavor).additionalProperties, flavor).toBe(false);
      expect(Object.keys(file(flavor).properties), flavor).toEqual(keys[flavor]);
      for (const key of keys[flavor].filter((k) => k !== 'connection')) {
        expect(file(flavor).properties[key]?.description, `${flavor} ${key}`).toBeTruthy();
      }
    }
  });

  it('picks the OpenSearch file when connection.flavor is opensearch, the Elasticsearch file otherwise', () => {
    expect(schema.if).toEqual({
      properties: { connection: { properties: { flavor: { const: 'opensearch' } }, required: ['flavor'] } },
      required: ['connection'],
    });
    expect(schema.then.$ref).toBe(`#/definitions/${CLUSTER_FILE_DEFINITIONS.opensearch}`);
    expect(schema.else.$ref).toBe(`#/definitions/${CLUSTER_FILE_DEFINITIONS.elasticsearch}`);
    // The OpenSearch object schemas have ids of their own; the shared ones appear once.
    expect(schema.definitions.opensearchRole?.properties).toHaveProperty('index_permissions');
    expect(schema.definitions.role?.properties).toHaveProperty('indices');
    for (const flavor of ['elasticsearch', 'opensearch'] as const) {
      expect(file(flavor).properties.connection).toEqual({ $ref: '#/definitions/connection' });
    }
    const connection = schema.definitions.connection as ObjectSchema & { description?: string };
    expect(connection.description).toBeTruthy();
    expect(connection.properties).toHaveProperty('client_certificate');
  });
});

describe('secretMessage', () => {
  it('never quotes an inline value', () => {
    expect(secretMessage('hunter2')).not.toContain('hunter2');
    expect(secretMessage('hunter2')).toContain('{ env: NAME }');
    expect(secretMessage({ env: 'not a name!' })).not.toContain('not a name!');
  });
});

describe('knownKeysAt', () => {
  it('finds the keys of the object at a path, through records, arrays and unions', () => {
    expect(knownKeysAt(clusterFileSchema, ['remote_clusters', 'east'])).toContain('seeds');
    expect(knownKeysAt(clusterFileSchema, ['roles', 'r', 'remote_indices', 0])).toContain('clusters');
    expect(knownKeysAt(clusterFileSchema, ['role_mappings', 'm', 'rules', 'any', 0])).toEqual([
      'any',
      'all',
      'field',
      'except',
    ]);
  });

  it('works on the OpenSearch schema too', () => {
    expect(knownKeysAt(openSearchClusterFileSchema, ['roles', 'r', 'index_permissions', 0])).toContain('dls');
    expect(knownKeysAt(openSearchClusterFileSchema, [])).toContain('internal_users');
  });
});

describe('titleAt', () => {
  it('names the object at a path by its title', () => {
    expect(titleAt(clusterFileSchema, ['roles', 'r'])).toBe('Role');
    expect(titleAt(openSearchClusterFileSchema, ['roles', 'r'])).toBe('OpenSearch role');
    expect(titleAt(openSearchClusterFileSchema, ['nodes_dn', 'x'])).toBeUndefined();
  });
});

describe('nearest', () => {
  it('suggests a plausible typo, and nothing for an unrelated word', () => {
    expect(levenshtein('seed', 'seeds')).toBe(1);
    expect(nearest('seed', ['mode', 'seeds', 'proxy_address'])).toBe('seeds');
    expect(nearest('skip_unavaliable', ['skip_unavailable', 'seeds'])).toBe('skip_unavailable');
    expect(nearest('color', ['flavor', 'url', 'auth'])).toBeUndefined();
  });
});

describe('counterpart', () => {
  it("finds the key that stands where another vocabulary's key stands", () => {
    const openSearchFile = knownKeysAt(openSearchClusterFileSchema, []);
    const openSearchRole = knownKeysAt(openSearchClusterFileSchema, ['roles', 'r']);
    const elasticsearchFile = knownKeysAt(clusterFileSchema, []);
    const elasticsearchRole = knownKeysAt(clusterFileSchema, ['roles', 'r']);
    expect(counterpart('users', openSearchFile)).toBe('internal_users');
    expect(counterpart('role_mappings', openSearchFile)).toBe('roles_mapping');
    expect(counterpart('cluster', openSearchRole)).toBe('cluster_permissions');
    expect(counterpart('indices', openSearchRole)).toBe('index_permissions');
    expect(counterpart('remote_indices', openSearchRole)).toBeUndefined();
    expect(counterpart('remote_cluster', openSearchRole)).toBeUndefined();
    expect(counterpart('internal_users', elasticsearchFile)).toBe('users');
    expect(counterpart('roles_mapping', elasticsearchFile)).toBe('role_mappings');
    expect(counterpart('action_groups', elasticsearchFile)).toBeUndefined();
    expect(counterpart('nodes_dn', elasticsearchFile)).toBeUndefined();
    expect(counterpart('index_permissions', elasticsearchRole)).toBe('indices');
    expect(counterpart('cluster_permissions', elasticsearchRole)).toBe('cluster');
    expect(counterpart('tenant_permissions', elasticsearchRole)).toBeUndefined();
  });
});
