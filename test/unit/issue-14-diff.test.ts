// Issue 14, acceptance 1: a change reads as the YAML of the object, the way it stands in the
// cluster file, marked only where it changes. Exact expected output of the text and markdown
// renderers, for the change blocks (the rest of the report is another part of the issue).

import { describe, expect, it } from 'vitest';
import { diffCluster } from '../../src/drift/diff.js';
import { normalize as normalizeOpenSearch } from '../../src/flavors/opensearch-canonical.js';
import { registerSecret } from '../../src/model/redact.js';
import { type Change, type ClusterState, type Desired, type Flavor, type Plan } from '../../src/model/types.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { desired, liveState, src } from './helpers/model.js';

function planOf(changes: Change[], flavor: Flavor = 'elasticsearch'): Plan {
  return {
    clusters: [{ name: 'west', flavor, version: '8.15.0', reachable: true, changes, unmanaged: [] }],
    findings: [],
  };
}

const changesOf = (wanted: Desired[], live: ClusterState, prune = false): Change[] =>
  diffCluster(wanted, live, prune).changes;

/** The lines of the text report from the line that holds `header` to the last line of its change. */
function textBlock(text: string, header: string): string[] {
  const lines = text.split('\n');
  // A change's own header line, not a warning or fold line that names the object too.
  const start = lines.findIndex((l) => /^ {2}[-+~] /.test(l) && l.includes(header));
  expect(start, `no line holds ${header}`).toBeGreaterThanOrEqual(0);
  const body = lines.slice(start + 1);
  const end = body.findIndex((l) => !/^ {2}[-+~ ] {5}/.test(l));
  return [lines[start]!, ...body.slice(0, end === -1 ? body.length : end)];
}

