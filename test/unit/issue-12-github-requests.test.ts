// Every GitHub API request has a wall-clock timeout, transient failures (5xx, network, rate
// limits) are retried with backoff, and a request that fails for good fails with one line naming
// the method, the path and the status — never the HTML page a proxy or GitHub's front end sent.

import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpStatus, makeOctokit } from '../../src/github/octokit.js';
import { BASE_URL, FakeGitHub, OWNER, REPO } from '../fixtures/github/fake-github.js';

const TOKEN = 'ghs_faketoken';
const HTML_502 =
  '<!DOCTYPE html>\n<html>\n<head><title>Unicorn! · GitHub</title></head>\n<body>\n<h1>502 Bad Gateway</h1>\n' +
  '<p>We had issues producing the response to your request.</p>\n</body>\n</html>\n';

const html = (status: number, body = HTML_502) =>
  new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
const jsonAnswer = (status: number, data: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(data), { status, headers: { 'content-type': 'application/json', ...headers } });

/** The fake GitHub behind a fetch that first answers with `faults` (one per request), then passes through. */
function faulty(faults: (() => Response | Promise<Response>)[]) {
  const fake = new FakeGitHub();
  const sleeps: number[] = [];
  let sent = 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    sent++;
    const fault = faults.shift();
    return fault ? fault() : fake.fetch(input, init);
  };
  const gh = makeOctokit(TOKEN, {
    baseUrl: BASE_URL,
    fetch,
    policy: { sleep: async (ms) => void sleeps.push(ms) },
  });
  return { fake, gh, sleeps, sent: () => sent };
}

const comment = (gh: ReturnType<typeof makeOctokit>) =>
  gh.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 7, body: 'plan' });

/** A fetch that never answers, but gives up when its signal is aborted (as undici's does). */
const hanging: typeof fetch = (_input, init) =>
  new Promise((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
  });

const refused = (): never => {
  throw Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }),
  });
};

describe('issue 12 item 7: a GitHub 5xx is retried with backoff', () => {
  it('one 502 (an HTML page) then success: the comment is posted, after one backoff', async () => {
    const { fake, gh, sleeps, sent } = faulty([() => html(502)]);
    const { data } = await comment(gh);
    expect(data.body).toBe('plan');
    expect(fake.commentsOn(7)).toHaveLength(1);
    expect(sent()).toBe(2);
    expect(sleeps).toEqual([1000]);
  });

  it('the backoff doubles, and three attempts are the bound', async () => {
    const { gh, sleeps, sent } = faulty([() => html(503), () => html(503), () => html(503), () => html(503)]);
    const err = await comment(gh).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(sent()).toBe(3);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('a connection refused is retried, also for a POST (it never reached GitHub)', async () => {
    const { fake, gh, sent } = faulty([refused]);
    await comment(gh);
    expect(sent()).toBe(2);
    expect(fake.commentsOn(7)).toHaveLength(1);

    const down = faulty([refused, refused, refused]);
    const err = await comment(down.gh).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `GitHub API POST /repos/${OWNER}/${REPO}/issues/7/comments: connection failed (ECONNREFUSED) (3 attempts)`,
    );
  });

  it('a POST reset after it was sent is not sent again (the comment may exist); a GET is retried', async () => {
    const reset = (): never => {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }),
      });
    };
    const post = faulty([reset]);
    const err = await comment(post.gh).catch((e: unknown) => e);
    expect(post.sent()).toBe(1);
    expect((err as Error).message).toBe(
      `GitHub API POST /repos/${OWNER}/${REPO}/issues/7/comments: connection failed (ECONNRESET); it may have been done`,
    );
    const get = faulty([reset]);
    await get.gh.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 7 });
    expect(get.sent()).toBe(2);
  });

  it('a 429 waits as long as Retry-After says', async () => {
    const { gh, sleeps } = faulty([() => jsonAnswer(429, { message: 'Too many requests' }, { 'retry-after': '7' })]);
    await gh.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 7 });
    expect(sleeps).toEqual([7000]);
  });

  it('a 403 secondary rate limit is retried; a Retry-After too far away is not waited for', async () => {
    const secondary = () =>
      jsonAnswer(403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' });
    const retried = faulty([secondary]);
    await comment(retried.gh);
    expect(retried.sent()).toBe(2);

    const far = faulty([() => jsonAnswer(429, { message: 'slow down' }, { 'retry-after': '3600' })]);
    const err = await comment(far.gh).catch((e: unknown) => e);
    expect(far.sleeps).toEqual([]);
    expect((err as Error).message).toBe(
      `GitHub API POST /repos/${OWNER}/${REPO}/issues/7/comments answered 429 Too Many Requests: slow down`,
    );
  });

  it('other 4xx answers are not retried, and keep their status for the callers that read it', async () => {
    const { gh, sent } = faulty([]);
    const err = await gh.rest.issues.get({ owner: OWNER, repo: REPO, issue_number: 999 }).catch((e: unknown) => e);
    expect(httpStatus(err)).toBe(404);
    expect(sent()).toBe(1);
    expect((err as Error).message).toBe(
      `GitHub API GET /repos/${OWNER}/${REPO}/issues/999 answered 404 Not Found: Not Found`,
    );
  });
});

