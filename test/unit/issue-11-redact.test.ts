// Issue 11 finding 3: a secret leaves the process in more forms than its own: JSON-escaped in a
// server error that quotes the request body (and once more in a JSON report of that error),
// URL-encoded, and inside the base64 of a Basic header. Every form is masked, and every form is
// handed to the log masker (core.setSecret in the Action).

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveConnection, resolveSecret } from '../../src/config/secrets.js';
import { jobSummary } from '../../src/github/action.js';
import { SUMMARY_LIMIT } from '../../src/github/truncate.js';
import { onSecret, redact } from '../../src/model/redact.js';
import { type ClusterConfig } from '../../src/model/types.js';
import { xcluster } from './helpers/cli.js';
import { useExampleEstate } from './helpers/example-estate.js';
import { formsIn, LEAK_SECRETS, secretForms } from './helpers/secret-forms.js';

const at = { file: 'xcluster/clusters/west.yml', line: 7, column: 5 };

afterEach(() => vi.unstubAllEnvs());

const westWithBasicAuth = (username: string): ClusterConfig => ({
  name: 'west',
  file: at.file,
  prune: false,
  checkPasswords: 'plan',
  connection: {
    flavor: 'elasticsearch',
    url: 'https://west.example.com:9200',
    auth: { kind: 'basic', username, password: { ref: { env: 'WEST_PASSWORD' }, source: at } },
    timeoutMs: 30_000,
    deadlineMs: 120_000,
    source: at,
  },
});

describe('issue 11 finding 3: every form of a secret is masked', () => {
  it('issue 11 finding 3: raw, JSON-escaped, doubly JSON-escaped and URL-encoded (both ways) forms are masked', () => {
    vi.stubEnv('USER_PASSWORD', LEAK_SECRETS.userPassword);
    resolveSecret({ ref: { env: 'USER_PASSWORD' }, source: at }, 'xcluster');
    for (const form of secretForms(LEAK_SECRETS.userPassword)) {
      expect(redact(`reason: [${form.text}] end`), form.encoding).toBe('reason: [***] end');
    }
  });

  it("issue 11 finding 3: the base64 of a connection's user:password (its Basic header) is masked", () => {
    vi.stubEnv('WEST_PASSWORD', LEAK_SECRETS.connectionPassword);
    resolveConnection(westWithBasicAuth('xcluster-admin'), 'xcluster');
    const basic = Buffer.from(`xcluster-admin:${LEAK_SECRETS.connectionPassword}`).toString('base64');
    expect(redact(`Authorization: Basic ${basic}`)).toBe('Authorization: Basic ***');
    expect(redact(`"authorization":"Basic ${encodeURIComponent(basic)}"`)).toBe('"authorization":"Basic ***"');
  });

  it('issue 11 finding 3: a JSON report of a server error that quotes the body holds no form of the password', () => {
    vi.stubEnv('USER_PASSWORD', LEAK_SECRETS.userPassword);
    resolveSecret({ ref: { env: 'USER_PASSWORD' }, source: at }, 'xcluster');
    const echoed = `failed to parse [${JSON.stringify({ password: LEAK_SECRETS.userPassword, roles: [] })}]`;
    const report = JSON.stringify({ error: echoed });
    const out = redact(report);
    expect(JSON.parse(out)).toEqual({ error: 'failed to parse [{"password":"***","roles":[]}]' });
  });

  it('issue 11 finding 3: every form is handed to the log masker, those known already and those to come', () => {
    vi.stubEnv('API_KEY', LEAK_SECRETS.apiKey);
    resolveSecret({ ref: { env: 'API_KEY' }, source: at }, 'xcluster');
    const masked: string[] = [];
    onSecret((value) => masked.push(value));
    vi.stubEnv('USER_PASSWORD', LEAK_SECRETS.userPassword);
    resolveSecret({ ref: { env: 'USER_PASSWORD' }, source: at }, 'xcluster');
    for (const secret of [LEAK_SECRETS.apiKey, LEAK_SECRETS.userPassword]) {
      for (const form of secretForms(secret)) expect(masked, form.encoding).toContain(form.text);
    }
  });
});

describe('issue 11 finding 3: a server error that quotes the request body', () => {
  const estate = useExampleEstate('xcluster-issue-11-redact-');
  const USER_PUT = '/_security/user/cross-cluster-user';
  const forms = secretForms(LEAK_SECRETS.userPassword);
  beforeEach(() => {
    process.env.CROSS_CLUSTER_USER_PASSWORD = LEAK_SECRETS.userPassword;
  });

  for (const format of ['text', 'json', 'markdown']) {
    it(`issue 11 finding 3: leaks no form of the user's password into the ${format} apply report or stderr`, async () => {
      estate.west.echoNext('PUT', USER_PUT);
      const run = await xcluster('apply', '--yes', '--format', format);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('mapper_parsing_exception');
      expect(formsIn(run.stdout + run.stderr, forms)).toEqual([]);
    });
  }

  it('issue 11 finding 3: a reason cut to its length limit is masked before the cut (no piece of the password left)', async () => {
    const head = '400 mapper_parsing_exception: ';
    // Pad the reason so that the limit of 500 characters falls inside the echoed password.
    estate.west.echoNext('PUT', USER_PUT, (sent) => {
      const inside = head.length + 'failed to parse '.length + sent.indexOf('pässw');
      return `failed to parse ${'x'.repeat(Math.max(0, 500 - inside))}${sent}`;
    });
    const run = await xcluster('apply', '--yes', '--format', 'json');
    const changes = JSON.parse(run.stdout).clusters.flatMap((c: { changes: object[] }) => c.changes);
    const failed = changes.find((c: { status: string }) => c.status === 'failed') as { error: string };
    // Masked first, the reason is short enough to keep whole; cut first, it ended in a piece of the password.
    expect(failed.error).toMatch(/^400 mapper_parsing_exception: failed to parse x{300,}\{.*"password":"\*\*\*"\}$/);
    expect(run.stdout).not.toContain('Üser');
    expect(run.stdout).not.toContain(encodeURIComponent('Üser'));
  });
});

describe('issue 11 finding 3: the job summary', () => {
  it('issue 11 finding 3: a summary over 1 MiB is masked before it is cut (a cut PEM keeps none of its lines)', () => {
    const body = Array.from({ length: 40 }, (_, i) => `MIIEvQIBADANBgkqhkiG9w0BAQEFAASC${String(i).padStart(32, '0')}`);
    const key = ['-----BEGIN PRIVATE KEY-----', ...body, '-----END PRIVATE KEY-----'].join('\n');
    vi.stubEnv('CLIENT_KEY', key);
    resolveSecret({ ref: { env: 'CLIENT_KEY' }, source: at }, 'xcluster');
    // The limit falls inside the key's lines: cut first, its first lines would stay, unmatched.
    const report = `**Plan**\n${'x'.repeat(SUMMARY_LIMIT - 1500)}\n${key}\n${'y'.repeat(100)}\n`;
    const summary = jobSummary(report);
    expect(summary).not.toContain('BEGIN PRIVATE KEY');
    expect(summary).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
    expect(summary).toContain('\n***\n');
  });
});
