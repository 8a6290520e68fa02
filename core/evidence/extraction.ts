/**
 * Posted ClinicalTrials.gov results → proposed extraction data (OutcomeData) for a curator to
 * confirm. Only measures that name one of the review's instruments, with a per-group MEAN and a
 * usable dispersion (SD, SE or a confidence interval), are proposed. Pure.
 */
import { OutcomeDataSchema, type OutcomeData } from './candidate.js';
import type { PostedOutcome } from './record.js';

export interface OutcomeSpec {
  id: string;
  instruments: { name: string; aliases?: string[] }[];
}

const squash = (s: string) => s.normalize('NFKC').toLowerCase().replace(/[\s\u00a0_\-–()[\],.:;/]+/g, '');

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Student t quantile by the Cornish-Fisher expansion (accurate to ~1e-3 for df ≥ 3). */
export function tQuantile(p: number, df: number): number {
  const z = normalQuantile(p);
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

const CONTROL = /\b(control|wait[\s-]?list|waiting[\s-]?list|usual care|treatment as usual|tau|care as usual|placebo|sham|attention|no intervention|no treatment|standard care|enhanced usual care|assessment only)\b/i;

function matchInstrument(m: PostedOutcome, outcomes: OutcomeSpec[]): { outcome: string; instrument: string } | undefined {
  const hay = squash(`${m.title} ${m.description ?? ''} ${m.unit ?? ''}`);
  for (const o of outcomes) {
    for (const ins of o.instruments) {
      for (const n of [ins.name, ...(ins.aliases ?? [])]) {
        const k = squash(n);
        if (k.length >= 3 && hay.includes(k)) return { outcome: o.id, instrument: ins.name };
      }
    }
  }
  return undefined;
}

/** SD of one group from the posted dispersion, with the conversion applied (or undefined). */
export function groupSd(
  dispersionType: string | undefined,
  x: { n?: number; value?: number; spread?: number; lowerLimit?: number; upperLimit?: number },
): { sd: number; conversion?: string } | undefined {
  const t = (dispersionType ?? '').toLowerCase();
  const n = x.n;
  if (/standard deviation/.test(t) && x.spread !== undefined) return x.spread > 0 ? { sd: x.spread } : undefined;
  if (/standard error/.test(t) && x.spread !== undefined && n && n >= 2) {
    return x.spread > 0 ? { sd: x.spread * Math.sqrt(n), conversion: 'SD from SE: SD = SE × √n' } : undefined;
  }
  const ci = t.match(/(\d{2}(?:\.\d+)?)\s*%\s*confidence interval/);
  if (ci && x.lowerLimit !== undefined && x.upperLimit !== undefined && n && n >= 2 && x.upperLimit > x.lowerLimit) {
    const level = Number(ci[1]) / 100;
    const p = 1 - (1 - level) / 2;
    const q = n >= 60 ? normalQuantile(p) : tQuantile(p, n - 1);
    return {
      sd: (Math.sqrt(n) * (x.upperLimit - x.lowerLimit)) / (2 * q),
      conversion: `SD from ${ci[1]}% CI: SD = √n × (upper − lower) / (2 × ${q.toFixed(3)})${n < 60 ? ` (t, df ${n - 1})` : ''}`,
    };
  }
  return undefined;
}

/**
 * Proposed OutcomeData for every matching posted measure: each non-control group against the
 * (first) control group; with two groups and no recognisable control, group order (first vs
 * second) is used and said so in `conversions`.
 */
export function proposeExtraction(nct: string, posted: PostedOutcome[] | undefined, outcomes: OutcomeSpec[]): OutcomeData[] {
  const out: OutcomeData[] = [];
  for (const m of posted ?? []) {
    if ((m.paramType ?? '').toUpperCase() !== 'MEAN') continue;
    const match = matchInstrument(m, outcomes);
    if (!match) continue;
    const byGroup = new Map(m.measurements.map((x) => [x.groupId, x]));
    const groups = m.groups.filter((g) => byGroup.has(g.id));
    if (groups.length < 2) continue;
    const controls = groups.filter((g) => CONTROL.test(`${g.title} ${g.description ?? ''}`));
    let pairs: { i: (typeof groups)[number]; c: (typeof groups)[number]; guessed: boolean }[];
    if (controls.length > 0) {
      pairs = groups.filter((g) => !controls.includes(g)).map((g) => ({ i: g, c: controls[0], guessed: false }));
    } else if (groups.length === 2) {
      pairs = [{ i: groups[0], c: groups[1], guessed: true }];
    } else continue;
    for (const { i, c, guessed } of pairs) {
      const xi = byGroup.get(i.id)!;
      const xc = byGroup.get(c.id)!;
      const si = groupSd(m.dispersionType, xi);
      const sc = groupSd(m.dispersionType, xc);
      if (!si || !sc || xi.value === undefined || xc.value === undefined || !xi.n || !xc.n) continue;
      const conversions = [...new Set([si.conversion, sc.conversion].filter((s): s is string => !!s))];
      if (guessed) conversions.push('arm roles assumed from group order (no control group recognised): check');
      const candidate = {
        outcome: match.outcome,
        timepoint: (m.timeFrame ?? 'post').slice(0, 40),
        instrument: match.instrument,
        interventionArm: i.id.slice(0, 40),
        controlArm: c.id.slice(0, 40),
        n1: Math.round(xi.n),
        m1: xi.value,
        sd1: si.sd,
        n2: Math.round(xc.n),
        m2: xc.value,
        sd2: sc.sd,
        ...(conversions.length ? { conversions } : {}),
        raw: {
          paramType: m.paramType ?? null,
          dispersionType: m.dispersionType ?? null,
          interventionGroup: i.title.slice(0, 200),
          controlGroup: c.title.slice(0, 200),
          interventionValues: xi.raw ?? null,
          controlValues: xc.raw ?? null,
          unit: m.unit ?? null,
        },
        source: `ClinicalTrials.gov ${nct} posted results: ${m.title}`.slice(0, 300),
      };
      const parsed = OutcomeDataSchema.safeParse(candidate);
      if (parsed.success) out.push(parsed.data);
    }
  }
  return out;
}
