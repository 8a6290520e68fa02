/**
 * Keyword highlighting at screening (pure): the review's inclusion and exclusion terms
 * (`screening.keywords` in its review file) found in a title or abstract, as text segments the
 * page renders (`<mark>` per hit). Case-insensitive, whole words; a trailing `*` matches any
 * ending ("randomi*" → randomised, randomized, randomisation). Where terms overlap, the longer
 * match starting first wins ("self-guided" over "guided", "non-randomi*" over "randomi*").
 */
export type TermKind = 'include' | 'exclude';

export interface Segment {
  text: string;
  /** Set on a hit: which list the term comes from, and the term as written in the review file. */
  kind?: TermKind;
  term?: string;
}

export interface CompiledTerms {
  re: RegExp | undefined;
  /** Regex alternative index → its term. */
  terms: { term: string; kind: TermKind }[];
}

const WORD = '[\\p{L}\\p{N}]';

function termPattern(term: string): string {
  const wild = term.endsWith('*');
  const body = (wild ? term.slice(0, -1) : term)
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\/-]/g, (ch) => (ch === '-' ? '[-\\u2010\\u2011 ]?' : `\\${ch}`)))
    .join('\\s+');
  return wild ? `${body}${WORD}*` : body;
}

/** Compile the review's terms once (longest first, so that the longer of two overlapping terms wins). */
export function compileTerms(keywords: { include: readonly string[]; exclude: readonly string[] } | undefined): CompiledTerms {
  const terms = [...(keywords?.include ?? []).map((term) => ({ term, kind: 'include' as const })), ...(keywords?.exclude ?? []).map((term) => ({ term, kind: 'exclude' as const }))]
    .filter((t) => t.term.replace(/\*$/, '').trim().length > 0)
    .sort((a, b) => b.term.length - a.term.length);
  if (!terms.length) return { re: undefined, terms };
  const alternatives = terms.map((t) => `(${termPattern(t.term)})`).join('|');
  return { re: new RegExp(`(?<!${WORD})(?:${alternatives})(?!${WORD})`, 'giu'), terms };
}

/** `text` cut into plain and highlighted segments; joined, the segments give `text` back unchanged. */
export function highlight(text: string, compiled: CompiledTerms): Segment[] {
  if (!compiled.re || !text) return text ? [{ text }] : [];
  const out: Segment[] = [];
  let last = 0;
  compiled.re.lastIndex = 0;
  for (const m of text.matchAll(compiled.re)) {
    const i = m.index ?? 0;
    if (!m[0]) continue;
    const which = m.slice(1).findIndex((g) => g !== undefined);
    const t = compiled.terms[which];
    if (i > last) out.push({ text: text.slice(last, i) });
    out.push({ text: m[0], kind: t.kind, term: t.term });
    last = i + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** The distinct terms hit in some segments, per kind, in the order first seen (the card's text summary). */
export function termsHit(...segmentLists: Segment[][]): Record<TermKind, string[]> {
  const out: Record<TermKind, string[]> = { include: [], exclude: [] };
  for (const list of segmentLists)
    for (const s of list) if (s.kind && s.term && !out[s.kind].includes(s.term)) out[s.kind].push(s.term);
  return out;
}
