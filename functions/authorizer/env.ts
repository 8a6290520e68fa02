/** The authorizer Lambda's environment (checked against the deployed function by the infra tests). */
import { envContract, httpsVar, requiredVar } from '../env.js';

export const ENV = envContract('authorizer', {
  COGNITO_ISSUER: httpsVar('COGNITO_ISSUER', 'the user pool issuer URL'),
  COGNITO_CLIENT_ID: requiredVar('COGNITO_CLIENT_ID'),
});
