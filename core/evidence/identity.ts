/**
 * Identity of a study across sources: the identifiers a record carries, the keys used for the
 * uniqueness guards, and the decision which study a record belongs to. Pure.
 */
import type { Identifier, IdentifierType } from './candidate.js';
import type { SourceRecord } from './record.js';
import { normaliseDoi, normaliseName, normalisePmcid, normalisePmid, normaliseTitle } from './text.js';

const REGISTRY_PATTERNS: { type: IdentifierType; re: RegExp; canonical: (m: RegExpMatchArray) => string }[] = [
  { type: 'nct', re: /^NCT\s*-?\s*(\d{8})$/i, canonical: (m) => `NCT${m[1]}` },
  { type: 'isrctn', re: /^ISRCTN\s*-?\s*(\d{8})$/i, canonical: (m) => `ISRCTN${m[1]}` },
  { type: 'chictr', re: /^ChiCTR\s*-?\s*([A-Z]{0,4}-?\d{5,12})$/i, canonical: (m) => `ChiCTR${m[1].toUpperCase()}` },
  { type: 'anzctr', re: /^ACTRN\s*-?\s*(\d{14})[pP]?$/i, canonical: (m) => `ACTRN${m[1]}` },
  { type: 'drks', re: /^DRKS\s*-?\s*(\d{8})$/i, canonical: (m) => `DRKS${m[1]}` },
];

/** Other WHO primary registries whose ids we keep (as type 'registry', value `PREFIX…`). */
const OTHER_REGISTRY = /^(CTRI\/\d{4}\/\d+\/\d+|IRCT\d{6,}N?\d*|UMIN\d{9}|jRCT[0-9a-z]+|KCT\d{7}|NTR\d{3,5}|NL\d{4,6}|PACTR\d{15}|RBR-[0-9a-z]+|TCTR\d{11}|SLCTR\/\d{4}\/\d+|RPCEC\d{11}|EUCTR\d{4}-\d{6}-\d{2}(?:-[A-Z]{2})?|\d{4}-\d{6}-\d{2})$/i;

/** Recognises a trial registration number, whatever list it came from. */
export function registryIdentifier(raw: string): Identifier | undefined {
  const s = raw.trim().replace(/\s+/g, ' ');
  if (!s || s.length > 120) return undefined;
  for (const p of REGISTRY_PATTERNS) {
    const m = s.match(p.re);
    if (m) return { type: p.type, value: p.canonical(m) };
  }
  const compact = s.replace(/\s+/g, '');
  if (OTHER_REGISTRY.test(compact)) return { type: 'registry', value: compact.toUpperCase().startsWith('EUCTR') ? compact.slice(5) : compact };
  return undefined;
}

export function identifier(type: IdentifierType, raw: string | undefined): Identifier | undefined {
  if (!raw) return undefined;
  switch (type) {
    case 'pmid': {
      const v = normalisePmid(raw);
      return v ? { type, value: v } : undefined;
    }
    case 'doi': {
      const v = normaliseDoi(raw);
      return v ? { type, value: v } : undefined;
    }
    case 'pmcid': {
      const v = normalisePmcid(raw);
      return v ? { type, value: v } : undefined;
    }
    default: {
      const r = registryIdentifier(raw);
      if (r) return r;
      const v = raw.trim();
      return v ? { type, value: v } : undefined;
    }
  }
}

export function identifierString(id: Identifier): string {
  return `${id.type}:${id.value.toLowerCase()}`;
}

/** De-duplicated identifiers (type + case-insensitive value), first occurrence kept, order kept. */
export function uniqueIdentifiers(ids: Iterable<Identifier | undefined>): Identifier[] {
  const seen = new Set<string>();
  const out: Identifier[] = [];
  for (const id of ids) {
    if (!id) continue;
    const k = identifierString(id);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(id);
  }
  return out;
}

/** Internal identifier type for the last-resort match: normalised title + year + first author. */
export const TITLE_KEY_TYPE = 'titlekey';

/**
 * `normalised title|year|first author surname`, or undefined when any part is missing or the
 * title is too short to be distinctive (< 4 words).
 */
export function titleKey(r: Pick<SourceRecord, 'title' | 'year' | 'firstAuthor'>): string | undefined {
  const t = normaliseTitle(r.title ?? '');
  if (!t || t.split(' ').length < 4 || !r.year || !r.firstAuthor) return undefined;
  const a = normaliseName(r.firstAuthor);
  if (!a) return undefined;
  return `${t}|${r.year}|${a}`;
}

/**
 * Internal identifier type for preprint ↔ journal article matching: normalised title + first
 * author, without the year (a preprint and its publication are often a year apart). Only reports
 * (publications and preprints) carry it, and only for distinctive titles (≥ 6 words).
 */
export const TITLE_AUTHOR_TYPE = 'titleauthor';

export function titleAuthorKey(r: Pick<SourceRecord, 'title' | 'firstAuthor' | 'kind'>): string | undefined {
  if (r.kind === 'registration') return undefined;
  const t = normaliseTitle(r.title ?? '');
  if (!t || t.split(' ').length < 6 || !r.firstAuthor) return undefined;
  const a = normaliseName(r.firstAuthor);
  return a ? `${t}|${a}` : undefined;
}

