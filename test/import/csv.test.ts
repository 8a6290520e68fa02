import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, parseDecimal } from '../../core/import/csv.js';

describe('parseCsv (Metapsy flavour)', () => {
  it('reads ; separated quoted fields, doubled quotes, embedded separators/newlines, NA and CRLF', () => {
    const text = '\ufeff"";"study";".g";"note"\r\n"1";"A, 2019";0,25;"say ""hi""; ok"\r\n"2";"B, 2020";NA;"line1\nline2"\n';
    const t = parseCsv(text);
    expect(t.header).toEqual(['', 'study', '.g', 'note']);
    expect(t.rows).toEqual([
      { '': '1', study: 'A, 2019', '.g': '0,25', note: 'say "hi"; ok' },
      { '': '2', study: 'B, 2020', '.g': null, note: 'line1\nline2' },
    ]);
    expect(t.lines).toEqual([2, 3]);
  });

  it('names the line of a row with the wrong number of fields', () => {
    expect(() => parseCsv('"a";"b"\n1;2\n3\n')).toThrow(new CsvError('line 3: 1 fields, the header has 2'));
    expect(() => parseCsv('"a";"b"\n"1;2\n')).toThrow(/unterminated quoted field starting on line 2/);
    expect(() => parseCsv('')).toThrow(/empty file/);
  });

  it('parseDecimal accepts decimal comma or point and rejects text', () => {
    expect(parseDecimal('0,3252')).toBe(0.3252);
    expect(parseDecimal('15.46')).toBe(15.46);
    expect(parseDecimal('-1')).toBe(-1);
    expect(parseDecimal('1e-3')).toBe(0.001);
    expect(parseDecimal('7,5skills')).toBeNull();
    expect(parseDecimal('')).toBeNull();
    expect(parseDecimal(null)).toBeNull();
  });
});
