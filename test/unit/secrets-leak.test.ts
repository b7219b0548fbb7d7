// Issue 11, acceptance 3: no secret leaves xcluster in any form. Every CLI command and every
// Action mode runs against fake clusters that misbehave as real ones do — an error quoting the
// request body, a 401 quoting the credentials, a refused connection — and against broken
// configurations, with distinctive secrets (a quote, a backslash, %, / and non-ASCII letters) as
// the connection password, the API key and a user's password. Every byte written is searched for
// every form of every secret (helpers/secret-forms.ts): stdout, stderr, every file written (plan
// files, snapshots, reports, --out, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), and the URL and body of
// every request sent to GitHub. Only the Elasticsearch servers may receive the secrets (a user
// PUT carries its password, every request the Authorization header), and the Action's
// `::add-mask::` commands, which the runner consumes to mask its log, must carry each form.
//
// Each run starts with fresh modules (vi.resetModules), so that no secret registered by an
// earlier run masks what a later one would leak.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Io } from '../../src/cli.js';
import { FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';
import { ES_HEADERS } from './helpers/es-nock.js';
import { esError, FakeElasticsearch } from './helpers/fake-es.js';
import { LEAK_SECRETS, secretForms } from './helpers/secret-forms.js';

const github = vi.hoisted(() => ({ fetch: undefined as typeof fetch | undefined }));

// @actions/github reads the runner's environment once, when it is imported; each Action run here
// has an environment of its own, so each read of the context builds it afresh.
vi.mock('@actions/github', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@actions/github')>();
  const Context = actual.context.constructor as new () => typeof actual.context;
  const context = new Proxy(actual.context, { get: (_, key) => Reflect.get(new Context(), key) as unknown });
  return { ...actual, context };
});

// The Action's Octokit talks to the in-memory GitHub of the current run.
vi.mock('../../src/github/octokit.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/github/octokit.js')>();
  return {
    ...actual,
    makeOctokit: (token: string) =>
      actual.makeOctokit(token, { baseUrl: 'https://api.github.com', fetch: github.fetch }),
  };
});

const WEST = 'https://west.leak.test:9200';
const EAST = 'https://east.leak.test:9200';
const ADMIN = 'xcluster-admin';
const USER = 'leak-user';
const SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const SECRET_ENV = {
  LEAK_CONNECTION_PASSWORD: LEAK_SECRETS.connectionPassword,
  LEAK_API_KEY: LEAK_SECRETS.apiKey,
  LEAK_USER_PASSWORD: LEAK_SECRETS.userPassword,
};

/** Every (secret, encoding) searched for. */
const ENCODINGS = [
  ...secretForms(LEAK_SECRETS.connectionPassword, ADMIN).map((f) => ({ secret: 'connection password', ...f })),
  ...secretForms(LEAK_SECRETS.apiKey).map((f) => ({ secret: 'API key', ...f })),
  ...secretForms(LEAK_SECRETS.userPassword, USER).map((f) => ({ secret: 'user password', ...f })),
];

// ---------------------------------------------------------------------------------------------
// The configurations

const westFile = `connection:
  flavor: elasticsearch
  url: ${WEST}
  auth:
    username: ${ADMIN}
    password: { env: LEAK_CONNECTION_PASSWORD }
  transport: west.leak.test:9300
roles:
  leak-role:
    cluster: [monitor]
users:
  ${USER}:
    password: { env: LEAK_USER_PASSWORD }
    roles: [leak-role]
remote_clusters:
  east:
    cluster: east
    seeds: [east.leak.test:9300]
    skip_unavailable: true
`;

const eastFile = (apiKey: string) => `connection:
  flavor: elasticsearch
  url: ${EAST}
  auth:
    api_key: ${apiKey}
  transport: east.leak.test:9300
roles:
  leak-role:
    cluster: [monitor]
`;

