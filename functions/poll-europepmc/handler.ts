/** Scheduled Lambda: Europe PMC preprint poll. Event `{ reviewId?: string }` (all living reviews when absent). */
import { pollHandler, type PollEvent } from '../poll-common/handler.js';

export const handler = (event?: PollEvent) => pollHandler('europepmc', event);
