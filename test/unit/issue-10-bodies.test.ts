// Issue 10, found against real Elasticsearch 7.17.25, 8.19.5 and 9.1.5: what the canonical form
// must keep (an empty list the server gives meaning), what it must drop (the server's empty
// `global` categories), what a user PUT must always send, and how a server error is told.

import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
// Imported before the adapter on purpose: the two modules import each other.
import { execute, requestsFor } from '../../src/flavors/elasticsearch-write.js';
import { elasticsearch } from '../../src/flavors/elasticsearch.js';
import { readCluster } from '../../src/flavors/read.js';
import { fieldDiffs } from '../../src/drift/diff.js';
import { normalize } from '../../src/model/normalize.js';
import { type Action, type Change, type Kind } from '../../src/model/types.js';
import { connection, ES_HEADERS, TEST_API_KEY, URL_WEST } from './helpers/es-nock.js';
import { recordingPolicy, serveWrites } from './helpers/es-write.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

function change(action: Action, kind: Kind, name: string, desired: object, live?: object): Change {
  const body = normalize(kind, desired);
  const before = live === undefined ? undefined : normalize(kind, live);
  const diff = fieldDiffs(before ?? {}, body);
  return { cluster: 'west', action, kind, name, diff, body, ...(before ? { before } : {}) };
}

const entry = (extra: object) => ({ names: ['logs-*'], privileges: ['read'], ...extra });

describe('issue 10 bug 1: an empty field_security grant means no field is visible', () => {
  const noField = { indices: [entry({ field_security: { grant: [] } })] };

  it('issue 10 bug 1: grant: [] is kept in the canonical form, and differs from no field security', () => {
    expect(normalize('role', noField).indices).toEqual([{ ...entry({}), field_security: { grant: [] } }]);
    const everyField = normalize('role', { indices: [entry({})] });
    expect(fieldDiffs(everyField, normalize('role', noField))).not.toEqual([]);
  });

  it("issue 10 bug 1: the server's echo {grant: []} equals the desired {grant: [], except: []}", () => {
    const desired = normalize('role', { indices: [entry({ field_security: { grant: [], except: [] } })] });
    expect(desired).toEqual(normalize('role', noField));
  });

  it('issue 10 bug 1: grant: [] of remote_indices is kept too', () => {
    const role = { remote_indices: [entry({ clusters: ['east'], field_security: { grant: [] } })] };
    expect(normalize('role', role).remote_indices).toEqual([
      { clusters: ['east'], ...entry({}), field_security: { grant: [] } },
    ]);
  });

  it('issue 10 bug 1: the role PUT sends field_security with the empty grant', () => {
    const [request] = requestsFor({ change: change('create', 'role', 'r', noField) });
    expect(request!.body).toMatchObject({ indices: [{ field_security: { grant: [] } }] });
  });

  it('issue 10 bug 1: a non-empty except is kept beside the grant', () => {
    const role = { indices: [entry({ field_security: { grant: ['*'], except: ['secret'] } })] };
    expect(normalize('role', role).indices).toEqual([
      { ...entry({}), field_security: { except: ['secret'], grant: ['*'] } },
    ]);
  });
});

describe('issue 10 bug 2: the server fills global with empty categories (8.15+)', () => {
  const desired = { global: { application: { manage: { applications: ['kibana', 'fleet'] } } } };
  const live = {
    global: { application: { manage: { applications: ['fleet', 'kibana'] } }, profile: {}, role: {} },
  };

  it('issue 10 bug 2: empty categories are dropped and lists compare as sets: no perpetual diff', () => {
    expect(fieldDiffs(normalize('role', live), normalize('role', desired))).toEqual([]);
  });

  it('issue 10 bug 2: empty objects are dropped at any depth; a global of nothing but empties equals absence', () => {
    const nested = { global: { application: { manage: {} }, profile: { write: {} } } };
    expect(normalize('role', nested)).toEqual(normalize('role', {}));
  });
});

describe('issue 10 bug 3: a user with roles: [] is refused when roles are left out', () => {
  it('issue 10 bug 3: the create PUT sends roles: []', () => {
    const c = change('create', 'user', 'nobody', { roles: [] });
    const [request] = requestsFor({ change: c, password: 'user-password-not-real-1' });
    expect(request!.body).toMatchObject({ roles: [] });
  });

  it('issue 10 bug 3: an update PUT sends roles: [] too', () => {
    const c = change('update', 'user', 'nobody', { roles: [], full_name: 'No One' }, { roles: [] });
    const [request] = requestsFor({ change: c });
    expect(request!.body).toMatchObject({ roles: [], full_name: 'No One' });
  });
});

/** The 400 a real 8.19.5 sends for a role mapping whose field rule has two fields. */
const PARSE_FAILURE = {
  error: {
    root_cause: [{ type: 'parse_exception', reason: 'object [field] contains multiple fields' }],
    type: 'x_content_parse_exception',
    reason: '[1:30] [role-mapping] failed to parse field [rules]',
    caused_by: { type: 'parse_exception', reason: 'object [field] contains multiple fields' },
  },
  status: 400,
};

const CHAIN =
  '400 x_content_parse_exception: [1:30] [role-mapping] failed to parse field [rules]; caused by parse_exception: object [field] contains multiple fields';

async function writeFails(body: object): Promise<string | undefined> {
  serveWrites([['PUT /_security/role_mapping/m', { status: 400, body }]]);
  const c = change('create', 'role_mapping', 'm', { roles: ['r'], rules: { field: { username: 'a' } } });
  const [result] = await execute(connection(), [{ change: c }], { concurrency: 1, retry: recordingPolicy().policy });
  return result!.error;
}

describe('issue 10 bug 9: server errors keep their cause', () => {
  it('issue 10 bug 9: a failed write names the caused_by chain', async () => {
    expect(await writeFails(PARSE_FAILURE)).toBe(CHAIN);
  });

  it('issue 10 bug 9: a cause nested further is followed to the end', async () => {
    const inner = { type: 'json_parse_exception', reason: 'Unexpected character' };
    const body = {
      ...PARSE_FAILURE,
      error: { ...PARSE_FAILURE.error, caused_by: { ...PARSE_FAILURE.error.caused_by, caused_by: inner } },
    };
    expect(await writeFails(body)).toBe(`${CHAIN}; caused by json_parse_exception: Unexpected character`);
  });

  it('issue 10 bug 9: a secret in a cause is scrubbed, and the length stays capped', async () => {
    const cause = { type: 'parse_exception', reason: `bad key [${TEST_API_KEY}] ${'x'.repeat(800)}` };
    const error = await writeFails({ ...PARSE_FAILURE, error: { ...PARSE_FAILURE.error, caused_by: cause } });
    expect(error).toContain('caused by parse_exception: bad key [***]');
    expect(error).not.toContain(TEST_API_KEY);
    expect(error!.length).toBeLessThanOrEqual(501);
  });

  it('issue 10 bug 9: a failed read names the caused_by chain', async () => {
    nock(URL_WEST).get(/.*/).times(6).reply(400, PARSE_FAILURE, ES_HEADERS);
    const { state } = await readCluster('west', elasticsearch, connection());
    expect(state.error).toBe(
      'GET / answered 400 Bad Request: [1:30] [role-mapping] failed to parse field [rules]; caused by parse_exception: object [field] contains multiple fields',
    );
  });
});
