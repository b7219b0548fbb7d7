// A real HTTP server on this machine (port 0) that answers like a cluster from recorded
// responses, and injects the faults nock cannot: a hang, a one-byte-a-second drip, a reset in
// the middle of the body, a body shorter than its Content-Length. Every request is recorded.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { ES_HEADERS } from './es-nock.js';

export type Fault =
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Sends the status line and headers, then one byte of the body a second, forever. */
  | { kind: 'drip' }
  /** Sends the headers and half the body, then resets the connection. */
  | { kind: 'reset-mid-body' }
  /** Sends a Content-Length longer than the body, then closes the connection. */
  | { kind: 'truncate' }
  /** Answers this instead of the recorded response. */
  | { kind: 'answer'; status: number; body: string; headers?: Record<string, string> };

export interface SeenRequest {
  /** "GET /_security/role" (with the query string, as `Snapshot.responses` keys it). */
  key: string;
  /** The how-many-th request of this key (0 for the first). */
  n: number;
  authorization: string;
}

export interface FaultServer {
  url: string;
  seen: SeenRequest[];
  close: () => Promise<void>;
}

/** Serves `responses` (keyed "METHOD /path?query"); `fault` picks a fault for a request, or none. */
export async function faultServer(
  responses: Record<string, unknown>,
  fault: (req: SeenRequest) => Fault | undefined = () => undefined,
  headers: Record<string, string> = ES_HEADERS,
): Promise<FaultServer> {
  const seen: SeenRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const key = `${req.method ?? 'GET'} ${req.url ?? '/'}`;
    const request = {
      key,
      n: seen.filter((s) => s.key === key).length,
      authorization: req.headers.authorization ?? '',
    };
    seen.push(request);
    const chosen = fault(request);
    const known = Object.hasOwn(responses, key);
    const body = JSON.stringify(known ? responses[key] : { error: `${key} is not served` });
    if (!chosen) {
      res.writeHead(known ? 200 : 404, headers).end(body);
      return;
    }
    switch (chosen.kind) {
      case 'hang':
        return;
      case 'drip': {
        res.writeHead(200, { ...headers, 'content-length': String(body.length) });
        let i = 0;
        const timer = setInterval(() => res.write(body[i++ % body.length]!), 1000);
        timers.add(timer);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case 'reset-mid-body':
        res.writeHead(200, { ...headers, 'content-length': String(body.length) });
        res.write(body.slice(0, Math.floor(body.length / 2)), () => res.socket?.resetAndDestroy());
        return;
      case 'truncate':
        res.writeHead(200, { ...headers, 'content-length': String(body.length + 100) });
        res.write(body, () => res.socket?.destroy());
        return;
      case 'answer':
        res.writeHead(chosen.status, chosen.headers ?? headers).end(chosen.body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
