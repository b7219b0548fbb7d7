// Every secret value is registered here when it is resolved; every text that leaves the
// process (stdout, files, GitHub) passes through redact() first.

const secrets = new Set<string>();

export function registerSecret(value: string): void {
  // Very short values would redact ordinary words; a real secret is never this short.
  if (value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}

export function knownSecretCount(): number {
  return secrets.size;
}
