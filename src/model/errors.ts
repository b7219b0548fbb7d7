import { type SourceRef } from './types.js';

/** Bad input in the xcluster/ folder: always points at a file, line and column. */
export class ConfigError extends Error {
  /** The message without the `file:line:column: ` that `message` starts with. */
  readonly reason: string;

  constructor(
    message: string,
    readonly source?: SourceRef,
    /** The line of the file it is on, with a caret under the column (config/excerpt.ts); printed under the message. */
    readonly excerpt: readonly string[] = [],
  ) {
    super(source ? `${source.file}:${source.line}:${source.column}: ${message}` : message);
    this.name = 'ConfigError';
    this.reason = message;
  }
}

/** Several configuration errors found in one pass, reported together. */
export class ConfigErrors extends Error {
  constructor(readonly errors: ConfigError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'ConfigErrors';
  }
}