/** Priority of identifier types when a record's identifiers point at different studies. */
const PRIORITY: Record<string, number> = {
  nct: 0,
  isrctn: 1,
  chictr: 1,
  anzctr: 1,
  drks: 1,
  registry: 2,
  pmid: 3,
  doi: 4,
  pmcid: 5,
  ppr: 5,
  metapsy: 6,
  [TITLE_KEY_TYPE]: 9,
  [TITLE_AUTHOR_TYPE]: 10,
};

export interface LinkKey {
  type: string;
  value: string;
}

/**
 * The keys under which a record claims its study, in the order they are trusted: the record's own
 * id first (a record already seen keeps its study), then registry ids, then publication ids, then
 * the title key.
 */
export function linkKeys(r: SourceRecord): LinkKey[] {
  const own = ownKey(r);
  const others = r.identifiers
    .filter((i) => !(i.type === own.type && i.value.toLowerCase() === own.value.toLowerCase()))
    .sort((a, b) => (PRIORITY[a.type] ?? 8) - (PRIORITY[b.type] ?? 8))
    .map((i) => ({ type: i.type, value: i.value }));
  const out = [own, ...others];
  const tk = titleKey(r);
  if (tk) out.push({ type: TITLE_KEY_TYPE, value: tk });
  const ta = titleAuthorKey(r);
  if (ta) out.push({ type: TITLE_AUTHOR_TYPE, value: ta });
  const seen = new Set<string>();
  return out.filter((k) => {
    const s = `${k.type}:${k.value.toLowerCase()}`;
    if (seen.has(s)) return false;
    seen.add(s);
    return true;
  });
}

/** The study id a record founds when none of its keys is claimed yet: deterministic (crash-safe). */
export function foundingStudyId(r: SourceRecord): string {
  const nct = r.identifiers.find((i) => i.type === 'nct');
  if (nct) return nct.value.toUpperCase();
  if (r.source === 'isrctn') return r.sourceId.toUpperCase();
  return r.source === 'pubmed' ? `PMID${r.sourceId}` : r.sourceId.toUpperCase();
}

/** The key of a record's own id: PMID, NCT id, Europe PMC preprint id, ISRCTN number. */
export function ownKey(r: Pick<SourceRecord, 'source' | 'sourceId'>): LinkKey {
  switch (r.source) {
    case 'pubmed':
      return { type: 'pmid', value: r.sourceId };
    case 'ctgov':
      return { type: 'nct', value: r.sourceId };
    case 'isrctn':
      return { type: 'isrctn', value: r.sourceId };
    case 'europepmc':
      return /^\d+$/.test(r.sourceId) ? { type: 'pmid', value: r.sourceId } : { type: 'ppr', value: r.sourceId };
  }
}

/** Why a record joined the study it did, for the curator ("pmid:123 stated by Europe PMC"). */
export function linkReason(r: SourceRecord, key: LinkKey): string {
  const rel = (r.relations ?? []).find((x) => x.id.type === key.type && x.id.value.toLowerCase() === key.value.toLowerCase());
  if (rel) return `${key.type} ${key.value}: ${rel.statedBy}`;
  if (key.type === TITLE_AUTHOR_TYPE) return `same title and first author (${key.value.split('|')[1]})`;
  if (key.type === TITLE_KEY_TYPE) return 'same title, year and first author';
  return `shared identifier ${key.type} ${key.value}`;
}

export interface StudyResolution {
  studyId: string;
  /** Keys not yet claimed: to be claimed for `studyId` (conditional puts). */
  toClaim: LinkKey[];
  /** Keys claimed by a different study than the one chosen (left as they are; reported). */
  conflicts: { key: LinkKey; studyId: string }[];
  /** The claimed key that joined the record to an existing study (absent: founded or kept its own). */
  matchedBy?: LinkKey;
}

/**
 * Decides the study of a record from the current owners of its link keys (`owners` maps
 * `type:value-lowercase` → studyId). The first claimed key in trust order wins; a title-key match
 * is only used when no hard identifier is claimed.
 */
export function resolveStudy(r: SourceRecord, owners: Map<string, string>, preferred?: string): StudyResolution {
  const keys = linkKeys(r);
  const keyString = (k: LinkKey) => `${k.type}:${k.value.toLowerCase()}`;
  let studyId = preferred;
  let matchedBy: LinkKey | undefined;
  if (!studyId) {
    for (const k of keys) {
      const o = owners.get(keyString(k));
      if (o) {
        studyId = o;
        matchedBy = k;
        break;
      }
    }
  }
  studyId ??= foundingStudyId(r);
  const toClaim: LinkKey[] = [];
  const conflicts: { key: LinkKey; studyId: string }[] = [];
  for (const k of keys) {
    const o = owners.get(keyString(k));
    if (!o) toClaim.push(k);
    else if (o !== studyId) conflicts.push({ key: k, studyId: o });
  }
  return { studyId, toClaim, conflicts, ...(matchedBy ? { matchedBy } : {}) };
}