/** valid; a secret file under /proc (which holds every secret of the environment); an inline secret. */
const CONFIGS = {
  valid: eastFile('{ env: LEAK_API_KEY }'),
  'proc-file': eastFile('{ file: /proc/self/environ }'),
  'inline-secret': eastFile(JSON.stringify(LEAK_SECRETS.apiKey)),
} as const;
type ConfigName = keyof typeof CONFIGS;

let root: string;
const configDir = (name: ConfigName) => path.join(root, name, 'xcluster');

// ---------------------------------------------------------------------------------------------
// The clusters

type Obj = Record<string, unknown>;
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

/** A 401 on every request, quoting the credentials it was given. */
function unauthorized(url: string, credentials: string): void {
  const body = esError(401, 'security_exception', `unable to authenticate with provided credentials [${credentials}]`);
  nock(url).intercept(/.*/, 'GET').query(true).reply(401, body, ES_HEADERS).persist();
}

function refused(url: string): void {
  const err = Object.assign(new Error(`connect ECONNREFUSED ${new URL(url).host}`), { code: 'ECONNREFUSED' });
  nock(url).intercept(/.*/, 'GET').query(true).replyWithError(err).persist();
}

const fakes = () => ({
  west: new FakeElasticsearch(WEST).withFileRealmAdmin(ADMIN, LEAK_SECRETS.connectionPassword).install(),
  east: new FakeElasticsearch(EAST).install(),
});

/** How the clusters behave in each scenario, and a text its runs must show (so that none passes empty). */
const SCENARIOS: Record<string, { serve: () => void; shows: RegExp }> = {
  'clusters that answer': { serve: () => void fakes(), shows: /Plan: \d+ to create/ },
  'errors quoting the request body of a create': {
    serve: () => {
      const { west, east } = fakes();
      // The first failure stops a cluster's apply: west fails at its user, east at its role.
      const as = `Basic ${basic(ADMIN, LEAK_SECRETS.connectionPassword)}`;
      west.echoNext('PUT', `/_security/user/${USER}`, (sent) => `failed to parse [${sent}] sent as [${as}]`);
      east.echoNext(
        'PUT',
        '/_security/role/leak-role',
        (sent) => `failed to parse [${sent}] sent as [ApiKey ${LEAK_SECRETS.apiKey}]`,
      );
    },
    shows: /mapper_parsing_exception: failed to parse \[\{.*"password":"\*\*\*"\}\] sent as \[Basic \*\*\*\]/,
  },
  'an error quoting the body of a password change': {
    serve: () => {
      const { west } = fakes();
      west.users[USER] = { body: { roles: ['leak-role'] }, password: 'an-older-password-1' };
      west.echoNext('POST', `/_security/user/${USER}/_password`);
    },
    shows: /mapper_parsing_exception: failed to parse \[\{"password":"\*\*\*"\}\]/,
  },
  'a password check failing with the credentials quoted': {
    serve: () => {
      const { west } = fakes();
      west.users[USER] = { body: { roles: ['leak-role'] }, password: LEAK_SECRETS.userPassword };
      const reason = `login of [Basic ${basic(USER, LEAK_SECRETS.userPassword)}] failed: [${LEAK_SECRETS.userPassword}]`;
      // Only the password check (a login as the user) fails: one attempt per run, never retried.
      west.failNextLogin(500, esError(500, 'exception', reason), USER);
    },
    shows: /could not check the password of user leak-user: .*login of \[Basic \*\*\*\] failed: \[\*\*\*\]/,
  },
  // Found when the identity read joined the read round: `snapshot` checks no password, so it had
  // not resolved (nor masked) the user's, and a server echoing it in any answer leaked it to stderr.
  'the read round echoing a password it was never sent': {
    serve: () => {
      const { west } = fakes();
      const reason = `login of [Basic ${basic(USER, LEAK_SECRETS.userPassword)}] failed: [${LEAK_SECRETS.userPassword}]`;
      west.failNext('GET', '/_security/_authenticate', 500, esError(500, 'exception', reason));
    },
    shows:
      /unreachable: GET \/_security\/_authenticate answered 500 Internal Server Error: login of \[Basic \*\*\*\] failed: \[\*\*\*\]/,
  },
  '401 quoting the credentials': {
    serve: () => {
      unauthorized(WEST, `Basic ${basic(ADMIN, LEAK_SECRETS.connectionPassword)}`);
      unauthorized(EAST, `ApiKey ${LEAK_SECRETS.apiKey}`);
    },
    shows: /401 Unauthorized: unable to authenticate with provided credentials \[ApiKey \*\*\*\]/,
  },
  'an unreachable cluster': {
    serve: () => {
      refused(WEST);
      new FakeElasticsearch(EAST).install();
    },
    shows: /ECONNREFUSED/,
  },
};

