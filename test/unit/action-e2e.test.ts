// The bundled Action, end to end over real HTTP: `node dist/index.js` as the runner starts it
// (inputs and context in the environment, a pull_request event file), with GITHUB_API_URL at a
// local HTTP server standing in for the GitHub API. The node binary is XCLUSTER_ACTION_NODE when
// set (.ci/run sets it to Node 24, the runtime of `runs.using: node24`), else this test's node.

import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';
import { EXAMPLE_SECRETS } from './helpers/example-estate.js';

const NODE = process.env.XCLUSTER_ACTION_NODE || process.execPath;

let tmp: string;
let server: Server;
let gh: FakeGitHub;
let apiUrl: string;

/** Real HTTP in front of the in-memory fake: each request is handed to its fetch handler. */
async function serveFake(fake: FakeGitHub): Promise<{ server: Server; url: string }> {
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = chunks.length ? Buffer.concat(chunks).toString() : undefined;
      const answer = await fake.fetch(`https://api.github.com${req.url}`, { method: req.method, body });
      res.writeHead(answer.status, Object.fromEntries(answer.headers.entries()));
      res.end(await answer.text());
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { server: s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
}

beforeEach(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'xcluster-e2e-'));
  gh = new FakeGitHub();
  ({ server, url: apiUrl } = await serveFake(gh));
});

afterEach(async () => {
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

function runAction(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, ['dist/index.js'], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** A stand-in cluster that only counts what reaches it (answering 503 to anything). */
async function countingCluster(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const s = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(503).end();
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { server: s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, requests };
}

/** examples/ccr/xcluster with both clusters at `url`. */
function estateAt(url: string): string {
  const dir = path.join(tmp, 'xcluster');
  cpSync('examples/ccr/xcluster', dir, { recursive: true });
  for (const name of ['east', 'west']) {
    const file = path.join(dir, 'clusters', `${name}.yml`);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/url: .*/, `url: ${url}`));
  }
  return dir;
}

function pullRequestEvent(number: number): string {
  const repo = { full_name: `${OWNER}/${REPO}`, name: REPO, owner: { login: OWNER }, default_branch: 'main' };
  const event = {
    action: 'synchronize',
    number,
    pull_request: { number, head: { repo }, base: { repo } },
    repository: repo,
  };
  const file = path.join(tmp, 'event.json');
  writeFileSync(file, JSON.stringify(event));
  return file;
}

describe('node dist/index.js', () => {
  it('plan mode on a pull_request event posts its sticky comment to GITHUB_API_URL', async () => {
    const outputFile = path.join(tmp, 'output');
    const summaryFile = path.join(tmp, 'summary.md');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const env = {
      INPUT_MODE: 'plan',
      INPUT_CONFIG: 'examples/ccr/xcluster',
      INPUT_SNAPSHOTS: 'examples/ccr/live',
      'INPUT_GITHUB-TOKEN': 'ghs_not_a_real_token',
      INPUT_COMMENT: 'true',
      'INPUT_FAIL-ON': 'error',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: pullRequestEvent(7),
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_SHA: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      GITHUB_API_URL: apiUrl,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '42',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: tmp,
    };
    const first = await runAction(env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(gh.commentsOn(7)).toHaveLength(1);
    const body = gh.commentsOn(7)[0]!.body;
    expect(body.split('\n')[0]).toBe('<!-- xcluster:plan:examples/ccr/xcluster -->');
    expect(body).toMatch(/\*\*Plan: \d+ to create, \d+ to update, \d+ to delete/);
    expect(readFileSync(summaryFile, 'utf8')).toContain('Plan:');
    expect(readFileSync(outputFile, 'utf8')).toContain('has-changes');

    // The second run finds its comment over HTTP (listing, then who we are) and edits it.
    const second = await runAction(env);
    expect(second.code).toBe(0);
    expect(gh.commentsOn(7)).toHaveLength(1);
    expect(gh.writes().map((w) => w.method)).toEqual(['POST']);
  }, 60_000);

  it('issue 11 finding 1: apply mode on a pull_request event fails in one line and sends no request', async () => {
    const cluster = await countingCluster();
    try {
      const { code, stdout } = await runAction({
        ...EXAMPLE_SECRETS,
        INPUT_MODE: 'apply',
        INPUT_CONFIG: estateAt(cluster.url),
        'INPUT_GITHUB-TOKEN': 'ghs_not_a_real_token',
        INPUT_COMMENT: 'true',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: pullRequestEvent(7),
        GITHUB_REF: 'refs/pull/7/merge',
        GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
        GITHUB_SHA: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
        GITHUB_API_URL: apiUrl,
        RUNNER_TEMP: tmp,
      });
      expect(code).toBe(1);
      expect(stdout.trim()).toMatch(
        /^::error::xcluster apply refused: the event is pull_request; apply runs only on a push to the default branch/,
      );
      expect(stdout.trim().split('\n')).toHaveLength(1);
      expect(cluster.requests).toEqual([]);
      expect(gh.requests).toEqual([]);
    } finally {
      await new Promise((r) => cluster.server.close(r));
    }
  }, 60_000);
});
