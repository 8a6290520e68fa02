/**
 * A lead's mapping of values typed as "other" (issue 16, item 8):
 *   GET  /api/reviews/{reviewId}/mappings                         trials with "other" values (waiting / mapped)
 *   POST /api/reviews/{reviewId}/candidates/{studyId}/mappings    map each value to the review's, or keep it out with a reason
 * Lead-only (403 for a curator before anything is read or checked). The rules are core's
 * (core/curation/mapping.ts, applied by the workflow's 'map-values' command, audited as an event).
 * The page is in mappings-ui.tsx.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { CurationError } from '../../../core/curation/errors.js';
import { mappingQueue, type MappingTrial } from '../../../core/curation/mapping.js';
import { analysesEntered, describeEntries } from '../../../core/analysis/entry.js';
import type { Extraction } from '../../../core/evidence/candidate.js';
import type { AppContext, Env } from '../context.js';
import { InvalidCursorError, type QueueKey } from '../../adapters/curation-store.js';
import { queuePartition } from '../../../core/data-model/keys.js';
import type { Review } from '../../../core/reviews/schema.js';
import { CandidateParams, MappingsQuery, MapValuesBody, ReviewIdParam } from '../schemas.js';
import { allowedInStatus, conflict, errors, json, router, runCommand, security, signedIn } from './shared.js';

/** Refuses anyone but a lead (after sign-in, before the body is read). */
export function leadOnly(what: string): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (c.get('actor').role !== 'lead') throw new CurationError('forbidden', `only a lead can ${what}`);
    return next();
  };
}

/** The statuses whose trials may hold values typed as "other", in the order the pages go through them. */
const MAP_STATUSES = ['accepted', 'extraction'] as const;
/** What the mapping page reads of a trial (not the abstract, the screening votes, the triage…). */
const MAP_FIELDS = ['entity', 'reviewId', 'studyId', 'title', 'status', 'version', 'extraction', 'drafts', 'mappings'] as const;
/** Trials read per Query while a page fills. */
const CHUNK = 50;
/** Waiting trials per page (default). */
export const MAPPING_PAGE = 25;

interface MapCursor {
  /** Index into MAP_STATUSES. */
  s: number;
  /** The last trial already checked in that status (absent: the status from its start). */
  k?: QueueKey;
  /** Trials checked before this page. */
  pos: number;
}

const encodeMapCursor = (c: MapCursor) => Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');

function decodeMapCursor(reviewId: string, cursor: string): MapCursor {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is not valid');
  }
  const o = v as Partial<MapCursor> | null;
  if (!o || typeof o !== 'object' || Array.isArray(o) || (o.s !== 0 && o.s !== 1) || !Number.isInteger(o.pos) || (o.pos as number) < 0 || (o.pos as number) > 1e7) throw new InvalidCursorError('cursor is not valid');
  if (o.k !== undefined) {
    const k = o.k as unknown as Record<string, unknown>;
    const names = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];
    if (!k || typeof k !== 'object' || Object.keys(k).length !== 4 || !names.every((n) => typeof k[n] === 'string' && (k[n] as string).length > 0 && (k[n] as string).length < 1024))
      throw new InvalidCursorError('cursor is not valid');
    if (k.gsi1pk !== queuePartition(reviewId, MAP_STATUSES[o.s])) throw new InvalidCursorError('cursor belongs to another review');
  }
  return { s: o.s, pos: o.pos as number, ...(o.k ? { k: o.k } : {}) };
}

export interface MappingPage {
  waiting: MappingTrial[];
  /** Trials among those checked for this page whose values are all mapped. */
  done: MappingTrial[];
  /** Trials accepted or in extraction in the review (every trial that may hold "other" values). */
  total: number;
  totals: { accepted: number; extraction: number };
  /** 1-based positions (in queue order, accepted first) of the trials this page checked. */
  checked: { from: number; to: number };
  /** Where the next page starts (absent on the last page). */
  next?: string;
}

/**
 * One page of the lead's mapping to-do: reads the accepted, then the in-extraction trials in queue
 * order, CHUNK at a time (Query Limit / ExclusiveStartKey, the fields the page needs only), until
 * `limit` trials with values waiting are found or none is left. The trials are not indexed by
 * whether they hold "other" values, so a page reads the trials between its first and its last
 * waiting one; the totals are counts (Select COUNT) of the two statuses.
 */
