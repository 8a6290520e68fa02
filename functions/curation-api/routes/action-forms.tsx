/**
 * The curator's actions as plain HTML form posts (they work with JavaScript off): each form posts
 * here, the same body schema and core command as the JSON API run, and the browser is redirected
 * back to the page it came from (Post/Redirect/Get, 303) with the outcome named on that page. A
 * refused action answers with a page giving the API's own message and fields, and changes nothing.
 *   POST /curate/reviews/:reviewId/screen    include / exclude / maybe (one record: the API's
 *                                            /screen; near-duplicates or a selection: /screen-batch)
 *   POST /curate/reviews/:reviewId/resolve   a conflict resolved (the API's /resolve)
 *   POST /curate/reviews/:reviewId/undo      my decision taken back (the API's /undo, per record)
 *   POST /curate/reviews/:reviewId/candidates/:studyId/command/:type   a lead's withdraw / reopen / reinstate
 *   POST /curate/reviews/:reviewId/candidates/:studyId/adjudicate     a lead's choices between two drafts, accepted (the API's /adjudicate)
 * Cross-site posts are refused as for every state-changing request signed in by the cookie: the
 * cookie is SameSite=Strict and `authenticate` refuses a Sec-Fetch-Site other than same-origin.
 * With JavaScript on, the page's script sends the same decisions to the JSON API instead.
 */
import { Hono, type Context } from 'hono';
import type { FC } from 'hono/jsx';
import { CurationError, issuesToFields, type FieldError, type SchemaIssue } from '../../../core/curation/errors.js';
import { myMaybe, myVote } from '../../../core/curation/queue-view.js';
import { blindCandidate } from '../../../core/curation/blinding.js';
import { statusWord } from '../../../core/evidence/candidate.js';
import { shortenText } from '../../../core/evidence/text.js';
import type { Actor, Command } from '../../../core/curation/workflow.js';
import { RequestValidationError, type AppContext, type Env } from '../context.js';
import { describeError } from '../errors.js';
import { FieldList, Layout } from '../layout.js';
import { AdjudicateBody, BatchScreenBody, CandidateParams, ReasonBody, ResolveBody, ReviewIdParam, ScreenBody, VersionBody } from '../schemas.js';
import { pathParams, runCommand } from './shared.js';
import { pagePath } from '../ui-parts.js';
import { runBatch, screenCommand } from './screening.js';
import { adjudicateCandidate } from './extraction.js';
import type { z } from '@hono/zod-openapi';

/** Where a form's page sends the browser back to: a curator page of this app, else the review's queue. */
export function backTo(v: unknown, fallback: string): string {
  if (typeof v !== 'string' || v.length > 2000 || !v.startsWith('/curate/') || /[\\\s]/.test(v)) return fallback;
  return stripOutcome(v);
}

const OUTCOME_PARAMS = ['done', 'on', 'n'] as const;

/** A page address without the outcome parameters of an earlier post. */
export function stripOutcome(path: string): string {
  const u = new URL(path, 'http://x');
  for (const k of OUTCOME_PARAMS) u.searchParams.delete(k);
  return `${u.pathname}${u.search}`;
}

/** The value of a card's `item` field: each record as studyId@version, near-duplicates joined by commas (study ids hold neither). */
export const itemValue = (members: readonly { studyId: string; version: number }[]) => members.map((m) => `${m.studyId}@${m.version}`).join(',');

/** `item` fields → the API's items ({studyId, version}); a version that is not a whole number is passed on for the schema to name. */
function itemsOf(values: unknown[]): { studyId: string; version: unknown }[] {
  const out: { studyId: string; version: unknown }[] = [];
  for (const v of values) {
    if (typeof v !== 'string') continue;
    for (const part of v.split(',')) {
      if (!part) continue;
      const at = part.lastIndexOf('@');
      const ver = at < 0 ? '' : part.slice(at + 1);
      out.push({ studyId: at < 0 ? part : part.slice(0, at), version: /^\d{1,15}$/.test(ver) ? Number(ver) : ver });
      if (out.length > 1000) return out;
    }
  }
  return out;
}

/** A text field of the form: trimmed; empty counts as absent (as a JSON client leaves it out). */
function text(form: Record<string, unknown>, k: string): string | undefined {
  const v = form[k];
  const s = typeof v === 'string' ? v.trim() : undefined;
  return s ? s : undefined;
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new RequestValidationError(issuesToFields(r.error.issues as unknown as SchemaIssue[]).map((f) => ({ ...f, in: 'body' })));
  return r.data;
}

const Refused: FC<{ status: number; error: string; fields?: FieldError[]; back: string }> = ({ status, error, fields, back }) => (
  <Layout title={`Not saved (${status})`}>
    <h1>Not saved ({status})</h1>
    <p role="alert" data-refused>
      Not saved — {error}
    </p>
    <FieldList fields={fields} marked />
    <p>Nothing was changed.</p>
    <p>
      <a href={back}>Back to the page you came from</a>
    </p>
  </Layout>
);

