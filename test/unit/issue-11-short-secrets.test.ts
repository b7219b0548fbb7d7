// Issue 11 finding 3: a secret shorter than 8 characters cannot be masked without mangling
// ordinary words (a secret `read` turned `reading` into `***ing`, and so revealed itself). It is
// a configuration error at the place the secret is referenced, before any request is sent.

import { beforeEach, describe, expect, it } from 'vitest';
import { xcluster } from './helpers/cli.js';
import { useExampleEstate } from './helpers/example-estate.js';

const estate = useExampleEstate('xcluster-issue-11-short-');
const requests = () => estate.east.requests.length + estate.west.requests.length;

describe('issue 11 finding 3: a secret shorter than 8 characters is a config error naming its source', () => {
  beforeEach(() => {
    process.env.CROSS_CLUSTER_USER_PASSWORD = 'read';
  });

  it('issue 11 finding 3: a short user password: plan fails at the line of the reference and sends nothing', async () => {
    const run = await xcluster('plan');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: xcluster/intents.yml:14:39: the secret in environment variable CROSS_CLUSTER_USER_PASSWORD is shorter than 8 characters (needed by users.cross-cluster-user.password): too short to be masked in output without hiding ordinary words; use a longer one\n',
    );
    expect(run.stdout).toBe('');
    expect(requests()).toBe(0);
  });

  it('issue 11 finding 3: a short connection credential: apply fails the same way for every short secret', async () => {
    process.env.WEST_API_KEY = 'key-7ch';
    const run = await xcluster('apply', '--yes');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error: xcluster\/clusters\/west\.yml:8:5: the secret in environment variable WEST_API_KEY is shorter than 8 characters \(needed by connection\.auth\.api_key\)/,
    );
    expect(run.stderr).toContain(
      'error: xcluster/intents.yml:14:39: the secret in environment variable CROSS_CLUSTER_USER_PASSWORD',
    );
    expect(requests()).toBe(0);
  });

  it('issue 11 finding 3: a secret of 8 characters is accepted', async () => {
    process.env.CROSS_CLUSTER_USER_PASSWORD = 'r3ad-8ch';
    expect((await xcluster('plan')).code).toBe(0);
  });
});
