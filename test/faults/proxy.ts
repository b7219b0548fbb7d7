// A fault-injecting HTTP proxy between xcluster and a stand-in cluster (issue 12, acceptance 1).
// It listens on a port of its own (port 0: the system picks one) and forwards every request to
// the stand-in, except those a rule matches (method, path, which occurrence): on those it breaks
// the exchange in one chosen way. Faults that an intermediary would produce on its own (a 302 to
// a login page, an HTML 502, a 429) answer without forwarding, so the stand-in never sees the
// request; faults that lose the answer (a reset, a hang, a drip, a truncated body) forward first,
// so the write did reach the server and only its answer is lost. `log` says which was which.

import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';

/** How the proxy breaks one exchange. */
export type Fault =
  /** The port closes: this request's connection is reset unanswered, every later one is refused (until heal). */
  | { kind: 'refuse' }
  /** Forwarded; the connection is reset before a byte of the answer. */
  | { kind: 'reset-before-answer' }
  /** Forwarded; the status line, the headers and half the body, then a reset. */
  | { kind: 'reset-mid-body' }
  /** Forwarded; no answer ever (the connection stays open). */
  | { kind: 'hang' }
  /**
   * Forwarded; the answer one byte every `everyMs`, after `padding` bytes of JSON whitespace: an
   * idle timeout longer than `everyMs` never fires, only a wall-clock deadline ends it.
   */
  | { kind: 'drip'; everyMs: number; padding: number }
  /** Forwarded; a complete HTTP answer whose body is the first half of the server's JSON. */
  | { kind: 'truncate' }
  /** Not forwarded: the proxy answers this instead. */
  | { kind: 'answer'; status: number; headers: Record<string, string>; body: string };

export interface Rule {
  method: string;
  /** The path without its query: exact, or a pattern. */
  path: string | RegExp;
  /** The first matching request (1-based) the fault applies to; 1 by default. */
  from?: number;
  /** How many matching requests from `from` on get the fault; all by default. */
  times?: number;
  fault: Fault;
}

export interface Exchange {
  method: string;
  path: string;
  /** The fault the proxy applied, if any. */
  fault?: Fault['kind'];
  /** Whether the stand-in received the request. */
  forwarded: boolean;
}

interface Upstream {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const matches = (rule: Rule, method: string, path: string): boolean =>
  rule.method === method && (typeof rule.path === 'string' ? rule.path === path : rule.path.test(path));

/** A reset (RST), not a clean close: what a crashed peer or a dropped connection looks like. */
const reset = (socket: Socket): void => void socket.resetAndDestroy();

export class FaultProxy {
  readonly log: Exchange[] = [];
  private rules: { rule: Rule; seen: number }[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server?: Server;
  private port = 0;

  constructor(private readonly upstream: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  inject(...rules: Rule[]): void {
    this.rules.push(...rules.map((rule) => ({ rule, seen: 0 })));
  }

  /** Closes the port: open connections are reset, new ones refused. */
  async closePort(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    for (const s of this.sockets) reset(s);
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** No more faults, and the port open again (the same port, so the configuration still points here). */
  async heal(): Promise<void> {
    this.rules = [];
    if (!this.server) await this.start();
  }

  async stop(): Promise<void> {
    this.rules = [];
    await this.closePort();
  }

  private faultFor(method: string, path: string): Fault | undefined {
    for (const entry of this.rules) {
      if (!matches(entry.rule, method, path)) continue;
      entry.seen++;
      const from = entry.rule.from ?? 1;
      const until = from + (entry.rule.times ?? Infinity);
      if (entry.seen >= from && entry.seen < until) return entry.rule.fault;
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    const body = await readAll(req);
    const fault = this.faultFor(method, path);
    const exchange: Exchange = { method, path, forwarded: false, ...(fault ? { fault: fault.kind } : {}) };
    this.log.push(exchange);
    if (fault?.kind === 'refuse') return this.closePort();
    if (fault?.kind === 'answer') {
      res.writeHead(fault.status, { ...fault.headers, 'content-length': Buffer.byteLength(fault.body) });
      res.end(fault.body);
      return;
    }
    let answer: Upstream;
    try {
      answer = await this.forward(req, body);
      exchange.forwarded = true;
    } catch {
      reset(req.socket);
      return;
    }
    this.deliver(fault, answer, req.socket, res);
  }

  private deliver(fault: Fault | undefined, answer: Upstream, socket: Socket, res: ServerResponse): void {
    const half = answer.body.subarray(0, Math.floor(answer.body.length / 2));
    switch (fault?.kind) {
      case undefined:
        res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
        res.end(answer.body);
        return;
      case 'reset-before-answer':
        return reset(socket);
      case 'hang':
        return;
      case 'reset-mid-body':
        res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
        res.write(half, () => reset(socket));
        return;
      case 'truncate':
        res.writeHead(answer.status, { ...answer.headers, 'content-length': half.length });
        res.end(half);
        return;
      case 'drip':
        return this.drip(fault, answer, socket, res);
      default:
        throw new Error(`not a fault to deliver: ${String(fault?.kind)}`);
    }
  }

  private drip(
    fault: { everyMs: number; padding: number },
    answer: Upstream,
    socket: Socket,
    res: ServerResponse,
  ): void {
    const bytes = Buffer.concat([Buffer.alloc(fault.padding, ' '), answer.body]);
    res.writeHead(answer.status, { ...answer.headers, 'content-length': bytes.length });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < bytes.length) res.write(bytes.subarray(sent, ++sent));
      if (sent >= bytes.length) stop();
    }, fault.everyMs);
    const stop = (): void => {
      clearInterval(timer);
      this.timers.delete(timer);
      if (sent >= bytes.length) res.end();
    };
    this.timers.add(timer);
    socket.once('close', stop);
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<Upstream> {
    const target = new URL(req.url ?? '/', this.upstream);
    const headers = { ...req.headers, host: target.host };
    return new Promise((resolve, reject) => {
      const out = request(target, { method: req.method, headers }, (answer) => {
        readAll(answer).then((buf) => {
          const kept = Object.entries(answer.headers).filter(
            ([k, v]) => typeof v === 'string' && !['content-length', 'transfer-encoding', 'connection'].includes(k),
          );
          resolve({
            status: answer.statusCode ?? 502,
            headers: Object.fromEntries(kept) as Record<string, string>,
            body: buf,
          });
        }, reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  }
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
