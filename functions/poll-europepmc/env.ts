/** The europepmc poller Lambda's environment (functions/poll-common/env.ts). */
import { pollEnv } from '../poll-common/env.js';

export const ENV = pollEnv('europepmc');
