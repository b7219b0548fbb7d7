// The plan's fingerprint (drift/fingerprint.ts): what binds a reviewed plan to its apply. The
// same changes give the same fingerprint whatever else differs; any change to what would be
// written gives another.

import { describe, expect, it } from 'vitest';
import { canonicalChanges, FINGERPRINT, planFingerprint } from '../../src/drift/fingerprint.js';
import { savedPlanFingerprint } from '../../src/drift/saved-plan.js';
import { type Change, type Plan } from '../../src/model/types.js';
import { renderJson } from '../../src/render/json.js';

function change(extra: Partial<Change> = {}): Change {
  return {
    cluster: 'west',
    action: 'update',
    kind: 'role',
    name: 'remote-search',
    source: { file: 'xcluster/clusters/west.yml', line: 9, column: 3 },
    diff: [
      { path: ['cluster'], before: ['monitor'], after: ['manage_ccr'] },
      { path: ['indices', 0, 'names'], before: ['logs-*'], after: ['logs-*', 'metrics-*'] },
    ],
    body: { cluster: ['manage_ccr'] },
    ...extra,
  };
}

const plan = (...changes: Change[]): Plan => {
  const clusters = [...new Set(changes.map((c) => c.cluster))].map((name) => ({
    name,
    flavor: 'elasticsearch' as const,
    reachable: true,
    changes: changes.filter((c) => c.cluster === name),
    unmanaged: [],
  }));
  return { clusters, findings: [] };
};

const a = change();
const b = change({ cluster: 'east', action: 'create', kind: 'user', name: 'cross-search-user', diff: [] });
const c = change({ kind: 'remote_cluster', name: 'east', diff: [{ path: ['mode'], before: 'sniff', after: 'proxy' }] });

describe('issue 13 acceptance 1 and 6: the plan fingerprint', () => {
  it('is sha256 of 64 hex digits, and the same for the same plan', () => {
    expect(planFingerprint(plan(a, b, c))).toMatch(FINGERPRINT);
    expect(planFingerprint(plan(a, b, c))).toBe(planFingerprint(plan(change(), b, c)));
  });

  it('ignores the order of clusters, changes and diff entries, sources, intents, bodies, findings and versions', () => {
    const reordered = plan(c, b, change({ diff: [...a.diff].reverse() }));
    reordered.clusters.reverse();
    const annotated = plan(
      change({ source: { file: 'elsewhere.yml', line: 99, column: 1 }, intent: 'search-logs' }),
      { ...b, source: undefined },
      c,
    );
    annotated.findings.push({ severity: 'warning', rule: 'x', message: 'at 2026-12-02T17:00:00Z, run 42' });
    annotated.clusters[0]!.version = '8.15.0';
    const fp = planFingerprint(plan(a, b, c));
    expect(planFingerprint(reordered)).toBe(fp);
    expect(planFingerprint(annotated)).toBe(fp);
  });

  it('changes with any change to what would be written', () => {
    const fp = planFingerprint(plan(a, b, c));
    const variants: Plan[] = [
      plan(a, b),
      plan(a, b, c, change({ name: 'another' })),
      plan(change({ name: 'remote-searc' }), b, c),
      plan(change({ cluster: 'north' }), b, c),
      plan(change({ action: 'delete' }), b, c),
      plan(change({ kind: 'role_mapping' }), b, c),
      plan(change({ diff: [{ path: ['cluster'], before: ['monitor'], after: ['manage_ccr', 'all'] }] }), b, c),
      plan(change({ diff: [{ path: ['cluster'], before: ['read'], after: ['manage_ccr'] }] }), b, c),
      plan(change({ diff: [{ path: ['run_as'], before: ['monitor'], after: ['manage_ccr'] }] }), b, c),
      plan(change({ diff: [{ path: ['cluster'], before: null, after: { a: 1 } }] }), b, c),
      plan(change({ diff: [{ path: ['cluster'], before: null, after: { a: '1' } }] }), b, c),
    ];
    const fps = variants.map(planFingerprint);
    expect(fps).not.toContain(fp);
    expect(new Set(fps).size).toBe(fps.length);
  });

  it('the canonical changes hold cluster, action, kind, name and diff only', () => {
    expect(canonicalChanges(plan(a))).toEqual([
      { cluster: 'west', action: 'update', kind: 'role', name: 'remote-search', diff: expect.any(Array) },
    ]);
  });

  it('is in the JSON plan, and read back from it; a file that is not a saved plan is refused by name', () => {
    const json = renderJson(plan(a, b, c));
    expect(JSON.parse(json)).toMatchObject({ format_version: 1, fingerprint: planFingerprint(plan(a, b, c)) });
    expect(savedPlanFingerprint('plan.json', json)).toBe(planFingerprint(plan(a, b, c)));
    const bad: [string, RegExp][] = [
      ['{"format_version": 1', /plan.json is not a JSON plan/],
      ['[]', /plan.json is not a plan xcluster saved/],
      ['{"format_version": 2, "fingerprint": "sha256:' + '0'.repeat(64) + '"}', /format_version is not 1/],
      ['{"format_version": 1}', /no fingerprint/],
      ['{"format_version": 1, "fingerprint": "sha256:xyz"}', /no fingerprint/],
      ['{"format_version": 1, "fingerprint": {"__proto__": 1}}', /no fingerprint/],
    ];
    for (const [text, error] of bad) expect(() => savedPlanFingerprint('plan.json', text)).toThrow(error);
  });
});
