/**
 * Imports from the UI as background jobs (pure parts): read an RIS or CSV file into records,
 * classify what an import would change (new / duplicate / updated, with a sample) and cut the
 * records into chunks a worker processes one at a time with a checkpoint in between.
 *
 * Life of a job: `preview` (file stored in chunks, nothing imported) → `queued` (confirmed) →
 * `running` (a worker took it; `chunksDone` is the checkpoint) → `done` | `failed`.
 * A chunk's plan is stored before any of its writes, so a worker that crashed mid-chunk redoes the
 * same plan: creates are conditional puts and updates only fill empty fields, so nothing is
 * written twice and the counts come out the same.
 */
import type { Candidate, Identifier } from '../evidence/candidate.js';
import { parseCsv, CsvError } from '../import/csv.js';
import type { FieldError } from './errors.js';
import { type ImportAction, validateRisRecords } from './import-plan.js';
import { normaliseDoi, parseRis, type RisRecord } from './ris.js';

export const IMPORT_FORMATS = ['ris', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export const IMPORT_JOB_STATUSES = ['preview', 'queued', 'running', 'done', 'failed'] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];

/** Imports up to this many records run within the request (the API's synchronous form); larger ones only as a job. */
export const INLINE_IMPORT_LIMIT = 200;

export interface ImportCounts {
  created: number;
  updated: number;
  duplicate: number;
}

export interface ImportSampleRow {
  line: number;
  title: string;
  kind: 'new' | 'updated' | 'duplicate';
  studyId: string;
  matchedBy?: string;
  /** Fields an update fills in. */
  fields?: string[];
}

export interface ImportPreview {
  records: number;
  new: number;
  updated: number;
  duplicate: number;
  /** Up to 5 rows of each kind, in file order. */
  sample: ImportSampleRow[];
}

export interface ImportJob {
  reviewId: string;
  jobId: string;
  format: ImportFormat;
  fileName?: string;
  status: ImportJobStatus;
  total: number;
  chunks: number;
  /** Checkpoint: chunks fully processed. */
  chunksDone: number;
  /** Records in the chunks done. */
  processed: number;
  counts: ImportCounts;
  preview: ImportPreview;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
}

/** What a stored chunk plan holds per record (enough to redo it and to report it). */
export interface PlannedRecord {
  kind: 'create' | 'update' | 'duplicate';
  line: number;
  title: string;
  studyId: string;
  matchedBy?: string;
  claim?: Identifier[];
  /** create/update: the candidate fields this record sets. */
  fields?: CandidateFields;
}
export type CandidateFields = Partial<Pick<Candidate, 'abstract' | 'journal' | 'year' | 'firstAuthor'>>;

// ------------------------------------------------------------------ reading files

/** The CSV columns an import reads (the export's own header, so an export re-imports). */
export const CSV_IMPORT_COLUMNS = ['title', 'abstract', 'year', 'firstAuthor', 'journal', 'doi', 'pmid', 'nct'] as const;

/** A leading quote the CSV export put before = + - @ (formula neutralising) is taken off again. */
const unquote = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);

