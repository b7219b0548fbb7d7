// The GitHub contents API of one commit, in front of a FakeGitHub: GET
// /repos/{owner}/{repo}/contents/{path}?ref=<sha> lists a folder or answers a file (raw when the
// raw media type is asked for, else base64 JSON), as api.github.com does; anything else goes to
// the FakeGitHub. The tree is a snapshot of files taken from disk, keyed by repository path.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { makeOctokit, type GitHub } from '../../../src/github/octokit.js';
import { BASE_URL, OWNER, REPO, type FakeGitHub } from '../../fixtures/github/fake-github.js';

export type Tree = Map<string, string>;

/** Every file under `folder` (relative to `root`), by its path relative to `root` with / separators. */
export function snapshotTree(root: string, folder: string, tree: Tree = new Map()): Tree {
  const abs = path.join(root, folder);
  for (const name of readdirSync(abs)) {
    const rel = `${folder}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) snapshotTree(root, rel, tree);
    else tree.set(rel, readFileSync(path.join(root, rel), 'utf8'));
  }
  return tree;
}

const json = (status: number, data: unknown): Response =>
  new Response(JSON.stringify(data), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

export class BaseContents {
  /** The contents paths asked for, in order. */
  readonly asked: string[] = [];
  /** The content type of a raw answer (GitHub's raw media type; Octokit hands it over as bytes). */
  rawType = 'application/vnd.github.raw';

  constructor(
    readonly gh: FakeGitHub,
    readonly sha: string,
    readonly tree: Tree,
  ) {}

  octokit(): GitHub {
    return makeOctokit('ghs_faketoken', { baseUrl: BASE_URL, fetch: this.fetch });
  }

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const prefix = `/repos/${OWNER}/${REPO}/contents`;
    const pathname = decodeURIComponent(url.pathname);
    if (!pathname.startsWith(prefix) || (init?.method ?? 'GET') !== 'GET') return this.gh.fetch(input, init);
    const p = pathname.slice(prefix.length).replace(/^\/+|\/+$/g, '');
    this.asked.push(p);
    if (url.searchParams.get('ref') !== this.sha) return json(404, { message: 'No commit found for the ref' });
    const accept = new Headers(init?.headers).get('accept') ?? '';
    return this.answer(p, accept.includes('raw'));
  };

  private answer(p: string, raw: boolean): Response {
    const text = this.tree.get(p);
    if (text !== undefined) {
      if (raw) return new Response(text, { status: 200, headers: { 'content-type': this.rawType } });
      const content = Buffer.from(text).toString('base64');
      return json(200, {
        type: 'file',
        name: path.posix.basename(p),
        path: p,
        size: Buffer.byteLength(text),
        encoding: 'base64',
        content,
      });
    }
    const below = [...this.tree.keys()].filter((k) => k.startsWith(`${p}/`));
    if (below.length === 0) return json(404, { message: 'Not Found' });
    const children = new Map<string, { type: string; size: number }>();
    for (const k of below) {
      const [first, ...rest] = k.slice(p.length + 1).split('/');
      children.set(
        first!,
        rest.length ? { type: 'dir', size: 0 } : { type: 'file', size: Buffer.byteLength(this.tree.get(k)!) },
      );
    }
    return json(
      200,
      [...children].map(([name, e]) => ({
        type: e.type,
        name,
        path: `${p}/${name}`,
        size: e.size,
        sha: 'x'.repeat(40),
      })),
    );
  }
}
