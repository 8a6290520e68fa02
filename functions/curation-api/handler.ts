/**
 * Lambda entry of the curation API (API Gateway HTTP API → Hono). Configuration is read from the
 * environment once, at cold start (./env.ts), and fails fast with a message naming the variable.
 */
import { handle } from 'hono/aws-lambda';
import { createDocumentClient } from '../adapters/dynamo/client.js';
import { s3SnapshotStore } from '../adapters/snapshot-store.js';
import { ALL_REVIEWS } from '../../reviews/index.js';
import { createCurationApp } from './app.js';
import { sqsImportDispatcher } from '../import-worker/dispatch.js';
import { authConfig } from './config.js';
import { ENV } from './env.js';
import { instrument, observability } from '../observability.js';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

const config = ENV.parse();
const app = createCurationApp({
  doc: createDocumentClient(),
  table: config.TABLE_NAME,
  reviews: ALL_REVIEWS,
  auth: authConfig(config),
  // Latest published versions (GRADE view).
  snapshots: s3SnapshotStore(config.SNAPSHOT_BUCKET),
  // Import jobs go to the import-worker Lambda through the import queue (same worker code as locally).
  importDispatch: () => sqsImportDispatcher(config.IMPORT_QUEUE_URL),
});

const lambda = handle(app);
export const handler = instrument(
  observability('curation-api'),
  (event: APIGatewayProxyEventV2, context: Context) => lambda(event as never, context as never),
  (event) => event.requestContext?.requestId,
);