/** Every ```diff block of the clusters' sections (not the list above the fold), line by line, fences included. */
function diffFences(md: string): string[][] {
  return [...md.slice(md.indexOf('<details>')).matchAll(/^(`{3,})diff\n[\s\S]*?\n\1$/gm)].map((m) => m[0].split('\n'));
}

function roleWithTwoIndexEntries(followerPrivileges: string[]): object {
  return {
    cluster: ['monitor'],
    indices: [
      { names: ['follower-index'], privileges: followerPrivileges },
      { names: ['logs-*'], privileges: ['read'] },
    ],
  };
}

const privilegeAdded = (): Plan => {
  const live = liveState({ role: { 'remote-replication': { body: roleWithTwoIndexEntries(['monitor', 'read']) } } });
  const wanted = desired('role', 'remote-replication', roleWithTwoIndexEntries(['monitor', 'read', 'write']), {
    source: src(9),
  });
  return planOf(changesOf([wanted], live));
};

function openSearchFlsChanged(): Plan {
  const body = (fls: string[]) => ({
    cluster_permissions: ['cluster_composite_ops_ro'],
    index_permissions: [
      { index_patterns: ['customers-*'], allowed_actions: ['read'], fls, masked_fields: ['email'] },
      { index_patterns: ['logs-*'], allowed_actions: ['read', 'search'] },
    ],
  });
  const live = liveState({}, { flavor: 'opensearch', version: '2.19.4' });
  live.objects.role['analyst'] = { body: normalizeOpenSearch('role', body(['~ssn'])), managed: true };
  const wanted: Desired = {
    cluster: 'west',
    kind: 'role',
    name: 'analyst',
    body: normalizeOpenSearch('role', body(['~salary', '~ssn'])),
    source: src(12),
  };
  return planOf(changesOf([wanted], live), 'opensearch');
}

function createdAndDeleted(): Plan {
  const live = liveState({
    role: {
      'old-search': {
        body: { cluster: ['monitor'], indices: [{ names: ['logs-*'], privileges: ['read'] }] },
        managed: true,
      },
    },
  });
  const wanted = desired(
    'role',
    'remote-search',
    {
      cluster: ['monitor'],
      remote_indices: [
        { clusters: ['east'], names: ['logs-*', 'metrics-*'], privileges: ['read', 'read_cross_cluster'] },
      ],
      metadata: { team: 'search' },
    },
    { source: src(14) },
  );
  return planOf(changesOf([wanted], live, true));
}

function passwordChanged(): Plan {
  const live = liveState(
    { user: { 'cross-search-user': { body: { roles: ['remote-search'] }, managed: true } } },
    { stalePasswords: ['cross-search-user'] },
  );
  const wanted = desired(
    'user',
    'cross-search-user',
    { roles: ['remote-search'] },
    { source: src(20), password: { ref: { env: 'SEARCH_PASSWORD' }, source: src(22) } },
  );
  return planOf(changesOf([wanted], live));
}

function sniffToProxy(): Plan {
  const live = liveState({
    remote_cluster: {
      east: { body: { mode: 'sniff', seeds: ['east.example.com:9300'], skip_unavailable: true, node_connections: 3 } },
    },
  });
  const wanted = desired(
    'remote_cluster',
    'east',
    { mode: 'proxy', proxy_address: 'east.example.com:9443', server_name: 'east.example.com', skip_unavailable: true },
    { source: src(30) },
  );
  return planOf(changesOf([wanted], live));
}

describe('issue 14 acceptance 1: element-wise diffs in the shape the user writes', () => {
  it('issue 14 acceptance 1: one privilege added to a role with two index entries marks only that privilege', () => {
    const plan = privilegeAdded();
    expect(textBlock(renderText(plan), 'role remote-replication')).toEqual([
      '  ~ role remote-replication  (xcluster/clusters/west.yml:9)',
      '        indices:',
      '          - names: [follower-index]',
      '            privileges:',
      '  +           - write',
      '              # (2 unchanged elements hidden)',
      '          # (1 unchanged entry hidden)',
      '        # (1 unchanged attribute hidden)',
    ]);
    expect(diffFences(renderMarkdown(plan))).toEqual([
      [
        '```diff',
        '! role remote-replication  (xcluster/clusters/west.yml:9)',
        '      indices:',
        '        - names: [follower-index]',
        '          privileges:',
        '+           - write',
        '            # (2 unchanged elements hidden)',
        '        # (1 unchanged entry hidden)',
        '      # (1 unchanged attribute hidden)',
        '```',
      ],
    ]);
  });

  it("issue 14 acceptance 1: one OpenSearch index_permissions entry's fls changed", () => {
    expect(textBlock(renderText(openSearchFlsChanged()), 'role analyst')).toEqual([
      '  ~ role analyst  (xcluster/clusters/west.yml:12)',
      '        index_permissions:',
      '          - index_patterns: [customers-*]',
      '            fls:',
      '  +           - ~salary',
      '              # (1 unchanged element hidden)',
      '            # (2 unchanged attributes hidden)',
      '          # (1 unchanged entry hidden)',
      '        # (1 unchanged attribute hidden)',
    ]);
  });

  it('issue 14 acceptance 1: a role created shows whole with +, a role deleted whole with -', () => {
    const plan = createdAndDeleted();
    const text = renderText(plan);
    expect(textBlock(text, 'role remote-search')).toEqual([
      '  + role remote-search  (xcluster/clusters/west.yml:14)',
      '  +     cluster: [monitor]',
      '  +     metadata:',
      '  +       team: search',
      '  +     remote_indices:',
      '  +       - clusters: [east]',
      '  +         names: [logs-*, metrics-*]',
      '  +         privileges: [read, read_cross_cluster]',
    ]);
    expect(textBlock(text, 'role old-search')).toEqual([
      '  - role old-search',
      '  -     cluster: [monitor]',
      '  -     indices:',
      '  -       - names: [logs-*]',
      '  -         privileges: [read]',
    ]);
    expect(diffFences(renderMarkdown(plan))).toEqual([
      [
        '```diff',
        '+ role remote-search  (xcluster/clusters/west.yml:14)',
        '+     cluster: [monitor]',
        '+     metadata:',
        '+       team: search',
        '+     remote_indices:',
        '+       - clusters: [east]',
        '+         names: [logs-*, metrics-*]',
        '+         privileges: [read, read_cross_cluster]',
        '- role old-search',
        '-     cluster: [monitor]',
        '-     indices:',
        '-       - names: [logs-*]',
        '-         privileges: [read]',
        '```',
      ],
    ]);
  });

  it('issue 14 acceptance 1: a password change is one line, a new user says a password is set; never a value', () => {
    expect(textBlock(renderText(passwordChanged()), 'user cross-search-user')).toEqual([
      '  ~ user cross-search-user  (xcluster/clusters/west.yml:20)',
      '        # (1 unchanged attribute hidden)',
      '  ~     password: changed (sensitive)',
    ]);
    const created = planOf(
      changesOf(
        [
          desired(
            'user',
            'cross-search-user',
            { roles: ['remote-search'] },
            { source: src(20), password: { ref: { env: 'SEARCH_PASSWORD' }, source: src(22) } },
          ),
        ],
        liveState(),
      ),
    );
    expect(textBlock(renderText(created), 'user cross-search-user')).toEqual([
      '  + user cross-search-user  (xcluster/clusters/west.yml:20)',
      '  +     roles: [remote-search]',
      '  +     password: (sensitive)',
    ]);
    expect(renderMarkdown(passwordChanged())).not.toContain('SEARCH_PASSWORD');
  });

  it('issue 14 acceptance 1: a remote switching from sniff to proxy', () => {
    const plan = sniffToProxy();
    expect(textBlock(renderText(plan), 'remote_cluster east')).toEqual([
      '  ~ remote_cluster east  (xcluster/clusters/west.yml:30)',
      '  ~     mode: sniff → proxy',
      '  -     node_connections: 3',
      '  +     proxy_address: east.example.com:9443',
      '  -     seeds: [east.example.com:9300]',
      '  +     server_name: east.example.com',
      '        # (1 unchanged attribute hidden)',
    ]);
    expect(diffFences(renderMarkdown(plan))).toEqual([
      [
        '```diff',
        '! remote_cluster east  (xcluster/clusters/west.yml:30)',
        '!     mode: sniff → proxy',
        '-     node_connections: 3',
        '+     proxy_address: east.example.com:9443',
        '-     seeds: [east.example.com:9300]',
        '+     server_name: east.example.com',
        '      # (1 unchanged attribute hidden)',
        '```',
      ],
    ]);
  });
});