// ---------------------------------------------------------------------------------------------
// Running, and searching what was written

/** Everything one run wrote, by channel. */
type Written = Record<string, string>;

let checks = 0;
let runs = 0;

/** Every file under `dir`, by path. */
function filesUnder(dir: string): Written {
  const out: Written = {};
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, filesUnder(p));
    else out[`file ${path.relative(root, p)}`] = readFileSync(p, 'utf8');
  }
  return out;
}

/** The leaks in `written`: one line per channel and form found. */
function leaksIn(run: string, written: Written): string[] {
  runs++;
  const leaks: string[] = [];
  for (const e of ENCODINGS) {
    checks++;
    for (const [channel, text] of Object.entries(written)) {
      if (text.includes(e.text)) leaks.push(`${run}: ${channel} holds the ${e.secret} (${e.encoding})`);
    }
  }
  return leaks;
}

/** A fresh, empty working directory for one run. */
function enterRunDir(): string {
  const dir = mkdtempSync(path.join(root, 'run-'));
  process.chdir(dir);
  return dir;
}

async function cli(args: string[], answer?: string): Promise<Written> {
  const dir = enterRunDir();
  vi.resetModules();
  const { run } = await import('../../src/cli.js');
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY: false,
    ...(answer !== undefined ? { ask: () => Promise.resolve(answer) } : {}),
  };
  await run(args, io);
  return { stdout, stderr, ...filesUnder(dir) };
}

const toText = (chunk: unknown): string =>
  typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();

