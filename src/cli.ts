// The xcluster command. Thin: parses arguments, calls the job, prints, sets the exit code.

import { openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { TIMEOUT } from './config/schema.js';
import { timeoutMs } from './config/load.js';
import {
  applyExitCode,
  applyJob,
  DEFAULT_RUN_DEADLINE_MS,
  exitCode,
  lintJob,
  planJob,
  snapshotJob,
  type ApplyOutcome,
} from './job.js';
import { SAVED_PLAN_LIMIT, savedPlanFingerprint } from './drift/saved-plan.js';
import { redact } from './model/redact.js';
import { type Plan } from './model/types.js';
import { FORMATS, render, type Format } from './render/index.js';
import { renderApply } from './render/apply.js';
import { renderErrorsJson, renderErrorsText } from './render/errors.js';
import { renderLint } from './render/lint.js';
import { plainLog } from './github/workflow-commands.js';
import { stopOnSignals } from './stop-signals.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stdout is a terminal (colour). */
  isTTY: boolean;
  /** Asks a question on the terminal; absent when there is no terminal to ask on. */
  ask?: (question: string) => Promise<string>;
}

async function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** In a workflow step, the runner reads our output for workflow commands: keep it plain text. */
const forLog = process.env.GITHUB_ACTIONS === 'true' ? plainLog : (t: string) => t;

const processIo: Io = {
  stdout: (t) => process.stdout.write(forLog(t)),
  stderr: (t) => process.stderr.write(forLog(t)),
  isTTY: Boolean(process.stdout.isTTY),
  ...(process.stdin.isTTY && process.stderr.isTTY ? { ask: askOnTerminal } : {}),
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** A duration such as 30m, 90s or 500ms, in milliseconds. */
function duration(value: string): number {
  if (!TIMEOUT.test(value)) throw new InvalidArgumentError('expected a duration such as 30m, 90s or 500ms');
  return timeoutMs(value);
}

/** The run deadline: clusters not read by then are reported unreachable. */
function deadlineOption(): Option {
  return new Option('--deadline <duration>', 'run deadline: clusters not read by then are reported unreachable')
    .argParser(duration)
    .default(DEFAULT_RUN_DEADLINE_MS, '30m');
}

function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(FORMATS).default('text');
}

function commonOptions(cmd: Command): Command {
  return cmd
    .option('--config <dir>', 'the xcluster configuration folder', 'xcluster')
    .option('--cluster <name>', 'only this cluster (repeatable)', collect);
}

interface OutputOptions {
  format: Format;
  out?: string;
  color: boolean;
}

/** Prints (or writes) a rendered plan. */
function emit(plan: Plan, opts: OutputOptions, io: Io): void {
  const colour = opts.color && io.isTTY && !opts.out && opts.format === 'text';
  write(render(plan, opts.format, { colour }), opts, io);
}

/** Every byte that leaves passes the secret redactor. */
function write(output: string, opts: OutputOptions, io: Io): void {
  const text = redact(output);
  if (opts.out) {
    writeFileSync(opts.out, text);
    io.stderr(`xcluster: wrote ${opts.out}\n`);
  } else io.stdout(text);
}

