// Issue 11 finding 3: a snapshot is redacted on its values before it is serialized. Masking the
// serialized text missed a secret with a quote or a backslash in it (it is escaped there) and
// could cut through an escape sequence; masking the values keeps the file valid JSON.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { xcluster } from './helpers/cli.js';
import { useExampleEstate } from './helpers/example-estate.js';
import { formsIn, LEAK_SECRETS, secretForms } from './helpers/secret-forms.js';

const estate = useExampleEstate('xcluster-issue-11-snapshot-');

describe('issue 11 finding 3: snapshots', () => {
  it('issue 11 finding 3: a secret a server returns (in a value or a key) is masked in the recorded values', async () => {
    process.env.WEST_API_KEY = LEAK_SECRETS.apiKey;
    estate.west.roles.echo = { metadata: { note: `key ${LEAK_SECRETS.apiKey}`, [LEAK_SECRETS.apiKey]: true } };
    const run = await xcluster('snapshot', '--out', 'live');
    expect(run.code).toBe(0);
    const text = readFileSync('live/west.json', 'utf8');
    expect(formsIn(text, secretForms(LEAK_SECRETS.apiKey))).toEqual([]);
    const roles = JSON.parse(text).responses['GET /_security/role'];
    expect(roles.echo.metadata).toEqual({ note: 'key ***', '***': true });
  });
});
