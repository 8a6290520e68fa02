/**
 * Words and marks for what the snapshot says (no statistics here: ratings, sentences and rules are
 * computed in core and carried by the snapshot; this only chooses how to print them).
 */
import type { Certainty, CertaintyRating, DisplayRules, OutcomeSnapshot, ReviewSnapshot } from './model.js';
import { fmt } from './format.js';

export const CERTAINTY_LABEL: Record<CertaintyRating, string> = { high: 'High', moderate: 'Moderate', low: 'Low', 'very-low': 'Very low' };
const FILLED: Record<CertaintyRating, number> = { high: 4, moderate: 3, low: 2, 'very-low': 1 };

/** GRADE marks, e.g. ⊕⊕⊕◯ for moderate. */
export const certaintyMarks = (r: CertaintyRating): string => '⊕'.repeat(FILLED[r]) + '◯'.repeat(4 - FILLED[r]);

export function certaintyStatus(c: Certainty): string {
  return c.status === 'confirmed' ? 'confirmed by a review lead' : 'proposed from the data, not yet confirmed by a review lead';
}

/** τ² with its CI; an upper bound at the search limit is printed "> 100" (as metafor does). */
export function tau2Text(o: OutcomeSnapshot): string {
  const r = o.result;
  if (!r || r.tau2 === null) return '–';
  const lo = r.tau2CiLower, hi = r.tau2CiUpper;
  if (lo === null || lo === undefined) return fmt(r.tau2, 3);
  const upper = o.display?.tau2UpperAtLimit ? '> 100' : fmt(hi, 3);
  return `${fmt(r.tau2, 3)} [${fmt(lo, 3)}, ${upper}]`;
}

export function showPi(o: OutcomeSnapshot): boolean {
  return (o.display?.predictionInterval ?? true) && !!o.result && o.result.piLower !== null && o.result.piUpper !== null;
}

export const display = (o: OutcomeSnapshot): DisplayRules =>
  o.display ?? { predictionInterval: true, subgroupTests: true, smallStudyTests: o.k >= 10, tau2UpperAtLimit: false, notes: [] };

/** Footnote numbering across a summary-of-findings table: outcome id → its footnote numbers. */
export function footnoteNumbers(outcomes: OutcomeSnapshot[]): { numbers: Map<string, number[]>; notes: string[] } {
  const numbers = new Map<string, number[]>();
  const notes: string[] = [];
  for (const o of outcomes) {
    const mine: number[] = [];
    for (const f of o.certainty?.footnotes ?? []) {
      let i = notes.indexOf(f);
      if (i < 0) {
        notes.push(f);
        i = notes.length - 1;
      }
      mine.push(i + 1);
    }
    numbers.set(o.id, mine);
  }
  return { numbers, notes };
}

export const SOURCE_NAME: Record<string, string> = { pubmed: 'PubMed', ctgov: 'ClinicalTrials.gov', europepmc: 'Europe PMC', isrctn: 'ISRCTN registry', metapsy: 'Metapsy' };
export const sourceName = (s: string) => SOURCE_NAME[s] ?? s;

/** When the review last changed: the newest change entry, else the snapshot time. */
export const lastChanged = (s: ReviewSnapshot): string => s.changes[0]?.at ?? s.generatedAt;

export function idLink(type: string, value: string): string | null {
  const v = value.trim();
  switch (type) {
    case 'pmid': return `https://pubmed.ncbi.nlm.nih.gov/${encodeURIComponent(v)}/`;
    case 'nct': return `https://clinicaltrials.gov/study/${encodeURIComponent(v)}`;
    case 'isrctn': return `https://www.isrctn.com/${encodeURIComponent(/^ISRCTN/i.test(v) ? v.toUpperCase() : `ISRCTN${v}`)}`;
    case 'drks': return `https://drks.de/search/en/trial/${encodeURIComponent(v)}`;
    case 'doi': return `https://doi.org/${v}`;
    case 'pmcid': return `https://www.ncbi.nlm.nih.gov/pmc/articles/${encodeURIComponent(v)}/`;
    case 'ppr': return `https://europepmc.org/article/PPR/${encodeURIComponent(v)}`;
    default: return null;
  }
}
export const ID_NAME: Record<string, string> = {
  pmid: 'PubMed', nct: 'ClinicalTrials.gov', doi: 'DOI', pmcid: 'PMC', metapsy: 'Metapsy', isrctn: 'ISRCTN',
  ppr: 'Europe PMC preprint', chictr: 'ChiCTR', anzctr: 'ANZCTR', drks: 'DRKS', registry: 'Trial registry',
};

/** Identifier types that are trial registrations (the plan made before the trial). */
const REGISTRY_TYPES = new Set(['nct', 'isrctn', 'chictr', 'anzctr', 'drks', 'registry']);
/** Identifier types of a published report (journal publication). */
const PUBLICATION_TYPES = new Set(['pmid', 'doi', 'pmcid']);

export interface StudyId { type: string; name: string; value: string; href: string | null }

/**
 * A study's identifiers sorted into what the study page shows: its registrations, its journal
 * publication, its preprint(s) and anything else (an import key such as Metapsy's), each with a link
 * where the identifier has a public landing page.
 */
export function studyRecords(identifiers: Array<{ type: string; value: string }>): { registrations: StudyId[]; publications: StudyId[]; preprints: StudyId[]; other: StudyId[] } {
  const out = { registrations: [] as StudyId[], publications: [] as StudyId[], preprints: [] as StudyId[], other: [] as StudyId[] };
  for (const i of identifiers) {
    const id = { type: i.type, name: ID_NAME[i.type] ?? i.type, value: i.value, href: idLink(i.type, i.value) };
    (REGISTRY_TYPES.has(i.type) ? out.registrations : PUBLICATION_TYPES.has(i.type) ? out.publications : i.type === 'ppr' ? out.preprints : out.other).push(id);
  }
  return out;
}
