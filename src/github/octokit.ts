// The one place an Octokit is made. Everything else in src/github/ takes a `GitHub` as a
// parameter, so tests hand in an Octokit whose fetch is a fake (nock cannot see undici's fetch,
// which is what @actions/github uses).

import { getOctokit } from '@actions/github';
import { DEFAULT_GITHUB_POLICY, installRequestPolicy, type GitHubRequestPolicy } from './request-policy.js';

export type GitHub = ReturnType<typeof getOctokit>;

export interface OctokitOptions {
  /** REST API root; defaults to GITHUB_API_URL (set by the runner, also on GHES), else api.github.com. */
  baseUrl?: string;
  /** Replaces the transport entirely; for tests and local end-to-end runs. */
  fetch?: typeof fetch;
  /** Timeout, retries and the sleep between them (see request-policy.ts); tests inject a sleep. */
  policy?: Partial<GitHubRequestPolicy>;
}

export function makeOctokit(token: string, opts: OctokitOptions = {}): GitHub {
  // Read the env at call time: @actions/github reads it once at import, which is too early for a
  // test (or a local run) that sets GITHUB_API_URL afterwards.
  const baseUrl = opts.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com';
  // Octokit merges its defaults shallowly: passing `request` replaces the proxy-aware fetch of
  // @actions/github, so only pass it when a fetch is injected.
  const gh = getOctokit(token, opts.fetch ? { baseUrl, request: { fetch: opts.fetch } } : { baseUrl });
  installRequestPolicy(gh, { ...DEFAULT_GITHUB_POLICY, ...opts.policy });
  return gh;
}

/** Link to this workflow run (where the job summary lives), from the runner's environment. */
export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  return repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}

/** The HTTP status of an Octokit RequestError, without depending on its class. */
export function httpStatus(e: unknown): number | undefined {
  if (typeof e === 'object' && e !== null && 'status' in e && typeof e.status === 'number') return e.status;
  return undefined;
}
