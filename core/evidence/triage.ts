/**
 * RCT triage: how likely a record reports (or registers) a randomised controlled trial relevant to
 * the review, 0..100, with the signals that fired as human-readable reasons. Pure and
 * deterministic: the same record and review always give the same score.
 */
import type { TriageResult } from './candidate.js';
import type { SourceRecord } from './record.js';

export interface TriageTerms {
  population: string[];
  intervention: string[];
}

/** Terms of a search expression: `(depression OR "depressive symptoms") AND app*` → [depression, depressive symptoms, app]. */
export function termsOf(expr: string | undefined): string[] {
  if (!expr) return [];
  const cleaned = expr
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/AREA\s*\[[^\]]*\]/gi, ' ')
    .replace(/[()]/g, ' ');
  const parts = cleaned.split(/\s+(?:OR|AND|NOT)\s+|,|;|\|/i);
  const out = new Set<string>();
  for (const p of parts) {
    const t = p.replace(/["*]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
    if (t.length >= 3 && !/^(or|and|not)$/.test(t)) out.add(t);
  }
  return [...out];
}

/** The PICO terms of a review (its ClinicalTrials.gov condition / intervention expressions). */
export function reviewTerms(review: { searches: { ctgov: { condition: string; intervention: string } } }): TriageTerms {
  return { population: termsOf(review.searches.ctgov.condition), intervention: termsOf(review.searches.ctgov.intervention) };
}

interface Signal {
  test: (r: SourceRecord, text: TextParts) => boolean;
  points: number;
  reason: string;
}

interface TextParts {
  title: string;
  abstract: string;
  types: Set<string>;
  mesh: Set<string>;
}

const RANDOM = /\brandomi[sz](?:ed|ation)\b|\brandomly (?:assigned|allocated)\b/;

const SIGNALS: Signal[] = [
  { test: (_r, t) => t.types.has('randomized controlled trial'), points: 50, reason: 'publication type: Randomized Controlled Trial' },
  { test: (_r, t) => t.types.has('controlled clinical trial') && !t.types.has('randomized controlled trial'), points: 25, reason: 'publication type: Controlled Clinical Trial' },
  { test: (_r, t) => t.types.has('pragmatic clinical trial') || t.types.has('equivalence trial'), points: 15, reason: 'publication type: pragmatic / equivalence trial' },
  { test: (r) => r.registry?.allocation === 'RANDOMIZED', points: 50, reason: 'registry: allocation randomised' },
  { test: (r) => r.registry?.allocation === 'NON_RANDOMIZED', points: -30, reason: 'registry: allocation non-randomised' },
  { test: (r) => r.registry?.studyType === 'INTERVENTIONAL', points: 10, reason: 'registry: interventional study' },
  { test: (r) => r.registry?.studyType === 'OBSERVATIONAL', points: -40, reason: 'registry: observational study' },
  { test: (_r, t) => RANDOM.test(t.title), points: 25, reason: 'title: "randomised"' },
  { test: (_r, t) => !RANDOM.test(t.title) && RANDOM.test(t.abstract), points: 15, reason: 'abstract: "randomised" / "randomly assigned"' },
  { test: (_r, t) => /\bcontrolled trial\b|\brct\b/.test(t.title + ' ' + t.abstract), points: 5, reason: 'text: "controlled trial" / "RCT"' },
  { test: (_r, t) => /\bwait[\s-]?(?:ing[\s-]?)?list\b|\bplacebo\b|\busual care\b|\btreatment as usual\b|\battention control\b/.test(t.abstract + ' ' + t.title), points: 5, reason: 'text: control condition (wait-list, placebo, usual care)' },
  { test: (r) => r.kind === 'preprint', points: -10, reason: 'preprint: not peer-reviewed' },
  { test: (r) => r.kind !== 'registration' && r.identifiers.some((i) => ['nct', 'isrctn', 'chictr', 'anzctr', 'drks', 'registry'].includes(i.type)), points: 10, reason: 'trial registration number in the record' },
  { test: (_r, t) => t.types.has('systematic review') || t.types.has('meta-analysis') || t.types.has('review') || /\bsystematic review\b|\bmeta-analy/.test(t.title), points: -50, reason: 'review or meta-analysis' },
  { test: (_r, t) => t.types.has('clinical trial protocol') || /\bprotocol\b/.test(t.title), points: -15, reason: 'trial protocol (no results yet)' },
  { test: (_r, t) => /\b(?:pilot|feasibility)\b/.test(t.title), points: -5, reason: 'pilot / feasibility study' },
  { test: (_r, t) => t.types.has('retraction of publication') || t.types.has('published erratum') || t.types.has('comment') || t.types.has('editorial') || t.types.has('letter'), points: -60, reason: 'notice, comment or letter (not a trial report)' },
  { test: (_r, t) => t.mesh.has('animals') && !t.mesh.has('humans'), points: -40, reason: 'MeSH: animals, not humans' },
];

function includesTerm(text: string, term: string): boolean {
  if (term.length <= 4) return new RegExp(`\\b${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i').test(text);
  return text.includes(term);
}

export function triage(r: SourceRecord, terms: TriageTerms): TriageResult {
  const parts: TextParts = {
    title: `${r.title} ${r.officialTitle ?? ''}`.toLowerCase(),
    abstract: (r.abstract ?? '').toLowerCase(),
    types: new Set(r.publicationTypes.map((t) => t.toLowerCase())),
    mesh: new Set(r.mesh.map((t) => t.toLowerCase())),
  };
  let score = 0;
  const reasons: string[] = [];
  for (const s of SIGNALS) {
    if (s.test(r, parts)) {
      score += s.points;
      reasons.push(`${s.reason} (${s.points > 0 ? '+' : ''}${s.points})`);
    }
  }
  const everything = [parts.title, parts.abstract, ...parts.mesh, ...r.keywords.map((k) => k.toLowerCase()), ...(r.registry?.conditions ?? []).map((c) => c.toLowerCase()), ...(r.registry?.interventions ?? []).map((i) => `${i.name} ${i.description ?? ''}`.toLowerCase())].join(' \n ');
  const pop = terms.population.filter((t) => includesTerm(everything, t));
  if (pop.length) {
    score += 10;
    reasons.push(`population terms: ${pop.slice(0, 5).join(', ')} (+10)`);
  }
  const intr = terms.intervention.filter((t) => includesTerm(everything, t));
  if (intr.length) {
    score += 10;
    reasons.push(`intervention terms: ${intr.slice(0, 5).join(', ')} (+10)`);
  }
  if (r.retraction?.retracted) reasons.push('retracted');
  return { score: Math.max(0, Math.min(100, score)), reasons };
}
