/**
 * Building and merging a review's candidate from the records of one study. Pure: the store reads
 * the current candidate, calls `mergeRecord`, and writes the result with a version condition.
 *
 * A study is one candidate per review however many records it has (registration + publications).
 * Display fields (title, abstract, year, first author, journal) come from the study's primary
 * record: a publication when there is one, else the registration. Curation state (status,
 * screening, extraction…) is never touched here.
 */
import { MAX_PLANNED_OUTCOMES, type Candidate, type OutcomeData, type PlannedOutcome, type RegistrationFacts, type Source, type TriageResult } from './candidate.js';
import { uniqueIdentifiers } from './identity.js';
import type { RegistryInfo, SourceRecord } from './record.js';
import { canonicalJson } from './text.js';

export interface RecordRef {
  source: SourceRecord['source'];
  sourceId: string;
  kind: SourceRecord['kind'];
  hash: string;
  triage: TriageResult;
  retracted?: boolean;
  /** Why this record joined the study (a stated preprint ↔ article link, a shared id, a title match). */
  linkedBy?: string;
}

/** How sources are named in notices and events. */
export const SOURCE_LABEL: Record<SourceRecord['source'], string> = { pubmed: 'PubMed', ctgov: 'ClinicalTrials.gov', europepmc: 'Europe PMC', isrctn: 'ISRCTN' };

export interface CandidateEvent {
  type: 'queued' | 'record-linked' | 'record-updated' | 'retracted' | 'primary-changed';
  reason?: string;
  before?: unknown;
  after?: unknown;
  /** Who must look at it ('leads' for a retraction of an accepted study). */
  flaggedTo?: 'leads';
}

export interface MergeInput {
  existing?: Candidate;
  record: SourceRecord;
  recordHash: string;
  reviewId: string;
  studyId: string;
  triage: TriageResult;
  proposedExtraction?: OutcomeData[];
  /** Why the record joined an existing study (see RecordRef.linkedBy). */
  linkReason?: string;
  now: string;
}

export interface MergeResult {
  candidate: Candidate;
  changed: boolean;
  events: CandidateEvent[];
}

const MAX_IDENTIFIERS = 60;

function refsOf(c: Candidate | undefined): RecordRef[] {
  return Array.isArray(c?.records) ? (c.records as RecordRef[]) : [];
}

/** Peer-reviewed publications first, then preprints, then registrations. */
const KIND_RANK: Record<RecordRef['kind'], number> = { publication: 0, preprint: 1, registration: 2 };

/** Which record's fields are displayed: publications, then preprints, then registrations; then the lowest id. */
function isBetterPrimary(a: RecordRef, b: RecordRef | undefined): boolean {
  if (!b) return true;
  if (a.kind !== b.kind) return KIND_RANK[a.kind] < KIND_RANK[b.kind];
  return a.sourceId.localeCompare(b.sourceId, 'en', { numeric: true }) < 0;
}

function bestTriage(refs: RecordRef[]): TriageResult {
  let best: TriageResult = { score: 0, reasons: [] };
  for (const r of refs) if (r.triage.score > best.score || best.reasons.length === 0) best = r.triage;
  const others = refs.filter((r) => r.triage !== best && r.triage.score > 0).map((r) => `also ${r.source} ${r.sourceId}: score ${r.triage.score}`);
  return { score: best.score, reasons: [...best.reasons, ...others].slice(0, 30) };
}

/** The fields compared to decide whether the candidate changed (curation fields excluded). */
function mergedView(c: Candidate): unknown {
  return {
    title: c.title,
    abstract: c.abstract,
    year: c.year,
    firstAuthor: c.firstAuthor,
    journal: c.journal,
    sources: c.sources,
    identifiers: c.identifiers,
    triage: c.triage,
    retracted: c.retracted,
    retractionNotice: c.retractionNotice,
    records: c.records,
    proposedExtraction: c.proposedExtraction,
    registration: c.registration,
    isrctnRegistration: c.isrctnRegistration,
    publicationTypes: c.publicationTypes,
    preprint: c.preprint,
    primaryRecord: c.primaryRecord,
  };
}

