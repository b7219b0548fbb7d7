// `xcluster plan --format json --out plan.json`, then `xcluster apply --plan plan.json`: the
// saved plan is applied only when a fresh plan has its fingerprint, as Terraform's saved plans.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type FakeElasticsearch } from './helpers/fake-es.js';
import { useExampleEstate } from './helpers/example-estate.js';
import { xcluster } from './helpers/cli.js';

const estate = useExampleEstate('xcluster-saved-plan-');
let root: string;
let east: FakeElasticsearch;
let west: FakeElasticsearch;

beforeEach(() => {
  ({ root, east, west } = estate);
});

const writes = () => [...east.writes(), ...west.writes()];

async function savePlan(): Promise<string> {
  const file = path.join(root, 'plan.json');
  const r = await xcluster('plan', '--format', 'json', '--out', file);
  expect(r.code).toBe(0);
  return file;
}

describe('issue 13 acceptance 6: xcluster apply --plan applies a current saved plan and refuses a stale one', () => {
  it('the saved JSON plan carries the fingerprint; a current one is applied without a question (no --yes, no terminal)', async () => {
    const file = await savePlan();
    expect(JSON.parse(readFileSync(file, 'utf8')).fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const r = await xcluster('apply', '--plan', file);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Apply: 8 done, 0 failed, 0 skipped · 2 of 2 clusters verified/);
    expect(Object.keys(west.users).sort()).toEqual(['cross-cluster-user', 'cross-search-user']);
  });

  it('a hand change on a cluster after the plan was saved: refused, nothing written, the fresh plan and why', async () => {
    const file = await savePlan();
    west.roles['remote-search'] = { indices: [{ names: ['logs-*'], privileges: ['read'] }] };
    const before = writes().length;
    const r = await xcluster('apply', '--plan', file);
    expect(r.code).toBe(1);
    expect(writes()).toHaveLength(before);
    expect(r.stdout).toContain('Plan: 7 to create, 1 to update, 0 to delete');
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: apply refused: .*plan\.json is stale: the plan is not the reviewed plan/);
    expect(errors[0]).toContain('nothing was changed');
  });

  it('a change to the configuration after the plan was saved: refused the same way', async () => {
    const file = await savePlan();
    const west = path.join(root, 'xcluster', 'clusters', 'west.yml');
    writeFileSync(west, `${readFileSync(west, 'utf8')}\nroles:\n  extra-role:\n    cluster: [monitor]\n`);
    const r = await xcluster('apply', '--plan', file);
    expect(r.code).toBe(1);
    expect(writes()).toEqual([]);
    expect(r.stderr).toContain('is stale');
  });

  it('a file that is not a saved plan: one error naming it, and no cluster is contacted', async () => {
    const file = path.join(root, 'plan.json');
    for (const text of ['Plan: 8 to create', '{"format_version": 1, "clusters": []}']) {
      writeFileSync(file, text);
      const r = await xcluster('apply', '--plan', file);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: .*plan\.json is not a/);
      expect(east.requests).toEqual([]);
      expect(west.requests).toEqual([]);
    }
  });
});
