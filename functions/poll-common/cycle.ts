/**
 * One polling cycle: for every (selected) living review and source, ask the upstream for records
 * matching the review's search since its checkpoint, store them (ingest-store), advance the
 * checkpoint only past what is fully stored. Used by both Lambda handlers, `npm run poll` and the
 * local runner. Never throws for upstream failures: each failed (review, source) cycle is logged
 * as one line and counted in `failures`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapCtgovStudy } from '../../core/evidence/ctgov.js';
import type { MalformedRecord, SourceRecord } from '../../core/evidence/record.js';
import { reviewTerms } from '../../core/evidence/triage.js';
import { addDays, ctgovAdvanced, eutilsDate, isoDay, nextWindow, splitWindow, type DayWindow } from '../../core/evidence/windows.js';
import type { Review } from '../../core/reviews/index.js';
import { ALL_REVIEWS, getReview } from '../../reviews/index.js';
import { CtgovClient, ctgovConfig, type CtgovConfig } from '../adapters/ctgov/client.js';
import { UpstreamError } from './http.js';
import { IngestStore, type IngestOutcome, type ReviewContext } from '../adapters/ingest-store.js';
import { PubmedClient, pubmedConfig, type PubmedConfig } from '../adapters/pubmed/client.js';

export const POLL_SOURCES = ['pubmed', 'ctgov'] as const;
export type PollSource = (typeof POLL_SOURCES)[number];

/** The contract summary (CONTRACTS.md), in its key order. */
export interface PollSummary {
  fetched: number;
  new: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  candidates: number;
}

export interface PollCycleResult extends PollSummary {
  /** (review, source) cycles attempted and failed. */
  attempted: number;
  failures: string[];
}

export interface PollCycleOptions {
  sources?: readonly PollSource[];
  reviewIds?: readonly string[];
  /** Reviews to poll instead of reviews/ (tests). */
  reviews?: readonly Review[];
  doc: DynamoDBDocumentClient;
  table: string;
  env?: NodeJS.ProcessEnv;
  log?: (msg: string) => void;
  now?: () => Date;
  pubmed?: Partial<PubmedConfig>;
  ctgov?: Partial<CtgovConfig>;
  /** Days re-read before a checkpoint (default 3, env POLL_OVERLAP_DAYS). */
  overlapDays?: number;
  /** First-poll start, YYYY-MM-DD (default env POLL_BACKFILL_FROM, else two years before today). */
  backfillFrom?: string;
  /** Parallel record writes (default 8). */
  concurrency?: number;
  /** efetch batch size (default 200, the minimum; at most 10,000). */
  batchSize?: number;
  /** efetch batches fetched ahead of the store (default 4): bounds memory, keeps the request rate up. */
  prefetchBatches?: number;
  /** Store to use (tests and the benchmark read its write counters). */
  store?: IngestStore;
}

export function emptySummary(): PollSummary {
  return { fetched: 0, new: 0, updated: 0, unchanged: 0, quarantined: 0, candidates: 0 };
}

export function summaryLine(s: PollSummary): string {
  return JSON.stringify({ fetched: s.fetched, new: s.new, updated: s.updated, unchanged: s.unchanged, quarantined: s.quarantined, candidates: s.candidates });
}

/** What the ingest side of a review needs: id, PICO terms for triage, outcome instruments. */
export function reviewContext(review: Review): ReviewContext {
  return {
    reviewId: review.id,
    terms: reviewTerms(review),
    outcomes: review.outcomes.map((o) => ({ id: o.id, instruments: o.instruments.map((i) => ({ name: i.name, ...(i.aliases ? { aliases: i.aliases } : {}) })) })),
  };
}

interface Counts {
  fetched: number;
  new: number;
  updated: number;
  unchanged: number;
  quarantined: number;
}

class Ingestor {
  readonly counts: Counts = { fetched: 0, new: 0, updated: 0, unchanged: 0, quarantined: 0 };
  constructor(
    private readonly store: IngestStore,
    private readonly ctx: ReviewContext,
    private readonly concurrency: number,
  ) {}
  async take(records: SourceRecord[], malformed: MalformedRecord[]): Promise<void> {
    this.counts.fetched += records.length + malformed.length;
    for (const m of malformed) {
      await this.store.quarantine(m, this.ctx.reviewId);
      this.counts.quarantined++;
    }
    const outcomes: IngestOutcome[] = await this.store.ingestBatch(records, this.ctx, this.concurrency);
    for (const o of outcomes) this.counts[o]++;
  }
}

interface SourceDeps {
  store: IngestStore;
  log: (msg: string) => void;
  today: string;
  overlapDays: number;
  backfillFrom: string;
  concurrency: number;
  batchSize: number;
  prefetchBatches: number;
}

