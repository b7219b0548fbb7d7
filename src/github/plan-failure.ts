// What a failed run says, and where: a configuration error (each with its file and line), an
// internal error, a cluster that could not be read, error findings. The same words go to the
// sticky comment (which must never go on showing an older commit's plan), the job summary, the
// annotations and the step's error. Everything is masked, then bounded: the text comes from a
// pull request's files and from servers, and a cut could otherwise keep part of a secret.

import { ConfigErrors, type ConfigError } from '../model/errors.js';
import { redact } from '../model/redact.js';
import { formatSource, type Plan } from '../model/types.js';
import { mdCode, mdText } from '../render/markdown-escape.js';
import { plural } from '../render/summary.js';
import { summarize } from '../render/summary.js';
import { type AnnotationSink } from './annotations.js';

/** Configuration errors listed in a comment; the rest are counted (all are annotated). */
const MAX_LISTED = 20;
/** Characters of one message in a comment. */
const MAX_MESSAGE = 300;
/** Characters of the step's error (an annotation on the run page). */
const MAX_STEP_ERROR = 1000;

/** The message of an error, masked, then on one line (a GitHub error is one line already). */
export const errorLine = (e: unknown): string => maskedLine(e instanceof Error ? e.message : String(e));

const maskedLine = (text: string): string => redact(text).replace(/\s+/g, ' ').trim();

/** Masked, on one line, then cut: masking after a cut could miss the part of a secret left. */
function bounded(text: string, max: number): string {
  const flat = maskedLine(text);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A ConfigError's message without the `file:line:column: ` it starts with (shown apart, as code). */
function withoutSource(e: ConfigError): string {
  const s = e.source;
  const prefix = s ? `${s.file}:${s.line}:${s.column}: ` : '';
  return prefix && e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

function configErrorItem(e: ConfigError): string {
  const where = e.source ? `${mdCode(formatSource(e.source))}: ` : '';
  return `- ${where}${mdText(bounded(withoutSource(e), MAX_MESSAGE))}`;
}

/** The markdown of a run that stopped with `e`: why the plan failed. */
export function thrownMarkdown(e: unknown): string {
  if (e instanceof ConfigErrors) {
    const listed = e.errors.slice(0, MAX_LISTED).map(configErrorItem);
    const more = e.errors.length - listed.length;
    if (more > 0) listed.push(`- and ${more} more (each is annotated on its line in the workflow run)`);
    return [`**The plan failed**: ${plural(e.errors.length, 'configuration error')}.`, '', ...listed, ''].join('\n');
  }
  return `**The plan failed**: ${mdText(bounded(errorText(e), MAX_MESSAGE))}\n`;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Reports a run that stopped with `e`: each configuration error annotated on its YAML line; the
 * step's error, one line, masked. Returns that error for the caller to fail the step with.
 */
export function stepFailure(e: unknown, sink: AnnotationSink): string {
  if (e instanceof ConfigErrors) {
    for (const err of e.errors) {
      const at = err.source;
      sink.error(redact(err.message), at ? { file: redact(at.file), startLine: at.line, startColumn: at.column } : {});
    }
    return `xcluster: ${e.errors.length} configuration error(s)`;
  }
  return bounded(errorText(e), MAX_STEP_ERROR);
}

/**
 * What makes a plan that ran a failed one: clusters that could not be read (their changes are
 * unknown) and error findings. Undefined when there is neither.
 */
export function planProblems(plan: Plan): string | undefined {
  const unread = plan.clusters.filter((c) => !c.reachable);
  const errors = summarize(plan).errors;
  if (unread.length === 0 && errors === 0) return undefined;
  const items = unread.map(
    (c) => `- ${mdCode(c.name)} could not be read: ${mdText(bounded(c.error ?? 'unknown error', MAX_MESSAGE))}`,
  );
  if (errors > 0) items.push(`- ${plural(errors, 'error finding')} (see the findings below)`);
  return [`**The plan failed**:`, '', ...items, ''].join('\n');
}
