/**
 * Lambda entry of the API Gateway REQUEST authorizer (HTTP API, payload 2.0, simple responses).
 * Configuration from the environment at cold start (./env.ts): COGNITO_ISSUER, COGNITO_CLIENT_ID.
 */
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { createAuthorizer, type AuthorizerResponse } from './authorize.js';
import { instrument, observability } from '../observability.js';
import { ENV } from './env.js';

const env = ENV.parse();
const authorize = createAuthorizer({ auth: { cognito: { issuer: env.COGNITO_ISSUER, clientId: env.COGNITO_CLIENT_ID } } });

export const handler = instrument(
  observability('authorizer'),
  async (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResponse> => authorize(event),
  (event) => event.requestContext?.requestId,
);
