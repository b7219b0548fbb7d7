import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildPlan } from '../../src/drift/plan.js';
import { emptyReserved, type Config, type Plan } from '../../src/model/types.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { desired, liveState, src } from './helpers/model.js';

// The plan's JSON contract, transcribed from DESIGN.md ("The plan").
const contract = z.object({
  format_version: z.literal(1),
  clusters: z.array(
    z.object({
      name: z.string(),
      flavor: z.string(),
      version: z.string().nullable(),
      reachable: z.boolean(),
      changes: z.array(
        z.object({
          action: z.enum(['create', 'update', 'delete']),
          kind: z.enum(['role', 'user', 'role_mapping', 'remote_cluster', 'cross_cluster_api_key']),
          name: z.string(),
          source: z
            .string()
            .regex(/^.+:\d+$/)
            .nullable(),
          diff: z.array(
            z.object({ path: z.array(z.union([z.string(), z.number()])), before: z.unknown(), after: z.unknown() }),
          ),
        }),
      ),
    }),
  ),
  findings: z.array(
    z.object({
      severity: z.enum(['error', 'warning', 'info']),
      rule: z.string(),
      cluster: z.string().nullable(),
      message: z.string(),
      source: z.string().nullable(),
    }),
  ),
  summary: z.object({
    create: z.number().int(),
    update: z.number().int(),
    delete: z.number().int(),
    errors: z.number().int(),
    warnings: z.number().int(),
  }),
});

function samplePlan(): Plan {
  const config: Config = {
    dir: 'xcluster',
    clusters: [],
    transports: {},
    desired: [
      desired('role', 'remote-replication', { cluster: ['manage_ccr'] }, { source: src(9) }),
      desired(
        'user',
        'cross-cluster-user',
        { roles: ['remote-replication'] },
        {
          password: { ref: { env: 'PW' }, source: src(20) },
        },
      ),
      desired('role', 'superuser', {}, { source: src(30) }),
    ],
  };
  const west = liveState(
    { role: { 'remote-replication': { body: { cluster: ['monitor'] } }, legacy: { body: {} } } },
    { reserved: { ...emptyReserved(), role: ['superuser'] } },
  );
  const east = liveState(
    {},
    { name: 'east', reachable: false, error: 'connection refused (ECONNREFUSED)', version: undefined },
  );
  return buildPlan(config, [west, east]);
}

describe('json renderer', () => {
  it('follows the DESIGN.md contract', () => {
    const out = JSON.parse(renderJson(samplePlan()));
    expect(() => contract.parse(out)).not.toThrow();
    expect(out.summary).toMatchObject({ create: 1, update: 1, delete: 0, errors: 1, warnings: 0 });
    const west = out.clusters.find((c: { name: string }) => c.name === 'west');
    expect(west.changes[0]).toEqual({
      action: 'update',
      kind: 'role',
      name: 'remote-replication',
      source: 'xcluster/clusters/west.yml:9',
      diff: [{ path: ['cluster'], before: ['monitor'], after: ['manage_ccr'] }],
    });
    expect(out.findings[0]).toMatchObject({
      severity: 'error',
      rule: 'reserved-object',
      source: 'xcluster/clusters/west.yml:30',
    });
    expect(out.clusters.find((c: { name: string }) => c.name === 'east')).toMatchObject({
      reachable: false,
      error: 'connection refused (ECONNREFUSED)',
    });
  });
});

describe('text renderer', () => {
  const text = renderText(samplePlan());
  it('starts with the summary line', () => {
    expect(text.split('\n')[0]).toBe('Plan: 1 to create, 1 to update, 0 to delete · 1 error · 1 unreachable');
  });
  it('shows each change with its sign and source, and unmanaged objects', () => {
    expect(text).toContain('~ role remote-replication  (xcluster/clusters/west.yml:9)');
    expect(text).toContain(
      [
        '  ~ role remote-replication  (xcluster/clusters/west.yml:9)',
        '        cluster:',
        '  -       - monitor',
        '  +       - manage_ccr',
      ].join('\n'),
    );
    expect(text).toContain('  +     password: (sensitive)');
    expect(text).toContain('unmanaged (left alone, 1): role legacy');
    expect(text).toContain('cluster east (elasticsearch): unreachable: connection refused (ECONNREFUSED)');
  });
  it('has no colour codes unless asked', () => {
    expect(text).not.toContain('\x1b[');
    expect(renderText(samplePlan(), { colour: true })).toContain('\x1b[32m');
  });
});

describe('markdown renderer', () => {
  const md = renderMarkdown(samplePlan());
  it('starts with the summary line, then the cluster table', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('**Plan: 1 to create, 1 to update, 0 to delete · 1 error · 1 unreachable**');
    expect(md).toContain('| west | elasticsearch 8.15.0 | 2 | 1 | 1 | yes |');
    expect(md).toContain('| east | elasticsearch | ? | ? | 0 | **no**: connection refused (ECONNREFUSED) |');
  });
  it('puts each cluster in a collapsible section with a diff block', () => {
    expect(md).toMatch(/<details>\n<summary><b>west<\/b>: 2 changes<\/summary>\n\n```diff\n! role remote-replication/);
    expect(md).toContain('| error | `reserved-object` | west | `xcluster/clusters/west.yml:30` |');
  });
});

describe('topology (mermaid)', () => {
  it('draws each remote connection with its alias and what the plan does to it', () => {
    const plan: Plan = {
      clusters: [],
      findings: [],
      topology: [
        { from: 'west', to: 'east', alias: 'east', state: 'create' },
        { from: 'west', to: 'north', alias: 'north-dc', state: 'unchanged', connected: false },
        { from: 'east', to: 'old', alias: 'old', state: 'delete' },
      ],
    };
    const md = renderMarkdown(plan);
    expect(md).toContain(
      [
        '```mermaid',
        'graph LR',
        '  c_east["east"]',
        '  c_north["north"]',
        '  c_old["old"]',
        '  c_west["west"]',
        '  c_west -->|"east (new)"| c_east',
        '  c_west -.->|"north-dc, not connected"| c_north',
        '  c_east -.->|"old (removed)"| c_old',
        '```',
      ].join('\n'),
    );
  });

  it('draws nothing without remote connections', () => {
    expect(renderMarkdown({ clusters: [], findings: [], topology: [] })).not.toContain('mermaid');
  });
});
