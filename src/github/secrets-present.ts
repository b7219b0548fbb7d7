// Whether a run was given the secrets its clusters' connections need, decided without reading a
// single secret: only whether each environment variable a connection names is set and non-empty.
//
// GitHub withholds secrets by leaving the variables a workflow maps them to empty (a fork's or
// Dependabot's pull request, a workflow that forgot `env:`). A run where *every* such variable is
// empty was given no secrets at all: planning would only produce one "environment variable is
// empty" error per reference. A run where some are set and others are not is a misconfiguration
// and is planned, so that the missing ones are reported. `{ file: … }` references are not
// counted: they are files of the checkout or of an earlier step, not something GitHub withholds.

import { type ClusterConfig, type SecretSpec } from '../model/types.js';

/** The environment variables the connections of `clusters` read their secrets from, each once, in order. */
export function connectionSecretVariables(clusters: readonly ClusterConfig[]): string[] {
  const names = new Set<string>();
  for (const c of clusters) {
    for (const spec of connectionSecrets(c)) if ('env' in spec.ref) names.add(spec.ref.env);
  }
  return [...names];
}

function connectionSecrets(c: ClusterConfig): SecretSpec[] {
  const { auth, ca, clientCertificate } = c.connection;
  const specs: SecretSpec[] = [];
  if (auth.kind === 'api_key') specs.push(auth.apiKey);
  if (auth.kind === 'basic') specs.push(auth.password);
  if (ca) specs.push(ca);
  if (clientCertificate) specs.push(clientCertificate.certificate, clientCertificate.key);
  return specs;
}

/** Set to a non-empty string; an own property only (a name such as `__proto__` is not "set"). */
const isSet = (env: NodeJS.ProcessEnv, name: string): boolean =>
  Object.hasOwn(env, name) && typeof env[name] === 'string' && env[name] !== '';

/**
 * The variables the connections name, when every one of them is unset or empty; undefined when
 * at least one is set, or when the connections name none (nothing withheld: plan as usual).
 */
export function everyConnectionSecretMissing(
  clusters: readonly ClusterConfig[],
  env: NodeJS.ProcessEnv = process.env,
): string[] | undefined {
  const names = connectionSecretVariables(clusters);
  if (names.length === 0 || names.some((n) => isSet(env, n))) return undefined;
  return names;
}
