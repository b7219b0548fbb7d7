// The plan of a pull request: its desired state, planned with the base commit's connections
// (config/base-connections.ts), and the base's desired state planned against the same read, so
// that each change says whether the PR makes it or it is drift already on the cluster
// (drift/origins.ts). The clusters are read once; both plans are pure.

import { withBaseConnections, type ConnectionNotice } from './config/base-connections.js';
import { loadConfig } from './config/load.js';
import { buildPlan, lintOnly, planCluster } from './drift/plan.js';
import { markOrigins } from './drift/origins.js';
import { readStates, type JobOptions } from './job.js';
import { type Config, type Plan } from './model/types.js';

export interface PullRequestPlan {
  plan: Plan;
  notices: ConnectionNotice[];
}

/**
 * Plans the PR's config (from `opts.config`, the checkout) against `base`, the base commit's
 * config loaded with every cluster. Clusters without a usable base connection are linted only.
 */
export async function planPullRequestJob(opts: JobOptions & { base: Config }): Promise<PullRequestPlan> {
  const pr = loadConfig(opts.config, { clusters: opts.clusters });
  const { config, offline, notices } = withBaseConnections(pr, opts.base.clusters);
  const states = config.clusters.length ? await readStates(config, opts) : [];
  const planned = buildPlan(config, states);
  const basePlans = states.map((s) => planCluster(opts.base, s));
  const plan = markOrigins(planned, basePlans);
  // The clusters linted offline: their offline findings, which the plan above could not see.
  const lint = lintOnly(pr).findings.filter((f) => f.cluster !== undefined && offline.includes(f.cluster));
  return { plan: { ...plan, findings: [...plan.findings, ...lint] }, notices };
}
