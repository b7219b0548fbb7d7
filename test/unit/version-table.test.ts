// ACCEPTANCE (issue 6): "The version table: a test per row of the seed's table." The rows below
// are copied verbatim from seed 002 ("Version compatibility table", Add remote clusters using TLS
// certificate authentication); each test checks every cell of its row against
// src/rules/version-table.ts, which encodes the same table as data.

import { describe, expect, it } from 'vitest';
import { compareVersions, wireAccepts } from '../../src/rules/version-numbers.js';
import { minorOf } from '../../src/rules/version-numbers.js';
import { compatibility, LOCAL_VERSIONS, REMOTE_VERSIONS } from '../../src/rules/version-table.js';

const SEED_TABLE = `
| Local cluster version | 7.17                   | 8.0 | 8.1 | 8.2 | 8.3 | 8.4 | 8.5 | 8.6 | 8.7 | 8.8 | 8.9 | 8.10 | 8.11 | 8.12 | 8.13 | 8.14 | 8.15 | 8.16 | 8.17 | 8.18 | 8.19 | 9.0 | 9.1 | 9.2 | 9.3 |
| 7.17                  | ✅                      | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.0                   | ✅                      | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.1                   | ❌                      | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.2                   | ❌                      | ❌   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.3                   | ❌                      | ❌   | ❌   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.4                   | ❌                      | ❌   | ❌   | ❌   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.5                   | ❌                      | ❌   | ❌   | ❌   | ❌   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.6                   | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ✅   | ✅   | ✅   | ✅   | ✅   | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.7                   | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ✅   | ✅   | ✅   | ✅   | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.8                   | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ✅   | ✅   | ✅   | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.9                   | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ✅   | ✅   | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.10                  | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ✅   | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.11                  | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.12                  | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.13                  | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌    | ❌    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.14                  | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌    | ❌    | ❌    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.15                  | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌    | ❌    | ❌    | ❌    | ✅    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.16                  | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌    | ❌    | ❌    | ❌    | ❌    | ✅    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.17                  | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ✅    | ✅    | ✅    | ✅    | ❌   | ❌   | ❌   | ❌   |
| 8.18                  | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ✅    | ✅    | ✅    | ✅   | ❌   | ❌   | ❌   |
| 8.19                  | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ✅    | ✅    | ✅   | ✅   | ✅   | ✅   |
| 9.0                   | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ✅    | ❌    | ✅   | ✅   | ✅   | ✅   |
| 9.1                   | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ✅   | ✅   | ✅   | ✅   |
| 9.2                   | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌   | ✅   | ✅   | ✅   |
| 9.3                   | ❌                      | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌   | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌    | ❌   | ❌   | ✅   | ✅   |
`;

const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

const [header, ...rows] = SEED_TABLE.trim().split('\n').map(cells);
const remotes = header!.slice(1);

describe('the version table of seed 002', () => {
  it("has the seed's columns and rows, in order", () => {
    expect(remotes).toEqual([...REMOTE_VERSIONS]);
    expect(rows.map((r) => r[0])).toEqual([...LOCAL_VERSIONS]);
  });

  for (const [local, ...marks] of rows) {
    it(`local ${local}: every remote version`, () => {
      const expected = marks.map((m) => (m === '✅' ? 'compatible' : 'incompatible'));
      expect(remotes.map((remote) => compatibility(local!, remote))).toEqual(expected);
    });
  }
});

describe('versions as the server reports them', () => {
  it('maps a full version number to its minor version', () => {
    expect(minorOf('8.15.3')).toBe('8.15');
    expect(minorOf('9.1.0-SNAPSHOT')).toBe('9.1');
    expect(minorOf('not a version')).toBeUndefined();
    expect(compatibility('8.15.3', '8.19.0')).toBe('compatible');
    expect(compatibility('9.0.2', '8.19.4')).toBe('incompatible');
  });

  it('a version outside the table is unknown, not guessed', () => {
    expect(compatibility('7.10.2', '8.15.0')).toBe('unknown');
    expect(compatibility('8.15.0', '9.4.0')).toBe('unknown');
    expect(compatibility('8.15.0', 'nonsense')).toBe('unknown');
  });
});

// What the real servers enforce (issue 10): two nodes connect when each one's version is at least
// the other's minimum_wire_compatibility_version (GET /). Real values of 7.17.25, 8.19.5, 9.1.5.
describe('the wire rule of the transport layer', () => {
  const es7 = { version: '7.17.25', minimumWireVersion: '6.8.0' };
  const es8 = { version: '8.19.5', minimumWireVersion: '7.17.0' };
  const es9 = { version: '9.1.5', minimumWireVersion: '8.19.0' };

  it('issue 10 bug 6: 8.19 and 7.17, 9.1 and 8.19 accept each other; 9.1 and 7.17 do not', () => {
    expect(wireAccepts(es8, es7)).toBe(true);
    expect(wireAccepts(es9, es8)).toBe(true);
    expect(wireAccepts(es8, es9)).toBe(true);
    expect(wireAccepts(es9, es7)).toBe(false);
    expect(wireAccepts(es7, es9)).toBe(false);
  });

  it('issue 10 bug 6: unknown without both minimum wire versions', () => {
    expect(wireAccepts({ version: '8.19.5' }, es7)).toBeUndefined();
    expect(wireAccepts(es8, { version: '7.17.25', minimumWireVersion: 'nonsense' })).toBeUndefined();
  });

  it('compares versions by their numbers, not as text', () => {
    expect(compareVersions('8.19.0', '8.9.0')).toBeGreaterThan(0);
    expect(compareVersions('7.17.0', '7.17.0')).toBe(0);
    expect(compareVersions('9.1.0-SNAPSHOT', '9.1.0')).toBe(0);
    expect(compareVersions('6.8.0', '7.17.25')).toBeLessThan(0);
    expect(compareVersions('x', '7.17.25')).toBeUndefined();
  });
});
