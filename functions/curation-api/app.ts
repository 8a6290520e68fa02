/**
 * The curation API + UI as one Hono app, composed from route modules (as Hono's examples do):
 * `/api/*` (JSON, zod-validated, OpenAPI at /api/openapi.json) and `/curate/*` (server-rendered
 * pages). Handlers are thin: parse → core (state machine, extraction rules) → store. Shared types
 * live in context.ts; ONE onError (errors.ts) maps every failure to a JSON error.
 *
 * Reading order: cross-cutting middleware, then one `app.route()` line per module, then the
 * OpenAPI document and the fallbacks. A new module is one import and one mount line.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { createContext, type CurationDeps, type Env } from './context.js';
import { apiNotFound, onError } from './errors.js';
import { extractionRoutes } from './routes/extraction.js';
import { jsonGuard } from './routes/shared.js';
import { reportRoutes } from './routes/reports.js';
import { reviewRoutes } from './routes/reviews.js';
import { screeningRoutes } from './routes/screening.js';
import { transferRoutes } from './routes/transfer.js';
import { importJobRoutes } from './routes/imports.js';
import { reportsUiRoutes } from './routes/reports-ui.js';
import { uiRoutes } from './ui.js';
import { screeningUiRoutes } from './routes/screening-ui.js';
import { screeningFormRoutes } from './routes/action-forms.js';
import { extractionFormRoutes } from './routes/extraction-forms.js';
import { denyByDefault } from './access.js';
import { mountGrade } from './routes/grade.js';
import { mappingRoutes } from './routes/mappings.js';
import { mappingsUiRoutes } from './routes/mappings-ui.js';

export type { AuthConfig, CurationDeps, Env } from './context.js';
export { initialForm, publicCandidate } from './present.js';

const tooLarge = () => {
  throw new HTTPException(413, { message: 'request body too large' });
};

/**
 * The app, and one hook for writers outside it: `invalidateQueue` drops a review's cached queue
 * pages (at most `queueCacheMs` old otherwise), so a write made beside the app (tests' seeding, a
 * local import in the same process) is seen by the next page at once.
 */
export type CurationApp = OpenAPIHono<Env> & { invalidateQueue(reviewId: string): void };

export function createCurationApp(deps: CurationDeps): CurationApp {
  const ctx = createContext(deps);
  const app = new OpenAPIHono<Env>();

  // ---------------------------------------------------------------- middleware
  app.use('/api/*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    await next();
  });
  // Unknown /api/* paths answer the API's JSON 404 even when the app is mounted under another
  // (the local runner's catch-all would otherwise answer with a site page).
  app.use('/api/*', async (c, next) => {
    await next();
    if (c.res.status === 404 && !(c.res.headers.get('content-type') ?? '').includes('json')) c.res = apiNotFound(c);
  });
  app.use('*', denyByDefault<Env>((c) => ctx.authenticate(c)));
  app.use('/api/reviews/:reviewId/import', bodyLimit({ maxSize: 4 * 1024 * 1024, onError: tooLarge }));
  app.use('/api/reviews/:reviewId/imports', bodyLimit({ maxSize: 4 * 1024 * 1024, onError: tooLarge }));
  app.use('/curate/reviews/:reviewId/import', bodyLimit({ maxSize: 4 * 1024 * 1024, onError: tooLarge }));
  app.use('/api/*', async (c, next) => {
    if (c.req.path.endsWith('/import') || c.req.path.endsWith('/imports')) return next();
    return bodyLimit({ maxSize: 2 * 1024 * 1024, onError: tooLarge })(c, next);
  });
  app.use('/api/*', jsonGuard);

  // ---------------------------------------------------------------- routes
  app.route('/', reviewRoutes(ctx));
  app.route('/', screeningRoutes(ctx));
  app.route('/', extractionRoutes(ctx));
  app.route('/', reportRoutes(ctx));
  app.route('/', transferRoutes(ctx));
  app.route('/', importJobRoutes(ctx));
  app.route('/', mappingRoutes(ctx));
  app.route('/', uiRoutes(ctx));
  app.route('/', screeningUiRoutes(ctx));
  app.route('/', screeningFormRoutes(ctx));
  app.route('/', extractionFormRoutes(ctx));
  app.route('/', reportsUiRoutes(ctx));
  app.route('/', mappingsUiRoutes(ctx));
  mountGrade(app, ctx);

  // ---------------------------------------------------------------- OpenAPI, fallbacks, errors
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Living evidence — curation API', version: '1.0.0' },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.notFound((c) => (c.req.path.startsWith('/api/') ? apiNotFound(c) : c.text('Not found', 404)));
  app.onError(onError);
  return Object.assign(app, { invalidateQueue: (reviewId: string) => ctx.queueCache.invalidate(reviewId) });
}
