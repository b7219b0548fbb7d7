// The CLI run in-process, as a test calls it: its exit code and everything it printed.

import { run, type Io } from '../../../src/cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function xcluster(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false };
  const code = await run(args, io);
  return { code, stdout, stderr };
}
