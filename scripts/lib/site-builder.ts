/**
 * Debounced site publishes for the local runner: many reanalyses in a burst give one publish; a
 * request during a publish gives exactly one more publish after it. Each publish is the publish
 * function of the AWS site build (functions/publish/build-site.ts `publishSite`): the reviews
 * named by the requests it answers are re-rendered into the built site; a request without reviews
 * (start-up) builds the whole site.
 */
import { publishSite } from '../../functions/publish/build-site.js';

export interface SiteBuilder {
  /** `reviewIds`: the reviews whose snapshots changed; none: build the whole site. */
  schedule(reason: string, reviewIds?: string[]): void;
  /** Resolves when no build is pending or running. */
  idle(): Promise<void>;
  readonly builds: number;
}

export function createSiteBuilder(opts: { snapshotDir: string; outDir: string; siteUrl: string; debounceMs?: number; log: (m: string) => void }): SiteBuilder {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let dirty = false;
  let builds = 0;
  const reasons = new Set<string>();
  /** Reviews asked for since the last publish started; null: the whole site. */
  let pending: Set<string> | null = new Set();
  let waiters: (() => void)[] = [];

  const settle = () => {
    if (!timer && !running && !dirty) {
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    }
  };

  const run = () => {
    timer = undefined;
    if (running) {
      dirty = true;
      return;
    }
    const why = [...reasons].join(', ');
    reasons.clear();
    const reviewIds = pending === null ? undefined : [...pending].sort();
    pending = new Set();
    opts.log(`site: publishing (${why}) …`);
    running = publishSite({ snapshotDir: opts.snapshotDir, outDir: opts.outDir, siteUrl: opts.siteUrl, reviewIds, log: opts.log })
      .then(
        (r) => {
          builds++;
          opts.log(
            r.mode === 'full'
              ? `site: built in ${(r.ms / 1000).toFixed(1)} s`
              : `site: published ${reviewIds!.join(', ')} in ${(r.ms / 1000).toFixed(1)} s (${r.written.length} files rendered, ${r.deleted.length} deleted)`,
          );
        },
        (err: Error) => opts.log(`site: ${err.message}`),
      )
      .finally(() => {
        running = undefined;
        if (dirty) {
          dirty = false;
          reasons.add('changes during the last publish');
          run();
        } else settle();
      });
  };

  return {
    schedule(reason, reviewIds) {
      reasons.add(reason);
      if (!reviewIds?.length) pending = null;
      else if (pending !== null) for (const id of reviewIds) pending.add(id);
      if (timer) clearTimeout(timer);
      timer = setTimeout(run, opts.debounceMs ?? 300);
    },
    idle() {
      return new Promise<void>((res) => {
        waiters.push(res);
        settle();
      });
    },
    get builds() {
      return builds;
    },
  };
}
