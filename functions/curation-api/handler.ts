/**
 * Lambda entry of the curation API (API Gateway HTTP API → Hono). Configuration is read from the
 * environment once, at cold start, and fails fast with a message naming the variable.
 */
import { handle } from 'hono/aws-lambda';
import { createDocumentClient } from '../adapters/dynamo/client.js';
import { ALL_REVIEWS } from '../../reviews/index.js';
import { createCurationApp } from './app.js';
import { configFromEnv } from './config.js';

const config = configFromEnv();
const app = createCurationApp({
  doc: createDocumentClient(),
  table: config.TABLE_NAME,
  reviews: ALL_REVIEWS,
  auth: {
    ...(config.LOCAL_JWT_SECRET ? { localSecret: config.LOCAL_JWT_SECRET } : {}),
    ...(config.COGNITO_ISSUER && config.COGNITO_CLIENT_ID ? { cognito: { issuer: config.COGNITO_ISSUER, clientId: config.COGNITO_CLIENT_ID } } : {}),
  },
});

export const handler = handle(app);
