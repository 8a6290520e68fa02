/**
 * A small RFC-4180-style CSV reader for the Metapsy files: configurable separator (`;`), quoted
 * fields with doubled quotes, CRLF or LF, a UTF-8 BOM, and `NA` for missing values. Numbers are
 * NOT converted here (see `parseDecimal`): a Metapsy cell may hold "0,3252", "15.46" or "7,5skills".
 */
export interface CsvTable {
  header: string[];
  /** One object per data row, keyed by header; `null` for NA or an empty unquoted cell. */
  rows: Record<string, string | null>[];
  /** 1-based line number in the file where each row starts (for error messages). */
  lines: number[];
}

export class CsvError extends Error {
  override readonly name = 'CsvError';
}

export function parseCsv(text: string, opts: { separator?: string; na?: string[] } = {}): CsvTable {
  const sep = opts.separator ?? ';';
  const na = new Set(opts.na ?? ['NA']);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: { cells: { value: string; quoted: boolean }[]; line: number }[] = [];
  let cells: { value: string; quoted: boolean }[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endField = () => {
    cells.push({ value: field, quoted });
    field = '';
    quoted = false;
  };
  const endRecord = () => {
    endField();
    if (!(cells.length === 1 && cells[0].value === '' && !cells[0].quoted)) records.push({ cells, line: recordLine });
    cells = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      if (ch === '\n') line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '' && !quoted) {
      inQuotes = true;
      quoted = true;
      i++;
      continue;
    }
    if (ch === sep) {
      endField();
      i++;
      continue;
    }
    if (ch === '\r' && text[i + 1] === '\n') {
      i++;
      continue;
    }
    if (ch === '\n') {
      endRecord();
      line++;
      recordLine = line;
      i++;
      continue;
    }
    field += ch;
    i++;
  }
  if (inQuotes) throw new CsvError(`unterminated quoted field starting on line ${recordLine}`);
  if (field !== '' || quoted || cells.length) endRecord();
  if (!records.length) throw new CsvError('empty file: no header row');
  const header = records[0].cells.map((c) => c.value.trim());
  const rows: Record<string, string | null>[] = [];
  const lines: number[] = [];
  for (const rec of records.slice(1)) {
    if (rec.cells.length !== header.length) {
      throw new CsvError(`line ${rec.line}: ${rec.cells.length} fields, the header has ${header.length}`);
    }
    const row: Record<string, string | null> = {};
    rec.cells.forEach((c, j) => {
      const v = c.value;
      row[header[j]] = (!c.quoted && (na.has(v.trim()) || v.trim() === '')) || (c.quoted && na.has(v)) ? null : v;
    });
    rows.push(row);
    lines.push(rec.line);
  }
  return { header, rows, lines };
}

/** "0,3252" | "15.46" | "-1" → number; anything else (null, "7,5skills", "") → null. */
export function parseDecimal(v: string | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  const s = v.trim();
  if (!/^[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?$/.test(s)) return null;
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}
