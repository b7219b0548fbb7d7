// Issue 14, errors for people: a YAML syntax or indentation error shows the line it is on with a
// caret under the column (and, for indentation, the column expected); `--format json` prints
// configuration errors as `{"errors": [{file, line, column, message}]}` for tools. The line comes
// from a pull request: a long one is cut around the column, and one that may hold a secret is
// masked. The CLI run in-process on a config folder in a temporary directory.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { xcluster } from './helpers/cli.js';

/** EXCERPT_WIDTH of src/config/excerpt.ts, written out: the test also runs on code without it. */
const EXCERPT_WIDTH = 80;
let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'xcluster-i14-errors-'));
  vi.spyOn(process, 'cwd').mockReturnValue(root);
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

/** Writes xcluster/clusters/<file> for each entry; returns the xcluster folder. */
function write(files: Record<string, string>): string {
  const clusters = path.join(root, 'xcluster', 'clusters');
  mkdirSync(clusters, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(clusters, name), text);
  return path.join(root, 'xcluster');
}

/** Lines 1–5 of a cluster file. */
const CONN = `connection:
  flavor: elasticsearch
  url: https://west.example.com:9200
  auth:
    api_key: { env: WEST_API_KEY }
`;

const lint = (files: Record<string, string>, ...args: string[]) => xcluster('lint', '--config', write(files), ...args);

describe('issue 14: a YAML error shows its line with a caret', () => {
  it('a syntax error: the line, and the caret under the column yaml reports', async () => {
    const r = await lint({ 'west.yml': `${CONN}roles:\n  reader: cluster: [monitor]\n` });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'error: xcluster/clusters/west.yml:7:11: invalid YAML: Nested mappings are not allowed in compact mappings',
        '  7 |   reader: cluster: [monitor]',
        '    |           ^',
        '',
      ].join('\n'),
    );
  });

  it('an indentation error: the caret under the key, and the column it is expected at', async () => {
    const r = await lint({ 'west.yml': `${CONN}roles:\n  reader:\n    cluster: [monitor]\n   indices: []\n` });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        'error: xcluster/clusters/west.yml:9:4: invalid YAML: All mapping items must start at the same column: this key is at column 4, the first key of its map (line 7) at column 3',
        '  9 |    indices: []',
        '    |    ^ expected column 3',
        '',
      ].join('\n'),
    );
  });

  it('a line of 10 MB is cut to a bounded width around the column, the caret still under it', async () => {
    const line = `  r: ${'x'.repeat(5_000_000)}: y: z${'w'.repeat(5_000_000)}`;
    const r = await lint({ 'west.yml': `${CONN}roles:\n${line}\n` });
    expect(r.code).toBe(1);
    expect(r.stderr.length).toBeLessThan(2000);
    const blocks = r.stderr
      .trimEnd()
      .split(/\n(?=error: )/)
      .map((b) => b.split('\n'));
    // yaml's errors at the start of the line and at the nested `: y: z` in its middle.
    expect(blocks.map(([error]) => /:7:(\d+):/.exec(error!)![1])).toEqual(['6', '6', '5000008']);
    for (const [error, shown, caret] of blocks) {
      const column = Number(/:7:(\d+):/.exec(error!)![1]);
      expect(shown!.length).toBeLessThanOrEqual('  7 | '.length + EXCERPT_WIDTH + 2);
      expect(shown![caret!.indexOf('^')]).toBe(line[column - 1]);
    }
    expect(blocks[0]![1]).toBe(`  7 |   r: ${'x'.repeat(EXCERPT_WIDTH - 5)}…`);
    expect(blocks[2]![1]).toMatch(/^ {2}7 \| …x{28}: y: zw+…$/);
  });

  it('control and bidirectional characters of the line are shown as ?', async () => {
    const r = await lint({ 'west.yml': `${CONN}roles:\n  reader: \u001b[31m\u202e: cluster: x\n` });
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).not.toContain('\u202e');
    expect(r.stderr).toContain('  7 |   reader: ?[31m?: cluster: x');
  });
});

describe('issue 14: an error never prints a secret written in the file', () => {
  it('a password written inline, on a line with a YAML error: its value is masked', async () => {
    const r = await lint({
      'west.yml':
        'connection:\n  flavor: elasticsearch\n  url: https://west.example.com:9200\n  auth:\n    username: admin\n    password: hunter2-not-real : x\n',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).toContain('  6 |     password: ***\n');
  });

  it('the rest of a secret written over several lines is not shown', async () => {
    const r = await lint({
      'west.yml': `${CONN.replace('    api_key: { env: WEST_API_KEY }\n', '    username: admin\n')}    password: "hunter2\n  not real"\n   x: [\n`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/hunter2|not real/);
  });

  it('a secret in a flow map, and the credentials of a URL, are masked', async () => {
    const flow = await lint({
      'west.yml': 'connection:\n  auth: { username: admin, password: hunter2-not-real } }\n',
    });
    expect(flow.stderr).not.toContain('hunter2');
    expect(flow.stderr).toContain('  2 |   auth: { username: admin, password: ***');
    const url = await lint({ 'west.yml': 'connection:\n  url: https://admin:hunter2-not-real@west:9200 : x\n' });
    expect(url.stderr).not.toContain('hunter2');
    expect(url.stderr).toContain('//***@west:9200');
  });

  it("yaml's message never quotes the token it did not expect", async () => {
    const r = await lint(
      { 'west.yml': 'connection:\n  auth: { username: admin, password: hunter2-not-real } }\n' },
      '--format',
      'json',
    );
    expect(r.stdout).not.toContain('hunter2');
    expect(JSON.parse(r.stdout).errors[0].message).toBe('invalid YAML: Unexpected flow-map-end token in YAML stream');
  });
});

describe('issue 14: --format json prints configuration errors as JSON', () => {
  const files = {
    'east.yml': `${CONN}roles:\n  reader: cluster: [monitor]\n`,
    'west.yml': `${CONN}remote_clusters:\n  east:\n    mode: sniff\n    seed: [east.example.com:9300]\n`,
  };
  const expected = {
    errors: [
      {
        file: 'xcluster/clusters/east.yml',
        line: 7,
        column: 11,
        message: 'invalid YAML: Nested mappings are not allowed in compact mappings',
      },
      {
        file: 'xcluster/clusters/west.yml',
        line: 9,
        column: 5,
        message: 'unknown key "seed" in remote_clusters.east; did you mean "seeds"?',
      },
    ],
  };

  it.each([['plan'], ['lint'], ['apply', '--yes']])(
    '%s: YAML and schema errors alike, on stdout, exit code 1',
    async (...command) => {
      const r = await xcluster(...command, '--config', write(files), '--format', 'json');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual(expected);
    },
  );

  it('an error with no place in a file: file, line and column are null', async () => {
    const r = await xcluster('plan', '--config', write(files), '--cluster', 'north', '--format', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).errors).toContainEqual({
      file: null,
      line: null,
      column: null,
      message: 'unknown cluster "north" selected; known clusters: east, west',
    });
  });

  it('the text format is unchanged for tools that read stderr: error: file:line:column: message', async () => {
    const r = await xcluster('plan', '--config', write(files));
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual(
      expected.errors.map((e) => `error: ${e.file}:${e.line}:${e.column}: ${e.message}`),
    );
  });
});