async function pollPubmedReview(review: Review, client: PubmedClient, d: SourceDeps, ing: Ingestor): Promise<Counts> {
  const before = await d.store.getCheckpoint(review.id, 'pubmed');
  const cp = { reviewId: review.id, source: 'pubmed', ...(before ?? {}) };
  const term = review.searches.pubmed.query;
  const opts = { overlapDays: d.overlapDays, backfillFrom: d.backfillFrom };

  /** Leaf windows (each under the esearch cap) in date order, with their ids. */
  const plan = async (datetype: 'edat' | 'mdat', window: DayWindow) => {
    const leaves: { w: DayWindow; ids: string[] }[] = [];
    const queue: DayWindow[] = [window];
    while (queue.length) {
      const w = queue.shift()!;
      const es = await client.esearch({ term, datetype, mindate: eutilsDate(w.from), maxdate: eutilsDate(w.to), retmax: client.config.esearchCap });
      if (es.count >= client.config.esearchCap) {
        const halves = splitWindow(w);
        if (halves) {
          d.log(`pubmed ${review.id} ${datetype} ${w.from}..${w.to}: ${es.count} records ≥ ${client.config.esearchCap}, splitting the window`);
          queue.unshift(...halves);
          continue;
        }
        d.log(`pubmed ${review.id} ${datetype} ${w.from}: one day holds ${es.count} records; only the first ${es.ids.length} can be listed`);
      }
      d.log(`pubmed ${review.id} ${datetype} ${w.from}..${w.to}: ${es.count} records`);
      leaves.push({ w, ids: es.ids });
    }
    return leaves;
  };

  /**
   * Fetches every batch of every leaf window in order, up to `prefetchBatches` ahead of the store
   * (the limiter spaces the requests), and advances the checkpoint after each window is stored.
   */
  const pass = async (datetype: 'edat' | 'mdat', window: DayWindow, advance: (through: string) => Promise<void>) => {
    const leaves = await plan(datetype, window);
    const tasks: { leaf: number; ids: string[]; last: boolean }[] = [];
    leaves.forEach((l, li) => {
      for (let i = 0; i < l.ids.length; i += d.batchSize) tasks.push({ leaf: li, ids: l.ids.slice(i, i + d.batchSize), last: i + d.batchSize >= l.ids.length });
    });
    const inflight: (Promise<Awaited<ReturnType<PubmedClient['efetch']>>> | undefined)[] = [];
    let started = 0;
    const pump = (consumed: number) => {
      while (started < tasks.length && started - consumed < d.prefetchBatches) {
        const p = client.efetch(tasks[started].ids);
        p.catch(() => undefined);
        inflight[started++] = p;
      }
    };
    let nextLeaf = 0;
    const advanceThrough = async (leafDone: number) => {
      // Windows without ids, and every window up to the one just stored, are complete.
      while (nextLeaf <= leafDone || (nextLeaf < leaves.length && leaves[nextLeaf].ids.length === 0)) {
        await advance(leaves[nextLeaf].w.to);
        nextLeaf++;
      }
    };
    await advanceThrough(-1);
    for (let i = 0; i < tasks.length; i++) {
      pump(i);
      const parsed = await inflight[i]!;
      inflight[i] = undefined;
      const t = tasks[i];
      const got = new Set([...parsed.records.map((r) => r.sourceId), ...parsed.malformed.map((m) => m.id)]);
      const missing = t.ids.filter((id) => !got.has(id));
      if (missing.length) {
        const again = await client.efetch(missing);
        parsed.records.push(...again.records.filter((r) => missing.includes(r.sourceId)));
        parsed.malformed.push(...again.malformed);
        const still = missing.filter((id) => !again.records.some((r) => r.sourceId === id) && !again.malformed.some((m) => m.id === id));
        if (still.length) d.log(`pubmed ${review.id}: ${still.length} id(s) not returned by efetch (${still.slice(0, 5).join(', ')}${still.length > 5 ? '…' : ''})`);
      }
      await ing.take(parsed.records, parsed.malformed);
      d.log(`pubmed ${review.id} ${datetype}: batch ${i + 1}/${tasks.length}, ${ing.counts.fetched} fetched (${ing.counts.new} new, ${ing.counts.updated} updated, ${ing.counts.unchanged} unchanged, ${ing.counts.quarantined} quarantined)`);
      if (t.last) await advanceThrough(t.leaf);
    }
    await advanceThrough(leaves.length - 1);
  };

  const edat = nextWindow(cp.edatThrough, d.today, opts);
  await pass('edat', edat, async (through) => {
    cp.edatThrough = through;
    await d.store.putCheckpoint(cp);
  });
  if (before?.mdatThrough) {
    // Changed records (new retraction / erratum links, publication-type changes).
    await pass('mdat', nextWindow(before.mdatThrough, d.today, opts), async (through) => {
      cp.mdatThrough = through;
      await d.store.putCheckpoint(cp);
    });
  }
  cp.mdatThrough = d.today;
  await d.store.putCheckpoint({ ...cp, lastRunAt: new Date().toISOString(), lastSummary: { ...ing.counts } });
  return ing.counts;
}