/** What a candidate keeps of a registry record: status, size, dates and planned outcomes, bounded. */
function registrationFacts(r: RegistryInfo): RegistrationFacts {
  const planned: PlannedOutcome[] = (r.outcomes ?? []).slice(0, MAX_PLANNED_OUTCOMES).map((o) => ({
    kind: o.kind,
    measure: o.measure.length > 1000 ? `${o.measure.slice(0, 999)}…` : o.measure,
    ...(o.timeFrame ? { timeFrame: o.timeFrame.slice(0, 300) } : {}),
  }));
  return {
    ...(r.overallStatus ? { status: r.overallStatus } : {}),
    ...(r.allocation ? { allocation: r.allocation } : {}),
    ...(r.enrollment?.count !== undefined ? { enrollment: r.enrollment.count } : {}),
    ...(r.firstSubmitted?.iso ? { registered: r.firstSubmitted.iso } : {}),
    ...(r.startDate?.iso ? { started: r.startDate.iso } : {}),
    ...(planned.length ? { plannedOutcomes: planned } : {}),
  };
}

export function mergeRecord(input: MergeInput): MergeResult {
  const { existing, record, now } = input;
  const ref: RecordRef = {
    source: record.source,
    sourceId: record.sourceId,
    kind: record.kind,
    hash: input.recordHash,
    triage: input.triage,
    ...(record.retraction?.retracted ? { retracted: true } : {}),
    ...(input.linkReason ? { linkedBy: input.linkReason.slice(0, 300) } : {}),
  };
  const previousRef = refsOf(existing).find((r) => r.source === ref.source && r.sourceId === ref.sourceId);
  if (!input.linkReason && previousRef?.linkedBy) ref.linkedBy = previousRef.linkedBy;
  const refs = refsOf(existing).filter((r) => !(r.source === ref.source && r.sourceId === ref.sourceId));
  refs.push(ref);
  refs.sort((a, b) => `${a.source}#${a.sourceId}`.localeCompare(`${b.source}#${b.sourceId}`));

  const currentPrimary = existing ? (existing.primaryRecord as { source: string; sourceId: string } | undefined) : undefined;
  const currentPrimaryRef = currentPrimary ? refs.find((r) => r.source === currentPrimary.source && r.sourceId === currentPrimary.sourceId) : undefined;
  const isCurrentPrimary = currentPrimaryRef === ref;
  const takeDisplay = !existing || isCurrentPrimary || isBetterPrimary(ref, currentPrimaryRef);

  const base: Candidate = existing
    ? { ...existing }
    : {
        entity: 'Candidate',
        reviewId: input.reviewId,
        studyId: input.studyId,
        status: 'screening',
        version: 0,
        title: record.title,
        sources: [],
        identifiers: [],
        triage: input.triage,
        createdAt: now,
        updatedAt: now,
      };
  const next: Candidate = { ...base };
  if (takeDisplay) {
    next.title = record.title.slice(0, 2000);
    if (record.abstract) next.abstract = record.abstract.slice(0, 20_000);
    else delete next.abstract;
    if (record.year) next.year = record.year;
    if (record.firstAuthor) next.firstAuthor = record.firstAuthor;
    if (record.kind === 'preprint' && (record.server || record.journal)) next.journal = (record.server ?? record.journal) as string;
    else if (record.journal) next.journal = record.journal;
    else if (record.kind === 'registration' && (!next.journal || takeDisplay)) next.journal = SOURCE_LABEL[record.source];
    next.primaryRecord = { source: record.source, sourceId: record.sourceId };
    if (record.publicationTypes.length) next.publicationTypes = record.publicationTypes;
  }
  next.records = refs;
  next.sources = [...new Set<Source>([...(base.sources ?? []), record.source])].sort();
  next.identifiers = uniqueIdentifiers([...(base.identifiers ?? []), ...record.identifiers]).slice(0, MAX_IDENTIFIERS);
  next.triage = bestTriage(refs);
  const primaryRef = takeDisplay ? ref : currentPrimaryRef;
  if (primaryRef?.kind === 'preprint') next.preprint = true;
  else delete next.preprint;
  if (record.source === 'isrctn' && record.registry) {
    next.isrctnRegistration = { isrctn: record.sourceId, ...registrationFacts(record.registry) };
  } else if (record.kind === 'registration' && record.registry) {
    next.registration = {
      nctId: record.sourceId,
      ...registrationFacts(record.registry),
      ...(record.registry.arms?.length ? { arms: record.registry.arms.map((a) => a.label).slice(0, 20) } : {}),
      hasResults: !!record.registry.hasResults,
    };
  }
  if (input.proposedExtraction && input.proposedExtraction.length > 0) next.proposedExtraction = input.proposedExtraction;

  const events: CandidateEvent[] = [];
  if (record.retraction?.retracted && !base.retracted) {
    next.retracted = true;
    next.retractionNotice = `${SOURCE_LABEL[record.source]} ${record.sourceId}: ${record.retraction.notice}`.slice(0, 2000);
    events.push({
      type: 'retracted',
      reason: next.retractionNotice as string,
      before: { retracted: false, status: base.status },
      after: { retracted: true },
      ...(base.status === 'accepted' || base.status === 'extraction' ? { flaggedTo: 'leads' as const } : {}),
    });
  }

  const changed = !existing || canonicalJson(mergedView(existing)) !== canonicalJson(mergedView(next));
  if (!changed) return { candidate: existing as Candidate, changed: false, events: [] };
  next.version = (base.version ?? 0) + 1;
  next.updatedAt = now;
  if (!existing) {
    events.unshift({ type: 'queued', reason: `new ${record.kind} ${record.source} ${record.sourceId}`, after: { status: 'screening', triage: next.triage.score } });
  } else if (!previousRef) {
    events.unshift({ type: 'record-linked', reason: `${record.source} ${record.sourceId} linked to the study${ref.linkedBy ? ` (${ref.linkedBy})` : ''}`, after: { sources: next.sources } });
  } else {
    const fields = ['title', 'abstract', 'year', 'identifiers', 'triage', 'proposedExtraction', 'registration', 'publicationTypes'].filter(
      (f) => canonicalJson(existing[f]) !== canonicalJson(next[f]),
    );
    events.unshift({ type: 'record-updated', reason: `${record.source} ${record.sourceId} changed upstream${fields.length ? ` (${fields.join(', ')})` : ''}`, before: { hash: previousRef.hash }, after: { hash: ref.hash } });
  }
  if (existing && currentPrimaryRef && takeDisplay && !isCurrentPrimary) {
    // The main record moves (a preprint published, a registration's study reported): the previous
    // one stays among the study's records, and this event keeps what it was.
    events.push({
      type: 'primary-changed',
      reason: `main record moved from the ${currentPrimaryRef.kind} ${currentPrimaryRef.source} ${currentPrimaryRef.sourceId} to the ${ref.kind} ${ref.source} ${ref.sourceId}`,
      before: { source: currentPrimaryRef.source, sourceId: currentPrimaryRef.sourceId, kind: currentPrimaryRef.kind, title: existing.title, ...(existing.preprint ? { preprint: true } : {}) },
      after: { source: ref.source, sourceId: ref.sourceId, kind: ref.kind, title: next.title, ...(next.preprint ? { preprint: true } : {}) },
    });
  }
  return { candidate: next, changed: true, events };
}

/** Marks a candidate retracted because a retraction notice names one of its publications. */
export function markRetracted(existing: Candidate, notice: string, now: string): MergeResult {
  if (existing.retracted) return { candidate: existing, changed: false, events: [] };
  const next: Candidate = { ...existing, retracted: true, retractionNotice: notice.slice(0, 2000), version: existing.version + 1, updatedAt: now };
  return {
    candidate: next,
    changed: true,
    events: [
      {
        type: 'retracted',
        reason: next.retractionNotice,
        before: { retracted: false, status: existing.status },
        after: { retracted: true },
        ...(existing.status === 'accepted' || existing.status === 'extraction' ? { flaggedTo: 'leads' as const } : {}),
      },
    ],
  };
}