/** Records of a CSV file with a header row holding at least `title` (RFC 4180, comma-separated). */
export function parseCsvRecords(text: string): { records: RisRecord[]; errors: FieldError[] } {
  let table;
  try {
    table = parseCsv(text, { separator: ',', na: [] });
  } catch (err) {
    return { records: [], errors: [{ path: 'data', message: err instanceof CsvError ? `not a valid CSV file: ${err.message}` : 'not a valid CSV file' }] };
  }
  const cols = new Map(table.header.map((h, i) => [h.trim().toLowerCase(), table.header[i]]));
  if (!cols.has('title')) return { records: [], errors: [{ path: 'data', message: `the CSV header needs a "title" column (it reads ${CSV_IMPORT_COLUMNS.join(', ')})` }] };
  const errors: FieldError[] = [];
  const records = table.rows.map((row, i): RisRecord => {
    const get = (c: string) => {
      const h = cols.get(c.toLowerCase());
      const v = h === undefined ? null : Object.hasOwn(row, h) ? row[h] : null;
      return v === null || v.trim() === '' ? undefined : unquote(v.trim());
    };
    const line = table.lines[i];
    const ids: Identifier[] = [];
    for (const v of (get('doi') ?? '').split(/\s+/).filter(Boolean)) {
      const d = normaliseDoi(v);
      if (d) ids.push({ type: 'doi', value: d });
      else errors.push({ path: `data (line ${line})`, message: `doi "${v.slice(0, 40)}" is not a DOI (10.xxxx/…)` });
    }
    for (const v of (get('pmid') ?? '').split(/\s+/).filter(Boolean)) {
      if (/^\d{1,9}$/.test(v)) ids.push({ type: 'pmid', value: v });
      else errors.push({ path: `data (line ${line})`, message: `pmid "${v.slice(0, 40)}" must be digits` });
    }
    for (const v of (get('nct') ?? '').split(/\s+/).filter(Boolean)) {
      if (/^NCT\d{8}$/i.test(v)) ids.push({ type: 'nct', value: v.toUpperCase() });
      else errors.push({ path: `data (line ${line})`, message: `nct "${v.slice(0, 40)}" must look like NCT01234567` });
    }
    const yearText = get('year');
    let year: number | undefined;
    if (yearText !== undefined) {
      if (/^\d{4}$/.test(yearText) && Number(yearText) >= 1800 && Number(yearText) <= 2100) year = Number(yearText);
      else errors.push({ path: `data (line ${line})`, message: `year "${yearText.slice(0, 20)}" must be a year between 1800 and 2100` });
    }
    const firstAuthor = get('firstAuthor');
    return {
      type: 'JOUR',
      title: get('title'),
      abstract: get('abstract'),
      authors: firstAuthor ? [firstAuthor] : [],
      year,
      journal: get('journal'),
      identifiers: ids,
      line,
    };
  });
  return { records, errors };
}

/** Read and validate an import file: every problem names the line (nothing is imported on any problem). */
export function readImportFile(format: ImportFormat, text: string): { records: RisRecord[]; problems: FieldError[] } {
  if (format === 'ris') {
    const { records, errors } = parseRis(text);
    return { records, problems: [...errors.map((e) => ({ path: `data (line ${e.line})`, message: e.message })), ...validateRisRecords(records).map(risToData)] };
  }
  const { records, errors } = parseCsvRecords(text);
  const problems = [...errors];
  if (!errors.some((e) => e.path === 'data')) problems.push(...validateRisRecords(records).map(risToData));
  return { records, problems };
}
const risToData = (e: FieldError): FieldError => ({ ...e, path: e.path.replace(/^ris/, 'data') });

// ------------------------------------------------------------------ what an import changes

/** The empty candidate fields a record would fill (an update), or undefined when it brings nothing new. */
export function fillableFields(r: RisRecord, c: Pick<Candidate, 'abstract' | 'journal' | 'year' | 'firstAuthor'>): CandidateFields | undefined {
  const out: CandidateFields = {};
  if (r.abstract && !c.abstract) out.abstract = r.abstract;
  if (r.journal && !c.journal) out.journal = r.journal;
  if (r.year !== undefined && c.year === undefined) out.year = r.year;
  if (r.authors[0] && !c.firstAuthor) out.firstAuthor = r.authors[0];
  return Object.keys(out).length ? out : undefined;
}

export function newCandidateFields(r: RisRecord): CandidateFields {
  return {
    ...(r.abstract ? { abstract: r.abstract } : {}),
    ...(r.year !== undefined ? { year: r.year } : {}),
    ...(r.authors[0] ? { firstAuthor: r.authors[0] } : {}),
    ...(r.journal ? { journal: r.journal } : {}),
  };
}

/**
 * The plan of planImport, per record: a new candidate (create, or attach of a study known to
 * another review), an update of a candidate of this review that lacks fields the record has, or a
 * duplicate that changes nothing. `existing`: the review's candidates by study id.
 */
