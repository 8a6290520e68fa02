/**
 * The curation-API Lambda's environment (checked against the deployed function by the infra tests).
 * On AWS more is required than locally: Cognito (no local secret), the import queue (an in-process
 * job would be frozen with the Lambda after the response) and the snapshot bucket (GRADE page).
 */
import { envContract, httpsVar, requiredVar } from '../env.js';
import { ENV_SHAPE, refineEnv } from './config.js';

export const ENV = envContract(
  'curation-api',
  {
    ...ENV_SHAPE,
    COGNITO_ISSUER: httpsVar('COGNITO_ISSUER', 'the user pool issuer URL'),
    COGNITO_CLIENT_ID: requiredVar('COGNITO_CLIENT_ID'),
    IMPORT_QUEUE_URL: httpsVar('IMPORT_QUEUE_URL', 'the import queue URL'),
    SNAPSHOT_BUCKET: requiredVar('SNAPSHOT_BUCKET'),
  },
  refineEnv,
);
