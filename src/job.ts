// The main job, shared by the CLI and the Action: config → live state → plan.
// File and network I/O happen here and in the flavor adapters only.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfig } from './config/load.js';
import { resolveConnection } from './config/secrets.js';
import { buildPlan, lintOnly } from './drift/plan.js';
import { flavors } from './flavors/index.js';
import { type Connection, type Snapshot } from './flavors/flavor.js';
import { readCluster, unreachableState } from './flavors/read.js';
import { ConfigError, ConfigErrors } from './model/errors.js';
import { redact } from './model/redact.js';
import { type ClusterConfig, type ClusterState, type Config, type Plan } from './model/types.js';
import { summarize } from './render/summary.js';

export interface JobOptions {
  config: string;
  clusters?: string[];
  /** Plan against recorded snapshots in this folder instead of live clusters. */
  fromSnapshot?: string;
  /** Progress lines (stderr in the CLI, the log in the Action). */
  log?: (line: string) => void;
}

/** Resolves every selected cluster's connection secrets up front, so a missing one fails before any request. */
function resolveAll(clusters: ClusterConfig[]): Map<string, Connection> {
  const connections = new Map<string, Connection>();
  const errors: ConfigError[] = [];
  for (const c of clusters) {
    try {
      connections.set(c.name, resolveConnection(c));
    } catch (e) {
      if (e instanceof ConfigError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length > 0) throw new ConfigErrors(errors);
  return connections;
}

export async function readLive(
  config: Config,
  log: (line: string) => void,
): Promise<{ states: ClusterState[]; snapshots: Snapshot[] }> {
  const connections = resolveAll(config.clusters);
  log(`reading ${config.clusters.length} cluster(s) in parallel`);
  const results = await Promise.all(
    config.clusters.map(async (c) => {
      const started = Date.now();
      const result = await readCluster(c.name, flavors[c.connection.flavor], connections.get(c.name)!);
      const took = `${Date.now() - started} ms`;
      log(
        result.state.reachable
          ? `${c.name}: read ${result.state.version ?? ''} in ${took}`
          : `${c.name}: unreachable (${result.state.error})`,
      );
      return result;
    }),
  );
  return { states: results.map((r) => r.state), snapshots: results.flatMap((r) => (r.snapshot ? [r.snapshot] : [])) };
}

export const snapshotPath = (dir: string, cluster: string): string => join(dir, `${cluster}.json`);

function readSnapshots(config: Config, dir: string): ClusterState[] {
  return config.clusters.map((c) => {
    const path = snapshotPath(dir, c.name);
    let snapshot: Snapshot;
    try {
      snapshot = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
    } catch (e) {
      return unreachableState(c.name, c.connection.flavor, `no readable snapshot at ${path}: ${(e as Error).message}`);
    }
    return flavors[c.connection.flavor].parse(snapshot);
  });
}

export async function planJob(opts: JobOptions): Promise<{ config: Config; plan: Plan }> {
  const log = opts.log ?? (() => {});
  const config = loadConfig(opts.config, { clusters: opts.clusters });
  const states = opts.fromSnapshot ? readSnapshots(config, opts.fromSnapshot) : (await readLive(config, log)).states;
  return { config, plan: buildPlan(config, states) };
}

export function lintJob(opts: JobOptions): { config: Config; plan: Plan } {
  const config = loadConfig(opts.config, { clusters: opts.clusters });
  return { config, plan: lintOnly(config) };
}

/** Records what each cluster's read round returned, one JSON file per cluster. */
export async function snapshotJob(
  opts: JobOptions & { out: string },
): Promise<{ written: string[]; states: ClusterState[] }> {
  const log = opts.log ?? (() => {});
  const config = loadConfig(opts.config, { clusters: opts.clusters });
  const { states, snapshots } = await readLive(config, log);
  const toFile = opts.out.endsWith('.json');
  if (toFile && snapshots.length > 1)
    throw new Error(`--out ${opts.out} is a file, but ${snapshots.length} clusters were read: give a folder`);
  const written = snapshots.map((s) => {
    const path = toFile ? opts.out : snapshotPath(opts.out, s.cluster);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, redact(JSON.stringify(s, null, 2)) + '\n');
    return path;
  });
  return { written, states };
}

/** Terraform's -detailed-exitcode: 0 no changes, 2 changes, 1 error (unreachable cluster or error finding). */
export function exitCode(plan: Plan, detailed: boolean): number {
  const s = summarize(plan);
  if (s.errors > 0 || s.unreachable > 0) return 1;
  return detailed && s.create + s.update + s.delete > 0 ? 2 : 0;
}
