/** Edge cases, validation and the CLI contract of `npm run analyze`. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, funnel, MAX_EFFECTS, validateRequest, type AnalysisRequest } from './index.js';

const gen = (effects: [number, number][], extra: Partial<AnalysisRequest> = {}): AnalysisRequest => ({
  measure: 'GEN', method: 'REML', ci: 'knha', level: 0.95,
  studies: effects.map(([yi, vi], i) => ({ id: `s${i + 1}`, year: 2010 + i, yi, vi })),
  ...extra,
});

describe('edge cases', () => {
  it('k = 1: estimate only, heterogeneity null, CI by z as metafor', () => {
    const r = analyze(gen([[0.3, 0.04]]));
    expect(r.estimate).toBe(0.3);
    expect(r.se).toBeCloseTo(0.2, 12);
    expect(r.ciLower).toBeCloseTo(0.3 - 1.959963984540054 * 0.2, 12);
    for (const f of ['tau2', 'i2', 'h2', 'q', 'qDf', 'qPValue', 'tau2CiLower', 'piLower'] as const) expect(r[f]).toBeNull();
    expect(r.leaveOneOut).toBeNull();
    expect(r.studies[0].weight).toBe(100);
  });
  it('k = 2 works with knha (1 df)', () => {
    const r = analyze(gen([[0.3, 0.04], [0.1, 0.05]]));
    expect(r.df).toBe(1);
    expect(r.ciLower).not.toBeNull();
    expect(r.egger).toBeNull();
  });
  it('identical effects: τ² = 0, no Egger statistic, no missing studies', () => {
    const r = analyze(gen([[0.25, 0.04], [0.25, 0.09], [0.25, 0.02], [0.25, 0.06], [0.25, 0.11]], { ci: 'z' }));
    expect(r.tau2).toBe(0);
    expect(r.i2).toBe(0);
    expect(r.estimate).toBeCloseTo(0.25, 14);
    expect(r.tau2CiLower).toBe(0);
    expect(r.tau2CiUpper).toBe(0);
    expect(r.egger).toBeNull();
    expect(r.trimFill?.k0).toBe(0);
  });
  it('subgroups and meta-regression report what they used; unknown moderators exclude studies', () => {
    const req = gen([[0.3, 0.04], [0.1, 0.05], [0.5, 0.03], [0.7, 0.06], [0.2, 0.02]]);
    req.studies.forEach((s, i) => (s.moderators = { format: i % 2 ? 'app' : 'web', weeks: 4 + i }));
    delete req.studies[4].moderators;
    const r = analyze({ ...req, subgroup: 'format', metaRegression: ['weeks'] });
    expect(r.subgroups?.groups.map((g) => g.level)).toEqual(['app', 'web']);
    expect(r.subgroups?.excluded).toEqual(['s5']);
    expect(r.subgroups?.df).toBe(1);
    expect(r.metaRegression?.k).toBe(4);
    expect(r.metaRegression?.coefficients.map((c) => c.name)).toEqual(['intercept', 'weeks']);
  });
  it('funnel contours widen with the standard error', () => {
    const [p10, p05, p01] = funnel(0.5, { steps: 3 });
    expect(p05.z).toBeCloseTo(1.959964, 6);
    expect(p10.points[2].upper).toBeLessThan(p05.points[2].upper);
    expect(p01.points[2].lower).toBeCloseTo(-2.575829 * 0.5, 5);
  });
});

describe('validation', () => {
  const bad = (studies: unknown[], extra: object = {}) => {
    const v = validateRequest({ measure: 'SMD', method: 'REML', ci: 'knha', studies, ...extra });
    expect(v.ok).toBe(false);
    return v.ok ? [] : v.errors;
  };
  const arm = { n1: 20, m1: 1, sd1: 1, n2: 20, m2: 2, sd2: 1 };
  it('names the study and the field', () => {
    expect(bad([{ id: 'a', ...arm }, { id: 's2', ...arm, sd1: 0 }])).toEqual([{ study: 's2', field: 'sd1', message: 'must be > 0' }]);
    expect(bad([{ id: 'x', ...arm, n2: 1 }])[0]).toMatchObject({ study: 'x', field: 'n2' });
    expect(bad([{ id: 'x', n1: 20, m1: 1, sd1: 1 }]).map((e) => e.field)).toEqual(['n2, m2, sd2']);
    expect(bad([{ id: 'x', ...arm, m1: 'NaN' }])[0]).toMatchObject({ study: 'x', field: 'm1' });
    expect(bad([{ id: 'x', yi: 0.1, vi: 0 }])[0]).toMatchObject({ study: 'x', field: 'vi' });
  });
  it('rejects unknown method, measure and ci', () => {
    expect(bad([{ id: 'a', ...arm }], { method: 'XX' })[0].field).toBe('method');
    expect(bad([{ id: 'a', ...arm }], { measure: 'ORR' })[0].field).toBe('measure');
    expect(bad([{ id: 'a', ...arm }], { ci: 't' })[0].field).toBe('ci');
    expect(bad([])[0].field).toBe('studies');
  });
});

describe('npm run analyze (CLI)', () => {
  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/analyze.ts', ...args], { input, encoding: 'utf8', cwd: process.cwd() });
  it('prints only the result JSON for a file and for stdin', () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-'));
    const file = join(dir, 'req.json');
    const req = gen([[0.3, 0.04], [0.1, 0.05], [0.5, 0.03]]);
    writeFileSync(file, JSON.stringify(req));
    const a = run([file]);
    expect(a.status).toBe(0);
    const parsed = JSON.parse(a.stdout);
    expect(parsed.k).toBe(3);
    expect(parsed.estimate).toBeCloseTo(analyze(req).estimate!, 12);
    const b = run(['-'], JSON.stringify(req));
    expect(b.status).toBe(0);
    expect(JSON.parse(b.stdout)).toEqual(parsed);
  });
  it('exits 2 with the study and field on stderr', () => {
    const r = run(['-'], JSON.stringify({ measure: 'SMD', method: 'REML', ci: 'z', studies: [{ id: 's2', n1: 10, m1: 1, sd1: -1, n2: 10, m2: 1, sd2: 1 }] }));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('study "s2": sd1 must be > 0');
    const j = run(['-'], '{not json');
    expect(j.status).toBe(2);
  });
  it('--batch: one result per line in order; a bad line gives {"error"} and the rest go on', () => {
    const good = JSON.stringify(gen([[0.3, 0.04], [0.1, 0.05], [0.5, 0.03]]));
    const r = run(['--batch', '-'], [good, '{"methd": "DL"}', '', 'not json', good].join('\n'));
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0].k).toBe(3);
    expect(lines[1].error).toMatch(/methd: is not a known field \(did you mean "method"\?\)/);
    expect(lines[2].error).toMatch(/^invalid JSON/);
    expect(lines[3]).toEqual(lines[0]);
  });
  it('a request above the size limit fails at once with a clear message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-'));
    const file = join(dir, 'big.json');
    writeFileSync(file, Buffer.alloc(51 * 1024 * 1024, 32));
    const r = run([file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is 51\.0 MB; the limit is 50 MB per request/);
  });
  it('a request with more effects than the limit is refused by validation, naming the field and the limit', () => {
    const row = { id: 'x', yi: 0.1, vi: 0.04 };
    const v = validateRequest({ measure: 'GEN', method: 'REML', ci: 'z', studies: Array.from({ length: MAX_EFFECTS + 1 }, () => row) });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors).toEqual([{ field: 'studies', message: `has ${MAX_EFFECTS + 1} rows; the limit is ${MAX_EFFECTS} effects per request` }]);
    // exactly at the limit is accepted
    expect(validateRequest({ measure: 'GEN', method: 'REML', ci: 'z', studies: Array.from({ length: MAX_EFFECTS }, (_, i) => ({ ...row, id: `s${i}` })) }).ok).toBe(true);
  });
});

