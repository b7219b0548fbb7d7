import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpStatus, makeOctokit, runUrl } from '../../src/github/octokit.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('makeOctokit', () => {
  it('sends through the injected fetch, to GITHUB_API_URL read at call time, with the token', async () => {
    vi.stubEnv('GITHUB_API_URL', 'http://127.0.0.1:9/api/v3');
    const seen: { url: string; auth: string | null }[] = [];
    const fake: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), auth: new Headers(init?.headers).get('authorization') });
      return new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const gh = makeOctokit('ghs_abc', { fetch: fake });
    await gh.rest.issues.listComments({ owner: 'acme', repo: 'infra', issue_number: 7 });
    expect(seen).toEqual([
      { url: 'http://127.0.0.1:9/api/v3/repos/acme/infra/issues/7/comments', auth: 'token ghs_abc' },
    ]);
  });

  it('an explicit baseUrl wins', async () => {
    vi.stubEnv('GITHUB_API_URL', 'http://ignored');
    const urls: string[] = [];
    const fake: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response('{"message":"Not Found","status":"404"}', {
        status: 404,
        headers: { 'content-type': 'application/json' },
      });
    };
    const gh = makeOctokit('t', { baseUrl: 'https://ghe.example.com/api/v3', fetch: fake });
    const err = await gh.rest.issues.get({ owner: 'a', repo: 'b', issue_number: 1 }).catch((e: unknown) => e);
    expect(httpStatus(err)).toBe(404);
    expect(urls).toEqual(['https://ghe.example.com/api/v3/repos/a/b/issues/1']);
  });

  it('runUrl: the page of this run, from the runner environment', () => {
    expect(
      runUrl({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/infra', GITHUB_RUN_ID: '42' }),
    ).toBe('https://github.com/acme/infra/actions/runs/42');
    expect(runUrl({})).toBeUndefined();
  });
});
