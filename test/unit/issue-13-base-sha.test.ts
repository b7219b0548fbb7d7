// Issue 13, item 2: the runner's pull_request payload gives the Action the base commit whose
// connections the plan uses (`pull_request.base.sha`); a payload without a well-formed one gives none.

import { context } from '@actions/github';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { type ActionContext } from '../../src/github/action.js';

let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'xcluster-i13-sha-'));
  vi.stubEnv('INPUT_MODE', 'plan');
  vi.stubEnv('GITHUB_EVENT_NAME', 'pull_request');
  vi.stubEnv('GITHUB_REPOSITORY', 'acme/infra');
  vi.stubEnv('GITHUB_OUTPUT', '');
  vi.stubEnv('RUNNER_TEMP', tmp);
});

const original = { eventName: context.eventName, payload: context.payload };

afterEach(() => {
  Object.assign(context, original);
  vi.unstubAllEnvs();
  vi.doUnmock('../../src/github/action.js');
  process.exitCode = undefined;
  rmSync(tmp, { recursive: true, force: true });
});

async function contextOf(baseSha: unknown): Promise<ActionContext | undefined> {
  const payload = {
    pull_request: {
      number: 7,
      head: { repo: { full_name: 'acme/infra' } },
      base: { sha: baseSha, repo: { full_name: 'acme/infra' } },
    },
  };
  // @actions/github reads the event once, at its import (outside the modules vitest resets).
  Object.assign(context, { eventName: 'pull_request', payload });
  let seen: ActionContext | undefined;
  vi.resetModules();
  vi.doMock('../../src/github/action.js', () => ({
    runAction: async (_inputs: unknown, ctx: ActionContext) => {
      seen = ctx;
    },
  }));
  const main = await import('../../src/main.js');
  await main.done;
  return seen;
}

it('issue 13 acceptance 2: the pull request payload base.sha becomes the context base commit', async () => {
  const sha = 'a10867b14bb761a232cd80139fbd4c0d33264240';
  expect((await contextOf(sha))?.baseSha).toBe(sha);
  expect((await contextOf('main; rm -rf /'))?.baseSha).toBeUndefined();
  expect((await contextOf(42))?.baseSha).toBeUndefined();
});
