/**
 * The cost of the robustness analyses of a primary outcome (issue 13 §1, §6) for a 200-study
 * review: the multiverse (360 combinations, core/analysis/multiverse.ts), the dependence
 * sensitivity analyses (three-level model, CHE-RVE) and the whole snapshot they are part of.
 * Budget: multiverse < 1 s (the reanalysis budget). Synthetic data with the structure of real
 * reviews: 1–3 instruments per study, a follow-up (fu1, some fu2) for half of them, RoB low/some/high.
 */
import { buildSnapshot } from '../../core/analysis/snapshot.js';
import { multiverse } from '../../core/analysis/multiverse.js';
import { dependenceSensitivity, type StudyEffects } from '../../core/analysis/dependence-sensitivity.js';
import { outcomeEffects } from '../../core/analysis/entry.js';
import { longestFollowUpEffects } from '../../core/analysis/follow-up.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import { getReview } from '../../reviews/index.js';

const INSTRUMENTS = ['PHQ-9', 'BDI-II', 'CES-D'];

export function robustnessCandidates(k: number, seed = 11): Candidate[] {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: k }, (_, i) => {
    const n = 20 + Math.floor(rnd() * 200);
    const truth = -0.5 + 0.35 * (rnd() - 0.5) * 2;
    const instruments = INSTRUMENTS.slice(0, 1 + Math.floor(rnd() * 3));
    const times = ['post', ...(rnd() < 0.5 ? ['fu1', ...(rnd() < 0.4 ? ['fu2'] : [])] : [])];
    const outcomes = times.flatMap((timepoint) =>
      instruments.map((instrument) => {
        const d = truth + 0.15 * (rnd() - 0.5);
        return { outcome: 'depression', timepoint, instrument, n1: n, m1: 10 + 4.5 * d, sd1: 4 + rnd(), n2: n, m2: 10, sd2: 4 + rnd() };
      }),
    );
    const overall = (['low', 'some', 'high'] as const)[Math.floor(rnd() * 3)];
    return {
      entity: 'Candidate', reviewId: 'selfguided-depression', studyId: `bench-${i + 1}`, status: 'accepted', version: 1,
      title: `Synthetic trial ${i + 1}`, firstAuthor: `Author${i + 1}`, year: 2000 + Math.floor(rnd() * 26),
      sources: ['manual'], identifiers: [], triage: { score: 50, reasons: [] },
      extraction: { arms: [], moderators: {}, outcomes, rob: { tool: 'rob2', domains: {}, overall } },
      createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    } as Candidate;
  });
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function bench({ quick }: { quick: boolean }): Promise<void> {
  const k = quick ? 50 : 200;
  const reps = quick ? 3 : 5;
  const review = getReview('selfguided-depression');
  const outcome = review.outcomes.find((o) => o.primary)!;
  const cands = robustnessCandidates(k);
  const studyEffects = (pick: (c: Candidate) => { effects: StudyEffects['effects'] }): StudyEffects[] =>
    cands.map((c) => ({ id: c.studyId, effects: pick(c).effects, rob: c.extraction!.rob!.overall })).filter((x) => x.effects.length > 0);
  const post = studyEffects((c) => outcomeEffects(review, outcome, c.extraction));
  const followUp = studyEffects((c) => longestFollowUpEffects(review, outcome, c.extraction));
  const favours = (x: number) => x < 0;
  const times = { multiverse: [] as number[], dependence: [] as number[], snapshot: [] as number[] };
  const cpu = { multiverse: [] as number[], dependence: [] as number[], snapshot: [] as number[] };
  /** wall-clock and CPU milliseconds of f (CPU time is what the process got: the load-independent cost) */
  const time = <T>(what: keyof typeof times, f: () => T): T => {
    const c0 = process.cpuUsage();
    const t = performance.now();
    const out = f();
    times[what].push(performance.now() - t);
    const c = process.cpuUsage(c0);
    cpu[what].push((c.user + c.system) / 1000);
    return out;
  };
  let mv: ReturnType<typeof multiverse> | null = null;
  for (let r = 0; r < reps; r++) {
    mv = time('multiverse', () => multiverse({ post, followUp, main: { method: 'REML', ci: 'knha', rho: 0.6 }, level: 0.95, favours }));
    time('dependence', () => dependenceSensitivity(post, { rho: 0.6, estimate: null, ciLower: null, ciUpper: null }, { ci: 'knha', level: 0.95, favours }));
    time('snapshot', () => buildSnapshot(review, cands, new Date('2026-12-01T00:00:00Z')));
  }
  const effects = post.reduce((a, s) => a + s.effects.length, 0);
  const fu = followUp.reduce((a, s) => a + s.effects.length, 0);
  console.log(`review: ${k} studies, ${effects} effects at post, ${followUp.length} studies with follow-up (${fu} effects)`);
  console.log(`multiverse: ${mv!.total} combinations, ${mv!.estimated} estimated, ${mv!.notApplicable.count} not applicable, ${mv!.notEstimable.count} not estimable`);
  console.log(`  "${mv!.sentence}"`);
  const [load] = (await import('node:os')).loadavg();
  const row = (label: string, w: keyof typeof times, extra = '') =>
    console.log(`${label.padEnd(44)} ${median(times[w]).toFixed(0).padStart(5)} ms wall, ${median(cpu[w]).toFixed(0).padStart(5)} ms CPU${extra}`);
  console.log(`median of ${reps} runs (first run: multiverse ${times.multiverse[0].toFixed(0)} ms wall, ${cpu.multiverse[0].toFixed(0)} ms CPU, JIT warm-up); load average ${load.toFixed(1)}`);
  row('multiverse (budget < 1000 ms)', 'multiverse');
  row('dependence sensitivity (3-level + CHE-RVE)', 'dependence');
  row('whole snapshot (all outcomes, incl. both)', 'snapshot');
}
