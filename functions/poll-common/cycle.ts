/**
 * One polling cycle: for every (selected) living review and source, ask the upstream for records
 * matching the review's search since its checkpoint, store them (ingest-store), advance the
 * checkpoint only past what is fully stored. Used by both Lambda handlers, `npm run poll` and the
 * local runner. Never throws for upstream failures: each failed (review, source) cycle is logged
 * as one line and counted in `failures`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PollAttempt } from '../../core/reviews/poll-status.js';
import { mapCtgovStudy } from '../../core/evidence/ctgov.js';
import type { MalformedRecord, SourceRecord } from '../../core/evidence/record.js';
import { reviewTerms } from '../../core/evidence/triage.js';
import { addDays, ctgovAdvanced, eutilsDate, isoDay, nextWindow, splitWindowInto, type DayWindow } from '../../core/evidence/windows.js';
import type { Review } from '../../core/reviews/index.js';
import { defaultSearch, POLL_SOURCES, type PollSource } from '../../core/reviews/cadence.js';
import { ALL_REVIEWS, getReview } from '../../reviews/index.js';
import { CtgovClient, ctgovConfig, type CtgovConfig } from '../adapters/ctgov/client.js';
import { UpstreamError } from './http.js';
import { Prefetcher } from './prefetch.js';
import { DEFAULT_SPOOL_BYTES, spool, type SpoolBlob, type SpoolStats } from './spool.js';
import { IngestStore, type Checkpoint, type IngestOutcome, type ReviewContext } from '../adapters/ingest-store.js';
import { EuropePmcClient, europePmcConfig, type EuropePmcConfig } from '../adapters/europepmc/client.js';
import { IsrctnClient, isrctnConfig, type IsrctnConfig } from '../adapters/isrctn/client.js';
import { europePmcQuery, mapEuropePmcResults } from '../../core/evidence/europepmc.js';
import { isrctnQuery, parseIsrctnTrials } from '../../core/evidence/isrctn.js';
import { PubmedClient, pubmedConfig, type PubmedConfig } from '../adapters/pubmed/client.js';
import { parseEfetchArticles, splitEfetch, type EfetchParse } from '../../core/evidence/pubmed.js';
import { contentHash } from '../../core/evidence/text.js';

export { POLL_SOURCES, type PollSource } from '../../core/reviews/cadence.js';

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
  europepmc?: Partial<EuropePmcConfig>;
  isrctn?: Partial<IsrctnConfig>;
  /** Days re-read before a checkpoint (default 3, env POLL_OVERLAP_DAYS). */
  overlapDays?: number;
  /** First-poll start, YYYY-MM-DD (default env POLL_BACKFILL_FROM, else two years before today). */
  backfillFrom?: string;
  /** Parallel record writes (default 8). */
  concurrency?: number;
  /** efetch batch size (default 200, the minimum; at most 10,000). */
  batchSize?: number;
  /**
   * Bytes of fetched, parsed batches allowed to wait on disk for the store (default 256 MiB, env
   * POLL_SPOOL_MAX_MB): the fetch side runs ahead of the store at the allowed rate up to this.
   */
  spoolBytes?: number;
  /** Called after each (review, source) pass with the spool's figures (benchmark). */
  onSpool?: (stats: SpoolStats) => void;
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

/** Which outcome a record keeps when it is met more than once in a cycle: the strongest. */
const OUTCOME_RANK: Record<IngestOutcome | 'quarantined', number> = { unchanged: 0, updated: 1, new: 2, quarantined: -1 };

/**
 * Stores what one (review, source) pass fetched and counts it in records, not in fetches: a record
 * met again in the same cycle (a re-asked batch, the edat and mdat passes overlapping, a retried
 * page) counts once in `fetched` and once in the strongest outcome it had (new > updated >
 * unchanged); a malformed record met again (recognised by its raw body) is quarantined once.
 */
