import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clusterFileJsonSchema, clusterFileSchema, knownKeysAt, secretMessage } from '../../src/config/schema.js';
import { levenshtein, nearest } from '../../src/config/suggest.js';

describe('schema/xcluster.schema.json', () => {
  it('is up to date with the zod schema (run `npm run schema`)', () => {
    const committed: unknown = JSON.parse(readFileSync('schema/xcluster.schema.json', 'utf8'));
    expect(committed).toEqual(clusterFileJsonSchema());
  });

  it('is draft-07, strict, and documents the main keys', () => {
    const schema = clusterFileJsonSchema() as {
      $schema: string;
      additionalProperties: boolean;
      properties: Record<string, { description?: string }>;
    };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    for (const key of ['connection', 'roles', 'users', 'role_mappings', 'remote_clusters', 'prune']) {
      expect(schema.properties[key]?.description, key).toBeTruthy();
    }
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
});

describe('nearest', () => {
  it('suggests a plausible typo, and nothing for an unrelated word', () => {
    expect(levenshtein('seed', 'seeds')).toBe(1);
    expect(nearest('seed', ['mode', 'seeds', 'proxy_address'])).toBe('seeds');
    expect(nearest('skip_unavaliable', ['skip_unavailable', 'seeds'])).toBe('skip_unavailable');
    expect(nearest('color', ['flavor', 'url', 'auth'])).toBeUndefined();
  });
});
