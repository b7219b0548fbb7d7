// Every configuration error names file:line:column and says what to do. Each case writes a
// config into a temporary folder that stands in for the working directory.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, type LoadOptions } from '../../src/config/load.js';
import { ConfigErrors } from '../../src/model/errors.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'xcluster-config-'));
  vi.spyOn(process, 'cwd').mockReturnValue(root);
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

/** Writes xcluster/clusters/<file> for each entry; returns the xcluster folder. */
function write(files: Record<string, string>): string {
  const clusters = path.join(root, 'xcluster', 'clusters');
  rmSync(clusters, { recursive: true, force: true });
  mkdirSync(clusters, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(clusters, name), text);
  return path.join(root, 'xcluster');
}

/** The messages of the ConfigErrors that loading throws ("file:line:column: message"). */
function errors(files: Record<string, string>, opts?: LoadOptions): string[] {
  try {
    loadConfig(write(files), opts);
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors.map((x) => x.message);
    throw e;
  }
  throw new Error('expected loadConfig to throw');
}

/** A valid connection block: lines 1–5. */
const CONN = `connection:
  flavor: elasticsearch
  url: https://west.example.com:9200
  auth:
    api_key: { env: WEST_API_KEY }
`;

describe('config errors', () => {
  it('malformed YAML, at the position yaml reports', () => {
    expect(errors({ 'west.yml': `${CONN}roles:\n  reader: cluster: [monitor]\n` })).toEqual([
      'xcluster/clusters/west.yml:7:11: invalid YAML: Nested mappings are not allowed in compact mappings',
    ]);
  });

  it('a YAML error does not quote the line it is on', () => {
    const [message] = errors({ 'west.yml': 'connection:\n  password: s3cr3t-value : x\n' });
    expect(message).toMatch(/^xcluster\/clusters\/west\.yml:2:\d+: invalid YAML: /);
    expect(message).not.toContain('s3cr3t-value');
  });

  it('an unknown key, with the nearest known key', () => {
    const yaml = `${CONN}remote_clusters:
  east:
    mode: sniff
    seed: [east.example.com:9300]
`;
    expect(errors({ 'west.yml': yaml })).toEqual([
      'xcluster/clusters/west.yml:9:5: unknown key "seed" in remote_clusters.east; did you mean "seeds"?',
    ]);
  });

  it('an unknown key with no near match lists the known keys', () => {
    expect(errors({ 'west.yml': `${CONN}  color: blue\n` })).toEqual([
      'xcluster/clusters/west.yml:6:3: unknown key "color" in connection; known keys: flavor, url, auth, ca, client_certificate, transport, timeout, deadline',
    ]);
  });

  it('unknown keys at the top level and deep inside a role', () => {
    const yaml = `${CONN}rolez: {}
roles:
  reader:
    indices:
      - names: [logs-*]
        privileges: [read]
        field_securty: { grant: [a] }
`;
    expect(errors({ 'west.yml': yaml })).toEqual([
      'xcluster/clusters/west.yml:6:1: unknown key "rolez"; did you mean "roles"?',
      'xcluster/clusters/west.yml:12:9: unknown key "field_securty" in roles.reader.indices[0]; did you mean "field_security"?',
    ]);
  });

  it('a remote linked to a cluster that has no file', () => {
    const yaml = `${CONN}remote_clusters:
  east:
    cluster: eastt
    seeds: [east.example.com:9300]
`;
    expect(errors({ 'west.yml': yaml, 'east.yml': CONN })).toEqual([
      'xcluster/clusters/west.yml:8:5: remote_clusters.east.cluster: unknown cluster "eastt" (no clusters/eastt.yml); did you mean "east"?',
    ]);
    expect(errors({ 'west.yml': yaml.replace('eastt', 'north') })).toEqual([
      'xcluster/clusters/west.yml:8:5: remote_clusters.east.cluster: unknown cluster "north" (no clusters/north.yml); known clusters: west',
    ]);
  });

  it('a remote linked to its own cluster', () => {
    const yaml = `${CONN}remote_clusters:\n  self:\n    cluster: west\n`;
    expect(errors({ 'west.yml': yaml })).toEqual([
      'xcluster/clusters/west.yml:8:5: remote_clusters.self.cluster: "west" is this cluster itself; a remote must point at another cluster',
    ]);
  });

  it('an inline password, without echoing it', () => {
    const yaml = `${CONN}users:
  cross-cluster-user:
    password: hunter2-correct-horse
    roles: [remote-replication]
`;
    const found = errors({ 'west.yml': yaml });
    expect(found).toEqual([
      'xcluster/clusters/west.yml:8:5: users.cross-cluster-user.password: inline secret: write { env: NAME } or { file: PATH } (a file git does not track; a relative path starts at the config folder) instead; never commit secrets',
    ]);
    expect(found.join('\n')).not.toContain('hunter2');
  });

  it('an inline API key, without echoing it', () => {
    const yaml = CONN.replace('{ env: WEST_API_KEY }', 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==');
    const found = errors({ 'west.yml': yaml });
    expect(found).toEqual([
      'xcluster/clusters/west.yml:5:5: connection.auth.api_key: inline secret: write { env: NAME } or { file: PATH } (a file git does not track; a relative path starts at the config folder) instead; never commit secrets',
    ]);
    expect(found.join('\n')).not.toContain('VnVhQ2ZH');
  });

  it('a secret reference with a misspelt key', () => {
    const yaml = CONN.replace('{ env: WEST_API_KEY }', '{ evn: WEST_API_KEY }');
    expect(errors({ 'west.yml': yaml })).toEqual([
      'xcluster/clusters/west.yml:5:5: connection.auth.api_key: unknown key "evn" in secret reference; did you mean "env"?',
    ]);
  });

  it('an inline password under basic auth, and a bad environment variable name', () => {
    const yaml = `connection:
  flavor: elasticsearch
  url: https://west.example.com:9200
  auth: { username: admin, password: changeme-now }
users:
  u:
    roles: [r]
    password: { env: "$U_PASSWORD" }
`;
    const found = errors({ 'west.yml': yaml });
    expect(found).toEqual([
      'xcluster/clusters/west.yml:4:28: connection.auth.password: inline secret: write { env: NAME } or { file: PATH } (a file git does not track; a relative path starts at the config folder) instead; never commit secrets',
      'xcluster/clusters/west.yml:8:17: users.u.password.env: must name an environment variable (letters, digits and _), e.g. { env: WEST_API_KEY }',
    ]);
    expect(found.join('\n')).not.toContain('changeme-now');
  });

  it('role mappings: roles or role_templates, and rules with one operator each', () => {
    const yaml = `${CONN}role_mappings:
  m1:
    rules: { any: [{ field: { username: x } }, { field: { a: 1 }, all: [] }] }
  m2:
    roles: [a]
    role_templates: [{ template: { source: "{{_user.username}}" } }]
    rules: { field: { dn: [a, b] } }
`;
    expect(errors({ 'west.yml': yaml })).toEqual([
      'xcluster/clusters/west.yml:7:3: role_mappings.m1: a role mapping needs roles or role_templates',
      'xcluster/clusters/west.yml:8:48: role_mappings.m1.rules.any[1]: a rule has exactly one of any, all, field, except',
      'xcluster/clusters/west.yml:11:5: role_mappings.m2.role_templates: use roles or role_templates, not both',
    ]);
  });

  it('an empty cluster file', () => {
    expect(errors({ 'west.yml': '' })).toEqual(['xcluster/clusters/west.yml:1:1: missing required key "connection"']);
  });

  it('a URL that is not http(s)', () => {
    const yaml = CONN.replace('https://west.example.com:9200', 'ftp://west.example.com');
    expect(errors({ 'west.yml': yaml })).toEqual([
      'xcluster/clusters/west.yml:3:3: connection.url: must be an http:// or https:// URL, e.g. https://west.example.com:9200',
    ]);
  });

  it('a URL with credentials in it, without echoing them', () => {
    const yaml = CONN.replace('https://west', 'https://admin:pa55word@west');
    const found = errors({ 'west.yml': yaml });
    expect(found).toEqual([
      'xcluster/clusters/west.yml:3:3: connection.url: must not hold credentials: use auth with { env: NAME } instead; never commit secrets',
    ]);
    expect(found.join('\n')).not.toContain('pa55word');
  });

  it('a missing required key', () => {
    const yaml = `${CONN}roles:\n  reader:\n    indices:\n      - privileges: [read]\n`;
    expect(errors({ 'west.yml': yaml })).toEqual([
      'xcluster/clusters/west.yml:9:9: missing required key "names" in roles.reader.indices[0]',
    ]);
    expect(errors({ 'west.yml': 'prune: true\n' })).toEqual([
      'xcluster/clusters/west.yml:1:1: missing required key "connection"',
    ]);
  });

  it('a value of the wrong type, an enum and a value in the wrong mode', () => {
    const yaml = `${CONN}remote_clusters:
  east:
    mode: proxy
    seeds: [east.example.com:9300]
    skip_unavailable: sometimes
  north:
    mode: sniffing
`;
    expect(errors({ 'west.yml': yaml })).toEqual([
      'xcluster/clusters/west.yml:9:5: remote_clusters.east.seeds: seeds does not apply in proxy mode',
      'xcluster/clusters/west.yml:10:5: remote_clusters.east.skip_unavailable: expected a boolean, got a string',
      'xcluster/clusters/west.yml:12:5: remote_clusters.north.mode: expected one of "sniff", "proxy"',
    ]);
  });

  it('a union reports the branch that was meant', () => {
    const yaml = `${CONN}  timeout: 30 seconds\nroles:\n  r:\n    indices:\n      - names: [ok, 3]\n        privileges: [read]\n`;
    expect(errors({ 'west.yml': yaml })).toEqual([
      'xcluster/clusters/west.yml:6:3: connection.timeout: must be a duration such as 30s, 500ms or 2m',
      'xcluster/clusters/west.yml:10:21: roles.r.indices[0].names[1]: expected a string, got a number',
    ]);
  });

  it('collects the errors of every file', () => {
    const found = errors({
      'east.yml': CONN.replace('elasticsearch', 'solr'),
      'west.yml': `${CONN}prune: maybe\n`,
    });
    expect(found).toEqual([
      'xcluster/clusters/east.yml:2:3: connection.flavor: expected one of "elasticsearch", "opensearch"',
      'xcluster/clusters/west.yml:6:1: prune: expected a boolean, got a string',
    ]);
  });

  it('a cluster defined twice (.yml and .yaml)', () => {
    expect(errors({ 'west.yml': CONN, 'west.yaml': CONN })).toEqual([
      'xcluster/clusters/west.yml:1:1: cluster "west" is defined twice: xcluster/clusters/west.yaml and xcluster/clusters/west.yml',
    ]);
  });

  it('a missing clusters/ folder', () => {
    mkdirSync(path.join(root, 'xcluster'));
    expect(() => loadConfig(path.join(root, 'xcluster'))).toThrow(
      'no clusters folder: xcluster/clusters does not exist (expected xcluster/clusters/<name>.yml, one file per cluster)',
    );
  });

  it('a clusters/ folder with no cluster files', () => {
    const dir = write({ 'README.md': '# not a cluster' });
    expect(() => loadConfig(dir)).toThrow(
      'no cluster files in xcluster/clusters (expected xcluster/clusters/<name>.yml, one file per cluster)',
    );
  });

  it('an unknown cluster selected', () => {
    expect(errors({ 'west.yml': CONN, 'east.yml': CONN }, { clusters: ['nort'] })).toEqual([
      'unknown cluster "nort" selected; known clusters: east, west',
    ]);
  });
});

// Issue 10: role mapping rules, numbers and names that the real servers (Elasticsearch 7.17.25,
// 8.19.5, 9.1.5) refused at apply time. Each is a config error, with its line, before any request.
describe('issue 10: what the servers refuse is a config error', () => {
  /** A role mapping `m` whose `rules:` (line 9) holds `rules`, indented under it. */
  const mapping = (rules: string) => `${CONN}role_mappings:\n  m:\n    roles: [x]\n    rules:\n${rules}`;

  it('issue 10 bug 10: a field rule with no field is an error', () => {
    expect(errors({ 'west.yml': mapping('      field: {}\n') })).toEqual([
      'xcluster/clusters/west.yml:10:7: role_mappings.m.rules.field: a field rule names one user field, e.g. field: { username: jane }; this one names none',
    ]);
  });

  it('issue 10 bug 10: a field rule with two fields is an error that says how to require both', () => {
    expect(errors({ 'west.yml': mapping('      field: { username: a, groups: b }\n') })).toEqual([
      'xcluster/clusters/west.yml:10:7: role_mappings.m.rules.field: a field rule names one user field, not 2 (username, groups); to require each, write all: [{ field: { username: ... } }, { field: { groups: ... } }]',
    ]);
  });

  it('issue 10 bug 10: except is taken only as an element of all', () => {
    const except =
      'except is allowed only as an element of all, e.g. all: [{ field: { groups: staff } }, { except: { field: { username: guest } } }]';
    const top = mapping('      except: { field: { username: a } }\n');
    const inAny = mapping('      any: [{ except: { field: { username: a } } }]\n');
    const inExcept = mapping('      all:\n        - except: { except: { field: { username: a } } }\n');
    expect(errors({ 'west.yml': top })).toEqual([
      `xcluster/clusters/west.yml:10:7: role_mappings.m.rules.except: ${except}`,
    ]);
    expect(errors({ 'west.yml': inAny })).toEqual([
      `xcluster/clusters/west.yml:10:15: role_mappings.m.rules.any[0].except: ${except}`,
    ]);
    expect(errors({ 'west.yml': inExcept })).toEqual([
      `xcluster/clusters/west.yml:11:21: role_mappings.m.rules.all[0].except.except: ${except}`,
    ]);
  });

  it('issue 10 bug 10: an except inside all, one field per field rule, loads', () => {
    const rules =
      '      all:\n        - field: { groups: staff }\n        - except: { any: [{ field: { username: guest } }] }\n';
    expect(() => loadConfig(write({ 'west.yml': mapping(rules) }))).not.toThrow();
  });

  it('issue 10 bug 12: a fractional number in a field rule is an error; whole numbers load', () => {
    expect(errors({ 'west.yml': mapping('      field: { metadata.level: 2.5 }\n') })).toEqual([
      'xcluster/clusters/west.yml:10:16: role_mappings.m.rules.field["metadata.level"]: role mapping field values must be whole numbers: the server stores 2.5 as 2',
    ]);
    expect(errors({ 'west.yml': mapping('      field: { metadata.level: [1, 2.5] }\n') })).toEqual([
      'xcluster/clusters/west.yml:10:36: role_mappings.m.rules.field["metadata.level"][1]: role mapping field values must be whole numbers: the server stores 2.5 as 2',
    ]);
    expect(() => loadConfig(write({ 'west.yml': mapping('      field: { metadata.level: [1, 2] }\n') }))).not.toThrow();
  });

  const NAME_RULE =
    'names must be 1 to 1024 printable ASCII characters (letters, digits, spaces, punctuation and symbols) with no leading or trailing space';

  it('issue 10 bug 13: a role name that is space-padded or not ASCII is an error', () => {
    const yaml = `${CONN}roles:\n  ' padded':\n    cluster: [monitor]\n  lecture-é:\n    cluster: [monitor]\n  fine name:\n    cluster: [monitor]\n`;
    expect(errors({ 'west.yml': yaml })).toEqual([
      `xcluster/clusters/west.yml:7:3: roles[" padded"]: role ${NAME_RULE}`,
      `xcluster/clusters/west.yml:9:3: roles["lecture-é"]: role ${NAME_RULE}`,
    ]);
  });

  it('issue 10 bug 13: a user name that is space-padded or not ASCII is an error', () => {
    const yaml = `${CONN}users:\n  jürgen:\n    roles: []\n  'trailing ':\n    roles: []\n`;
    expect(errors({ 'west.yml': yaml })).toEqual([
      `xcluster/clusters/west.yml:7:3: users["jürgen"]: user ${NAME_RULE}`,
      `xcluster/clusters/west.yml:9:3: users["trailing "]: user ${NAME_RULE}`,
    ]);
  });

  it('issue 10 bug 13: an application name with a space is an error', () => {
    const yaml = `${CONN}roles:\n  r:\n    applications:\n      - application: my app\n        privileges: [read]\n        resources: ['*']\n`;
    expect(errors({ 'west.yml': yaml })).toEqual([
      'xcluster/clusters/west.yml:9:9: roles.r.applications[0].application: an application name has no spaces or other whitespace, e.g. my-app or kibana-.kibana',
    ]);
  });

  it('issue 10 bug 13: a remote cluster alias with ":" is an error', () => {
    const yaml = `${CONN}remote_clusters:\n  'a:b':\n    seeds: [127.0.0.1:9300]\n`;
    expect(errors({ 'west.yml': yaml })).toEqual([
      'xcluster/clusters/west.yml:7:3: remote_clusters["a:b"]: a remote cluster alias is a name without ":", e.g. east (":" separates the alias from the index in east:logs-*)',
    ]);
  });

  it('issue 10 bug 13: field_security except without grant is an error', () => {
    const yaml = `${CONN}roles:\n  r:\n    indices:\n      - names: [x]\n        privileges: [read]\n        field_security: { except: [secret] }\n`;
    expect(errors({ 'west.yml': yaml })).toEqual([
      "xcluster/clusters/west.yml:11:9: roles.r.indices[0].field_security: field_security needs grant when it has except, e.g. { grant: ['*'], except: [secret] } grants every field but the excepted ones",
    ]);
  });
});
