/**
 * Debounced site rebuilds for the local runner: many reanalyses in a burst give one build; a
 * request during a build gives exactly one more build after it.
 */
import { buildSite } from '../../functions/publish/build-site.js';

export interface SiteBuilder {
  schedule(reason: string): void;
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
    opts.log(`site: building (${why}) …`);
    running = buildSite({ snapshotDir: opts.snapshotDir, outDir: opts.outDir, siteUrl: opts.siteUrl })
      .then(
        ({ ms }) => {
          builds++;
          opts.log(`site: built in ${(ms / 1000).toFixed(1)} s`);
        },
        (err: Error) => opts.log(`site: ${err.message}`),
      )
      .finally(() => {
        running = undefined;
        if (dirty) {
          dirty = false;
          reasons.add('changes during the last build');
          run();
        } else settle();
      });
  };

  return {
    schedule(reason) {
      reasons.add(reason);
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
