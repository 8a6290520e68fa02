/** Scheduled Lambda: europepmc poll. Event `{ reviewId?: string }` (all living reviews when absent). */
import { pollLambda } from '../poll-common/handler.js';

export const handler = pollLambda('europepmc');
