// Issue 11, finding 6: names, paths and server messages are written by a pull request's author
// or by a server, and GitHub renders our reports (pull-request comment, drift issue, job summary)
// as markdown with HTML. Rendered with hostile text everywhere, a report must hold no markup of
// that text's making: no HTML tag, link, mention or reference, no code span or fence closed
// early, no table row split, no <details> section opened or closed.

import { describe, expect, it } from 'vitest';
import { type ApplyResult } from '../../src/apply/apply.js';
import { fitComment } from '../../src/github/truncate.js';
import { redact, registerSecret } from '../../src/model/redact.js';
import { type Change, type Config, type Plan } from '../../src/model/types.js';
import { renderApply } from '../../src/render/apply.js';
import { renderLint } from '../../src/render/lint.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { expectNoMarkupFromText, expectTablesIntact, outsideCode } from './helpers/markdown.js';

/** Every trick at once: HTML, a code span and a fence, a table pipe, a link, lines, pings. */
const HOSTILE =
  '<img src=x onerror=alert(1)>`<script>alert(2)</script>`` | [click](https://evil.example) @acme/admins #1 &amp;';
const HOSTILE_LINES = `${HOSTILE}\n\n</details>\n\`\`\`\n# <script>alert(3)</script>\n| a | b |`;

const cluster = `west${HOSTILE}`;
const file = `xcluster/clusters/${HOSTILE}.yml`;

function hostileChange(): Change {
  return {
    cluster,
    action: 'update',
    kind: 'role',
    name: HOSTILE_LINES,
    source: { file, line: 3, column: 3 },
    intent: HOSTILE,
    diff: [{ path: ['metadata', HOSTILE_LINES], before: HOSTILE_LINES, after: null }],
    body: {},
    // Rendered from the bodies (issue 14): the hostile key and value are in the diff block too.
    before: { metadata: { [HOSTILE_LINES]: HOSTILE_LINES } },
  };
}

function hostilePlan(): Plan {
  return {
    clusters: [
      {
        name: cluster,
        flavor: 'elasticsearch',
        version: `8.15.0${HOSTILE}`,
        reachable: true,
        changes: [hostileChange()],
        unmanaged: [{ kind: 'role', name: HOSTILE_LINES }],
      },
      {
        name: `east${HOSTILE}`,
        flavor: 'elasticsearch',
        reachable: false,
        error: `500 Internal Server Error: ${HOSTILE_LINES}`,
        changes: [],
        unmanaged: [],
      },
    ],
    findings: [
      {
        severity: 'error',
        rule: 'reserved-object',
        cluster,
        message: HOSTILE_LINES,
        source: { file, line: 3, column: 3 },
      },
    ],
    topology: [{ from: cluster, to: `east${HOSTILE}`, alias: `"]-->x${HOSTILE_LINES}`, state: 'create' }],
  };
}

describe('issue 11 finding 6: hostile names and server errors in markdown', () => {
  it('the plan report: no raw HTML, link or mention from them; tables, fences and sections intact', () => {
    const md = renderMarkdown(hostilePlan());
    expectNoMarkupFromText(md);
    expectTablesIntact(md);
    expect(md.split('\n').filter((l) => l.startsWith('| '))).toHaveLength(2 + 2 + 2 + 1);
    expect(outsideCode(md).match(/<details>/g)).toHaveLength(1); // one per reachable cluster
    expect(outsideCode(md).match(/<\/details>/g)).toHaveLength(1);
  });

  it('the names stay readable: entities and escapes, not deletions', () => {
    const md = renderMarkdown(hostilePlan());
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(md).toContain('\\[click\\](https://evil.example)');
    // In code, text is shown as it is (no entity is decoded there): the fence is longer instead.
    expect(md).toMatch(/^(`{4,})diff\n[\s\S]*<script>alert\(3\)<\/script>[\s\S]*\n\1$/m);
  });

  it('mermaid labels: each node and edge stays one statement with one quoted label', () => {
    const md = renderMarkdown(hostilePlan());
    const graph = md.slice(md.indexOf('graph LR\n'), md.indexOf('\n```', md.indexOf('graph LR')));
    const [, ...statements] = graph.split('\n');
    // Two nodes (east unreachable, so styled as such), one edge, and the style of unreachable nodes.
    expect(statements).toHaveLength(4);
    expect(statements.pop()).toBe('  classDef unreachable stroke-dasharray: 5 5,color:#888');
    for (const s of statements) {
      expect(s).toMatch(/^ {2}c_\w+(\["[^"`<>|\n]*"\](:::unreachable)?| -\.?->\|"[^"`<>|\n]*"\| c_\w+)$/);
    }
  });

  it('the apply report keeps a hostile server error inside its fence', () => {
    const plan = hostilePlan();
    const result: ApplyResult = {
      plan,
      clusters: [
        {
          name: cluster,
          reachable: true,
          operations: [{ change: hostileChange(), status: 'failed', error: `400 ${HOSTILE_LINES}` }],
          verified: false,
          remaining: [],
          remotes: [],
        },
      ],
    };
    const md = renderApply(result, 'markdown');
    expectNoMarkupFromText(md);
    expect(outsideCode(md).trim()).toBe('**Apply: 0 done, 1 failed, 0 skipped · 0 of 1 clusters verified**');
  });

  it('lint markdown: a hostile message stays inside its list item', () => {
    const config: Config = { dir: 'xcluster', clusters: [], desired: [], transports: {} };
    const md = renderLint(config, hostilePlan().findings, 'markdown');
    expectNoMarkupFromText(md);
    expect(md.trim().split('\n')).toHaveLength(2);
  });

  it('a cut inside a line never ends in the middle of an entity', () => {
    const line = '&lt;'.repeat(50);
    for (let limit = 8; limit < 60; limit++) {
      const [first] = fitComment(`${line}\nrest`, limit, 'P').split('\n');
      expect(first).toMatch(/^(&lt;)*$/);
    }
  });

  it('escaping never changes a secret into a form the redactor does not know', () => {
    const secret = 'S3cr_t*<pw>|`&#1';
    registerSecret(secret);
    const plan = hostilePlan();
    plan.clusters[1]!.error = `401: bad credentials ${secret}\n${secret}`;
    plan.findings[0]!.message = `the password ${secret} was refused`;
    plan.clusters[0]!.unmanaged = [{ kind: 'user', name: secret }];
    const md = redact(renderMarkdown(plan));
    expect(md).toContain('\\*\\*\\*'); // the mask, as text
    for (const part of ['S3cr', 'pw&gt;', 'pw>']) expect(md).not.toContain(part);
  });
});