describe('issue 14: values from pull requests and servers in a diff', () => {
  const hostile = 'x\n```\n</details>\n# <b>hi</b>';

  it('a value with line breaks and a fence stays on its line, inside the diff fence', () => {
    const live = liveState({ role: { r: { body: { metadata: { note: 'plain' } } } } });
    const wanted = desired('role', 'r', { metadata: { note: hostile, [hostile]: 'k' } });
    const md = renderMarkdown(planOf(changesOf([wanted], live)));
    expect(diffFences(md)).toEqual([
      [
        '````diff',
        '! role r  (xcluster/clusters/west.yml:5)',
        '      metadata:',
        '!       note: plain → "x\\n```\\n</details>\\n# <b>hi</b>"',
        '+       "x\\n```\\n</details>\\n# <b>hi</b>": k',
        '````',
      ],
    ]);
  });

  it('a secret inside a body is masked before YAML quotes it (in quotes it would be a form the redactor misses)', () => {
    const secret = `it's "a\\secret"`;
    registerSecret(secret);
    const live = liveState({ role: { r: { body: { metadata: { note: 'plain' } } } } });
    const wanted = desired('role', 'r', { metadata: { note: secret, other: `'${secret}'` } });
    const plan = planOf(changesOf([wanted], live));
    for (const out of [renderText(plan), renderMarkdown(plan)]) {
      expect(out).not.toMatch(/secret/);
      expect(out).toContain('note: plain → "***"');
    }
  });
});