export class Ingestor {
  readonly counts: Counts = { fetched: 0, new: 0, updated: 0, unchanged: 0, quarantined: 0 };
  /** Record key (`source:id`, or `source#hash` of a malformed body) → what it counted as. */
  private readonly seen = new Map<string, IngestOutcome | 'quarantined'>();
  constructor(
    private readonly store: IngestStore,
    private readonly ctx: ReviewContext,
    private readonly concurrency: number,
  ) {}
  private count(key: string, outcome: IngestOutcome | 'quarantined'): void {
    const before = this.seen.get(key);
    if (before === undefined) {
      this.seen.set(key, outcome);
      this.counts.fetched++;
      this.counts[outcome]++;
      return;
    }
    if (before === 'quarantined' || outcome === 'quarantined' || OUTCOME_RANK[outcome] <= OUTCOME_RANK[before]) return;
    this.counts[before]--;
    this.counts[outcome]++;
    this.seen.set(key, outcome);
  }
  async take(records: SourceRecord[], malformed: MalformedRecord[]): Promise<void> {
    for (const m of malformed) {
      const key = `${m.source}#${contentHash(m.raw)}`;
      if (this.seen.has(key)) continue;
      await this.store.quarantine(m, this.ctx.reviewId);
      this.count(key, 'quarantined');
    }
    // The same record twice in one batch is stored once.
    const byKey = new Map<string, SourceRecord>();
    for (const r of records) byKey.set(`${r.source}:${r.sourceId}`, r);
    const unique = [...byKey.values()];
    const outcomes: IngestOutcome[] = await this.store.ingestBatch(unique, this.ctx, this.concurrency);
    unique.forEach((r, i) => this.count(`${r.source}:${r.sourceId}`, outcomes[i]));
  }
}

/**
 * One efetch body, stashed in the spool directory as soon as it arrived (the fetch side holds
 * only this reference while earlier batches are still on their way); `only`: the ids wanted from
 * it (a second request for ids the first left out).
 */
interface EfetchPart {
  blob: SpoolBlob;
  only?: string[];
}

/**
 * What the PubMed fetch side hands the store side: the efetch bodies of one batch (envelope
 * checked, articles not yet parsed), or a window with no records; `through`: the window ends here.
 */
type PubmedSpoolItem = { kind: 'batch'; task: number; parts: EfetchPart[]; through?: string } | { kind: 'window'; through: string };

/**
 * Parses an efetch body a few articles at a time, yielding to the event loop in between: a whole
 * batch parsed in one go blocks it for a few hundred ms, long enough to delay requests the
 * limiter has already released, so that later ones would reach the server bunched together.
 */
export async function parseEfetchYielding(xml: string, chunk = 10): Promise<EfetchParse> {
  const env = splitEfetch(xml);
  const out: EfetchParse = { records: [], malformed: [] };
  for (let i = 0; i < Math.max(1, env.articles.length); i += chunk) {
    const part = parseEfetchArticles({ articles: env.articles.slice(i, i + chunk), ids: env.ids.slice(i, i + chunk), ...(i === 0 && env.prefix !== undefined ? { prefix: env.prefix } : {}) });
    out.records.push(...part.records);
    out.malformed.push(...part.malformed);
    await new Promise((r) => setImmediate(r));
  }
  return out;
}

interface SourceDeps {
  store: IngestStore;
  spoolBytes: number;
  onSpool?: (stats: SpoolStats) => void;
  log: (msg: string) => void;
  today: string;
  overlapDays: number;
  backfillFrom: string;
  concurrency: number;
  batchSize: number;
}

/** Planning splits a window at the cap into parts expected to hold this share of the cap. */
const PLAN_FILL = 0.75;

/**
 * PubMed requests in flight ahead of the batch being stored (Prefetcher): about two seconds of
 * the allowed rate, so that responses taking up to that long never leave the limiter idle, and at
 * most that many efetch bodies (~1 MB each) held in memory.
 */
