// The faults of issue 12 (acceptance 1), as the proxy injects them, and what xcluster must make
// of each. Shared by every file of the suite, which also counts its cases from it.
//
// A fault is either one-shot (the exchange breaks once, a retry gets a good answer) or
// persistent (every matching exchange of the run breaks). One-shot are those the issue wants
// retried (429, 503, a 502 page, a reset, a truncated body) and those whose retry is the
// implementation's call (a hang, a drip): for those, either outcome is true as long as nothing
// is hidden. Persistent are those no retry can mend (a redirect, a login page, 401, 403, a body
// of the wrong shape, a closed port): the cluster is unreachable, or the write failed, and the
// error says why.

import { type Fault } from './proxy.js';

export type Mode = 'plan' | 'apply-read' | 'apply-verify' | 'apply-write';
export const MODES: readonly Mode[] = ['plan', 'apply-read', 'apply-verify', 'apply-write'];

export const MODE_TITLES: Record<Mode, string> = {
  plan: 'plan, the fault on a read',
  'apply-read': "apply, the fault on the plan's read round",
  'apply-verify': "apply, the fault on the verification's read round",
  'apply-write': 'apply, the fault on a write',
};

/** What a run must make of the fault: the retry gets through, or the error says why; or either. */
export type Outcome = 'recovers' | 'fails' | 'either';

/** The status an operation may end with (OperationStatus, issue 12 contract). */
export type Status = 'done' | 'failed' | 'skipped' | 'unknown' | 'partial';

export interface FaultCase {
  name: string;
  fault: Fault;
  /** The fault on a write, where it differs from the one on a read. */
  writeFault?: Fault;
  /** One exchange breaks (1), or every matching one (undefined). */
  times?: 1;
  /** The read it breaks (plan, apply-read, apply-verify); GET /_security/role by default. */
  readPath?: string;
  /** The write it breaks (apply-write); every PUT of a role by default. */
  writePath?: RegExp;
  onRead: Outcome;
  /** apply-write: the retry gets through and the cluster is applied and verified. */
  onWrite?: 'recovers';
  /** All of these match the unreachable cluster's error. */
  readError: RegExp[];
  /** For apply-write: the statuses the broken operation may end with, and what its error says. */
  writeStatus: Status[];
  writeError: RegExp[];
  /** The proxied cluster's `connection:` lines after its url (`timeout: 500ms` otherwise). */
  connection?: string;
  /** Extra CLI arguments (e.g. a run deadline). */
  args?: string[];
  modes?: readonly Mode[];
}

/** The per-request timeout of the proxied cluster: a hang costs this much. */
export const TIMEOUT = '500ms';

