// Resolving { env: NAME } and { file: PATH } references. Values are read only when a connection
// or a password is actually needed, and every value is registered for masking before it is
// returned, so no log line or report can print it.

import { type Connection } from '../flavors/flavor.js';
import { ConfigError } from '../model/errors.js';
import { MIN_SECRET_LENGTH, registerLogin, registerSecret } from '../model/redact.js';
import { type ClusterConfig, type SecretSpec } from '../model/types.js';
import { readSecretFile } from './secret-file.js';

/**
 * The value of a secret reference; a relative file path starts at `configDir` (the config
 * folder). `neededBy` names what wants it (e.g. `connection.auth.api_key`) so that the error says
 * which setting is missing its secret. Throws ConfigError at the place the reference is written.
 */
export function resolveSecret(spec: SecretSpec, configDir: string, neededBy?: string): string {
  const forWhat = neededBy ? ` (needed by ${neededBy})` : '';
  const value =
    'env' in spec.ref ? fromEnv(spec, spec.ref.env, forWhat) : fromFile(spec, spec.ref.file, configDir, forWhat);
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

function fromFile(spec: SecretSpec, file: string, configDir: string, forWhat: string): string {
  const text = readSecretFile(file, configDir, forWhat, spec.source);
  // `echo secret > file` leaves a newline that is not part of the secret.
  const value = text.replace(/[\r\n]+$/, '');
  if (value === '') throw new ConfigError(`secret file ${file} is empty${forWhat}`, spec.source);
  return value;
}

/** A password that logs `username` in: its Basic header (base64 of `user:password`) is masked too. */
export function resolveLogin(username: string, spec: SecretSpec, configDir: string, neededBy?: string): string {
  const password = resolveSecret(spec, configDir, neededBy);
  registerLogin(username, password);
  return password;
}

/**
 * The cluster's connection with its secrets resolved (relative secret files start at
 * `configDir`); throws the ConfigError of the first missing one.
 */
export function resolveConnection(cluster: ClusterConfig, configDir: string): Connection {
  const spec = cluster.connection;
  const secret = (s: SecretSpec, neededBy: string) => resolveSecret(s, configDir, neededBy);
  let auth: Connection['auth'] = null;
  if (spec.auth.kind === 'api_key') auth = { apiKey: secret(spec.auth.apiKey, 'connection.auth.api_key') };
  if (spec.auth.kind === 'basic') {
    const { username } = spec.auth;
    auth = { username, password: resolveLogin(username, spec.auth.password, configDir, 'connection.auth.password') };
  }
  const ca = spec.ca ? secret(spec.ca, 'connection.ca') : undefined;
  const cert = spec.clientCertificate;
  const clientCertificate = cert && {
    certificate: secret(cert.certificate, 'connection.client_certificate.certificate'),
    key: secret(cert.key, 'connection.client_certificate.key'),
  };
  return {
    cluster: cluster.name,
    url: spec.url,
    auth,
    ...(ca !== undefined ? { ca } : {}),
    ...(clientCertificate ? { clientCertificate } : {}),
    timeoutMs: spec.timeoutMs,
    deadlineMs: spec.deadlineMs,
  };
}
