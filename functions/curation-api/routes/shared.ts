/**
 * Building blocks of the API route modules: a router that turns schema failures into field
 * errors, the signed-in middleware, and the shared response and error descriptions.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { formatPath } from '../../../core/curation/errors.js';
import { applyCommand, type Actor, type Command } from '../../../core/curation/workflow.js';
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
        throw new RequestValidationError(
          result.error.issues.map((i) => ({ path: formatPath(i.path) || '(body)', message: i.message, ...(where ? { in: where === 'json' ? 'body' : where } : {}) })),
        );
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

/** POST /api/reviews/{reviewId}/candidates/{studyId}/<path> with a JSON body. */
export function commandRoute(ctx: AppContext, path: string, body: z.ZodType, description: string) {
  return createRoute({
    method: 'post',
    path: `/api/reviews/{reviewId}/candidates/{studyId}/${path}`,
    security,
    middleware: [signedIn(ctx)] as const,
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
  return { candidate: publicCandidate(t.candidate), event: t.event };
}
