/**
 * RIS import and export (pure). Parsing is tolerant of CRLF, BOM and unknown tags; it extracts the
 * fields a candidate needs and the identifiers used for de-duplication (DOI, PMID, NCT).
 */
import type { Identifier } from '../evidence/candidate.js';

export interface RisRecord {
  type: string;
  title?: string;
  abstract?: string;
  authors: string[];
  year?: number;
  journal?: string;
  identifiers: Identifier[];
  /** 1-based line where the record starts (for error messages). */
  line: number;
}

export interface RisParseResult {
  records: RisRecord[];
  errors: { line: number; message: string }[];
}

const TAG = /^([A-Z][A-Z0-9])  -(?: (.*))?$/;

export function normaliseDoi(v: string): string | undefined {
  const m = v.trim().match(/10\.\d{4,9}\/\S+/i);
  return m ? m[0].replace(/[.,;]+$/, '').toLowerCase() : undefined;
}

export function parseRis(text: string): RisParseResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const records: RisRecord[] = [];
  const errors: { line: number; message: string }[] = [];
  let cur: { line: number; fields: [string, string][] } | undefined;
  let last: [string, string] | undefined;
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const m = raw.match(TAG);
    if (!m) {
      // continuation of a long value (some exporters wrap abstracts)
      if (cur && last && raw.trim()) last[1] += ` ${raw.trim()}`;
      else if (raw.trim()) errors.push({ line: lineNo, message: 'not an RIS tag line ("XX  - value")' });
      return;
    }
    const [, tag, value = ''] = m;
    if (tag === 'TY') {
      if (cur) errors.push({ line: cur.line, message: 'record not closed by ER before the next TY' });
      cur = { line: lineNo, fields: [['TY', value.trim()]] };
      last = undefined;
      return;
    }
    if (!cur) {
      errors.push({ line: lineNo, message: `tag ${tag} outside a record (expected TY first)` });
      return;
    }
    if (tag === 'ER') {
      records.push(toRecord(cur.line, cur.fields));
      cur = undefined;
      last = undefined;
      return;
    }
    last = [tag, value.trim()];
    cur.fields.push(last);
  });
  if (cur) errors.push({ line: cur.line, message: 'record not closed by ER' });
  return { records, errors };
}

function toRecord(line: number, fields: [string, string][]): RisRecord {
  const get = (...tags: string[]) => {
    for (const t of tags) {
      const f = fields.find(([k, v]) => k === t && v);
      if (f) return f[1];
    }
    return undefined;
  };
  const all = (...tags: string[]) => fields.filter(([k, v]) => tags.includes(k) && v).map(([, v]) => v);
  const ids: Identifier[] = [];
  const add = (type: Identifier['type'], value: string | undefined) => {
    if (value && !ids.some((x) => x.type === type && x.value === value)) ids.push({ type, value });
  };
  for (const v of all('DO')) add('doi', normaliseDoi(v));
  for (const v of all('UR', 'L2', 'M3', 'N1')) {
    const doi = v.match(/doi\.org\/(10\.\d{4,9}\/\S+)/i);
    if (doi) add('doi', normaliseDoi(doi[1]));
  }
  for (const v of all('AN', 'M1', 'C1', 'ID', 'N1', 'UR')) {
    const pm = v.match(/^\s*(\d{1,9})\s*$/) ?? v.match(/PMID:?\s*(\d{1,9})/i) ?? v.match(/pubmed\.ncbi\.nlm\.nih\.gov\/(\d{1,9})/i);
    if (pm) add('pmid', pm[1]);
  }
  for (const v of all('AN', 'M1', 'C1', 'ID', 'N1', 'UR', 'TI', 'T1', 'AB', 'N2')) {
    for (const nct of v.match(/NCT\d{8}/gi) ?? []) add('nct', nct.toUpperCase());
  }
  const yearText = get('PY', 'Y1', 'DA', 'Y2');
  const ym = yearText?.match(/(1[89]\d\d|20\d\d|2100)/);
  return {
    type: fields[0][1] || 'GEN',
    title: get('TI', 'T1', 'CT', 'BT'),
    abstract: get('AB', 'N2'),
    authors: all('AU', 'A1', 'A2'),
    year: ym ? Number(ym[1]) : undefined,
    journal: get('JO', 'JF', 'T2', 'JA', 'J2'),
    identifiers: ids,
    line,
  };
}

export interface RisExportRecord {
  title: string;
  abstract?: string;
  authors?: string[];
  firstAuthor?: string;
  year?: number;
  journal?: string;
  identifiers: Identifier[];
  notes?: string[];
}

/** Values are written on one line each: newlines inside values are folded into spaces. */
function clean(v: string): string {
  return v.replace(/[\r\n]+/g, ' ').trim();
}

export function formatRis(records: Iterable<RisExportRecord>): string {
  const out: string[] = [];
  for (const r of records) {
    out.push('TY  - JOUR');
    out.push(`TI  - ${clean(r.title)}`);
    const authors = r.authors?.length ? r.authors : r.firstAuthor ? [r.firstAuthor] : [];
    for (const a of authors) out.push(`AU  - ${clean(a)}`);
    if (r.year !== undefined) out.push(`PY  - ${r.year}`);
    if (r.journal) out.push(`JO  - ${clean(r.journal)}`);
    if (r.abstract) out.push(`AB  - ${clean(r.abstract)}`);
    for (const id of r.identifiers) {
      if (id.type === 'doi') out.push(`DO  - ${clean(id.value)}`);
      else if (id.type === 'pmid') out.push(`AN  - ${clean(id.value)}`);
      else out.push(`N1  - ${id.type.toUpperCase()}: ${clean(id.value)}`);
    }
    for (const n of r.notes ?? []) out.push(`N1  - ${clean(n)}`);
    out.push('ER  - ');
    out.push('');
  }
  return out.join('\r\n');
}