async function pollCtgovReview(review: Review, client: CtgovClient, d: SourceDeps, ing: Ingestor): Promise<Counts> {
  const before = await d.store.getCheckpoint(review.id, 'ctgov');
  const from = before?.updatedThrough ? addDays(before.updatedThrough, -d.overlapDays) : d.backfillFrom;
  const s = review.searches.ctgov;
  const q = { cond: s.condition, intr: s.intervention, ...(s.term ? { term: s.term } : {}), advanced: ctgovAdvanced(s.advanced, from) };
  let token: string | undefined;
  const tokens = new Set<string>();
  let page = 0;
  do {
    const res = await client.page(q, token);
    page++;
    const records: SourceRecord[] = [];
    const malformed: MalformedRecord[] = [];
    res.studies.forEach((st, i) => {
      try {
        records.push(mapCtgovStudy(st));
      } catch (err) {
        const nct = (st as { protocolSection?: { identificationModule?: { nctId?: unknown } } })?.protocolSection?.identificationModule?.nctId;
        malformed.push({ source: 'ctgov', id: typeof nct === 'string' && nct ? nct : `page${page}-study${i + 1}`, reason: (err as Error).message, raw: JSON.stringify(st) ?? String(st) });
      }
    });
    await ing.take(records, malformed);
    d.log(`ctgov ${review.id}: page ${page}${res.totalCount !== undefined ? ` of ${Math.max(1, Math.ceil(res.totalCount / client.config.pageSize))}` : ''}, ${ing.counts.fetched} fetched (${ing.counts.new} new, ${ing.counts.updated} updated, ${ing.counts.unchanged} unchanged, ${ing.counts.quarantined} quarantined)`);
    token = res.nextPageToken;
    if (token && tokens.has(token)) {
      d.log(`ctgov ${review.id}: page token repeated; stopping`);
      break;
    }
    if (token) tokens.add(token);
  } while (token);
  await d.store.putCheckpoint({ ...(before ?? {}), reviewId: review.id, source: 'ctgov', updatedThrough: d.today, lastRunAt: new Date().toISOString(), lastSummary: { ...ing.counts } });
  return ing.counts;
}

function selectReviews(opts: PollCycleOptions): Review[] {
  const all = opts.reviews ?? ALL_REVIEWS;
  if (!opts.reviewIds?.length) return [...all];
  return opts.reviewIds.map((id) => {
    const r = all.find((x) => x.id === id);
    return r ?? getReview(id); // throws UnknownReviewError naming the known ids
  });
}

export async function runPollCycle(opts: PollCycleOptions): Promise<PollCycleResult> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const now = opts.now ?? (() => new Date());
  const reviews = selectReviews(opts);
  const sources = opts.sources?.length ? opts.sources : POLL_SOURCES;
  const store = opts.store ?? new IngestStore(opts.doc, opts.table, now);
  const today = isoDay(Math.floor(now().getTime() / 86_400_000));
  const overlapEnv = Number(env.POLL_OVERLAP_DAYS);
  const backfillEnv = env.POLL_BACKFILL_FROM && /^\d{4}-\d{2}-\d{2}$/.test(env.POLL_BACKFILL_FROM) ? env.POLL_BACKFILL_FROM : undefined;
  const deps: SourceDeps = {
    store,
    log,
    today,
    overlapDays: opts.overlapDays ?? (Number.isInteger(overlapEnv) && overlapEnv >= 0 ? overlapEnv : 3),
    backfillFrom: opts.backfillFrom ?? backfillEnv ?? addDays(today, -730),
    concurrency: opts.concurrency ?? 8,
    batchSize: Math.min(10_000, Math.max(200, opts.batchSize ?? 200)),
    prefetchBatches: Math.max(1, opts.prefetchBatches ?? 4),
  };
  const pubmed = sources.includes('pubmed') ? new PubmedClient(pubmedConfig(env, opts.pubmed), log) : undefined;
  const ctgov = sources.includes('ctgov') ? new CtgovClient(ctgovConfig(env, opts.ctgov), log) : undefined;

  const result: PollCycleResult = { ...emptySummary(), attempted: 0, failures: [] };
  const unreachable = new Set<PollSource>();
  for (const review of reviews) {
    for (const source of sources) {
      result.attempted++;
      if (unreachable.has(source)) {
        const line = `${source} ${review.id}: skipped (upstream unreachable in this cycle)`;
        result.failures.push(line);
        log(line);
        continue;
      }
      const ing = new Ingestor(store, reviewContext(review), deps.concurrency);
      try {
        if (source === 'pubmed') await pollPubmedReview(review, pubmed!, deps, ing);
        else await pollCtgovReview(review, ctgov!, deps, ing);
      } catch (err) {
        const line = `${source} ${review.id}: cycle failed: ${(err as Error)?.message ?? String(err)}`;
        result.failures.push(line);
        log(line);
        if (err instanceof UpstreamError && err.unreachable) unreachable.add(source);
      } finally {
        for (const k of ['fetched', 'new', 'updated', 'unchanged', 'quarantined'] as const) result[k] += ing.counts[k];
      }
    }
  }
  for (const review of reviews) {
    try {
      result.candidates += await store.countCandidates(review.id);
    } catch (err) {
      const line = `counting candidates of ${review.id} failed: ${(err as Error)?.message ?? String(err)}`;
      result.failures.push(line);
      log(line);
    }
  }
  return result;
}
