/**
 * Plan an RIS import (pure): which records become new candidates, which attach an existing study
 * (known by identifier, new to this review) and which are duplicates — by DOI/PMID/NCT identifier
 * when present, else by normalised title + year. Duplicates inside the file are caught too.
 */
import type { Identifier } from '../evidence/candidate.js';
import { identifierKey } from '../data-model/keys.js';
import { titleYearKey } from './dedup.js';
import type { FieldError } from './errors.js';
import type { RisRecord } from './ris.js';

export interface ImportContext {
  /** identifier item pk (identifierKey(...).pk) → study id, for the identifiers of the file. */
  identifierOwners: Map<string, string>;
  /** Study ids that already are candidates of the review. */
  reviewStudies: Set<string>;
  /** titleYearKey → study id for the review's candidates. */
  reviewTitles: Map<string, string>;
}

export type ImportAction =
  | { kind: 'create'; record: RisRecord; studyId: string; claim: Identifier[] }
  | { kind: 'attach'; record: RisRecord; studyId: string; claim: Identifier[]; matchedBy: string }
  | { kind: 'duplicate'; record: RisRecord; studyId: string; matchedBy: string };

export function validateRisRecords(records: RisRecord[]): FieldError[] {
  const errors: FieldError[] = [];
  if (records.length === 0) errors.push({ path: 'ris', message: 'no RIS records found (each starts with "TY  - " and ends with "ER  - ")' });
  if (records.length > 5000) errors.push({ path: 'ris', message: 'at most 5000 records per import' });
  for (const r of records) {
    const at = `ris (record at line ${r.line})`;
    if (!r.title) errors.push({ path: at, message: 'title (TI or T1) is required' });
    else if (r.title.length > 2000) errors.push({ path: at, message: 'title is longer than 2000 characters' });
    if (r.abstract && r.abstract.length > 20_000) errors.push({ path: at, message: 'abstract is longer than 20000 characters' });
    if (r.journal && r.journal.length > 500) errors.push({ path: at, message: 'journal is longer than 500 characters' });
    if (r.authors.some((a) => a.length > 300)) errors.push({ path: at, message: 'an author name is longer than 300 characters' });
    if (r.identifiers.some((i) => i.value.length > 200)) errors.push({ path: at, message: 'an identifier is longer than 200 characters' });
  }
  return errors;
}

export function risStudyId(r: RisRecord): string {
  const basis = r.identifiers.length ? `${r.identifiers[0].type}:${r.identifiers[0].value.toLowerCase()}` : titleYearKey(r.title ?? '', r.year);
  return `ris-${fnv1a64(basis)}`;
}

/** FNV-1a, 64 bit, over the UTF-16 code units: a stable id from the record's identity (pure). */
function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

export function planImport(records: RisRecord[], ctx: ImportContext): ImportAction[] {
  const owners = new Map(ctx.identifierOwners);
  const titles = new Map(ctx.reviewTitles);
  const inReview = new Set(ctx.reviewStudies);
  const out: ImportAction[] = [];
  for (const r of records) {
    const key = titleYearKey(r.title ?? '', r.year);
    let owner: { studyId: string; by: string } | undefined;
    for (const id of r.identifiers) {
      const s = owners.get(identifierKey(id.type, id.value).pk);
      if (s) {
        owner = { studyId: s, by: id.type };
        break;
      }
    }
    const unclaimed = r.identifiers.filter((id) => !owners.has(identifierKey(id.type, id.value).pk));
    if (owner) {
      if (inReview.has(owner.studyId)) out.push({ kind: 'duplicate', record: r, studyId: owner.studyId, matchedBy: owner.by });
      else {
        out.push({ kind: 'attach', record: r, studyId: owner.studyId, claim: unclaimed, matchedBy: owner.by });
        inReview.add(owner.studyId);
      }
    } else if (r.identifiers.length === 0 && titles.has(key)) {
      out.push({ kind: 'duplicate', record: r, studyId: titles.get(key)!, matchedBy: 'title-year' });
      continue;
    } else {
      const studyId = risStudyId(r);
      if (inReview.has(studyId)) {
        out.push({ kind: 'duplicate', record: r, studyId, matchedBy: 'title-year' });
        continue;
      }
      out.push({ kind: 'create', record: r, studyId, claim: unclaimed });
      inReview.add(studyId);
      for (const id of unclaimed) owners.set(identifierKey(id.type, id.value).pk, studyId);
      titles.set(key, studyId);
      continue;
    }
    for (const id of unclaimed) owners.set(identifierKey(id.type, id.value).pk, owner.studyId);
    titles.set(key, owner.studyId);
  }
  return out;
}
