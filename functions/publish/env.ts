/** The site-build Lambda's environment (checked against the deployed function by the infra tests). */
import { z } from 'zod';
import { envContract, httpsVar, requiredVar } from '../env.js';

export const ENV = envContract('publish', {
  SNAPSHOT_BUCKET: requiredVar('SNAPSHOT_BUCKET'),
  SITE_BUCKET: requiredVar('SITE_BUCKET'),
  SITE_URL: httpsVar('SITE_URL', 'the public site URL'),
  /** Astro writes its caches under HOME: /tmp on Lambda (the task root is read-only). */
  HOME: requiredVar('HOME'),
  /** No network for telemetry from a build. */
  ASTRO_TELEMETRY_DISABLED: z.literal('1', { message: 'ASTRO_TELEMETRY_DISABLED must be 1' }),
  /** Where the site-only bundle is (default: the Lambda task root). */
  SITE_BUNDLE_ROOT: z.string().optional(),
});
