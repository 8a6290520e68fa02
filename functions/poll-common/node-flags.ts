/**
 * Node/V8 flags every poller process runs with: the Lambda (NODE_OPTIONS, infra/stacks/ingest-stack.ts),
 * `npm run poll` (package.json) and `npm run bench -- poll` (which re-runs itself with them), so the
 * bench measures the memory the product uses. No imports: infra reads it too.
 *
 * `--max-semi-space-size=4` (MB; V8's default on 64-bit is 16, i.e. up to 48 MB of young generation):
 * a backfill allocates short-lived parse and request objects quickly, and the young generation grows
 * to its maximum and stays resident. Capped at 4 MB, idle 10/s backfill of 20,000 records peaked at
 * 215 MB RSS instead of 263 MB (2026-12-02, README benchmark section), at the same request rate.
 */
export const POLLER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/** Whether this process runs with every poller flag (on its command line or in NODE_OPTIONS). */
export function hasPollerNodeFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/).filter(Boolean)]);
  return POLLER_NODE_FLAGS.every((f) => given.has(f));
}
