// How the CLI prints the error that stopped a command: for people, each configuration error on
// its line (`error: file:line:column: message`) with the line of the file under it and a caret
// (config/excerpt.ts); for tools (`--format json`), `{"errors": [{file, line, column, message}]}`
// (no place: nulls). Everything passes the secret redactor: a config error may quote a file.

import { ConfigError, ConfigErrors } from '../model/errors.js';
import { redact, redactValues } from '../model/redact.js';

/** The configuration errors `e` holds, or none when it is another error. */
const configErrors = (e: unknown): readonly ConfigError[] | undefined =>
  e instanceof ConfigErrors ? e.errors : e instanceof ConfigError ? [e] : undefined;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function renderErrorsText(e: unknown): string {
  const errors = configErrors(e);
  if (!errors) return redact(`error: ${messageOf(e)}\n`);
  const lines = errors.flatMap((ce) => [`error: ${ce.message}`, ...ce.excerpt.map((l) => `  ${l}`)]);
  return redact(`${lines.join('\n')}\n`);
}

export interface ErrorJson {
  file: string | null;
  line: number | null;
  column: number | null;
  message: string;
}

export function renderErrorsJson(e: unknown): string {
  const errors: ErrorJson[] = (configErrors(e) ?? [undefined]).map((ce) => ({
    file: ce?.source?.file ?? null,
    line: ce?.source?.line ?? null,
    column: ce?.source?.column ?? null,
    message: ce ? ce.reason : messageOf(e),
  }));
  // Masked value by value: masking the JSON text could cut through an escape.
  return `${JSON.stringify({ errors: redactValues(errors) }, null, 2)}\n`;
}