export function classifyImport(plan: ImportAction[], existing: ReadonlyMap<string, Pick<Candidate, 'abstract' | 'journal' | 'year' | 'firstAuthor'>>): PlannedRecord[] {
  const updatedInFile = new Set<string>();
  return plan.map((a): PlannedRecord => {
    const r = a.record;
    const base = { line: r.line, title: r.title ?? '', studyId: a.studyId };
    if (a.kind !== 'duplicate') return { ...base, kind: 'create', claim: a.claim, fields: newCandidateFields(r), ...(a.kind === 'attach' ? { matchedBy: a.matchedBy } : {}) };
    const cand = existing.get(a.studyId);
    const fields = cand && !updatedInFile.has(a.studyId) ? fillableFields(r, cand) : undefined;
    if (fields) {
      updatedInFile.add(a.studyId);
      return { ...base, kind: 'update', matchedBy: a.matchedBy, fields };
    }
    return { ...base, kind: 'duplicate', matchedBy: a.matchedBy };
  });
}

const KIND_OF: Record<PlannedRecord['kind'], ImportSampleRow['kind']> = { create: 'new', update: 'updated', duplicate: 'duplicate' };

export function previewOf(planned: PlannedRecord[], sampleSize = 5): ImportPreview {
  const out: ImportPreview = { records: planned.length, new: 0, updated: 0, duplicate: 0, sample: [] };
  const shown = { new: 0, updated: 0, duplicate: 0 };
  for (const p of planned) {
    const kind = KIND_OF[p.kind];
    out[kind]++;
    if (shown[kind]++ < sampleSize) {
      out.sample.push({ line: p.line, title: p.title, kind, studyId: p.studyId, ...(p.matchedBy ? { matchedBy: p.matchedBy } : {}), ...(p.fields && p.kind === 'update' ? { fields: Object.keys(p.fields) } : {}) });
    }
  }
  out.sample.sort((a, b) => a.line - b.line);
  return out;
}

export function countsOf(planned: PlannedRecord[]): ImportCounts {
  const c: ImportCounts = { created: 0, updated: 0, duplicate: 0 };
  for (const p of planned) c[p.kind === 'create' ? 'created' : p.kind === 'update' ? 'updated' : 'duplicate']++;
  return c;
}

export const addCounts = (a: ImportCounts, b: ImportCounts): ImportCounts => ({ created: a.created + b.created, updated: a.updated + b.updated, duplicate: a.duplicate + b.duplicate });

// ------------------------------------------------------------------ chunks and progress

/**
 * Cut records into chunks of at most `maxRecords` and about `maxBytes` of JSON each (a stored
 * chunk must stay well under DynamoDB's 400 KB item limit).
 */
export function chunkRecords(records: RisRecord[], maxRecords = 50, maxBytes = 200_000): RisRecord[][] {
  const out: RisRecord[][] = [];
  let cur: RisRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = new TextEncoder().encode(JSON.stringify(r)).length;
    if (cur.length && (cur.length >= maxRecords || bytes + size > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(r);
    bytes += size;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Progress of a job in words: "412 of 1,000 records (41 %): 380 new, 12 updated, 20 duplicates". */
export function describeJob(j: Pick<ImportJob, 'status' | 'total' | 'processed' | 'counts' | 'error'>): string {
  const pct = j.total ? Math.floor((j.processed / j.total) * 100) : 100;
  const fmt = (x: number) => x.toLocaleString('en-GB');
  const counts = `${fmt(j.counts.created)} new, ${fmt(j.counts.updated)} updated, ${fmt(j.counts.duplicate)} duplicate${j.counts.duplicate === 1 ? '' : 's'}`;
  if (j.status === 'preview') return `Not started: ${fmt(j.total)} records wait for your confirmation.`;
  if (j.status === 'queued') return `Waiting for a worker: ${fmt(j.total)} records.`;
  if (j.status === 'running') return `Importing: ${fmt(j.processed)} of ${fmt(j.total)} records (${pct} %) so far: ${counts}.`;
  if (j.status === 'failed') return `Stopped after ${fmt(j.processed)} of ${fmt(j.total)} records: ${j.error ?? 'unknown error'} (${counts}); it resumes from there when restarted.`;
  return `Done: ${fmt(j.total)} records imported: ${counts}.`;
}
