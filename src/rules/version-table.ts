// Which local Elasticsearch version can connect to which remote version, as data: the "Version
// compatibility table" of seed 002 (elastic.co, "Add remote clusters using TLS certificate
// authentication", Prerequisites). The table is directional: 8.18 can reach 9.0, but only 8.19
// reaches 9.1 and later, and 9.0 reaches 8.18 but not 8.19. Every cell is tested against a copy
// of the seed's rows in test/unit/version-table.test.ts.

import { minorOf } from './version-numbers.js';

/** The table's columns, in order: the remote cluster's version. */
export const REMOTE_VERSIONS = [
  ...['7.17'],
  ...['8.0', '8.1', '8.2', '8.3', '8.4', '8.5', '8.6', '8.7', '8.8', '8.9'],
  ...['8.10', '8.11', '8.12', '8.13', '8.14', '8.15', '8.16', '8.17', '8.18', '8.19'],
  ...['9.0', '9.1', '9.2', '9.3'],
] as const;

/**
 * One row per local version: Y (✅) or N (❌) per remote version in REMOTE_VERSIONS order,
 * grouped by major version (7.17 | 8.0 … 8.19 | 9.0 … 9.3).
 */
const ROWS: Record<string, string> = {
  '7.17': 'Y YYYYYYYYYYYYYYYYYYYY NNNN',
  '8.0': 'Y YYYYYYYYYYYYYYYYYYYY NNNN',
  '8.1': 'N YYYYYYYYYYYYYYYYYYYY NNNN',
  '8.2': 'N NYYYYYYYYYYYYYYYYYYY NNNN',
  '8.3': 'N NNYYYYYYYYYYYYYYYYYY NNNN',
  '8.4': 'N NNNYYYYYYYYYYYYYYYYY NNNN',
  '8.5': 'N NNNNYYYYYYYYYYYYYYYY NNNN',
  '8.6': 'N NNNNNYYYYYYYYYYYYYYY NNNN',
  '8.7': 'N NNNNNNYYYYYYYYYYYYYY NNNN',
  '8.8': 'N NNNNNNNYYYYYYYYYYYYY NNNN',
  '8.9': 'N NNNNNNNNYYYYYYYYYYYY NNNN',
  '8.10': 'N NNNNNNNNNYYYYYYYYYYY NNNN',
  '8.11': 'N NNNNNNNNNNYYYYYYYYYY NNNN',
  '8.12': 'N NNNNNNNNNNNYYYYYYYYY NNNN',
  '8.13': 'N NNNNNNNNNNNNYYYYYYYY NNNN',
  '8.14': 'N NNNNNNNNNNNNNYYYYYYY NNNN',
  '8.15': 'N NNNNNNNNNNNNNNYYYYYY NNNN',
  '8.16': 'N NNNNNNNNNNNNNNNYYYYY NNNN',
  '8.17': 'N NNNNNNNNNNNNNNNNYYYY NNNN',
  '8.18': 'N NNNNNNNNNNNNNNNNNYYY YNNN',
  '8.19': 'N NNNNNNNNNNNNNNNNNNYY YYYY',
  '9.0': 'N NNNNNNNNNNNNNNNNNNYN YYYY',
  '9.1': 'N NNNNNNNNNNNNNNNNNNNN YYYY',
  '9.2': 'N NNNNNNNNNNNNNNNNNNNN NYYY',
  '9.3': 'N NNNNNNNNNNNNNNNNNNNN NNYY',
};

/** The table's rows, in order: the local cluster's version. */
export const LOCAL_VERSIONS: readonly string[] = Object.keys(ROWS);

export type Compatibility = 'compatible' | 'incompatible' | 'unknown';

/** Can a cluster of version `local` connect to a remote cluster of version `remote`? */
export function compatibility(local: string, remote: string): Compatibility {
  const row = ROWS[minorOf(local) ?? ''];
  const column = REMOTE_VERSIONS.indexOf(minorOf(remote) as (typeof REMOTE_VERSIONS)[number]);
  if (row === undefined || column === -1) return 'unknown';
  return row.replace(/ /g, '')[column] === 'Y' ? 'compatible' : 'incompatible';
}