/** What the process writes to stdout and stderr while `fn` runs. */
async function captured(fn: () => Promise<void>): Promise<{ stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const { write: stdoutWrite } = process.stdout;
  const { write: stderrWrite } = process.stderr;
  process.stdout.write = ((chunk: unknown) => ((out.stdout += toText(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => ((out.stderr += toText(chunk)), true)) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
  return out;
}

type Event = 'pull_request' | 'pull_request from a fork' | 'push' | 'schedule';

function eventPayload(event: Event): Obj {
  const repository = { full_name: `${OWNER}/${REPO}`, name: REPO, owner: { login: OWNER }, default_branch: 'main' };
  if (event === 'push') return { ref: 'refs/heads/main', after: SHA, repository };
  if (event === 'schedule') return { schedule: '17 3 * * *', repository };
  const head = event === 'pull_request' ? repository : { ...repository, full_name: `someone/${REPO}` };
  return {
    action: 'synchronize',
    number: 7,
    pull_request: { number: 7, head: { repo: head }, base: { repo: repository } },
    repository,
  };
}

/** @actions/core keeps the job summary's path from its first write: one file for every run. */
const summaryFile = () => path.join(root, 'step-summary.md');

function stubActionEnv(mode: string, event: Event, config: string, dir: string): void {
  const eventFile = path.join(root, 'event.json');
  writeFileSync(eventFile, JSON.stringify(eventPayload(event)));
  writeFileSync(summaryFile(), '');
  writeFileSync(path.join(dir, 'github-output'), '');
  const env: Record<string, string> = {
    INPUT_MODE: mode,
    INPUT_CONFIG: config,
    'INPUT_GITHUB-TOKEN': 'ghs_leak_test_token_not_real',
    INPUT_COMMENT: 'true',
    'INPUT_FAIL-ON': 'error',
    GITHUB_EVENT_NAME: event === 'pull_request from a fork' ? 'pull_request' : event,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_REF: event === 'push' ? 'refs/heads/main' : 'refs/pull/7/merge',
    GITHUB_SHA: SHA,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '42',
    GITHUB_OUTPUT: path.join(dir, 'github-output'),
    GITHUB_STEP_SUMMARY: summaryFile(),
    RUNNER_TEMP: dir,
  };
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
}

/** The GitHub of one run; every request's URL and body as sent. */
function fakeGitHub(): { sent: string[] } {
  const gh = new FakeGitHub();
  gh.addPull(SHA, { number: 9, mergeCommitSha: SHA, mergedAt: '2025-03-04T09:00:00Z' });
  const sent: string[] = [];
  github.fetch = (input, init) => {
    sent.push(`${init?.method ?? 'GET'} ${String(input)} ${typeof init?.body === 'string' ? init.body : ''}`);
    return gh.fetch(input as string, init);
  };
  return { sent };
}

/** core.setSecret's command as the runner reads it (its data escaped). */
const addMask = (value: string) =>
  `::add-mask::${value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`;

interface ActionRun {
  written: Written;
  /** The values handed to core.setSecret. */
  masks: string[];
}

async function action(mode: string, event: Event, config: ConfigName): Promise<ActionRun> {
  const dir = enterRunDir();
  stubActionEnv(mode, event, configDir(config), dir);
  const { sent } = fakeGitHub();
  vi.resetModules();
  const { stdout, stderr } = await captured(async () => {
    const main = await import('../../src/main.js');
    await main.done;
  });
  process.exitCode = undefined; // core.setFailed sets it: the runner's business, not this test's
  const lines = stdout.split('\n');
  const log = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n');
  const masks = lines.filter((l) => l.startsWith('::add-mask::'));
  const written = { log, stderr, 'job summary': readFileSync(summaryFile(), 'utf8'), ...filesUnder(dir) };
  return { written: { ...written, 'GitHub requests': sent.join('\n') }, masks };
}

// ---------------------------------------------------------------------------------------------
// The runs

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'xcluster-leak-'));
  for (const [name, east] of Object.entries(CONFIGS)) {
    mkdirSync(path.join(configDir(name as ConfigName), 'clusters'), { recursive: true });
    writeFileSync(path.join(configDir(name as ConfigName), 'clusters', 'west.yml'), westFile);
    writeFileSync(path.join(configDir(name as ConfigName), 'clusters', 'east.yml'), east);
  }
});

