// Who "we" are on GitHub, so that we only ever edit or close what we wrote.
//
// A comment or issue is ours when its author's login equals the login of the token we run with:
//   - a personal access token (or a user-to-server token): GET /user answers with its login;
//   - the workflow's GITHUB_TOKEN: GET /user is refused (403 "Resource not accessible by
//     integration") and the author of everything it writes is `github-actions[bot]` (type Bot).
// A GitHub App installation token is refused the same way but writes as `<app-slug>[bot]`:
// pass that login explicitly (`author`), or we look for github-actions[bot] and find nothing, so
// we create rather than edit — never the reverse.

import { httpStatus, type GitHub } from './octokit.js';

export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';

const cache = new WeakMap<GitHub, Promise<string>>();

/** The login our writes are attributed to (memoized per client). */
export function selfLogin(gh: GitHub): Promise<string> {
  let login = cache.get(gh);
  if (!login) {
    login = gh.rest.users.getAuthenticated().then(
      (r) => r.data.login,
      (e: unknown) => {
        if (httpStatus(e) === 403) return GITHUB_ACTIONS_BOT;
        cache.delete(gh); // a network error must not stick for the life of the client
        throw e;
      },
    );
    cache.set(gh, login);
  }
  return login;
}

/** Logins are case-insensitive on GitHub. */
export const sameLogin = (a: string | undefined, b: string): boolean =>
  a !== undefined && a.toLowerCase() === b.toLowerCase();