describe('issue 12 item 7: a GitHub failure is one line', () => {
  it('an HTML 502 page becomes "answered 502 Bad Gateway", with neither the page nor the token', async () => {
    const { gh } = faulty([() => html(502), () => html(502), () => html(502)]);
    const err = await comment(gh).catch((e: unknown) => e);
    const message = (err as Error).message;
    expect(message).toBe(
      `GitHub API POST /repos/${OWNER}/${REPO}/issues/7/comments answered 502 Bad Gateway (3 attempts)`,
    );
    expect(message).not.toContain('<');
    expect(message).not.toContain(TOKEN);
    expect(httpStatus(err)).toBe(502);
  });

  it('the path is below the API root of a GitHub Enterprise Server, without the query', async () => {
    const sleeps: number[] = [];
    const gh = makeOctokit(TOKEN, {
      baseUrl: 'https://ghe.example.com/api/v3',
      fetch: async () => html(504),
      policy: { sleep: async (ms) => void sleeps.push(ms) },
    });
    const err = await gh.rest.issues
      .listForRepo({ owner: OWNER, repo: REPO, labels: 'xcluster-drift', per_page: 100 })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `GitHub API GET /repos/${OWNER}/${REPO}/issues answered 504 Gateway Timeout (3 attempts)`,
    );
  });
});

describe('issue 12 item 1: every GitHub API call has a timeout', () => {
  it('a GET that hangs is aborted at the timeout, retried, and fails naming the timeout', async () => {
    let sent = 0;
    const gh = makeOctokit(TOKEN, {
      baseUrl: BASE_URL,
      fetch: (input, init) => (sent++, hanging(input, init)),
      policy: { timeoutMs: 50, sleep: async () => {} },
    });
    const err = await gh.rest.issues
      .listComments({ owner: OWNER, repo: REPO, issue_number: 7 })
      .catch((e: unknown) => e);
    expect(sent).toBe(3);
    expect((err as Error).message).toBe(
      `GitHub API GET /repos/${OWNER}/${REPO}/issues/7/comments: no answer within 0.05 s (3 attempts)`,
    );
  });

  it('a POST that timed out is not sent again (the comment may exist), and says so', async () => {
    let sent = 0;
    const gh = makeOctokit(TOKEN, {
      baseUrl: BASE_URL,
      fetch: (input, init) => (sent++, hanging(input, init)),
      policy: { timeoutMs: 50, sleep: async () => {} },
    });
    const err = await comment(gh).catch((e: unknown) => e);
    expect(sent).toBe(1);
    expect((err as Error).message).toBe(
      `GitHub API POST /repos/${OWNER}/${REPO}/issues/7/comments: no answer within 0.05 s; it may have been done`,
    );
  });

  describe('over real HTTP, through the fetch @actions/github uses', () => {
    let server: Server | undefined;
    afterEach(async () => {
      server?.closeAllConnections();
      await new Promise((r) => server?.close(r));
      server = undefined;
    });

    it('a server that sends the headers and then one byte now and then is cut off at the timeout', async () => {
      server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('[');
        const drip = setInterval(() => res.write(' '), 20);
        res.on('close', () => clearInterval(drip));
      });
      await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const gh = makeOctokit(TOKEN, { baseUrl: url, policy: { timeoutMs: 300, attempts: 1 } });
      const err = await gh.rest.issues
        .listComments({ owner: OWNER, repo: REPO, issue_number: 7 })
        .catch((e: unknown) => e);
      expect((err as Error).message).toBe(
        `GitHub API GET /repos/${OWNER}/${REPO}/issues/7/comments: no answer within 0.3 s`,
      );
    });
  });
});
