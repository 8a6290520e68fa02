/** Import and export: the review's records as CSV or RIS, and hand-searched records from RIS. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Candidate } from '../../../core/evidence/candidate.js';
import { CurationError } from '../../../core/curation/errors.js';
import type { CuratedCandidate } from '../../../core/curation/workflow.js';
import { formatRis, parseRis } from '../../../core/curation/ris.js';
import { toCsv } from '../../../core/curation/csv.js';
import { planImport, validateRisRecords } from '../../../core/curation/import-plan.js';
import { titleYearKey } from '../../../core/curation/dedup.js';
import type { AppContext } from '../context.js';
import { ExportQuery, ImportBody, ReviewIdParam } from '../schemas.js';
import { errors, json, router, security, signedIn } from './shared.js';

export function transferRoutes(ctx: AppContext) {
  const app = router();
  const auth = signedIn(ctx);
  const { store } = ctx;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/export.csv',
      security,
      middleware: [auth] as const,
      request: { params: ReviewIdParam, query: ExportQuery },
      responses: { 200: { description: "The review's records as CSV", content: { 'text/csv': { schema: z.string() } } }, ...errors },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      ctx.review(reviewId);
      const { status } = c.req.valid('query');
      const all = (await store.allCandidates(reviewId)).filter((x) => !status || x.status === status);
      const csv = toCsv(CSV_HEADER, all.map(csvRow));
      c.header('Content-Disposition', `attachment; filename="${reviewId}.csv"`);
      return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/export.ris',
      security,
      middleware: [auth] as const,
      request: { params: ReviewIdParam, query: ExportQuery },
      responses: { 200: { description: "The review's records as RIS", content: { 'application/x-research-info-systems': { schema: z.string() } } }, ...errors },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      ctx.review(reviewId);
      const { status } = c.req.valid('query');
      const all = (await store.allCandidates(reviewId)).filter((x) => !status || x.status === status);
      const ris = formatRis(
        all.map((x) => ({
          title: x.title,
          ...(x.abstract ? { abstract: x.abstract } : {}),
          ...(x.firstAuthor ? { firstAuthor: x.firstAuthor } : {}),
          ...(x.year !== undefined ? { year: x.year } : {}),
          ...(x.journal ? { journal: x.journal } : {}),
          identifiers: x.identifiers,
          notes: [`status: ${x.status}`, `study: ${x.studyId}`],
        })),
      );
      c.header('Content-Disposition', `attachment; filename="${reviewId}.ris"`);
      return c.body(ris, 200, { 'Content-Type': 'application/x-research-info-systems; charset=utf-8' });
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/reviews/{reviewId}/import',
      security,
      middleware: [auth] as const,
      request: { params: ReviewIdParam, body: { required: true, content: { 'application/json': { schema: ImportBody } } } },
      responses: { 200: { description: 'Records imported as new candidates; duplicates reported', ...json() }, ...errors },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      ctx.review(reviewId);
      const actor = c.get('actor');
      const { records, errors: parseErrors } = parseRis(c.req.valid('json').ris);
      const problems = [...parseErrors.map((e) => ({ path: `ris (line ${e.line})`, message: e.message })), ...validateRisRecords(records)];
      if (problems.length) throw new CurationError('invalid', 'the RIS file is not valid; nothing was imported', problems.slice(0, 50));
      const existing = await store.allCandidates(reviewId);
      const owners = await store.lookupIdentifiers(records.flatMap((r) => r.identifiers));
      const plan = planImport(records, {
        identifierOwners: owners,
        reviewStudies: new Set(existing.map((x) => x.studyId)),
        reviewTitles: new Map(existing.map((x) => [titleYearKey(x.title, x.year), x.studyId])),
      });
      const at = ctx.now().toISOString();
      const created: string[] = [];
      const duplicates: { line: number; title?: string; studyId: string; matchedBy: string }[] = [];
      for (const a of plan) {
        if (a.kind === 'duplicate') {
          duplicates.push({ line: a.record.line, ...(a.record.title ? { title: a.record.title } : {}), studyId: a.studyId, matchedBy: a.matchedBy });
          continue;
        }
        const r = a.record;
        const cand: Candidate = {
          entity: 'Candidate',
          reviewId,
          studyId: a.studyId,
          status: 'screening',
          version: 1,
          title: r.title!,
          ...(r.abstract ? { abstract: r.abstract } : {}),
          ...(r.year !== undefined ? { year: r.year } : {}),
          ...(r.authors[0] ? { firstAuthor: r.authors[0] } : {}),
          ...(r.journal ? { journal: r.journal } : {}),
          sources: ['ris'],
          identifiers: r.identifiers,
          triage: { score: 50, reasons: ['hand-searched record (RIS import): not scored'] },
          createdAt: at,
          updatedAt: at,
        };
        const ok = await store.createCandidate(
          cand,
          { type: 'imported', actor: actor.id, role: actor.role, at, before: {}, after: { status: 'screening', version: 1, source: 'ris', line: r.line } },
          a.claim,
        );
        ctx.queueCache.invalidate(reviewId);
        if (ok) created.push(a.studyId);
        else duplicates.push({ line: r.line, title: r.title, studyId: a.studyId, matchedBy: 'concurrent-import' });
      }
      return c.json({ records: records.length, created, duplicates }, 200);
    },
  );
  return app;
}

const CSV_HEADER = [
  'studyId',
  'status',
  'title',
  'year',
  'firstAuthor',
  'journal',
  'sources',
  'doi',
  'pmid',
  'nct',
  'triageScore',
  'exclusionStage',
  'exclusionReason',
  'acceptedAt',
  'outcomes',
  'createdAt',
  'updatedAt',
];
function csvRow(x: CuratedCandidate) {
  const id = (t: string) =>
    x.identifiers
      .filter((i) => i.type === t)
      .map((i) => i.value)
      .join(' ');
  return [
    x.studyId,
    x.status,
    x.title,
    x.year,
    x.firstAuthor,
    x.journal,
    x.sources.join(' '),
    id('doi'),
    id('pmid'),
    id('nct'),
    x.triage?.score,
    x.exclusion?.stage,
    x.exclusion?.reason,
    x.acceptedAt,
    x.extraction?.outcomes.length ?? '',
    x.createdAt,
    x.updatedAt,
  ];
}
