/**
 * Names that come from users (moderators, levels, study ids, clusters) are data, never object keys:
 * `toString`, `constructor` and `__proto__` are valid names. Helpers to read and build such records
 * without touching Object.prototype.
 */

export type ModValue = string | number | null;

/** A record without a prototype: `rec.toString` is undefined until a user names a field so. */
export function nullRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/** The own value of `name` in a user record (never an inherited member such as `toString`). */
export function ownValue<V>(rec: Record<string, V> | undefined | null, name: string): V | undefined {
  if (!rec || !Object.prototype.hasOwnProperty.call(rec, name)) return undefined;
  return rec[name];
}

/** Levenshtein distance (for "did you mean" hints). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n];
}

/** The known name closest to `name` (ties: first in `known`). */
export function closest(name: string, known: readonly string[]): string {
  let best = known[0];
  let bd = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bd) {
      bd = d;
      best = k;
    }
  }
  return best;
}
