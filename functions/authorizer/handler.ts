/**
 * Lambda entry of the API Gateway REQUEST authorizer (HTTP API, payload 2.0, simple responses).
 * Configuration from the environment at cold start: COGNITO_ISSUER, COGNITO_CLIENT_ID.
 */
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { createAuthorizer, type AuthorizerResponse } from './authorize.js';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`authorizer configuration: ${name} is required`);
  return v;
}

const authorize = createAuthorizer({ auth: { cognito: { issuer: required('COGNITO_ISSUER'), clientId: required('COGNITO_CLIENT_ID') } } });

export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResponse> => authorize(event);
