// Issue 12 item 5: SIGINT/SIGTERM during apply. A real child process (`xcluster apply --yes`)
// against a local stand-in Elasticsearch (the stateful fake behind a real HTTP server) that holds
// a write: the signal stops it, what is in flight finishes, nothing new starts, the report is
// printed and the exit code is 130. No timing is asserted; the bounds are generous.

import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stopOnSignals } from '../../src/stop-signals.js';
import { FakeElasticsearch } from './helpers/fake-es.js';
import { writeConfigDir } from './helpers/config-dir.js';

const API_KEY = 'c2lnbmFsLXRlc3Qta2V5LW5vdC1yZWFs';
const ROOT = path.join(__dirname, '..', '..');

/** A promise and the function that settles it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** The fake Elasticsearch on 127.0.0.1, holding the answer to `held` until released. */
async function standIn(held: string) {
  const arrived = deferred();
  const release = deferred();
  // Its url is for nock, which is not used here: a real server answers with its responses.
  const fake = new FakeElasticsearch('http://127.0.0.1');
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (`${req.method} ${req.url}` === held) {
        arrived.resolve();
        await release.promise;
      }
      const body = Buffer.concat(chunks).toString();
      const [status, answer, headers] = (await fake.respond(
        req.method!,
        req.url!,
        body,
        req.headers.authorization,
      )) as unknown as readonly [number, unknown, Record<string, string>?];
      res.writeHead(status, headers);
      res.end(typeof answer === 'string' ? answer : JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { fake, server, url, arrived: arrived.promise, release: release.resolve };
}

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

describe('issue 12 item 5: SIGINT during apply, in a real process', () => {
  it('issue 12 item 5: starts nothing new, waits for the write in flight, prints the report, exits 130', async () => {
    const stand = await standIn('PUT /_security/role/r1');
    server = stand.server;
    const config = writeConfigDir({
      'clusters/west.yml': [
        'connection:',
        '  flavor: elasticsearch',
        `  url: ${stand.url}`,
        '  transport: 127.0.0.1:9300',
        '  auth:',
        '    api_key: { env: SIGNAL_TEST_KEY }',
        'roles:',
        '  r1: { cluster: [monitor] }',
        '  r2: { cluster: [monitor] }',
        'role_mappings:',
        '  m:',
        '    roles: [r1]',
        '    rules: { field: { username: someone } }',
        '',
      ].join('\n'),
    });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'src', 'bin.ts'), 'apply', '--yes', '--concurrency', '1', '--config', config],
      {
        cwd: ROOT,
        env: { ...process.env, SIGNAL_TEST_KEY: API_KEY, GITHUB_ACTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    const stopping = deferred();
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (stderr.includes('SIGINT: stopping')) stopping.resolve();
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

    await stand.arrived;
    child.kill('SIGINT');
    await stopping.promise;
    stand.release();
    const code = await exited;

    expect({ code, stderr }).toMatchObject({ code: 130 });
    expect(stand.fake.writes().map((w) => `${w.method} ${w.path}`)).toEqual(['PUT /_security/role/r1']);
    expect(stdout).toContain(
      'cluster west: stopped by SIGINT: 2 not started; a fresh plan shows 2 change(s) still to make',
    );
    expect(stdout).toContain('done    create role r1 (in flight when stopped by SIGINT)');
    expect(stdout).toContain('skipped create role r2: not started: stopped by SIGINT');
    expect(stdout).toContain('skipped create role_mapping m: not started: stopped by SIGINT');
  }, 90_000);
});

describe('issue 12 item 5: stopOnSignals', () => {
  it('issue 12 item 5: SIGTERM aborts the stop with its reason and makes the exit code 143; dispose removes the handlers', () => {
    const proc = new EventEmitter() as unknown as NodeJS.Process;
    const controller = new AbortController();
    const lines: string[] = [];
    const signals = stopOnSignals(controller, (l) => lines.push(l), proc);
    expect(signals.exitCode).toBeUndefined();
    proc.emit('SIGTERM');
    expect(controller.signal.reason).toBe('stopped by SIGTERM');
    expect(signals.exitCode).toBe(143);
    expect(lines[0]).toMatch(/^SIGTERM: stopping; nothing new starts/);
    signals.dispose();
    expect((proc as unknown as EventEmitter).listenerCount('SIGTERM')).toBe(0);
    expect((proc as unknown as EventEmitter).listenerCount('SIGINT')).toBe(0);
  });
});
