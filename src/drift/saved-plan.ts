// A plan saved by `xcluster plan --format json --out plan.json`, read back by `xcluster apply
// --plan plan.json`. The file is input like any other (it may have been edited, truncated, or be
// something else entirely): only what the apply needs is read from it, its format version and
// fingerprint, and checked. The changes in it are not applied: a fresh plan is, when it has the
// same fingerprint. Pure.

import { z } from 'zod';
import { FINGERPRINT } from './fingerprint.js';

/** A plan of a large estate is a few MiB; past this the file is not one. */
export const SAVED_PLAN_LIMIT = 64 * 1024 * 1024;

const NO_FINGERPRINT = 'no fingerprint "sha256:<64 hex digits>"';

const savedPlan = z.object({
  format_version: z.literal(1, { error: 'format_version is not 1 (a plan of another xcluster version)' }),
  fingerprint: z.string({ error: NO_FINGERPRINT }).regex(FINGERPRINT, { error: NO_FINGERPRINT }),
});

/** The fingerprint of a saved plan's text; throws an Error naming `path` and what is wrong. */
export function savedPlanFingerprint(path: string, text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not a JSON plan (write one with \`xcluster plan --format json --out ${path}\`)`);
  }
  const parsed = savedPlan.safeParse(value);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => i.message).join('; ');
    throw new Error(`${path} is not a plan xcluster saved: ${why}`);
  }
  return parsed.data.fingerprint;
}
