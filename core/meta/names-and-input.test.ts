/**
 * Silent wrong answers found in issue 13 (each of these failed on the engine before it): names that
 * are JavaScript built-ins, misspelt fields, redundant moderators, extreme variances, and error
 * messages that must be one relevant line each.
 */
import { describe, expect, it } from 'vitest';
import { analyze, formatIssues, validateRequest } from './index.js';

const studies = [
  [0.3, 0.04, 'app', 4], [0.1, 0.05, 'web', 8], [0.5, 0.03, 'app', 6], [0.7, 0.06, 'web', 12], [0.2, 0.02, 'app', 10],
] as const;

/** Parses like the CLI does (JSON text → validate → analyze), so `__proto__` arrives as an own key. */
function run(json: string) {
  const v = validateRequest(JSON.parse(json));
  if (!v.ok) throw new Error(formatIssues(v.errors));
  return analyze(v.request);
}
function request(mods: (i: number) => string, extra = '') {
  const rows = studies.map(([yi, vi], i) => `{"id":"s${i + 1}","yi":${yi},"vi":${vi},"moderators":{${mods(i)}}}`);
  return `{"measure":"GEN","method":"REML","ci":"knha","studies":[${rows.join(',')}]${extra}}`;
}

describe('names that are JavaScript built-ins are data', () => {
  it('subgroup "toString" that no study has: every study is excluded, no level named after a function', () => {
    const r = run(request((i) => `"format":"${studies[i][2]}"`, ',"subgroup":"toString"'));
    expect(r.subgroups!.groups).toEqual([]);
    expect(r.subgroups!.excluded).toHaveLength(5);
  });
  it('a moderator literally named "__proto__" is kept and gives its levels', () => {
    const r = run(request((i) => `"__proto__":"${studies[i][2]}"`, ',"subgroup":"__proto__"'));
    expect(r.subgroups!.groups.map((g) => [g.level, g.k])).toEqual([['app', 3], ['web', 2]]);
  });
  it('"toString" and "constructor" work as moderator names in subgroups and meta-regression', () => {
    const r = run(request((i) => `"toString":"${studies[i][2]}","constructor":${studies[i][3]}`, ',"subgroup":"toString","metaRegression":["constructor"]'));
    expect(r.subgroups!.groups.map((g) => g.level)).toEqual(['app', 'web']);
    expect(r.metaRegression!.k).toBe(5);
    expect(r.metaRegression!.coefficients.map((c) => c.name)).toEqual(['intercept', 'constructor']);
  });
  it('metaRegression ["constructor"] that no study has is not an intercept-only "meta-regression" with k = 5', () => {
    const r = run(request((i) => `"weeks":${studies[i][3]}`, ',"metaRegression":["constructor"]'));
    expect(r.metaRegression!.k).toBe(0);
    expect(r.metaRegression!.coefficients).toEqual([]);
    expect(r.metaRegression!.excluded).toHaveLength(5);
  });
});

describe('unknown fields are errors naming the closest known one', () => {
  const base = { measure: 'GEN', studies: [{ id: 'a', yi: 0.1, vi: 0.02 }] };
  it('"methd" → did you mean "method"', () => {
    const v = validateRequest({ ...base, methd: 'DL' });
    expect(v.ok).toBe(false);
    expect(formatIssues(v.ok ? [] : v.errors)).toBe('methd: is not a known field (did you mean "method"?)');
  });
  it('a misspelt study field names the study', () => {
    const v = validateRequest({ ...base, studies: [{ id: 'a', yi: 0.1, vi: 0.02, yaer: 2020 }] });
    expect(formatIssues(v.ok ? [] : v.errors)).toBe('study "a": yaer is not a known field (did you mean "year"?)');
  });
});

describe('each error is one relevant line', () => {
  it('measure OR with SMD arm data: one line per study naming the fields OR needs', () => {
    const arm = { n1: 20, m1: 1, sd1: 1, n2: 20, m2: 2, sd2: 1 };
    const v = validateRequest({ measure: 'OR', studies: [{ id: 'a', ...arm }, { id: 'b', ...arm }] });
    const text = formatIssues(v.ok ? [] : v.errors);
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain('study "a": n1 is not used by measure OR (it needs events1, total1, events2, total2, or yi and vi)');
  });
  it('measure OR with nothing: one line per study', () => {
    const v = validateRequest({ measure: 'OR', studies: [{ id: 'a', events1: 3 }] });
    expect(formatIssues(v.ok ? [] : v.errors)).toBe('study "a": total1, events2, total2 are missing: measure OR needs events1, total1, events2, total2 (or yi and vi)');
  });
  it('an unknown measure stops before per-study messages', () => {
    const v = validateRequest({ measure: 'ORR', studies: [{ id: 'a', n1: 3 }, { id: 'b' }] });
    expect(v.ok ? [] : v.errors.map((e) => e.field)).toEqual(['measure']);
  });
  it('many bad rows: at most 20 lines and a count of the rest', () => {
    const v = validateRequest({ measure: 'GEN', studies: Array.from({ length: 50 }, (_, i) => ({ id: `s${i}`, yi: 1 })) });
    const lines = formatIssues(v.ok ? [] : v.errors).split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe('(30 more problems of the same kind not shown)');
  });
});

describe('redundant moderators are dropped with a warning, as metafor', () => {
  it('a constant moderator: dropped, the rest fitted', () => {
    const r = run(request((i) => `"weeks":${studies[i][3]},"site":1`, ',"metaRegression":["weeks","site"]'));
    expect(r.metaRegression!.error).toBeUndefined();
    expect(r.metaRegression!.coefficients.map((c) => c.name)).toEqual(['intercept', 'weeks']);
    expect(r.metaRegression!.dropped).toEqual(['site']);
    expect(r.warnings.join(' ')).toMatch(/Redundant predictors dropped from the model: "site"/);
  });
  it('a collinear moderator (2 × another): the later one is dropped', () => {
    const r = run(request((i) => `"weeks":${studies[i][3]},"days":${studies[i][3] * 7}`, ',"metaRegression":["weeks","days"]'));
    expect(r.metaRegression!.dropped).toEqual(['days']);
    expect(r.metaRegression!.coefficients).toHaveLength(2);
  });
});

describe('extreme variances', () => {
  it('vi = 1e-300 gives an accurate note, not "standard errors do not vary"', () => {
    const r = run('{"measure":"GEN","studies":[{"id":"a","yi":0.1,"vi":1e-300},{"id":"b","yi":0.3,"vi":0.02},{"id":"c","yi":0.5,"vi":0.03}]}');
    const notes = r.notes.join('\n');
    expect(notes).not.toMatch(/do not vary/);
    expect(notes).toMatch(/span 298 orders of magnitude \(smallest 1e-300 in study "a"/);
    expect(notes).toMatch(/numerically singular/);
  });
});
