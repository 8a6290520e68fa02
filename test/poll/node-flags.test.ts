/**
 * The pollers' Node flags (functions/poll-common/node-flags.ts) are the same wherever a poller runs:
 * `npm run poll` here, the Lambda's NODE_OPTIONS in test/infra/app.test.ts, and the poll bench
 * re-runs itself with them when they are missing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasPollerNodeFlags, POLLER_NODE_FLAGS } from '../../functions/poll-common/node-flags.js';

describe('pollers’ Node flags', () => {
  it('`npm run poll` passes every flag to node', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    const words = pkg.scripts.poll.split(/\s+/);
    expect(words[0]).toBe('node');
    for (const f of POLLER_NODE_FLAGS) expect(words.indexOf(f), f).toBeGreaterThan(0);
    // node options come before the script, or node would pass them to the script instead
    expect(Math.max(...POLLER_NODE_FLAGS.map((f) => words.indexOf(f)))).toBeLessThan(words.indexOf('scripts/poll.ts'));
  });

  it('are found on the command line or in NODE_OPTIONS, and missing ones are noticed', () => {
    expect(hasPollerNodeFlags([], '')).toBe(POLLER_NODE_FLAGS.length === 0);
    expect(hasPollerNodeFlags(['--import', 'tsx', ...POLLER_NODE_FLAGS], '')).toBe(true);
    expect(hasPollerNodeFlags([], `--enable-source-maps  ${POLLER_NODE_FLAGS.join(' ')}`)).toBe(true);
    expect(hasPollerNodeFlags(['--max-semi-space-size=16'], '')).toBe(false);
  });
});
