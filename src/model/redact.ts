// Every secret value is registered here when it is resolved; every text that leaves the
// process (stdout, files, GitHub) passes through redact() first.

const secrets = new Set<string>();
const listeners: ((value: string) => void)[] = [];

export function registerSecret(value: string): void {
  // Very short values would redact ordinary words; a real secret is never this short.
  if (value.length < 4 || secrets.has(value)) return;
  secrets.add(value);
  for (const listen of listeners) listen(value);
}

/** Called for every secret registered from now on, and for those already known (the Action masks them in its log). */
export function onSecret(listen: (value: string) => void): void {
  listeners.push(listen);
  for (const s of secrets) listen(s);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}
