// The Action's `deadline` input: a duration (default 30m), checked before anything is contacted,
// handed to the jobs as `deadlineMs`.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ActionInputs } from '../../src/github/action.js';

let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'xcluster-i12-inputs-'));
  writeFileSync(path.join(tmp, 'summary.md'), '');
  vi.stubEnv('INPUT_MODE', 'plan');
  vi.stubEnv('INPUT_CONFIG', 'examples/ccr/xcluster');
  vi.stubEnv('INPUT_SNAPSHOTS', 'examples/ccr/live');
  vi.stubEnv('INPUT_COMMENT', 'false');
  vi.stubEnv('INPUT_GITHUB-TOKEN', 'ghs_not_a_real_token');
  vi.stubEnv('GITHUB_EVENT_NAME', 'workflow_dispatch');
  vi.stubEnv('GITHUB_EVENT_PATH', '');
  vi.stubEnv('GITHUB_REPOSITORY', 'acme/infra');
  vi.stubEnv('GITHUB_STEP_SUMMARY', path.join(tmp, 'summary.md'));
  vi.stubEnv('GITHUB_OUTPUT', '');
  vi.stubEnv('RUNNER_TEMP', tmp);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.doUnmock('../../src/github/action.js');
  vi.restoreAllMocks();
  process.exitCode = undefined; // core.setFailed sets it: the runner's business, not this test's
  rmSync(tmp, { recursive: true, force: true });
});

/** src/main.ts as the runner starts it, with runAction replaced by a recorder of its inputs. */
async function runMain(fails?: Error): Promise<{ inputs: ActionInputs[]; stdout: string }> {
  const seen: ActionInputs[] = [];
  vi.resetModules();
  vi.doMock('../../src/github/action.js', () => ({
    runAction: async (inputs: ActionInputs) => {
      seen.push(inputs);
      if (fails) throw fails;
    },
  }));
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const main = await import('../../src/main.js');
  await main.done;
  return { inputs: seen, stdout };
}

describe('issue 12 item 1: the Action input `deadline`', () => {
  it('defaults to 30 minutes, handed to the run as deadlineMs', async () => {
    const { inputs } = await runMain();
    expect(inputs).toHaveLength(1);
    expect(inputs[0]?.deadlineMs).toBe(30 * 60_000);
  });

  it('takes a duration', async () => {
    vi.stubEnv('INPUT_DEADLINE', '45m');
    expect((await runMain()).inputs[0]?.deadlineMs).toBe(45 * 60_000);
  });

  it('a value that is not a duration fails the step in one line naming the input, and nothing runs', async () => {
    vi.stubEnv('INPUT_DEADLINE', 'soon');
    const { inputs, stdout } = await runMain();
    expect(inputs).toEqual([]);
    expect(stdout.trim()).toBe('::error::input deadline: "soon" is not a duration such as 30m, 90s or 500ms');
  });

  it.each([
    ['30m', 1_800_000],
    ['90s', 90_000],
    ['500ms', 500],
    ['120', 120_000],
    [' 2m ', 120_000],
  ])('deadline: %j is %d ms', async (text, ms) => {
    vi.stubEnv('INPUT_DEADLINE', text);
    expect((await runMain()).inputs[0]?.deadlineMs).toBe(ms);
  });

  it.each(['0s', '0', '-5m', '30 minutes', 'Infinity', '1e3'])('deadline: %j is refused', async (text) => {
    vi.stubEnv('INPUT_DEADLINE', text);
    const { inputs, stdout } = await runMain();
    expect(inputs).toEqual([]);
    expect(stdout).toMatch(/^::error::input deadline: .* is not a duration such as 30m, 90s or 500ms/);
  });
});

describe('issue 12 item 7: the step fails in one line', () => {
  it('an error whose message spans lines is folded into one (an annotation shows %0A as a line break)', async () => {
    const { stdout } = await runMain(new Error('something failed:\n  first\r\n  second\n'));
    expect(stdout).toBe('::error::something failed: first second\n');
  });
});
