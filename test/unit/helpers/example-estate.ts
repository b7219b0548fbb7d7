// The estate of examples/ccr for end-to-end tests: a copy of its xcluster/ folder as the working
// directory, its secrets in the environment (test placeholders), and east and west served empty
// by stateful fake Elasticsearch clusters.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';
import { FakeElasticsearch } from './fake-es.js';

const EXAMPLE = path.resolve('examples/ccr/xcluster');

export const EXAMPLE_SECRETS = {
  EAST_API_KEY: 'ZWFzdC1rZXktbm90LXJlYWw=',
  WEST_API_KEY: 'd2VzdC1rZXktbm90LXJlYWw=',
  CROSS_CLUSTER_USER_PASSWORD: 'ccu-Passw0rd-not-real',
  CROSS_SEARCH_USER_PASSWORD: 'csu-Passw0rd-not-real',
};

export interface Estate {
  root: string;
  east: FakeElasticsearch;
  west: FakeElasticsearch;
}

/** Sets the estate up before each test of the calling file and tears it down after. */
export function useExampleEstate(prefix: string): Estate {
  const estate = {} as Estate;
  let cwd = '';
  beforeEach(() => {
    cwd = process.cwd();
    estate.root = mkdtempSync(path.join(tmpdir(), prefix));
    cpSync(EXAMPLE, path.join(estate.root, 'xcluster'), { recursive: true });
    process.chdir(estate.root);
    Object.assign(process.env, EXAMPLE_SECRETS);
    nock.disableNetConnect();
    estate.east = new FakeElasticsearch('https://east.example.com:9200').install();
    estate.west = new FakeElasticsearch('https://west.example.com:9200').install();
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(estate.root, { recursive: true, force: true });
    for (const k of Object.keys(EXAMPLE_SECRETS)) delete process.env[k];
    nock.cleanAll();
    nock.enableNetConnect();
  });
  return estate;
}
