/**
 * Requests in flight ahead of the one being consumed.
 *
 * The PubMed fetch side takes its batches in order (the store side and the checkpoints need that
 * order), but waiting for each response before asking for the next would add every response's
 * latency (and the parsing of its envelope) to the limiter's spacing: the rate would be
 * 1 / (spacing + latency), not 1 / spacing. Here the next `ahead` tasks are started as soon as they
 * exist; each start waits for the one shared limiter (so the rate is never exceeded, however many
 * are in flight), and a slow response only holds up the consumer, not the starts behind it.
 *
 * Memory stays bounded: a task is started only while fewer than `ahead` tasks are started and not
 * yet taken, so at most `ahead` responses are held; when the consumer stops taking (a slow head of
 * line, or the spool full and `put` waiting), starts stop too. That is the back-pressure.
 */
export class Prefetcher<T> {
  private readonly inflight = new Map<number, Promise<T>>();
  private started = 0;
  /** Next task to hand out. */
  private next = 0;
  /** Tasks handed out whose result has arrived: the consumer holds them, not the prefetcher. */
  private done = 0;
  private known = 0;
  /** Most tasks in flight at any time (tests, benchmark). */
  peakInFlight = 0;

  constructor(
    private readonly start: (task: number) => Promise<T>,
    readonly ahead: number,
  ) {
    if (!(ahead >= 1)) throw new Error(`ahead must be at least 1 (got ${ahead})`);
  }

  /** Tasks 0 … n − 1 exist (more may be announced later, as planning finds them). */
  available(n: number): void {
    this.known = Math.max(this.known, n);
    this.pump();
  }

  /** Started, and not yet both answered and handed to the consumer: at most `ahead`. */
  get inFlight(): number {
    return this.started - this.done;
  }

  /** The result of the next task in order (tasks are handed out 0, 1, 2, …; one take at a time). */
  take(): Promise<T> {
    const task = this.next;
    if (task >= this.known) return Promise.reject(new Error(`task ${task} has not been announced`));
    this.pump();
    const p = this.inflight.get(task)!;
    this.inflight.delete(task);
    this.next++;
    const settled = () => {
      this.done++;
      this.pump();
    };
    return p.then(
      (v) => (settled(), v),
      (err: unknown) => {
        settled();
        throw err;
      },
    );
  }

  private pump(): void {
    while (this.started < this.known && this.started - this.done < this.ahead) {
      const task = this.started++;
      const p = this.start(task);
      // Failures surface when the task is taken; one nobody takes (the run stopped) is dropped.
      p.catch(() => undefined);
      this.inflight.set(task, p);
      this.peakInFlight = Math.max(this.peakInFlight, this.started - this.done);
    }
  }
}
