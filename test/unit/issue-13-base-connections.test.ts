// Issue 13, items 2 and 3, the pure parts: a config folder loaded from texts in memory (the base
// commit's files) is the same config as on disk; the PR's config takes the base's connections;
// two plans of one read tell the PR's changes from drift; renderers without origins are unchanged.

import { describe, expect, it } from 'vitest';
import { withBaseConnections } from '../../src/config/base-connections.js';
import { memoryFiles } from '../../src/config/config-files.js';
import { loadConfig, loadConfigFrom } from '../../src/config/load.js';
import { markOrigins } from '../../src/drift/origins.js';
import { planCluster } from '../../src/drift/plan.js';
import { ConfigErrors } from '../../src/model/errors.js';
import { type Plan } from '../../src/model/types.js';
import { planToJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { clusterFile, connection, writeConfigDir } from './helpers/config-dir.js';
import { liveState } from './helpers/model.js';

const ROLES = 'roles:\n  readers:\n    cluster: [monitor]\n';

describe('issue 13: loading a config folder from memory', () => {
  it('gives the config the disk gives, paths and lines included', () => {
    const files = { 'clusters/west.yml': clusterFile('west', ROLES), 'clusters/east.yml': clusterFile('east') };
    const dir = writeConfigDir(files);
    const fromMemory = loadConfigFrom(
      dir,
      memoryFiles(dir, {
        clusters: { 'west.yml': files['clusters/west.yml'], 'east.yml': files['clusters/east.yml'] },
        top: {},
      }),
    );
    expect(fromMemory).toEqual(loadConfig(dir));
  });

  it('reports the errors of a base file at its path, and a folder without cluster files', () => {
    const dir = writeConfigDir({});
    const bad = () => loadConfigFrom(dir, memoryFiles(dir, { clusters: { 'west.yml': 'connection: 1\n' }, top: {} }));
    expect(bad).toThrow(ConfigErrors);
    expect(bad).toThrow(/clusters\/west\.yml:1/);
    expect(() => loadConfigFrom(dir, memoryFiles(dir, { clusters: {}, top: {} }))).toThrow(/no cluster files/);
  });
});

describe('issue 13: the PR config with the base connections', () => {
  const load = (files: Record<string, string>) => loadConfig(writeConfigDir(files));

  it('takes every connection field from the base, names what the PR changed, and keeps the PR desired state', () => {
    const base = load({ 'clusters/west.yml': clusterFile('west', ROLES) });
    const prText = clusterFile('west', ROLES.replace('[monitor]', '[monitor, manage_ilm]'))
      .replace('https://west.example.com:9200', 'https://attacker.example.net')
      .replace('env: KEY', 'env: OTHER');
    const pr = load({ 'clusters/west.yml': prText });
    const { config, notices, offline } = withBaseConnections(pr, base.clusters);
    expect(config.clusters[0]!.connection).toEqual(base.clusters[0]!.connection);
    expect(config.desired).toEqual(pr.desired);
    expect(offline).toEqual([]);
    expect(notices).toEqual([expect.objectContaining({ cluster: 'west', kind: 'changed', fields: ['url', 'auth'] })]);
  });

  it('a connection the PR leaves alone gives no notice', () => {
    const files = { 'clusters/west.yml': clusterFile('west', ROLES) };
    expect(withBaseConnections(load(files), load(files).clusters).notices).toEqual([]);
  });

  it('a cluster new in the PR, or whose flavor it changes, is left out of the plan (offline only)', () => {
    const base = load({ 'clusters/west.yml': clusterFile('west') });
    const pr = load({
      'clusters/west.yml': connection(
        'west',
        '  auth:\n    username: admin\n    password: { env: ADMIN_PASSWORD }\n',
        'opensearch',
      ),
      'clusters/north.yml': clusterFile('north', ROLES),
    });
    const { config, notices, offline } = withBaseConnections(pr, base.clusters);
    expect(config.clusters).toEqual([]);
    expect(config.desired).toEqual([]);
    expect(offline.sort()).toEqual(['north', 'west']);
    expect(notices.map((n) => [n.cluster, n.kind]).sort()).toEqual([
      ['north', 'new'],
      ['west', 'flavor'],
    ]);
  });

  it('transport addresses (which remotes count as the estate) come from the base too', () => {
    const base = load({ 'clusters/west.yml': clusterFile('west') });
    const pr = load({
      'clusters/west.yml': clusterFile('west').replace('west.example.com:9300', 'other.example.net:9300'),
    });
    expect(withBaseConnections(pr, base.clusters).config.transports).toEqual({ west: 'west.example.com:9300' });
  });
});

describe('issue 13: origins from two plans of one read', () => {
  const config = (roles: string) => loadConfig(writeConfigDir({ 'clusters/west.yml': clusterFile('west', roles) }));
  const managed = { metadata: { managed_by: 'xcluster' } };

  it('a change the base plan makes too is drift; one only the PR makes, or makes differently, is the PR', () => {
    const live = liveState({
      role: {
        handEdited: { body: { cluster: ['all'], ...managed }, managed: true },
        touched: { body: { cluster: ['monitor'], ...managed }, managed: true },
      },
    });
    const baseRoles = 'roles:\n  handEdited:\n    cluster: [monitor]\n  touched:\n    cluster: [monitor]\n';
    const prRoles = baseRoles + '  added:\n    cluster: [monitor]\n';
    const base = config(baseRoles);
    const pr = config(
      prRoles.replace('touched:\n    cluster: [monitor]', 'touched:\n    cluster: [monitor, manage_ilm]'),
    );
    const plan: Plan = { clusters: [planCluster(pr, live)], findings: [] };
    const marked = markOrigins(plan, [planCluster(base, live)]);
    const origins = Object.fromEntries(marked.clusters[0]!.changes.map((c) => [c.name, c.origin]));
    expect(origins).toEqual({ handEdited: 'drift', touched: 'pull_request', added: 'pull_request' });

    // The PR changes the hand-edited role too, differently from the base: the PR's change.
    const both = config(baseRoles.replace('handEdited:\n    cluster: [monitor]', 'handEdited:\n    cluster: [manage]'));
    const again = markOrigins({ clusters: [planCluster(both, live)], findings: [] }, [planCluster(base, live)]);
    expect(again.clusters[0]!.changes.find((c) => c.name === 'handEdited')!.origin).toBe('pull_request');

    const json = planToJson(marked).clusters[0]!.changes as { name: string; origin?: string }[];
    expect(json.map((c) => [c.name, c.origin])).toEqual(expect.arrayContaining([['handEdited', 'drift']]));
    expect(renderText(marked)).toContain('role handEdited');
    expect(renderText(marked)).toMatch(/role handEdited.*\[drift already on the cluster; any apply reverts it\]/);
  });

  it('a plan without origins (CLI, drift mode) renders as before: no origin key, no sections', () => {
    const live = liveState();
    const plan: Plan = { clusters: [planCluster(config(ROLES), live)], findings: [] };
    const json = planToJson(plan).clusters[0]!.changes[0] as object;
    expect(Object.keys(json)).not.toContain('origin');
    expect(renderMarkdown(plan)).not.toContain('### Changes in this pull request');
    expect(renderMarkdown(plan)).not.toContain('drift already');
    expect(renderText(plan)).not.toMatch(/drift already|this pull request/);
  });
});
