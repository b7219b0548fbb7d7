// Running the Action's modes in a test: a recording stand-in for @actions/core, the inputs and
// context of a pull request, and an Octokit on the fake GitHub whose answers a test can replace.

import { type ActionContext, type ActionInputs, type ActionIo } from '../../../src/github/action.js';
import { makeOctokit, type GitHub } from '../../../src/github/octokit.js';
import { BASE_URL, FakeGitHub, OWNER, REPO } from '../../fixtures/github/fake-github.js';

export const SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
export const RUN = 'https://github.com/acme/infra/actions/runs/42';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
}

export interface Recording {
  log: string[];
  annotations: Annotation[];
  outputs: Record<string, string>;
  failed: string | undefined;
  summaries: string[];
}

export function recorder(): { rec: Recording; io: ActionIo } {
  const rec: Recording = { log: [], annotations: [], outputs: {}, failed: undefined, summaries: [] };
  const note =
    (level: Annotation['level']) =>
    (message: string | Error, p?: { file?: string; startLine?: number }): void =>
      void rec.annotations.push({ level, message: String(message), file: p?.file, line: p?.startLine });
  const io: ActionIo = {
    info: (m) => void rec.log.push(m),
    error: note('error'),
    warning: note('warning'),
    notice: note('notice'),
    setOutput: (k, v) => void (rec.outputs[k] = v),
    setFailed: (m) => void (rec.failed = m),
    writeSummary: async (m) => void rec.summaries.push(m),
  };
  return { rec, io };
}

export const planInputs = (extra: Partial<ActionInputs> = {}): ActionInputs => ({
  mode: 'plan',
  config: 'xcluster',
  comment: true,
  failOn: 'error',
  driftLabel: 'xcluster-drift',
  ...extra,
});

export const pullRequestContext = (tempDir: string, extra: Partial<ActionContext> = {}): ActionContext => ({
  eventName: 'pull_request',
  owner: OWNER,
  repo: REPO,
  sha: SHA,
  pullRequest: { number: 7, fromFork: false },
  runUrl: RUN,
  tempDir,
  ...extra,
});

/** An answer in place of the fake GitHub's, or undefined to let it answer. */
export type Override = (method: string, path: string) => Response | undefined;

/** An Octokit on `gh` through a fetch that `override` may answer first; retries do not wait. */
export function octokitOn(gh: FakeGitHub, override: () => Override): () => GitHub {
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    return override()(method, new URL(String(input)).pathname) ?? gh.fetch(input, init);
  };
  return () => makeOctokit('ghs_faketoken', { baseUrl: BASE_URL, fetch, policy: { sleep: async () => {} } });
}

export const jsonAnswer = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
