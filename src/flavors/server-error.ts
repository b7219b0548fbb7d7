// How a server's error body is told, on the read and the write side alike. The top level often
// says only where parsing failed ("failed to parse field [rules]"); its `caused_by` says why, so
// the whole chain is shown.

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deepest `caused_by` followed: a bound against a pathological body, far beyond real chains. */
const MAX_CAUSES = 8;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** "parse_exception: object [field] contains multiple fields" of one level of the chain. */
const levelOf = (error: Obj): string => [text(error.type), text(error.reason)].filter((s) => s !== '').join(': ');

/**
 * "; caused by <type>: <reason>" for each `caused_by` under `error`, outermost first. A cause
 * that repeats the level above it word for word is skipped: it would say nothing new.
 */
export function causeChain(error: Obj): string {
  const parts: string[] = [];
  let above = levelOf(error);
  let cause = error.caused_by;
  for (let depth = 0; isObject(cause) && depth < MAX_CAUSES; depth++) {
    const level = levelOf(cause);
    if (level !== '' && level !== above) parts.push(`; caused by ${level}`);
    above = level;
    cause = cause.caused_by;
  }
  return parts.join('');
}

/**
 * The server's reason in an error body: `error.reason` and its `caused_by` chain of an
 * `{ error }` body, the `message` / `reason` of the `{ status, message }` bodies of OpenSearch's
 * security plugin, or a bare string. Empty when the body says nothing.
 */
export function answerReason(body: unknown): string {
  const error = isObject(body) ? (body.error ?? body.message ?? body.reason) : undefined;
  if (isObject(error)) return (text(error.reason) || text(error.type)) + causeChain(error);
  if (typeof error === 'string') return error;
  return typeof body === 'string' ? body : '';
}

/**
 * What the OpenSearch security plugin's validation errors add to their `reason`: `{ status:
 * "error", reason: "Invalid configuration", specify_one_of: { keys: "users,hosts" } }` says why
 * only in the keys beside the reason (test/fixtures/opensearch/2.19.4/issue-12/02,
 * writes/13). " (specify_one_of: users,hosts)", or "" when there is nothing beside it.
 */
export function validationDetail(body: unknown): string {
  if (!isObject(body) || body.status !== 'error') return '';
  const parts = Object.entries(body)
    .filter(([k]) => k !== 'status' && k !== 'reason')
    .map(([k, v]) => {
      const keys = isObject(v) ? v.keys : v;
      return typeof keys === 'string' ? `${k}: ${keys}` : `${k}: ${JSON.stringify(v)}`;
    });
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}