export async function mappingPage(ctx: AppContext, review: Review, opts: { limit?: number; cursor?: string } = {}): Promise<MappingPage> {
  const limit = opts.limit ?? MAPPING_PAGE;
  const start = opts.cursor ? decodeMapCursor(review.id, opts.cursor) : { s: 0, pos: 0 };
  const counts = ctx.store.countByStatus(review.id, MAP_STATUSES);
  const waiting: MappingTrial[] = [];
  const done: MappingTrial[] = [];
  let s = start.s;
  let key: QueueKey | undefined = start.k;
  let checked = start.pos;
  let next: MapCursor | undefined;
  fill: while (s < MAP_STATUSES.length) {
    const r = await ctx.store.statusPage(review.id, MAP_STATUSES[s], CHUNK, MAP_FIELDS, key);
    for (let i = 0; i < r.items.length; i++) {
      const q = mappingQueue(review, [r.items[i].candidate]);
      waiting.push(...q.waiting);
      done.push(...q.done);
      checked++;
      if (waiting.length >= limit) {
        const more = i < r.items.length - 1 || r.lastKey !== undefined;
        if (more) next = { s, k: r.items[i].key, pos: checked };
        else if (s + 1 < MAP_STATUSES.length) next = { s: s + 1, pos: checked };
        break fill;
      }
    }
    key = r.lastKey;
    if (!key) s++;
  }
  const c = await counts;
  const totals = { accepted: c.accepted ?? 0, extraction: c.extraction ?? 0 };
  return {
    waiting,
    done,
    total: totals.accepted + totals.extraction,
    totals,
    checked: { from: start.pos + 1, to: checked },
    ...(next ? { next: encodeMapCursor(next) } : {}),
  };
}

/** Every trial that may hold "other" values (accepted, in extraction), the fields the mapping needs only. */
async function mappingCandidates(ctx: AppContext, review: Review) {
  const out = [];
  for (const status of MAP_STATUSES) {
    let key: QueueKey | undefined;
    do {
      const r = await ctx.store.statusPage(review.id, status, 500, MAP_FIELDS, key);
      out.push(...r.items.map((x) => x.candidate));
      key = r.lastKey;
    } while (key);
  }
  return out;
}

export function mappingRoutes(ctx: AppContext) {
  const app = router();
  const lead = leadOnly('map values typed as "other"');
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/mappings',
      security,
      middleware: [signedIn(ctx), lead] as const,
      request: { params: ReviewIdParam, query: MappingsQuery },
      responses: {
        200: {
          description:
            'Accepted and in-extraction trials with values typed as "other": waiting for a mapping, and mapped. With `limit` or `cursor`: one page of waiting trials ' +
            '(`next` is where the following page starts), the mapped trials among those the page checked, and the totals.',
          ...json(),
        },
        ...errors,
      },
    }),
    async (c) => {
      const review = ctx.review(c.req.valid('param').reviewId);
      const q = c.req.valid('query');
      if (q.limit !== undefined || q.cursor !== undefined) {
        const p = await mappingPage(ctx, review, { ...(q.limit !== undefined ? { limit: q.limit } : {}), ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) });
        return c.json({ ...p, next: p.next ?? null }, 200);
      }
      return c.json(mappingQueue(review, await mappingCandidates(ctx, review)), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/reviews/{reviewId}/candidates/{studyId}/mappings',
      security,
      middleware: [signedIn(ctx), lead, allowedInStatus(ctx, 'map-values')] as const,
      request: { params: CandidateParams, body: { required: true, content: { 'application/json': { schema: MapValuesBody } } } },
      responses: {
        200: { description: "Mapped: an accepted trial's extraction now holds the review's values (a new analysis version when it enters an analysis)", ...json() },
        ...errors,
        ...conflict,
      },
    }),
    async (c) => {
      const { reviewId, studyId } = c.req.valid('param');
      const b = c.req.valid('json') as z.infer<typeof MapValuesBody>;
      const out = await runCommand(ctx, c.get('actor'), reviewId, studyId, b.version, { type: 'map-values', mappings: b.mappings });
      // What the trial enters now (accepted: the stored extraction; in extraction: known at accept).
      const ex = (out.candidate as { status?: string; extraction?: Extraction }).extraction;
      const analyses = (out.candidate as { status?: string }).status === 'accepted' && ex ? analysesEntered(ctx.review(reviewId), ex) : null;
      return c.json({ ...out, analyses, ...(analyses ? { analysesSummary: describeEntries(analyses) } : {}) }, 200);
    },
  );
  return app;
}
