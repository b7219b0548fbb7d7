import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { resolveConnection, resolveSecret } from '../../src/config/secrets.js';
import { ConfigError } from '../../src/model/errors.js';
import { redact } from '../../src/model/redact.js';
import { type SecretSpec } from '../../src/model/types.js';

const CONFIG = 'test/fixtures/config/valid/xcluster';
const WEST = `${CONFIG}/clusters/west.yml`;
const at = { file: 'xcluster/clusters/west.yml', line: 5, column: 5 };
const envSpec = (name: string): SecretSpec => ({ ref: { env: name }, source: at });

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('resolveSecret', () => {
  it('an unset variable: names it, what needs it, and file:line', () => {
    vi.stubEnv('WEST_API_KEY', undefined);
    const e = thrown(() => resolveSecret(envSpec('WEST_API_KEY'), 'xcluster', 'connection.auth.api_key'));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe(
      'xcluster/clusters/west.yml:5:5: environment variable WEST_API_KEY is not set (needed by connection.auth.api_key)',
    );
  });

  it('an empty variable is an error too', () => {
    vi.stubEnv('WEST_API_KEY', '');
    expect(() => resolveSecret(envSpec('WEST_API_KEY'), 'xcluster')).toThrow(
      'xcluster/clusters/west.yml:5:5: environment variable WEST_API_KEY is empty',
    );
  });

  it('a set variable: returns the value and registers it for masking', () => {
    const value = 'c2VjcmV0LWFwaS1rZXktdmFsdWU=';
    vi.stubEnv('WEST_API_KEY', value);
    expect(resolveSecret(envSpec('WEST_API_KEY'), 'xcluster')).toBe(value);
    expect(redact(`Authorization: ApiKey ${value}`)).toBe('Authorization: ApiKey ***');
  });

  describe('from a file', () => {
    let dir: string;
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('reads it relative to the config folder, without the trailing newline, and registers it', () => {
      dir = mkdtempSync(path.join(tmpdir(), 'xcluster-secret-'));
      writeFileSync(path.join(dir, 'password.txt'), 'file-secret-0451\n');
      expect(resolveSecret({ ref: { file: 'password.txt' }, source: at }, dir)).toBe('file-secret-0451');
      expect(redact('pw=file-secret-0451')).toBe('pw=***');
    });

    it('a missing file: names it, where it was looked for, and file:line', () => {
      dir = mkdtempSync(path.join(tmpdir(), 'xcluster-secret-'));
      vi.spyOn(process, 'cwd').mockReturnValue(dir);
      expect(() => resolveSecret({ ref: { file: 'nope.pem' }, source: at }, 'xcluster', 'connection.ca')).toThrow(
        'xcluster/clusters/west.yml:5:5: cannot read secret file nope.pem (needed by connection.ca): ENOENT ' +
          '(looked for at xcluster/nope.pem: a relative path starts at the config folder xcluster)',
      );
    });
  });
});

describe('resolveConnection', () => {
  const west = loadConfig(CONFIG).clusters.find((c) => c.name === 'west')!;

  it('a missing secret of the connection: a ConfigError at its line', () => {
    vi.stubEnv('WEST_API_KEY', undefined);
    const e = thrown(() => resolveConnection(west, CONFIG));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe(
      `${WEST}:6:5: environment variable WEST_API_KEY is not set (needed by connection.auth.api_key)`,
    );
    vi.stubEnv('WEST_API_KEY', 'west-api-key-value');
    expect(() => resolveConnection(west, CONFIG)).toThrow(
      `${WEST}:7:3: cannot read secret file certs/west.pem (needed by connection.ca): ENOENT ` +
        `(looked for at ${CONFIG}/certs/west.pem: a relative path starts at the config folder ${CONFIG})`,
    );
  });

  it('resolves every secret', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xcluster-secret-'));
    try {
      writeFileSync(path.join(dir, 'west.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      vi.stubEnv('WEST_API_KEY', 'west-api-key-value');
      const cluster = {
        ...west,
        connection: { ...west.connection, ca: { ...west.connection.ca!, ref: { file: path.join(dir, 'west.pem') } } },
      };
      expect(resolveConnection(cluster, CONFIG)).toEqual({
        cluster: 'west',
        url: 'https://west.example.com:9200',
        auth: { apiKey: 'west-api-key-value' },
        ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
        timeoutMs: 30_000,
        deadlineMs: 120_000,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