/** The outcome of a form post, named on the page it returns to (from the candidate as it is now, blinded as the reader sees it). */
export async function outcomeText(ctx: AppContext, actor: Actor, reviewId: string, q: (k: string) => string | undefined): Promise<string | undefined> {
  const done = q('done');
  const on = q('on');
  if (!done || !on || !CandidateParams.shape.studyId.safeParse(on).success) return undefined;
  const review = ctx.review(reviewId);
  const stored = await ctx.store.getCandidate(review.id, on);
  if (!stored) return undefined;
  const c = blindCandidate(stored, actor, review);
  const n = Number(q('n') ?? '1');
  const title = `“${shortenText(c.title, 100)}”`;
  const recs = Number.isInteger(n) && n > 1 ? `${n} records (${title} and ${n - 1} more), one audited decision each` : title;
  switch (done) {
    case 'screen': {
      const mine = myVote(c, actor.id);
      const maybe = myMaybe(c, actor.id);
      if (mine) return `Saved — ${recs}: your vote ${mine.decision === 'include' ? 'Included' : 'Excluded'}${mine.reason ? ` (${review.exclusionReasons.find((r) => r.id === mine.reason)?.label ?? mine.reason})` : ''}; now ${statusWord(c.status)}.`;
      if (maybe) return `Saved — ${recs}: marked maybe; it stays in your to-do.`;
      return `Saved — ${recs}: now ${statusWord(c.status)}.`;
    }
    case 'resolve':
      return `Resolved — ${title}: now ${statusWord(c.status)}.`;
    case 'undo':
      return `Decision undone — ${recs}: decide again.`;
    case 'command':
      return `Saved — ${title}: now ${statusWord(c.status)}.`;
    case 'draft':
      return `Draft saved (version ${c.version}) — ${title}.`;
    case 'accept':
      return `Accepted — ${title}: now ${statusWord(c.status)}; the analysis will be updated.`;
    case 'adjudicate':
      return `Accepted with your choices — ${title}: now ${statusWord(c.status)}; both drafts and your choices are kept in the history.`;
    default:
      return undefined;
  }
}

/** The outcome line a page shows after a form post (nothing otherwise). */
export const Outcome: FC<{ text?: string }> = ({ text }) =>
  text ? (
    <p class="ok outcome" role="status" data-outcome>
      {text}
    </p>
  ) : null;

