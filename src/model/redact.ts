// Every secret value is registered here when it is resolved; every text that leaves the
// process (stdout, files, GitHub) passes through redact() first. A secret travels in more forms
// than its own: a server error may quote the request body (JSON-escaped, and escaped once more
// when that error is put in a JSON report), a URL carries it percent-encoded, a Basic header
// as base64 of `user:password`. Each form is registered and masked.

/**
 * The shortest secret xcluster accepts. Masking a shorter one would hide ordinary words and,
 * by the gap, reveal it: a secret `read` turned `reading` into `***ing`.
 */
export const MIN_SECRET_LENGTH = 8;

const MASK = '***';

/** Every form registered, longest first, so that no form is cut by masking a shorter one inside it. */
let forms: string[] = [];
const listeners: ((value: string) => void)[] = [];

const jsonEscaped = (s: string): string => JSON.stringify(s).slice(1, -1);

/** JSON-escaped as encoders that write ASCII only (`\u00e9`) and escape `/` do it. */
const asciiJsonEscaped = (s: string): string =>
  jsonEscaped(s)
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');

/** `application/x-www-form-urlencoded`, as URLSearchParams writes it (a space is `+`). */
const formEncoded = (s: string): string => new URLSearchParams({ v: s }).toString().slice(2);

const lowerHex = (s: string): string => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());

/** The forms one value travels in: raw, JSON-escaped (once, twice, ASCII-only) and URL-encoded. */
export function encodingsOf(value: string): string[] {
  const json = jsonEscaped(value);
  const uri = encodeURIComponent(value);
  const form = formEncoded(value);
  const all = [value, json, jsonEscaped(json), asciiJsonEscaped(value), uri, lowerHex(uri), form, lowerHex(form)];
  return [...new Set(all)];
}

/** What a Basic `Authorization` header carries for this login. */
export const basicCredentials = (username: string, password: string): string =>
  Buffer.from(`${username}:${password}`, 'utf8').toString('base64');

const longestFirst = (a: string, b: string): number => b.length - a.length;

/** Registers a secret value and each of its forms; each new form goes to the listeners. */
export function registerSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH) {
    // The config loader refuses such secrets with their location; reaching here is a bug.
    throw new Error(`a secret shorter than ${MIN_SECRET_LENGTH} characters cannot be masked`);
  }
  const added = encodingsOf(value).filter((f) => !forms.includes(f));
  if (added.length === 0) return;
  forms = [...forms, ...added].sort(longestFirst);
  for (const form of added) for (const listen of listeners) listen(form);
}

/** Registers a password and the base64 of `user:password` that a Basic header carries. */
export function registerLogin(username: string, password: string): void {
  registerSecret(password);
  registerSecret(basicCredentials(username, password));
}

/** Called for every form registered from now on, and for those already known (the Action masks them in its log). */
export function onSecret(listen: (value: string) => void): void {
  listeners.push(listen);
  for (const f of forms) listen(f);
}

const maskAll = (text: string, sorted: readonly string[]): string =>
  sorted.reduce((out, form) => out.split(form).join(MASK), text);

/** `text` with every registered form of every secret masked. */
export function redact(text: string): string {
  return maskAll(text, forms);
}

/** `text` with every form of the given secret values masked (also those not registered). */
export function maskSecrets(text: string, values: readonly string[]): string {
  const own = values.filter((v) => v.length > 0).flatMap(encodingsOf);
  return redact(maskAll(text, [...new Set(own)].sort(longestFirst)));
}

/**
 * A copy of `value` with every string in it (object keys included) redacted, for data that is
 * serialized afterwards: masking the serialized text could cut through an escape sequence.
 */
export function redactValues<T>(value: T): T {
  return redactedCopy(value) as T;
}

function redactedCopy(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(redactedCopy);
  if (typeof value !== 'object' || value === null) return value;
  // fromEntries defines own properties: a key "__proto__" stays data, never a prototype.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactedCopy(v)]));
}
