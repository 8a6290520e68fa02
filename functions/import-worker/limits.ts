/** The import worker's limits, shared with infra (side-effect free: the CDK app imports it). */

/** Stop taking new chunks when less than this much time is left. */
export const SAFETY_MS = 20_000;
/** SQS maxReceiveCount of the import queue (infra): on this receive a failure marks the job failed. */
export const MAX_RECEIVES = 5;