const JSON_TYPE = { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' };
const HTML_TYPE = { 'content-type': 'text/html; charset=utf-8' };

const esError = (status: number, type: string, reason: string): string =>
  JSON.stringify({ error: { root_cause: [{ type, reason }], type, reason }, status });

const answer = (status: number, headers: Record<string, string>, body: string): Fault => ({
  kind: 'answer',
  status,
  headers,
  body,
});

const LOGIN_PAGE =
  '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form method="post" action="/login">' +
  '<input name="username"><input name="password" type="password"><button>Sign in</button></form></body></html>';

const BAD_GATEWAY =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

const ROLE_READ = /GET \/_security\/role\b/;
const ROLE_WRITE = /PUT \/_security\/role\/remote-search/;
/** A lost answer the verification read decides: the write reached the server, so it is done. */
const VERIFIED: Pick<FaultCase, 'writeStatus' | 'writeError'> = { writeStatus: ['done'], writeError: [] };
const NAMES_TIMEOUT = /connection\.timeout|deadline/;

/** A body of the wrong shape for the endpoint, answered as the server would send JSON. */
const wrongShape = (label: string, read: string, write: string): FaultCase => ({
  name: `wrong-shaped body: ${label}`,
  fault: answer(200, JSON_TYPE, read),
  onRead: 'fails',
  readError: [ROLE_READ, /shape/i],
  writeStatus: ['failed'],
  writeError: [ROLE_WRITE, /shape/i],
  // The write's wrong body differs from the read's where the read's would be right for a write.
  ...(write !== read ? { writeFault: answer(200, JSON_TYPE, write) } : {}),
});

export const FAULTS: readonly FaultCase[] = [
  {
    name: 'refused connection (the port closed)',
    fault: { kind: 'refuse' },
    onRead: 'fails',
    readError: [/ECONNREFUSED|refused/i, /127\.0\.0\.1:\d+/],
    // The request that met the closing port was sent: its answer is lost, then nothing answers.
    writeStatus: ['unknown', 'failed'],
    writeError: [/ECONNREFUSED|ECONNRESET|refused|reset/i],
  },
  {
    name: 'reset before the answer',
    fault: { kind: 'reset-before-answer' },
    times: 1,
    onRead: 'recovers',
    readError: [],
    ...VERIFIED,
  },
  {
    name: 'reset mid-body',
    fault: { kind: 'reset-mid-body' },
    times: 1,
    onRead: 'recovers',
    readError: [],
    ...VERIFIED,
  },
  {
    name: 'a hang (no answer)',
    fault: { kind: 'hang' },
    times: 1,
    onRead: 'either',
    readError: [ROLE_READ, NAMES_TIMEOUT],
    ...VERIFIED,
  },
  {
    name: 'a drip (one byte at a time, faster than any idle timeout)',
    fault: { kind: 'drip', everyMs: 100, padding: 400 },
    times: 1,
    onRead: 'either',
    readError: [ROLE_READ, NAMES_TIMEOUT],
    ...VERIFIED,
  },
  {
    name: 'truncated JSON (a complete answer, half a body)',
    fault: { kind: 'truncate' },
    times: 1,
    onRead: 'recovers',
    readError: [],
    ...VERIFIED,
  },
  {
    name: 'an HTML 502 page (once)',
    onWrite: 'recovers',
    fault: answer(502, HTML_TYPE, BAD_GATEWAY),
    times: 1,
    onRead: 'recovers',
    readError: [],
    writeStatus: ['done'],
    writeError: [],
  },
  {
    name: 'a 302 redirect to a login page',
    fault: answer(
      302,
      { ...HTML_TYPE, location: 'https://sso.example.com/login?next=%2F' },
      '<a href="https://sso.example.com/login">Found</a>',
    ),
    onRead: 'fails',
    readError: [ROLE_READ, /302/, /text\/html/],
    writeStatus: ['failed'],
    writeError: [ROLE_WRITE, /302/, /text\/html/],
  },
  {
    name: 'a 200 HTML login page',
    fault: answer(200, HTML_TYPE, LOGIN_PAGE),
    onRead: 'fails',
    readError: [ROLE_READ, /200/, /text\/html/],
    writeStatus: ['failed'],
    writeError: [ROLE_WRITE, /200/, /text\/html/],
  },
  {
    name: '429 with Retry-After (once)',
    onWrite: 'recovers',
    fault: answer(
      429,
      { ...JSON_TYPE, 'retry-after': '1' },
      esError(429, 'es_rejected_execution_exception', 'rejected execution of coordinating operation'),
    ),
    times: 1,
    onRead: 'recovers',
    readError: [],
    writeStatus: ['done'],
    writeError: [],
  },
  {
    name: '503, then success',
    onWrite: 'recovers',
    fault: answer(503, JSON_TYPE, esError(503, 'master_not_discovered_exception', 'no master')),
    times: 1,
    onRead: 'recovers',
    readError: [],
    writeStatus: ['done'],
    writeError: [],
  },
  {
    name: '401 (the credentials refused)',
    fault: answer(
      401,
      { ...JSON_TYPE, 'www-authenticate': 'ApiKey' },
      esError(
        401,
        'security_exception',
        'unable to authenticate with provided credentials and anonymous access is not allowed for this request',
      ),
    ),
    onRead: 'fails',
    readError: [ROLE_READ, /401/],
    writeStatus: ['failed'],
    // A JSON refusal is the server's own answer: its status and reason, on the operation's line.
    writeError: [/^401 security_exception: unable to authenticate/],
  },
  {
    name: '403 on one endpoint only (role mappings)',
    fault: answer(
      403,
      JSON_TYPE,
      esError(
        403,
        'security_exception',
        'action [cluster:admin/xpack/security/role_mapping/get] is unauthorized for API key id [x] of user [xcluster]',
      ),
    ),
    readPath: '/_security/role_mapping',
    writePath: /^\/_security\/role_mapping\//,
    onRead: 'fails',
    readError: [/GET \/_security\/role_mapping\b/, /403/],
    writeStatus: ['failed'],
    writeError: [/^403 security_exception: action \[cluster:admin\/xpack\/security\/role_mapping\/get\]/],
  },
  wrongShape('[]', '[]', '[]'),
  wrongShape('null', 'null', 'null'),
  wrongShape('a string', '"ok"', '"ok"'),
  wrongShape(
    'an object of the wrong shape',
    JSON.stringify({ roles: [{ name: 'superuser' }], total: 1 }),
    JSON.stringify({ acknowledged: true }),
  ),
  {
    name: 'a cluster deadline (connection.deadline) over hung reads',
    fault: { kind: 'hang' },
    connection: '  timeout: 30s\n  deadline: 2s\n',
    onRead: 'fails',
    readError: [/connection\.deadline/],
    writeStatus: [],
    writeError: [],
    // connection.deadline bounds read rounds (the plan's and the verification's), not writes.
    modes: ['plan', 'apply-read', 'apply-verify'],
  },
  {
    name: 'a run deadline (--deadline) over a hang',
    fault: { kind: 'hang' },
    connection: '  timeout: 30s\n',
    args: ['--deadline', '3s'],
    onRead: 'fails',
    readError: [/deadline/],
    // The hung write was sent: aborted at the run deadline, it may have been applied (unknown),
    // unless a verification read after the abort found it applied.
    writeStatus: ['unknown', 'done'],
    writeError: [/deadline/],
    // A run deadline passed in the plan's read round leaves no time to apply anything, the
    // healthy cluster included: nothing to tell apart from the plan mode.
    modes: ['plan', 'apply-verify', 'apply-write'],
  },
];

/** The modes a fault is tried in. */
export const modesOf = (f: FaultCase): readonly Mode[] => f.modes ?? MODES;

export const CASES = FAULTS.flatMap((f) => modesOf(f).map((mode) => ({ fault: f, mode })));

/** The faults tried against the OpenSearch stand-in (opensearch.test.ts): the read faults of plan. */
export const OPENSEARCH_FAULTS = FAULTS.filter((f) => modesOf(f).includes('plan'));

/** The Elasticsearch read paths and their OpenSearch counterparts, as paths and as regex sources. */
const OPENSEARCH_PATHS: [string, string][] = [
  ['/_security/role_mapping', '/_plugins/_security/api/rolesmapping'],
  ['/_security/role', '/_plugins/_security/api/roles'],
];
const asSource = (p: string): string => p.replace(/\//g, '\\/');

/** The same fault on the OpenSearch endpoint of the same kind. */
export function onOpenSearch(f: FaultCase): FaultCase {
  const esPath = f.readPath ?? '/_security/role';
  const readPath = OPENSEARCH_PATHS.find(([es]) => es === esPath)![1];
  const readError = f.readError.map((r) => {
    let source = r.source;
    for (const [es, os] of OPENSEARCH_PATHS) source = source.replace(asSource(es), asSource(os));
    return new RegExp(source, r.flags);
  });
  return { ...f, readPath, readError };
}

/** The line the suite prints: how many faults × modes it tried. */
export function suiteLine(): string {
  const pairs = FAULTS.length * MODES.length;
  const out = pairs - CASES.length;
  const why = out
    ? ` (${out} left out on purpose: a deadline fault that cannot apply to that mode, see faults.ts)`
    : '';
  const all = CASES.length + OPENSEARCH_FAULTS.length;
  return (
    `fault suite: ${FAULTS.length} faults × ${MODES.length} modes on Elasticsearch = ${pairs} pairs, ` +
    `${CASES.length} cases tried${why}; ${OPENSEARCH_FAULTS.length} faults × plan on OpenSearch; ${all} cases in all`
  );
}
