/** The reanalyse Lambda's environment (checked against the deployed function by the infra tests). */
import { z } from 'zod';
import { envContract, httpsVar, requiredVar } from '../env.js';

export const ENV = envContract('reanalyse', {
  TABLE_NAME: requiredVar('TABLE_NAME'),
  SNAPSHOT_BUCKET: requiredVar('SNAPSHOT_BUCKET'),
  /** The site build's queue: one publish request per batch that changed a review's pages. */
  PUBLISH_QUEUE_URL: httpsVar('PUBLISH_QUEUE_URL', 'the publish queue URL'),
  /** Recorded in each version (functions/reanalyse/software.ts); optional. */
  GIT_COMMIT: z.string().optional(),
});
