/**
 * What the report pages and their API routes show, computed once from the stored candidates by
 * core (prisma.ts, prisma-diagram.ts, kappa.ts, progress.ts): the API answers with it, the pages
 * render it. No numbers are made here.
 */
import { prismaCounts, type PrismaCounts } from '../../../core/curation/prisma.js';
import { cumulativeDiagram, prismaIdentities, prismaSvg, prismaUpdate, updateDiagram, type PrismaUpdate } from '../../../core/curation/prisma-diagram.js';
import { screeningKappa, type KappaResult } from '../../../core/curation/kappa.js';
import { describeKappa, reviewProgress, type ReviewProgress } from '../../../core/curation/progress.js';
import type { Actor } from '../../../core/curation/workflow.js';
import type { Review } from '../../../core/reviews/schema.js';
import type { AppContext } from '../context.js';

export interface PrismaView {
  view: 'cumulative' | 'update';
  since: string;
  cumulative: PrismaCounts;
  update: PrismaUpdate;
  svg: string;
  /** Broken PRISMA identities (none when the numbers add up). */
  identities: string[];
}

/** Default start of "this update": 30 days before today (the injected clock). */
export const defaultSince = (now: Date) => new Date(now.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);

export async function prismaView(ctx: AppContext, review: Review, q: { view: 'cumulative' | 'update'; since?: string | undefined }): Promise<PrismaView> {
  const all = await ctx.store.allCandidates(review.id);
  const since = q.since ?? defaultSince(ctx.now());
  const cumulative = prismaCounts(review, all);
  const update = prismaUpdate(review, all, since);
  const diagram = q.view === 'update' ? updateDiagram(update, review.shortTitle) : cumulativeDiagram(cumulative, review.shortTitle);
  return { view: q.view, since, cumulative, update, svg: prismaSvg(diagram), identities: [...prismaIdentities(cumulative), ...prismaIdentities(update.update)] };
}

export const STAGE_LABELS = { 'title-abstract': 'title/abstract screening', fulltext: 'full-text screening' } as const;

export interface ProgressView {
  progress: ReviewProgress;
  kappa: { stage: keyof typeof STAGE_LABELS; label: string; result: KappaResult; sentence: string }[];
}

export async function progressView(ctx: AppContext, review: Review, actor: Actor): Promise<ProgressView> {
  const all = await ctx.store.allCandidates(review.id);
  return {
    progress: reviewProgress(review, all, [{ id: actor.id, ...(actor.name ? { name: actor.name } : {}) }]),
    kappa: (['title-abstract', 'fulltext'] as const).map((stage) => {
      const result = screeningKappa(all, stage);
      return { stage, label: STAGE_LABELS[stage], result, sentence: describeKappa(result, STAGE_LABELS[stage]) };
    }),
  };
}
