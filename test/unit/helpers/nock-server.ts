// A fake server behind nock: every request of the given methods to `url`, whatever its path and
// query, goes to one handler, with its authorization header. The stateful fakes (fake-es.ts,
// fake-opensearch.ts) are built on it.

import nock from 'nock';

/** The answer, or a promise of it; a rejected promise resets the connection (nock destroys the request). */
export type Handler = (
  method: string,
  uri: string,
  body: unknown,
  authorization?: string,
) => nock.ReplyFnResult | Promise<nock.ReplyFnResult>;

export function serveAll(url: string, methods: readonly string[], handle: Handler): void {
  for (const method of methods) {
    nock(url)
      .intercept(/.*/, method)
      .query(true)
      .reply(function (uri, body) {
        return handle(method, uri, body, this.req.headers.authorization as string | undefined);
      })
      .persist();
  }
}
