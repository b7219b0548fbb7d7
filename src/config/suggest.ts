// "Did you mean …?" for unknown keys: most unknown keys are typos of a known one.

/** Edit distance between two strings (insertions, deletions, substitutions). */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The known word closest to `word`, if it is close enough to be a plausible typo. */
export function nearest(word: string, known: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = levenshtein(word.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= limit ? best : undefined;
}

/** `unknown key "seed" in remote_clusters.east; did you mean "seeds"?` (or the list of known keys). */
export function unknownKeyMessage(key: string, where: string, known: readonly string[]): string {
  const place = where ? ` in ${where}` : '';
  const guess = nearest(key, known);
  if (guess) return `unknown key "${key}"${place}; did you mean "${guess}"?`;
  return `unknown key "${key}"${place}; known keys: ${known.join(', ')}`;
}

const words = (key: string): string[] => key.toLowerCase().split('_');

/** The length of the common beginning of two words. */
function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * The known key that stands where `key` stands in another vocabulary (the other flavor's
 * schema): a near spelling (`role_mappings` → `roles_mapping`); else one that holds it, or is
 * held by it, as a whole word (`users` → `internal_users`, `cluster` → `cluster_permissions`);
 * else one whose first word shares its stem, three letters or more (`indices` →
 * `index_permissions`). Undefined when none does.
 */
export function counterpart(key: string, known: readonly string[]): string | undefined {
  const near = nearest(key, known);
  if (near) return near;
  const k = key.toLowerCase();
  const byWord = known.find((x) => words(x).includes(k) || words(k).includes(x.toLowerCase()));
  if (byWord) return byWord;
  const first = words(k)[0] ?? '';
  return known.find((x) => commonPrefix(first, words(x)[0] ?? '') >= 3);
}
