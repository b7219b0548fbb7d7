// Findings as workflow annotations, shown on the YAML line in the PR's "Files changed" view.
// The sink is a parameter (in the Action: @actions/core) so tests need no global state.

import { type AnnotationProperties } from '@actions/core';
import { redact } from '../model/redact.js';
import { type Finding, type Severity } from '../model/types.js';

type Annotate = (message: string | Error, properties?: AnnotationProperties) => void;

/** The part of @actions/core that writes annotations. */
export interface AnnotationSink {
  error: Annotate;
  warning: Annotate;
  notice: Annotate;
}

const LEVEL: Record<Severity, keyof AnnotationSink> = { error: 'error', warning: 'warning', info: 'notice' };

export function annotate(findings: readonly Finding[], sink: AnnotationSink): void {
  for (const f of findings) {
    const message = redact(f.cluster ? `[${f.cluster}] ${f.message}` : f.message);
    // A finding without a source (e.g. about a live object) still shows, on the run page.
    const where: AnnotationProperties = f.source
      ? { file: redact(f.source.file), startLine: f.source.line, startColumn: f.source.column }
      : {};
    sink[LEVEL[f.severity]](message, { ...where, title: redact(f.rule) });
  }
}
