// Real Elasticsearch clusters for the integration tests, through scripts/elasticsearch.sh: es7
// (7.17), es8 (8.19) and es9 (9.1), single-node each, security on, TLS verified against the CA
// the script makes. They are started once per run by global-setup.ts; this module finds them,
// writes throw-away xcluster configs that point at them, and talks to them as an operator would.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { stringify } from 'yaml';
import { applyJob, planJob, type ApplyOutcome } from '../../src/job.js';
import { type Change, type Plan } from '../../src/model/types.js';
import { osRequest, parseEnv, type OsAnswer } from './opensearch-cluster.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ES_SCRIPT = join(ROOT, 'scripts/elasticsearch.sh');

export type EsName = 'es7' | 'es8' | 'es9';
export const ES_NAMES: EsName[] = ['es7', 'es8', 'es9'];

export interface EsCluster {
  name: EsName;
  url: string;
  /** host:port of the transport layer: what a remote's seeds name. */
  transport: string;
  version: string;
}

export interface EsEstate {
  clusters: Record<EsName, EsCluster>;
  caFile: string;
  adminUser: string;
  adminPassword: string;
}

let estate: EsEstate | undefined;

/** The running clusters (started by global-setup.ts), from `scripts/elasticsearch.sh env`. */
export function esEstate(): EsEstate {
  if (estate) return estate;
  const r = spawnSync('bash', [ES_SCRIPT, 'env'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/elasticsearch.sh env failed: ${r.stderr}`);
  const env = parseEnv(r.stdout);
  const cluster = (name: EsName): EsCluster => ({
    name,
    url: env[`ES_${name.toUpperCase()}_URL`]!,
    transport: env[`ES_${name.toUpperCase()}_TRANSPORT`]!,
    version: env[`ES_${name.toUpperCase()}_VERSION`]!,
  });
  estate = {
    clusters: { es7: cluster('es7'), es8: cluster('es8'), es9: cluster('es9') },
    caFile: env.ES_CA_FILE!,
    adminUser: env.ES_ADMIN_USER!,
    adminPassword: readFileSync(env.ES_ADMIN_PASSWORD_FILE!, 'utf8').trim(),
  };
  return estate;
}

export type EsAnswer = OsAnswer;

/** One request as the bootstrap superuser (or `auth`), TLS verified against the test CA. */
export function es(
  name: EsName,
  method: string,
  path: string,
  body?: unknown,
  auth?: { user: string; password: string },
): Promise<EsAnswer> {
  const e = esEstate();
  const who = auth ?? { user: e.adminUser, password: e.adminPassword };
  return osRequest({ url: e.clusters[name].url, caFile: e.caFile }, method, path, { body, auth: who });
}

/** A request that must succeed; its body. */
export async function esOk(name: EsName, method: string, path: string, body?: unknown): Promise<unknown> {
  const r = await es(name, method, path, body);
  expect(r.status, `${method} ${path} on ${name}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body;
}

/** The environment variable the generated configs read the admin password from. */
const ADMIN_PASSWORD_ENV = 'XC_IT_ES_ADMIN_PASSWORD';

/** The connection section of a cluster file that reaches `name` as the bootstrap superuser. */
export function connection(name: EsName): Record<string, unknown> {
  const e = esEstate();
  process.env[ADMIN_PASSWORD_ENV] = e.adminPassword;
  return {
    flavor: 'elasticsearch',
    url: e.clusters[name].url,
    auth: { username: e.adminUser, password: { env: ADMIN_PASSWORD_ENV } },
    ca: { file: e.caFile },
    transport: e.clusters[name].transport,
  };
}

/**
 * A throw-away config folder: one cluster file per entry (connection added), and intents.
 * Returns its path; each call with the same `id` starts from an empty folder.
 */
export function writeConfig(
  id: string,
  files: Partial<Record<EsName, Record<string, unknown>>>,
  intents?: Record<string, unknown>,
): string {
  const dir = join(ROOT, '.tmp/es-it', id, 'xcluster');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'clusters'), { recursive: true });
  for (const [name, body] of Object.entries(files)) {
    writeFileSync(join(dir, 'clusters', `${name}.yml`), stringify({ connection: connection(name as EsName), ...body }));
  }
  if (intents) writeFileSync(join(dir, 'intents.yml'), stringify(intents));
  return dir;
}

export const changesOf = (p: Plan): Change[] => p.clusters.flatMap((c) => c.changes);
export const summaryOf = (p: Plan): string[] =>
  changesOf(p)
    .map((c) => `${c.cluster} ${c.action} ${c.kind} ${c.name}`)
    .sort();
export const findingsOf = (p: Plan, severity = 'error'): string[] =>
  p.findings.filter((f) => f.severity === severity).map((f) => `${f.rule}: ${f.message}`);

export async function plan(config: string): Promise<Plan> {
  return (await planJob({ config })).plan;
}

export async function apply(config: string): Promise<ApplyOutcome> {
  return applyJob({ config, confirm: () => Promise.resolve(true), remoteWaitMs: 30_000, pollMs: 1_000 });
}

/** Asserts an apply ran and verified every cluster, with what went wrong in the message. */
export function expectApplied(outcome: ApplyOutcome): void {
  const why = outcome.status === 'refused' ? `${outcome.reason}: ${findingsOf(outcome.plan).join('; ')}` : '';
  expect(outcome.status, why).toBe('applied');
  if (outcome.status !== 'applied') return;
  for (const c of outcome.result.clusters) {
    const failed = c.operations.filter((o) => o.status !== 'done').map((o) => `${o.change.name}: ${o.error}`);
    expect(
      c.verified,
      `${c.name} verified: remaining ${JSON.stringify(c.remaining?.map((r) => r.diff))}; ${failed.join('; ')}; ${c.error ?? ''}`,
    ).toBe(true);
  }
}

/** Apply, then a fresh plan: nothing left to do and no error. */
export async function converge(config: string): Promise<Plan> {
  const first = await plan(config);
  expect(findingsOf(first), 'error findings before apply').toEqual([]);
  expectApplied(await apply(config));
  const again = await plan(config);
  expect(changesOf(again).map((c) => `${c.cluster} ${c.action} ${c.kind} ${c.name} ${JSON.stringify(c.diff)}`)).toEqual(
    [],
  );
  return again;
}

/** Deletes the named security objects (test cleanup; a missing one is fine). */
export async function remove(name: EsName, kind: 'role' | 'user' | 'role_mapping', names: string[]): Promise<void> {
  for (const n of names) await es(name, 'DELETE', `/_security/${kind}/${encodeURIComponent(n)}`);
}
