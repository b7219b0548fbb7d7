// The xcluster command. Thin: parses arguments, calls the job, prints, sets the exit code.

import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { exitCode, lintJob, planJob, snapshotJob } from './job.js';
import { ConfigErrors, ConfigError } from './model/errors.js';
import { redact } from './model/redact.js';
import { type Plan } from './model/types.js';
import { FORMATS, render, type Format } from './render/index.js';
import { renderLint } from './render/lint.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
}

const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY),
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

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

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const log = (line: string) => io.stderr(redact(`xcluster: ${line}\n`));
  const program = new Command('xcluster')
    .description(
      'Cross-cluster access as code for Elasticsearch: plan roles, users, role mappings and remote clusters from git.',
    )
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  commonOptions(
    program
      .command('plan')
      .description('Compare the configuration with the live clusters and print what would change.')
      .addOption(formatOption())
      .option('--out <file>', 'write the plan to a file instead of stdout')
      .option('--from-snapshot <dir>', 'plan against snapshots recorded by `xcluster snapshot` (offline)')
      .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
      .option('--no-color', 'never colour the text output'),
  ).action(
    async (
      opts: OutputOptions & { config: string; cluster?: string[]; fromSnapshot?: string; detailedExitcode?: boolean },
    ) => {
      const { plan } = await planJob({
        config: opts.config,
        clusters: opts.cluster,
        fromSnapshot: opts.fromSnapshot,
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
      .requiredOption('--out <path>', 'a folder (one <cluster>.json per cluster), or a .json file for one cluster'),
  ).action(async (opts: { config: string; cluster?: string[]; out: string }) => {
    const { written, states } = await snapshotJob({ config: opts.config, clusters: opts.cluster, out: opts.out, log });
    for (const path of written) io.stderr(`xcluster: wrote ${path}\n`);
    setExit(states.every((s) => s.reachable) ? 0 : 1);
  });

  return program;
}

/** Runs the CLI and returns its exit code; never throws. */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    return reportError(e, io);
  }
}

function reportError(e: unknown, io: Io): number {
  const err = e as { code?: string; exitCode?: number };
  // commander has already printed its own message (or the help) for these.
  if (typeof err.code === 'string' && err.code.startsWith('commander.')) {
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 1;
  }
  const errors = e instanceof ConfigErrors ? e.errors : e instanceof ConfigError ? [e] : null;
  if (errors) {
    for (const ce of errors) io.stderr(redact(`error: ${ce.message}\n`));
  } else {
    io.stderr(redact(`error: ${e instanceof Error ? e.message : String(e)}\n`));
  }
  return 1;
}
