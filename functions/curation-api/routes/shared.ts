/**
 * Building blocks of the API route modules: a router that turns schema failures into field
 * errors, the signed-in middleware, and the shared response and error descriptions.
 */
import { OpenAPIHono, createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { issuesToFields, type SchemaIssue } from '../../../core/curation/errors.js';
import { jsonProblems } from '../../../core/curation/json-guard.js';
import { applyCommand, assertCommandAllowed, type Actor, type Command } from '../../../core/curation/workflow.js';
import { VersionConflictError } from '../../adapters/curation-store.js';
import { publicCandidate } from '../present.js';
import { RequestValidationError, type AppContext, type Env } from '../context.js';
import { AnyObject, CandidateParams, ErrorSchema } from '../schemas.js';

/** A route module: an OpenAPIHono whose schema failures become 400s naming the field. */
export function router(): OpenAPIHono<Env> {
  return new OpenAPIHono<Env>({
    defaultHook: (result) => {
      if (!result.success) {
        const where = (result as { target?: string }).target;
        const at = where ? { in: where === 'json' ? 'body' : where } : {};
        throw new RequestValidationError(issuesToFields(result.error.issues as unknown as SchemaIssue[]).map((f) => ({ ...f, ...at })));
      }
    },
  });
}

/** Sets the signed-in actor (401/403 otherwise). */
export function signedIn(ctx: AppContext): MiddlewareHandler<Env> {
  return async (c, next) => {
    c.set('actor', await ctx.authenticate(c));
    await next();
  };
}

export const json = (schema: z.ZodType = AnyObject) => ({ content: { 'application/json': { schema } } });
export const errors = {
  400: { description: 'Invalid input (field errors)', ...json(ErrorSchema) },
  401: { description: 'Not signed in / invalid token', ...json(ErrorSchema) },
  403: { description: 'Not allowed for your role', ...json(ErrorSchema) },
  404: { description: 'Unknown review or candidate', ...json(ErrorSchema) },
};
export const conflict = { 409: { description: 'Version conflict or not allowed in the current status', ...json(ErrorSchema) } };
export const security = [{ bearer: [] as string[] }];

/** A route for signed-in users as the API declares it: the bearer security, the signed-in middleware and the shared error responses (with 409 when `conflict`). */
export function signedInRoute<const R extends Omit<RouteConfig, 'security' | 'middleware'> & { conflict?: boolean }>(ctx: AppContext, r: R) {
  const { conflict: with409, responses, ...rest } = r;
  return createRoute({
    ...rest,
    security,
    middleware: [signedIn(ctx)] as const,
    responses: { ...responses, ...errors, ...(with409 ? conflict : {}) } as R['responses'] & typeof errors & typeof conflict,
  });
}

/** A JSON request body (required) with this schema. */
export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({ required, content: { 'application/json': { schema } } });

/** POST /api/reviews/{reviewId}/candidates/{studyId}/<path> with a JSON body. */
export function commandRoute(ctx: AppContext, path: string, body: z.ZodType, description: string, type?: Command['type']) {
  return createRoute({
    method: 'post',
    path: `/api/reviews/{reviewId}/candidates/{studyId}/${path}`,
    security,
    middleware: (type ? [signedIn(ctx), allowedInStatus(ctx, type)] : [signedIn(ctx)]) as [MiddlewareHandler<Env>],
    request: { params: CandidateParams, body: { required: true, content: { 'application/json': { schema: body } } } },
    responses: { 200: { description, ...json() }, ...errors, ...conflict },
  });
}

/** Apply a command to a candidate at the version the client saw, and store it with its event. */
export async function runCommand(ctx: AppContext, actor: Actor, reviewId: string, studyId: string, version: number, cmd: Command) {
  const review = ctx.review(reviewId);
  const cand = await ctx.candidate(reviewId, studyId);
  if (cand.version !== version) throw new VersionConflictError(cand.version);
  const t = applyCommand(cand, cmd, actor, review, ctx.now());
  try {
    await ctx.store.commit(t.candidate, version, t.event);
  } finally {
    ctx.queueCache.invalidate(reviewId);
  }
  return { candidate: publicCandidate(t.candidate, actor, review), event: t.event };
}

/**
 * Every JSON body, before any schema reads it: numbers DynamoDB cannot store, nesting deeper than
 * a form ever is, `__proto__` keys → 400 naming the field. Malformed JSON is left to the route's
 * validator (which says so).
 */
export const jsonGuard: MiddlewareHandler<Env> = async (c, next) => {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && /json/i.test(c.req.header('content-type') ?? '')) {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return next();
    }
    const problems = jsonProblems(body);
    if (problems.length) throw new RequestValidationError(problems.map((p) => ({ ...p, in: 'body' })));
  }
  return next();
};

/**
 * Before the body is validated: is the command allowed in the candidate's status at all? (Accept
 * of a candidate still in full text says so, rather than complaining about the form.)
 */
export function allowedInStatus(ctx: AppContext, type: Command['type']): MiddlewareHandler<Env> {
  return async (c, next) => {
    const p = CandidateParams.safeParse(c.req.param());
    if (p.success) assertCommandAllowed(await ctx.candidate(p.data.reviewId, p.data.studyId), type);
    return next();
  };
}

/** Path parameters of a plain (page) route checked against the API's own schemas: 400 naming the parameter. */
export function pathParams<T extends z.ZodType>(schema: T, c: Context): z.infer<T> {
  const r = schema.safeParse(c.req.param());
  if (!r.success) throw new RequestValidationError(issuesToFields(r.error.issues as unknown as SchemaIssue[]).map((f) => ({ ...f, in: 'path' })));
  return r.data;
}