export function screeningFormRoutes(ctx: AppContext): Hono<Env> {
  const app = new Hono<Env>();
  const queuePage = (reviewId: string) => `/curate/reviews/${encodeURIComponent(reviewId)}`;

  /** Runs one form post: signed in, the body read, `work` done; then 303 back with the outcome, or the refusal page. */
  const handle = (work: (c: Context<Env>, actor: Actor, reviewId: string, form: Record<string, unknown>) => Promise<{ done: string; on: string; n?: number; to?: string }>) => async (c: Context<Env>) => {
    const actor = await ctx.authenticate(c);
    const { reviewId } = pathParams(ReviewIdParam, c);
    ctx.review(reviewId);
    const form = (await c.req.parseBody({ all: true })) as Record<string, unknown>;
    const back = backTo(Array.isArray(form.return) ? form.return[0] : form.return, queuePage(reviewId));
    try {
      const r = await work(c, actor, reviewId, form);
      const u = new URL(r.to ?? back, 'http://x');
      u.searchParams.set('done', r.done);
      u.searchParams.set('on', r.on);
      if (r.n && r.n > 1) u.searchParams.set('n', String(r.n));
      return c.redirect(`${u.pathname}${u.search}`, 303);
    } catch (err) {
      const known = err instanceof Error ? describeError(err) : undefined;
      if (!known) throw err;
      return c.html(<Refused status={known.status} error={known.error} {...(known.fields ? { fields: known.fields } : {})} back={back} />, known.status as 400);
    }
  };
  const list = (form: Record<string, unknown>, k: string): unknown[] => (form[k] === undefined ? [] : Array.isArray(form[k]) ? (form[k] as unknown[]) : [form[k]]);
  const labels = (form: Record<string, unknown>) => {
    const s = text(form, 'labels');
    return s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined;
  };
  const one = (form: Record<string, unknown>, k: string) => {
    const v = form[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const single = (form: Record<string, unknown>) => {
    const s: Record<string, unknown> = {};
    for (const k of ['decision', 'reason', 'note', 'return']) if (Array.isArray(form[k])) s[k] = (form[k] as unknown[])[0];
    return { ...form, ...s };
  };

  app.post(
    '/curate/reviews/:reviewId/screen',
    handle(async (_c, actor, reviewId, raw) => {
      const form = single(raw);
      const items = itemsOf(list(raw, 'item'));
      const fields = { decision: text(form, 'decision'), reason: text(form, 'reason'), note: text(form, 'note'), labels: labels(form) };
      const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      if (items.length === 1) {
        const b = parse(ScreenBody, { version: items[0].version, ...clean });
        await runCommand(ctx, actor, reviewId, parse(CandidateParams, { reviewId, studyId: items[0].studyId }).studyId, b.version, screenCommand(b));
        return { done: 'screen', on: items[0].studyId };
      }
      const b = parse(BatchScreenBody, { items, ...clean });
      await runBatch(ctx, actor, reviewId, b);
      return { done: 'screen', on: b.items[0].studyId, n: b.items.length };
    }),
  );

  app.post(
    '/curate/reviews/:reviewId/resolve',
    handle(async (_c, actor, reviewId, raw) => {
      const form = single(raw);
      const items = itemsOf(list(raw, 'item'));
      if (items.length !== 1) throw new RequestValidationError([{ path: 'item', message: 'exactly one record is resolved at a time', in: 'body' }]);
      const { studyId } = parse(CandidateParams, { reviewId, studyId: items[0].studyId });
      const fields = { decision: text(form, 'decision'), reason: text(form, 'reason'), note: text(form, 'note') };
      const b = parse(ResolveBody, { version: items[0].version, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) });
      const cmd: Command = { type: 'resolve', decision: b.decision, ...(b.reason ? { reason: b.reason } : {}), ...(b.note ? { note: b.note } : {}) };
      await runCommand(ctx, actor, reviewId, studyId, b.version, cmd);
      return { done: 'resolve', on: studyId };
    }),
  );

  app.post(
    '/curate/reviews/:reviewId/undo',
    handle(async (_c, actor, reviewId, raw) => {
      const items = itemsOf(list(raw, 'item'));
      if (items.length === 0) throw new RequestValidationError([{ path: 'item', message: 'name the record whose decision you take back', in: 'body' }]);
      if (items.length > 50) throw new RequestValidationError([{ path: 'item', message: 'at most 50 records at a time', in: 'body' }]);
      // Checked first, then undone one by one (the near-duplicates of one card), as the page's script does.
      const checked = items.map((it) => ({ studyId: parse(CandidateParams, { reviewId, studyId: it.studyId }).studyId, version: parse(VersionBody, { version: it.version }).version }));
      for (const it of checked) await runCommand(ctx, actor, reviewId, it.studyId, it.version, { type: 'undo-screen' });
      return { done: 'undo', on: checked[0].studyId, n: checked.length };
    }),
  );

  app.post('/curate/reviews/:reviewId/candidates/:studyId/command/:type', async (c) => {
    const type = c.req.param('type');
    if (type !== 'withdraw' && type !== 'reopen' && type !== 'reinstate') return c.notFound();
    return handle(async (cc, actor, reviewId, raw) => {
      if (actor.role !== 'lead') throw new CurationError('forbidden', `only a lead can ${type}`);
      const { studyId } = pathParams(CandidateParams, cc);
      const v = one(raw, 'version');
      const b = parse(ReasonBody, { version: typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : v, reason: one(raw, 'reason') ?? '' });
      await runCommand(ctx, actor, reviewId, studyId, b.version, { type, reason: b.reason });
      return { done: 'command', on: studyId };
    })(c);
  });

  app.post(
    '/curate/reviews/:reviewId/candidates/:studyId/adjudicate',
    handle(async (cc, actor, reviewId, raw) => {
      if (actor.role !== 'lead') throw new CurationError('forbidden', 'only a lead can adjudicate');
      const { studyId } = pathParams(CandidateParams, cc);
      const str = (k: string) => {
        const v = one(raw, k);
        return typeof v === 'string' ? v : '';
      };
      const count = Math.min(Number.parseInt(str('count'), 10) || 0, 2000);
      const choices: Record<string, unknown>[] = [];
      for (let k = 0; k < count; k++) {
        const path = str(`adj-${k}-path`);
        const from = str(`adj-${k}`);
        // A field left without a choice is sent without one: core names it ("choose a value for …"), as for the API.
        if (!from) continue;
        if (from !== 'typed') {
          choices.push({ path, from });
          continue;
        }
        const t = str(`adj-${k}-value`).trim();
        const n = Number(t);
        choices.push({ path, from, value: str(`adj-${k}-numeric`) === 'true' && t !== '' && Number.isFinite(n) ? n : t });
      }
      const v = str('version');
      const base = str('base');
      const b = parse(AdjudicateBody, { version: /^\d{1,15}$/.test(v) ? Number(v) : v, ...(base ? { base } : {}), choices, ...(str('confirmImplausible').trim() ? { confirmImplausible: str('confirmImplausible').trim() } : {}) });
      await adjudicateCandidate(ctx, actor, reviewId, studyId, b);
      return { done: 'adjudicate', on: studyId, to: pagePath(reviewId, studyId) };
    }),
  );

  return app;
}
