// The base commit's config folder, read through the GitHub contents API at the base SHA: a
// pull request's run checks out the PR's merge commit (actions/checkout fetches depth 1, so the
// base commit is not there for git), and its connections must not come from the PR's files.
// Read: the folder (for intents.yml), its clusters/ folder, then each cluster file as raw text.
// What comes back is bounded like a file on disk (config/files.ts) and loaded from memory.

import path from 'node:path';
import { memoryFiles, type FileTexts } from '../config/config-files.js';
import { MAX_CONFIG_BYTES } from '../config/files.js';
import { loadConfigFrom } from '../config/load.js';
import { INTENTS_FILES } from '../config/intents.js';
import { nameMap } from '../model/names.js';
import { type Config } from '../model/types.js';
import { httpStatus, type GitHub } from './octokit.js';

/** More cluster files than any estate has; past it the base is refused rather than read at length. */
export const MAX_BASE_FILES = 500;

export interface BaseRef {
  owner: string;
  repo: string;
  /** The base commit (the event's `pull_request.base.sha`). */
  sha: string;
}

interface Entry {
  type: string;
  name: string;
  path: string;
  size: number;
}

/** The config folder's path in the repository: `config` relative to the workspace (the checkout's root). */
export function repoPath(config: string, workspace: string = process.env.GITHUB_WORKSPACE ?? process.cwd()): string {
  const rel = path.relative(path.resolve(workspace), path.resolve(config)).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new Error(
      `the config folder ${config} is outside the checkout ${workspace}: its base version cannot be read`,
    );
  }
  return rel;
}

const isEntry = (v: unknown): v is Entry =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Entry).type === 'string' &&
  typeof (v as Entry).name === 'string' &&
  typeof (v as Entry).path === 'string' &&
  typeof (v as Entry).size === 'number';

/** The entries of a folder at the base commit; undefined when there is no such folder there. */
async function listFolder(gh: GitHub, ref: BaseRef, folder: string): Promise<Entry[] | undefined> {
  try {
    const { data } = await gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: ref.owner,
      repo: ref.repo,
      path: folder,
      ref: ref.sha,
    });
    if (!Array.isArray(data)) return undefined; // a file where the folder should be
    return data.filter(isEntry);
  } catch (e) {
    if (httpStatus(e) === 404) return undefined;
    throw e;
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** One file's text at the base commit (raw media type: files past the API's 1 MB inline limit too). */
async function readText(gh: GitHub, ref: BaseRef, e: Entry): Promise<string> {
  if (e.type !== 'file') throw new Error(`${e.path} at the base commit is a ${e.type}, not a file`);
  if (e.size > MAX_CONFIG_BYTES) throw new Error(`${e.path} at the base commit is larger than 10 MiB`);
  const { data } = await gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
    owner: ref.owner,
    repo: ref.repo,
    path: e.path,
    ref: ref.sha,
    mediaType: { format: 'raw' },
  });
  const text: unknown = data instanceof ArrayBuffer ? STRICT_UTF8.decode(data) : data;
  if (typeof text !== 'string') throw new Error(`${e.path} at the base commit: the contents API answered no text`);
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) throw new Error(`${e.path} at the base commit is larger than 10 MiB`);
  return text;
}

const isClusterFile = (e: Entry): boolean => /\.ya?ml$/.test(e.name) && !e.name.startsWith('.');

/**
 * The texts of the base commit's config folder `folder`; undefined when the base has no cluster
 * files (the folder is new in the PR). Throws on a GitHub failure.
 */
export async function fetchBaseFiles(gh: GitHub, ref: BaseRef, folder: string): Promise<FileTexts | undefined> {
  const join = (...parts: string[]) => parts.filter(Boolean).join('/');
  const top = await listFolder(gh, ref, folder);
  const clusters = top?.some((e) => e.name === 'clusters' && e.type === 'dir')
    ? await listFolder(gh, ref, join(folder, 'clusters'))
    : undefined;
  const files = (clusters ?? []).filter(isClusterFile);
  if (files.length === 0) return undefined;
  if (files.length > MAX_BASE_FILES) throw new Error(`more than ${MAX_BASE_FILES} cluster files at the base commit`);
  const texts: FileTexts = { clusters: nameMap<string>(), top: nameMap<string>() };
  for (const e of files) texts.clusters[e.name] = await readText(gh, ref, e);
  for (const e of (top ?? []).filter((x) => (INTENTS_FILES as readonly string[]).includes(x.name))) {
    texts.top[e.name] = await readText(gh, ref, e);
  }
  return texts;
}

/** A config with no cluster: the base of a PR that adds the config folder. */
const emptyConfig = (dir: string): Config => ({ dir, clusters: [], desired: [], transports: nameMap(), intents: [] });

/**
 * The base commit's config, every cluster of it, as if it were at `dir` (the checkout's config
 * folder, so that its paths and secret files are the same). Throws ConfigErrors when the base's
 * files do not load, and GitHub's error when they cannot be read.
 */
export async function loadBaseConfig(gh: GitHub, ref: BaseRef, dir: string): Promise<Config> {
  const texts = await fetchBaseFiles(gh, ref, repoPath(dir));
  return texts ? loadConfigFrom(dir, memoryFiles(dir, texts)) : emptyConfig(dir);
}
