/**
 * Free labels on screening decisions (Rayyan-style: "check full text", "ask Anna", "pilot"):
 * reusable across records, shown on the card, filterable in the queue. Pure.
 *
 * A label is text, never a key: labels live in arrays and are compared case-insensitively
 * ("Pilot" and "pilot" are one label; the first spelling seen is kept).
 */
import { CurationError } from './errors.js';

export const MAX_LABELS = 10;
export const MAX_LABEL_LENGTH = 40;
/** Letters, digits, spaces and simple punctuation; no control characters or markup. */
export const LABEL_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} _.:'/+&()-]*$/u;

/** Trimmed, de-duplicated labels; throws CurationError (400) naming `labels[i]` otherwise. */
export function normaliseLabels(labels: readonly string[] | undefined, field = 'labels'): string[] {
  if (!labels) return [];
  if (labels.length > MAX_LABELS) throw new CurationError('invalid', `at most ${MAX_LABELS} labels on a decision`, [{ path: field, message: `must be at most ${MAX_LABELS} entries` }]);
  const out: string[] = [];
  const seen = new Set<string>();
  labels.forEach((raw, i) => {
    const l = String(raw).trim().replace(/\s+/g, ' ');
    const path = `${field}[${i}]`;
    if (!l) throw new CurationError('invalid', 'a label must not be empty', [{ path, message: 'must not be empty' }]);
    if (l.length > MAX_LABEL_LENGTH) throw new CurationError('invalid', `a label has at most ${MAX_LABEL_LENGTH} characters`, [{ path, message: `must be at most ${MAX_LABEL_LENGTH} characters` }]);
    if (!LABEL_PATTERN.test(l)) throw new CurationError('invalid', `label "${l.slice(0, 40)}" has characters a label may not have`, [{ path, message: "letters, digits, spaces and _ . : ' / + & ( ) - only, starting with a letter or digit" }]);
    const key = l.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(l);
    }
  });
  return out;
}

/** "pilot, ask Anna ,  pilot" → ["pilot", "ask Anna"] (the label input's comma-separated text). */
export function parseLabelText(text: string): string[] {
  return text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Every label on a candidate's visible screening decisions and maybe marks (any stage). */
export function labelsOf(c: { screening?: Partial<Record<string, { decisions: { labels?: string[] }[]; maybe?: { labels?: string[] }[] }>> }): string[] {
  const out: string[] = [];
  for (const st of Object.values(c.screening ?? {})) {
    if (!st) continue;
    for (const d of [...st.decisions, ...(st.maybe ?? [])]) for (const l of d.labels ?? []) out.push(l);
  }
  return out;
}

/** The labels in use across candidates, each once (case-insensitive), sorted: what the label input offers for reuse. */
export function labelsInUse(cands: readonly Parameters<typeof labelsOf>[0][]): string[] {
  const byKey = new Map<string, string>();
  for (const c of cands) for (const l of labelsOf(c)) if (!byKey.has(l.toLowerCase())) byKey.set(l.toLowerCase(), l);
  return [...byKey.values()].sort((a, b) => a.localeCompare(b));
}
