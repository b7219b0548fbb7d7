import { type SourceRef } from './types.js';

/** Bad input in the xcluster/ folder: always points at a file, line and column. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly source?: SourceRef,
  ) {
    super(source ? `${source.file}:${source.line}:${source.column}: ${message}` : message);
    this.name = 'ConfigError';
  }
}

/** Several configuration errors found in one pass, reported together. */
export class ConfigErrors extends Error {
  constructor(readonly errors: ConfigError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'ConfigErrors';
  }
}
