// Resolving { env: NAME } and { file: PATH } references. Values are read only when a connection
// or a password is actually needed, and every value is registered for masking before it is
// returned, so no log line or report can print it.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Connection } from '../flavors/flavor.js';
import { ConfigError } from '../model/errors.js';
import { MIN_SECRET_LENGTH, registerLogin, registerSecret } from '../model/redact.js';
import { type ClusterConfig, type SecretSpec } from '../model/types.js';

/**
 * The value of a secret reference. `neededBy` names what wants it (e.g. `connection.auth.api_key`)
 * so that the error says which setting is missing its secret. Throws ConfigError at the place
 * the reference is written.
 */
export function resolveSecret(spec: SecretSpec, neededBy?: string): string {
  const forWhat = neededBy ? ` (needed by ${neededBy})` : '';
  const value = 'env' in spec.ref ? fromEnv(spec, spec.ref.env, forWhat) : fromFile(spec, spec.ref.file, forWhat);
  if (value.length < MIN_SECRET_LENGTH) {
    const where = 'env' in spec.ref ? `environment variable ${spec.ref.env}` : `secret file ${spec.ref.file}`;
    throw new ConfigError(
      `the secret in ${where} is shorter than ${MIN_SECRET_LENGTH} characters${forWhat}: ` +
        'too short to be masked in output without hiding ordinary words; use a longer one',
      spec.source,
    );
  }
  registerSecret(value);
  return value;
}

function fromEnv(spec: SecretSpec, name: string, forWhat: string): string {
  const value = process.env[name];
  if (value === undefined) throw new ConfigError(`environment variable ${name} is not set${forWhat}`, spec.source);
  if (value === '') throw new ConfigError(`environment variable ${name} is empty${forWhat}`, spec.source);
  return value;
}

function fromFile(spec: SecretSpec, file: string, forWhat: string): string {
  const abs = path.resolve(process.cwd(), file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`cannot read secret file ${file}${forWhat}: ${code}`, spec.source);
  }
  // `echo secret > file` leaves a newline that is not part of the secret.
  const value = text.replace(/[\r\n]+$/, '');
  if (value === '') throw new ConfigError(`secret file ${file} is empty${forWhat}`, spec.source);
  return value;
}

/** A password that logs `username` in: its Basic header (base64 of `user:password`) is masked too. */
export function resolveLogin(username: string, spec: SecretSpec, neededBy?: string): string {
  const password = resolveSecret(spec, neededBy);
  registerLogin(username, password);
  return password;
}

/** The cluster's connection with its secrets resolved; throws the ConfigError of the first missing one. */
export function resolveConnection(cluster: ClusterConfig): Connection {
  const spec = cluster.connection;
  let auth: Connection['auth'] = null;
  if (spec.auth.kind === 'api_key') auth = { apiKey: resolveSecret(spec.auth.apiKey, 'connection.auth.api_key') };
  if (spec.auth.kind === 'basic') {
    const { username } = spec.auth;
    auth = { username, password: resolveLogin(username, spec.auth.password, 'connection.auth.password') };
  }
  const ca = spec.ca ? resolveSecret(spec.ca, 'connection.ca') : undefined;
  const cert = spec.clientCertificate;
  const clientCertificate = cert && {
    certificate: resolveSecret(cert.certificate, 'connection.client_certificate.certificate'),
    key: resolveSecret(cert.key, 'connection.client_certificate.key'),
  };
  return {
    cluster: cluster.name,
    url: spec.url,
    auth,
    ...(ca !== undefined ? { ca } : {}),
    ...(clientCertificate ? { clientCertificate } : {}),
    timeoutMs: spec.timeoutMs,
  };
}
