/** The import-worker Lambda's environment (checked against the deployed function by the infra tests). */
import { envContract, httpsVar, requiredVar } from '../env.js';

export const ENV = envContract('import-worker', {
  TABLE_NAME: requiredVar('TABLE_NAME'),
  /** Where the worker queues the continuation of a job that ran out of time. */
  IMPORT_QUEUE_URL: httpsVar('IMPORT_QUEUE_URL', 'the import queue URL'),
});