const cwd = process.cwd();
afterEach(() => {
  process.chdir(cwd);
  vi.unstubAllEnvs();
  nock.cleanAll();
  nock.enableNetConnect();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function stubSecrets(): void {
  for (const [k, v] of Object.entries(SECRET_ENV)) vi.stubEnv(k, v);
  nock.disableNetConnect();
}

/** The CLI commands of one configuration: every command, in the formats and with the files they write. */
const cliRuns = (config: string): [string, string[], string?][] => [
  ['plan', ['plan', '--config', config]],
  ['plan --format json --out', ['plan', '--config', config, '--format', 'json', '--out', 'plan.json']],
  [
    'plan --format markdown --detailed-exitcode',
    ['plan', '--config', config, '--format', 'markdown', '--detailed-exitcode'],
  ],
  ['lint', ['lint', '--config', config, '--format', 'json']],
  ['snapshot', ['snapshot', '--config', config, '--out', 'live']],
  ['apply --yes', ['apply', '--config', config, '--yes']],
  [
    'apply --yes --format json --out',
    ['apply', '--config', config, '--yes', '--format', 'json', '--out', 'apply.json'],
  ],
  ['apply --yes --format markdown', ['apply', '--config', config, '--yes', '--format', 'markdown']],
  ['apply, declined at the prompt', ['apply', '--config', config], 'no'],
];

const ACTION_RUNS: [string, Event][] = [
  ['plan', 'pull_request'],
  ['apply', 'push'],
  ['drift', 'schedule'],
];

interface Outcome {
  leaks: string[];
  /** Forms of a secret that an Action run did not hand to core.setSecret. */
  unmasked: string[];
  /** All that was written, to check that the runs did what the scenario is about. */
  all: string;
}

/** Runs every CLI command and Action mode with the clusters of `serve`. */
async function runEverything(config: ConfigName, serve: () => void): Promise<Outcome> {
  const outcome: Outcome = { leaks: [], unmasked: [], all: '' };
  const record = (run: string, written: Written) => {
    outcome.leaks.push(...leaksIn(run, written));
    outcome.all += Object.values(written).join('\n');
  };
  for (const [name, args, answer] of cliRuns(configDir(config))) {
    stubSecrets();
    serve();
    record(`xcluster ${name}`, await cli(args, answer));
    nock.cleanAll();
  }
  for (const [mode, event] of ACTION_RUNS) {
    stubSecrets();
    serve();
    const { written, masks } = await action(mode, event, config);
    record(`Action ${mode} on ${event}`, written);
    if (config === 'valid') outcome.unmasked.push(...unmaskedForms(`Action ${mode}`, masks));
    nock.cleanAll();
  }
  return outcome;
}

/** The forms of the secrets that did not reach core.setSecret. */
const unmaskedForms = (run: string, masks: string[]): string[] =>
  ENCODINGS.filter((e) => !masks.includes(addMask(e.text))).map((e) => `${run}: ${e.secret} (${e.encoding})`);

describe('issue 11 acceptance 3: no secret in any form in anything xcluster writes', () => {
  for (const [scenario, { serve, shows }] of Object.entries(SCENARIOS)) {
    it(`every command and Action mode, ${scenario}`, async () => {
      const { leaks, unmasked, all } = await runEverything('valid', serve);
      expect(leaks).toEqual([]);
      expect(unmasked).toEqual([]);
      expect(all).toMatch(shows);
    }, 120_000);
  }

  it('every command and Action mode, a secret file under /proc (a config error)', async () => {
    const { leaks, all } = await runEverything('proc-file', SCENARIOS['clusters that answer']!.serve);
    expect(leaks).toEqual([]);
    expect(all).toContain('is under /proc');
  }, 120_000);

  it('every command and Action mode, an inline secret (a config error that must not quote it)', async () => {
    const { leaks, all } = await runEverything('inline-secret', SCENARIOS['clusters that answer']!.serve);
    expect(leaks).toEqual([]);
    expect(all).toContain('inline secret');
  }, 120_000);

  it('a plan from recorded snapshots, help, and the offline lint of a fork', async () => {
    stubSecrets();
    // A server that hands a secret back in its data: the snapshot masks it.
    fakes().west.roles['leak-echo'] = { metadata: { note: LEAK_SECRETS.connectionPassword } };
    const recorded = path.join(root, 'recorded');
    const live = {
      ...(await cli(['snapshot', '--config', configDir('valid'), '--out', recorded])),
      ...filesUnder(recorded),
    };
    expect(live[`file recorded/west.json`]).toContain('"note": "***"');
    const leaks = [
      ...leaksIn('xcluster snapshot', live),
      ...leaksIn(
        'xcluster plan --from-snapshot',
        await cli(['plan', '--config', configDir('valid'), '--from-snapshot', recorded]),
      ),
      ...leaksIn('xcluster --help', await cli(['--help'])),
      ...leaksIn('xcluster apply --help', await cli(['apply', '--help'])),
      ...leaksIn('Action plan on a fork', (await action('plan', 'pull_request from a fork', 'valid')).written),
    ];
    expect(leaks).toEqual([]);
  }, 60_000);

  it('counts its checks', () => {
    console.log(`secrets-leak: ${runs} runs × ${ENCODINGS.length} encodings = ${checks} (run × encoding) checks`);
    expect(ENCODINGS).toHaveLength(17);
    expect(checks).toBeGreaterThanOrEqual(1000);
  });
});