/** A saved plan's text, read no further than its size bound (a FIFO or /dev/zero has no size to check first). */
function readSavedPlan(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(1024 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
      if (length > SAVED_PLAN_LIMIT)
        throw new Error(`${path} is larger than ${SAVED_PLAN_LIMIT} bytes: not a saved plan`);
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

type ApplyCliOptions = OutputOptions & {
  config: string;
  cluster?: string[];
  /** A plan saved by `plan --format json --out`: apply only if a fresh plan is the same. */
  plan?: string;
  yes?: boolean;
  concurrency: number;
  deadline: number;
};

export function buildProgram(
  io: Io,
  setExit: (code: number) => void,
  onFormat: (format: Format) => void = () => {},
): Command {
  const log = (line: string) => io.stderr(redact(`xcluster: ${line}\n`));
  const program = new Command('xcluster')
    .description(
      'Cross-cluster access as code for Elasticsearch and OpenSearch: plan, apply and drift-check roles, users, role mappings and remote clusters from git.',
    )
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    // The errors a command throws are printed in its --format: JSON for `--format json`.
    .hook('preAction', (_, command) => {
      const format: unknown = command.opts().format;
      if (typeof format === 'string' && (FORMATS as readonly string[]).includes(format)) onFormat(format as Format);
    });

  commonOptions(
    program
      .command('plan')
      .description('Compare the configuration with the live clusters and print what would change.')
      .addOption(formatOption())
      .option('--out <file>', 'write the plan to a file instead of stdout')
      .option('--from-snapshot <dir>', 'plan against snapshots recorded by `xcluster snapshot` (offline)')
      .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
      .addOption(deadlineOption())
      .option('--no-color', 'never colour the text output'),
  ).action(
    async (
      opts: OutputOptions & {
        config: string;
        cluster?: string[];
        fromSnapshot?: string;
        detailedExitcode?: boolean;
        deadline: number;
      },
    ) => {
      const { plan } = await planJob({
        config: opts.config,
        clusters: opts.cluster,
        fromSnapshot: opts.fromSnapshot,
        deadlineMs: opts.deadline,
        log,
      });
      emit(plan, opts, io);
      setExit(exitCode(plan, opts.detailedExitcode ?? false));
    },
  );

  commonOptions(
    program
      .command('lint')
      .description(
        'Check the configuration offline (no cluster is contacted) and run the rules that need no live state.',
      )
      .addOption(formatOption())
      .option('--out <file>', 'write the report to a file instead of stdout')
      .option('--no-color', 'never colour the text output'),
  ).action((opts: OutputOptions & { config: string; cluster?: string[] }) => {
    const { config, plan } = lintJob({ config: opts.config, clusters: opts.cluster });
    write(renderLint(config, plan.findings, opts.format), opts, io);
    setExit(exitCode(plan, false));
  });

  commonOptions(
    program
      .command('snapshot')
      .description('Record what each cluster returns for the read round (no secrets), for offline plans and tests.')
      .requiredOption('--out <path>', 'a folder (one <cluster>.json per cluster), or a .json file for one cluster')
      .addOption(deadlineOption()),
  ).action(async (opts: { config: string; cluster?: string[]; out: string; deadline: number }) => {
    const { written, states } = await snapshotJob({
      config: opts.config,
      clusters: opts.cluster,
      out: opts.out,
      deadlineMs: opts.deadline,
      log,
    });
    for (const path of written) io.stderr(`xcluster: wrote ${path}\n`);
    setExit(states.every((s) => s.reachable) ? 0 : 1);
  });

  commonOptions(
    program
      .command('apply')
      .description(
        'Apply the plan: remote connections, then roles, role mappings, users (OpenSearch: nodes_dn and action groups first, one atomic PATCH per kind; deletions in reverse), then verify with a fresh plan.',
      )
      .option(
        '--plan <file>',
        'apply only if a fresh plan is the one saved by `plan --format json --out <file>` (same fingerprint); no question is asked',
      )
      .option('--yes', 'apply without asking (required when there is no terminal)')
      .option('--concurrency <n>', 'operations of one step in flight at once, per cluster', positiveInt, 4)
      .addOption(deadlineOption())
      .addOption(formatOption())
      .option('--out <file>', 'write the report to a file instead of stdout')
      .option('--no-color', 'never colour the text output'),
  ).action(async (opts: ApplyCliOptions) => {
    // A saved plan was reviewed when it was saved: as Terraform's, it is applied without asking.
    const expectFingerprint =
      opts.plan === undefined ? undefined : savedPlanFingerprint(opts.plan, readSavedPlan(opts.plan));
    const approved = opts.yes === true || expectFingerprint !== undefined;
    if (!approved && !io.ask)
      throw new Error('apply needs --yes when there is no terminal to confirm on (or --plan with a saved plan)');
    const confirm = async (plan: Plan): Promise<boolean> => {
      if (approved) return true;
      io.stderr(redact(render(plan, 'text', { colour: opts.color && io.isTTY })));
      const answer = await io.ask!('Apply these changes? Only "yes" is accepted: ');
      return answer.trim() === 'yes';
    };
    const stop = new AbortController();
    const signals = stopOnSignals(stop, log);
    let outcome: ApplyOutcome;
    try {
      outcome = await applyJob({
        config: opts.config,
        clusters: opts.cluster,
        concurrency: opts.concurrency,
        deadlineMs: opts.deadline,
        confirm,
        log,
        stop: stop.signal,
        ...(expectFingerprint !== undefined ? { expectFingerprint } : {}),
      });
    } finally {
      signals.dispose();
    }
    if (outcome.status === 'applied') write(renderApply(outcome.result, opts.format), opts, io);
    else emit(outcome.plan, opts, io);
    if (outcome.status === 'refused')
      io.stderr(`error: apply refused: ${refusal(outcome, opts.plan)}; nothing was changed\n`);
    if (outcome.status === 'declined') io.stderr('xcluster: apply cancelled; nothing was changed\n');
    if (outcome.status === 'nothing-to-do') io.stderr('xcluster: no changes; nothing to apply\n');
    setExit(signals.exitCode ?? applyExitCode(outcome));
  });

  return program;
}

/** Why the apply was refused, in one line; a stale saved plan says what to do. */
function refusal(outcome: Extract<ApplyOutcome, { status: 'refused' }>, planFile?: string): string {
  if (!outcome.stale || planFile === undefined) return outcome.reason;
  return `${planFile} is stale: ${outcome.reason}. The fresh plan is above: review it, save it with \`xcluster plan --format json --out ${planFile}\` and apply that`;
}

/** Runs the CLI and returns its exit code; never throws. */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  let format: Format = 'text';
  const program = buildProgram(
    io,
    (c) => (code = c),
    (f) => (format = f),
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    return reportError(e, io, format);
  }
}

function reportError(e: unknown, io: Io, format: Format): number {
  const err = e as { code?: string; exitCode?: number };
  // commander has already printed its own message (or the help) for these.
  if (typeof err.code === 'string' && err.code.startsWith('commander.')) {
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 1;
  }
  if (format === 'json') io.stdout(renderErrorsJson(e));
  else io.stderr(renderErrorsText(e));
  return 1;
}