export function pubmedAhead(rate: number): number {
  return Math.min(24, 2 * Math.ceil(rate) + 2);
}

async function pollPubmedReview(review: Review, client: PubmedClient, d: SourceDeps, ing: Ingestor): Promise<Counts> {
  const before = await d.store.getCheckpoint(review.id, 'pubmed');
  const cp = { reviewId: review.id, source: 'pubmed', ...(before ?? {}) };
  const term = review.searches.pubmed.query;
  const opts = { overlapDays: d.overlapDays, backfillFrom: d.backfillFrom };

  /**
   * Leaf windows (each under the esearch cap) with their ids, in date order, as they are found.
   * A window whose count meets the cap is split at once into as many parts as its count needs
   * (with room for uneven dates) and the parts' searches are sent together: each waits only for
   * the limiter, not for the answer to the one before it (halving one window at a time left the
   * limiter idle for a whole round trip per split). A part still at the cap is split again.
   */
  async function* planLeaves(datetype: 'edat' | 'mdat', window: DayWindow): AsyncGenerator<{ w: DayWindow; ids: string[] }> {
    const search = (w: DayWindow) => {
      const es = client.esearch({ term, datetype, mindate: eutilsDate(w.from), maxdate: eutilsDate(w.to), retmax: client.config.esearchCap });
      es.catch(() => undefined); // a failure surfaces when its window's turn comes
      return { w, es };
    };
    const queue = [search(window)];
    while (queue.length) {
      const { w, es: pending } = queue.shift()!;
      const es = await pending;
      if (es.count >= client.config.esearchCap) {
        const parts = splitWindowInto(w, Math.ceil(es.count / (PLAN_FILL * client.config.esearchCap)));
        if (parts.length > 1) {
          d.log(`pubmed ${review.id} ${datetype} ${w.from}..${w.to}: ${es.count} records ≥ ${client.config.esearchCap}, splitting the window in ${parts.length}`);
          queue.unshift(...parts.map(search));
          continue;
        }
        d.log(`pubmed ${review.id} ${datetype} ${w.from}: one day holds ${es.count} records; only the first ${es.ids.length} can be listed`);
      }
      d.log(`pubmed ${review.id} ${datetype} ${w.from}..${w.to}: ${es.count} records`);
      yield { w, ids: es.ids };
    }
  }

  /**
   * Producer: plans the leaf windows, then fetches every batch of every leaf in order at the
   * allowed rate (a few requests in flight; the limiter spaces them) and puts each parsed batch
   * in the spool. Consumer: stores the batches in order and advances the checkpoint after each
   * window is fully stored. The two run concurrently: fetching never waits for the database
   * beyond the spool's size limit, and memory holds only the batches in flight.
   */
  const pass = async (datetype: 'edat' | 'mdat', window: DayWindow, advance: (through: string) => Promise<void>) => {
    let total = 0;
    let totalKnown = false;
    let stored = 0;
    const stats = await spool<PubmedSpoolItem>({
      maxBytes: d.spoolBytes,
      produce: async (put, stash) => {
        const tasks: { through: string; ids: string[]; last: boolean }[] = [];
        const steps: ({ kind: 'window'; through: string } | { kind: 'batch'; task: number })[] = [];
        const prefetch = new Prefetcher((task) => fetchComplete(tasks[task].ids, stash), pubmedAhead(client.config.rate));
        // Planning (esearch) runs alongside fetching: batches of the first windows are fetched
        // while later windows are still being searched, so the limiter never idles.
        let planned = false;
        let stopPlanning = false;
        let planError: { err: unknown } | undefined;
        let wake: (() => void) | undefined;
        const notify = () => {
          const w = wake;
          wake = undefined;
          w?.();
        };
        const planner = (async () => {
          try {
            for await (const l of planLeaves(datetype, window)) {
              if (stopPlanning) break;
              if (l.ids.length === 0) steps.push({ kind: 'window', through: l.w.to });
              for (let i = 0; i < l.ids.length; i += d.batchSize) {
                steps.push({ kind: 'batch', task: tasks.length });
                tasks.push({ through: l.w.to, ids: l.ids.slice(i, i + d.batchSize), last: i + d.batchSize >= l.ids.length });
              }
              total = tasks.length;
              prefetch.available(tasks.length);
              notify();
            }
          } catch (err) {
            planError = { err };
          } finally {
            planned = true;
            totalKnown = true;
            notify();
          }
        })();
        try {
          for (let s = 0; ; s++) {
            while (s >= steps.length && !planned) await new Promise<void>((res) => (wake = res));
            if (s >= steps.length) break;
            const step = steps[s];
            if (step.kind === 'window') {
              await put({ kind: 'window', through: step.through });
              continue;
            }
            const parts = await prefetch.take();
            const t = tasks[step.task];
            await put({ kind: 'batch', task: step.task, parts, ...(t.last ? { through: t.through } : {}) }, parts.map((p) => p.blob));
          }
        } catch (err) {
          stopPlanning = true;
          throw err;
        } finally {
          await planner;
        }
        // Windows planned before a failed esearch are stored (and checkpointed); then the failure.
        if (planError) throw planError.err;
        if (tasks.length) d.log(`pubmed ${review.id} ${datetype}: all ${tasks.length} batches fetched, ${stored} stored; storing the rest`);
      },
      consume: async (item, _index, read) => {
        if (item.kind === 'batch') {
          const records: SourceRecord[] = [];
          const malformed: MalformedRecord[] = [];
          for (const part of item.parts) {
            const parsed = await parseEfetchYielding(await read(part.blob));
            const only = part.only ? new Set(part.only) : undefined;
            records.push(...(only ? parsed.records.filter((r) => only.has(r.sourceId)) : parsed.records));
            malformed.push(...parsed.malformed);
          }
          await ing.take(records, malformed);
          stored++;
          d.log(`pubmed ${review.id} ${datetype}: batch ${stored}/${total}${totalKnown ? '' : '+'}, ${ing.counts.fetched} fetched (${ing.counts.new} new, ${ing.counts.updated} updated, ${ing.counts.unchanged} unchanged, ${ing.counts.quarantined} quarantined)`);
        }
        if (item.through) await advance(item.through);
      },
    });
    d.onSpool?.(stats);
  };

  /**
   * efetch of one batch; ids the response left out are asked for once more. Each body goes to the
   * spool directory at once, as bytes (the text is decoded only for the envelope check): up to
   * `pubmedAhead` batches wait here for their turn, and holding their bodies as strings (~0.8 MB
   * each, outliving young-generation GCs, so freed only by full ones) was most of the poller's
   * peak memory.
   */
  const fetchComplete = async (ids: string[], stash: (text: Uint8Array) => Promise<SpoolBlob>): Promise<EfetchPart[]> => {
    const first = await client.efetchBytes(ids);
    const got = new Set(first.ids);
    const missing = ids.filter((id) => !got.has(id));
    const firstPart = { blob: await stash(first.bytes) };
    if (!missing.length) return [firstPart];
    const again = await client.efetchBytes(missing);
    const back = new Set(again.ids);
    const still = missing.filter((id) => !back.has(id));
    if (still.length) d.log(`pubmed ${review.id}: ${still.length} id(s) not returned by efetch (${still.slice(0, 5).join(', ')}${still.length > 5 ? '…' : ''})`);
    return [firstPart, { blob: await stash(again.bytes), only: missing }];
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

/** One page of a paged source, mapped, on its way to the store side. */
interface PageItem {
  page: number;
  pages?: number;
  records: SourceRecord[];
  malformed: MalformedRecord[];
}

/**
 * A paged source (ClinicalTrials.gov, Europe PMC, ISRCTN): the producer fetches pages at the
 * source's allowed rate and puts each, mapped, in the spool; the consumer stores them. The
 * checkpoint (`through`: the fields that move it) advances only after every page is stored.
 */
async function pollPages(review: Review, source: PollSource, d: SourceDeps, ing: Ingestor, before: Checkpoint | undefined, produce: (put: (item: PageItem) => Promise<void>) => Promise<void>, through: Partial<Checkpoint>): Promise<Counts> {
  const stats = await spool<PageItem>({
    maxBytes: d.spoolBytes,
    produce,
    consume: async (item) => {
      await ing.take(item.records, item.malformed);
      d.log(`${source} ${review.id}: page ${item.page}${item.pages !== undefined ? ` of ${item.pages}` : ''}, ${ing.counts.fetched} fetched (${ing.counts.new} new, ${ing.counts.updated} updated, ${ing.counts.unchanged} unchanged, ${ing.counts.quarantined} quarantined)`);
    },
  });
  d.onSpool?.(stats);
  await d.store.putCheckpoint({ ...(before ?? {}), reviewId: review.id, source, ...through, lastRunAt: new Date().toISOString(), lastSummary: { ...ing.counts } });
  return ing.counts;
}

async function pollCtgovReview(review: Review, client: CtgovClient, d: SourceDeps, ing: Ingestor): Promise<Counts> {
  const before = await d.store.getCheckpoint(review.id, 'ctgov');
  const from = before?.updatedThrough ? addDays(before.updatedThrough, -d.overlapDays) : d.backfillFrom;
  const s = review.searches.ctgov;
  const q = { cond: s.condition, intr: s.intervention, ...(s.term ? { term: s.term } : {}), advanced: ctgovAdvanced(s.advanced, from) };
  return pollPages(
    review,
    'ctgov',
    d,
    ing,
    before,
    async (put) => {
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
        const pages = res.totalCount !== undefined ? Math.max(1, Math.ceil(res.totalCount / client.config.pageSize)) : undefined;
        await put({ page, ...(pages !== undefined ? { pages } : {}), records, malformed });
        token = res.nextPageToken;
        if (token && tokens.has(token)) {
          d.log(`ctgov ${review.id}: page token repeated; stopping`);
          break;
        }
        if (token) tokens.add(token);
      } while (token);
    },
    { updatedThrough: d.today },
  );
}

/** Europe PMC preprints (SRC:PPR) first indexed since the checkpoint (with overlap), by cursorMark. */
async function pollEuropePmcReview(review: Review, client: EuropePmcClient, d: SourceDeps, ing: Ingestor): Promise<Counts> {
  const before = await d.store.getCheckpoint(review.id, 'europepmc');
  const from = before?.indexedThrough ? addDays(before.indexedThrough, -d.overlapDays) : d.backfillFrom;
  const query = europePmcQuery(review.searches.europepmc?.query ?? defaultSearch(review), from, d.today, !!before?.indexedThrough);
  return pollPages(
    review,
    'europepmc',
    d,
    ing,
    before,
    async (put) => {
      let mark = '*';
      const marks = new Set<string>([mark]);
      for (let page = 1; ; page++) {
        const res = await client.search(query, mark);
        if (res.results.length === 0) break;
        const pages = Math.max(1, Math.ceil(res.hitCount / client.config.pageSize));
        await put({ page, pages, ...mapEuropePmcResults(res.results, `page${page}`) });
        const next = res.nextCursorMark;
        if (!next || marks.has(next)) break;
        marks.add(next);
        mark = next;
      }
    },
    { indexedThrough: d.today },
  );
}

/** ISRCTN trials edited since the checkpoint (with overlap) that match the review's registry query, by offset. */
async function pollIsrctnReview(review: Review, client: IsrctnClient, d: SourceDeps, ing: Ingestor): Promise<Counts> {
  const before = await d.store.getCheckpoint(review.id, 'isrctn');
  const from = before?.editedThrough ? addDays(before.editedThrough, -d.overlapDays) : d.backfillFrom;
  const q = isrctnQuery(review.searches.isrctn?.query ?? defaultSearch(review), from);
  return pollPages(
    review,
    'isrctn',
    d,
    ing,
    before,
    async (put) => {
      let offset = 0;
      for (let page = 1; ; page++) {
        const res = await client.query(q, offset);
        const n = res.envelope.trials.length;
        if (n === 0) break;
        const pages = Math.max(1, Math.ceil(res.envelope.totalCount / client.config.pageSize));
        await put({ page, pages, ...parseIsrctnTrials(res.envelope) });
        offset += n;
        if (offset >= res.envelope.totalCount) break;
      }
    },
    { editedThrough: d.today },
  );
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
  const spoolEnv = Number(env.POLL_SPOOL_MAX_MB);
  const backfillEnv = env.POLL_BACKFILL_FROM && /^\d{4}-\d{2}-\d{2}$/.test(env.POLL_BACKFILL_FROM) ? env.POLL_BACKFILL_FROM : undefined;
  const deps: SourceDeps = {
    store,
    log,
    today,
    overlapDays: opts.overlapDays ?? (Number.isInteger(overlapEnv) && overlapEnv >= 0 ? overlapEnv : 3),
    backfillFrom: opts.backfillFrom ?? backfillEnv ?? addDays(today, -730),
    concurrency: opts.concurrency ?? 8,
    batchSize: Math.min(10_000, Math.max(200, opts.batchSize ?? 200)),
    spoolBytes: opts.spoolBytes ?? (spoolEnv > 0 ? spoolEnv * 2 ** 20 : DEFAULT_SPOOL_BYTES),
    ...(opts.onSpool ? { onSpool: opts.onSpool } : {}),
  };
  const pubmed = sources.includes('pubmed') ? new PubmedClient(pubmedConfig(env, opts.pubmed), log) : undefined;
  const ctgov = sources.includes('ctgov') ? new CtgovClient(ctgovConfig(env, opts.ctgov), log) : undefined;
  const europepmc = sources.includes('europepmc') ? new EuropePmcClient(europePmcConfig(env, opts.europepmc), log) : undefined;
  const isrctn = sources.includes('isrctn') ? new IsrctnClient(isrctnConfig(env, opts.isrctn), log) : undefined;

  const result: PollCycleResult = { ...emptySummary(), attempted: 0, failures: [] };
  const unreachable = new Set<PollSource>();
  for (const review of reviews) {
    for (const source of sources) {
      result.attempted++;
      if (unreachable.has(source)) {
        const line = `${source} ${review.id}: skipped (upstream unreachable in this cycle)`;
        result.failures.push(line);
        log(line);
        await store.recordAttempt(review.id, source, { at: now().toISOString(), ok: false, error: line }).catch(() => undefined);
        continue;
      }
      const ing = new Ingestor(store, reviewContext(review), deps.concurrency);
      // The outcome of every attempt is stored for the curator home (core/reviews/poll-status.ts).
      const attempt = (a: Omit<PollAttempt, 'at'>) => store.recordAttempt(review.id, source, { at: now().toISOString(), ...a }).catch((e) => log(`${source} ${review.id}: could not store the poll outcome: ${(e as Error).message}`));
      try {
        if (source === 'pubmed') await pollPubmedReview(review, pubmed!, deps, ing);
        else if (source === 'ctgov') await pollCtgovReview(review, ctgov!, deps, ing);
        else if (source === 'europepmc') await pollEuropePmcReview(review, europepmc!, deps, ing);
        else await pollIsrctnReview(review, isrctn!, deps, ing);
        await attempt({ ok: true, summary: { ...ing.counts } });
      } catch (err) {
        const line = `${source} ${review.id}: cycle failed: ${(err as Error)?.message ?? String(err)}`;
        result.failures.push(line);
        log(line);
        if (err instanceof UpstreamError && err.unreachable) unreachable.add(source);
        await attempt({ ok: false, error: (err as Error)?.message ?? String(err), summary: { ...ing.counts } });
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
