// Stand-in clusters on real local ports for the fault suite, so that the proxy (proxy.ts) can sit
// in front of one: an Elasticsearch 8.19.5, the stateful fake of the unit tests
// (test/unit/helpers/fake-es.ts: it keeps what is written, so a re-run converges) served by
// node:http instead of nock, with the 8.19.5 recordings where the fake's own line differs (GET /,
// the built-in roles and users, the privilege list); and an OpenSearch 2.19.4,
// test/unit/helpers/fake-opensearch.ts, served the same way.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import nock from 'nock';
import { FakeElasticsearch } from '../unit/helpers/fake-es.js';
import { FakeOpenSearch } from '../unit/helpers/fake-opensearch.js';

// The fake's module loads nock, which patches node:http on import; this suite talks to real ports.
nock.restore();

type Obj = Record<string, unknown>;

const RECORDED = new URL('../fixtures/elasticsearch/8.19.5/', import.meta.url);
const recorded = (file: string): Obj => JSON.parse(readFileSync(new URL(file, RECORDED), 'utf8')) as Obj;

const isReserved = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && (v as { metadata?: Obj }).metadata?._reserved === true;

const builtIn = (all: Obj): Obj => Object.fromEntries(Object.entries(all).filter(([, v]) => isReserved(v)));

const OVERLAY = {
  info: recorded('GET__.json'),
  privileges: recorded('GET__security_privilege__builtin.json'),
  roles: builtIn(recorded('GET__security_role.json')),
  users: builtIn(recorded('GET__security_user.json')),
};

/** The fake's answer with the 8.19.5 recordings in place of its own line's. */
function as8195(method: string, path: string, status: number, body: unknown): unknown {
  if (method !== 'GET' || status !== 200) return body;
  if (path === '/') return OVERLAY.info;
  if (path === '/_security/privilege/_builtin') return OVERLAY.privileges;
  const own = (o: unknown) => Object.fromEntries(Object.entries(o as Obj).filter(([, v]) => !isReserved(v)));
  if (path === '/_security/role') return { ...OVERLAY.roles, ...own(body) };
  if (path === '/_security/user') return { ...OVERLAY.users, ...own(body) };
  return body;
}

export interface StandIn<F = FakeElasticsearch> {
  url: string;
  fake: F;
  stop: () => Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

type Answer = [number, unknown, Obj];
type Respond = (method: string, uri: string, body: string, authorization?: string) => Promise<Answer>;

/** A fake's answer: the nock reply tuple (the fakes' answer-loss injection, which may reject, is not used here). */
const tuple = async (reply: unknown): Promise<Answer> => (await reply) as Answer;

/** Serves `respond` (a fake's handler) on a free port of 127.0.0.1; `make` builds the fake once the URL is known. */
async function serve<F>(make: (url: string) => F, respond: (fake: F) => Respond): Promise<StandIn<F>> {
  const box: { handle?: Respond } = {};
  const server: Server = createServer((req, res) => {
    void readBody(req)
      .then(async (body) => {
        const [status, answer, headers] = await box.handle!(
          req.method ?? 'GET',
          req.url ?? '/',
          body,
          req.headers.authorization,
        );
        const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
        res.writeHead(status, { ...(headers as Record<string, string>), 'content-length': Buffer.byteLength(text) });
        res.end(text);
      })
      .catch((e: unknown) => {
        // A fake that cannot make sense of a request answers as a server would, not by crashing the suite.
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake = make(url);
  box.handle = respond(fake);
  const stop = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url, fake, stop };
}

/** A stand-in Elasticsearch 8.19.5. */
export const startElasticsearch = (): Promise<StandIn> =>
  serve(
    (url) => new FakeElasticsearch(url),
    (fake) => async (method, uri, body, authorization) => {
      const [status, answer, headers] = await tuple(fake.respond(method, uri, body, authorization));
      return [status, as8195(method, uri.split('?')[0]!, status, answer), headers];
    },
  );

/** A stand-in OpenSearch 2.19.4 (security plugin, demo configuration) whose admin has `adminPassword`. */
export const startOpenSearch = (adminPassword: string): Promise<StandIn<FakeOpenSearch>> =>
  serve(
    (url) => new FakeOpenSearch(url, adminPassword),
    (fake) => async (method, uri, body, authorization) => {
      // The fake takes a PATCH body parsed (as nock hands it over); a GET's is empty.
      const parsed: unknown = body === '' ? undefined : JSON.parse(body);
      return tuple(fake.respond(method, uri, parsed, authorization));
    },
  );
