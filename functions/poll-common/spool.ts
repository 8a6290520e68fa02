/**
 * A producer/consumer pipe through a temporary directory on disk.
 *
 * The poller's fetch side is bounded by the upstream's allowed request rate, its store side by the
 * database; neither should wait for the other. The producer (fetching, at the allowed rate) puts
 * each parsed batch here; the consumer (storing) takes them in order. Batches wait on disk, not
 * in memory, so the producer can run ahead by up to `maxBytes` without the process growing.
 *
 * The spool is a cache for one run, not a source of truth: checkpoints only advance after the
 * consumer has stored a batch, so a crash loses nothing that a re-run does not fetch again.
 *
 * Failure rules:
 *  - the consumer fails → the producer's next `put` throws SpoolClosedError; the consumer's error
 *    is the result;
 *  - the producer fails → the consumer still stores every batch already put (and the checkpoints
 *    advance past them), then the producer's error is the result.
 * The directory is removed in every case. A process killed mid-run (a Lambda timeout, a kill -9)
 * cannot remove it, so each new spool first removes the directories such processes left behind:
 * their name carries the owner's pid, and a directory is left behind when that process is gone,
 * or when it is this process (a Lambda runtime restarted with the same pid) but not one of its own.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class SpoolClosedError extends Error {
  override readonly name = 'SpoolClosedError';
  constructor() {
    super('spool closed: the consumer stopped');
  }
}

export interface SpoolStats {
  /** Batches that went through. */
  items: number;
  /** Most bytes waiting on disk at any time. */
  peakBytes: number;
  /** Most batches waiting at any time. */
  peakItems: number;
  /** ms from start until the producer finished (fetch phase). */
  producerMs: number;
  /** ms from start until the consumer finished. */
  totalMs: number;
  /** ms the producer spent blocked because the spool was full. */
  producerBlockedMs: number;
}

/**
 * A large text (a response body; a string, or bytes read back as UTF-8) written to the spool directory as soon as it arrives, before its
 * turn to be put: the producer then holds only this reference, not the text, while earlier items
 * are still on their way. An item carrying blobs is put with them (`put(item, blobs)`), so that
 * they count against `maxBytes`; the consumer reads each once (`read`), which removes its file.
 */
export interface SpoolBlob {
  file: string;
  bytes: number;
}

export interface SpoolOptions<T> {
  /** Bytes allowed on disk before `put` waits for the consumer (default 256 MiB). */
  maxBytes?: number;
  /** Parent directory of the spool directory (default the OS temp dir). */
  dir?: string;
  produce: (put: (item: T, blobs?: readonly SpoolBlob[]) => Promise<void>, stash: (text: string | Uint8Array) => Promise<SpoolBlob>) => Promise<void>;
  consume: (item: T, index: number, read: (blob: SpoolBlob) => Promise<string>) => Promise<void>;
}

export const DEFAULT_SPOOL_BYTES = 256 * 2 ** 20;

const PREFIX = 'living-evidence-spool-';
/** Spool directories this process has open. */
const open = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes spool directories under `parent` whose owner is gone (see above); returns their names. */
export async function removeStaleSpools(parent: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = name.startsWith(PREFIX) ? /^(\d+)-/.exec(name.slice(PREFIX.length)) : null;
    if (!m) continue;
    const pid = Number(m[1]);
    const path = join(parent, name);
    const stale = pid === process.pid ? !open.has(path) : !alive(pid);
    if (!stale) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export async function spool<T>(opts: SpoolOptions<T>): Promise<SpoolStats> {
  const maxBytes = Math.max(1, opts.maxBytes ?? DEFAULT_SPOOL_BYTES);
  const parent = opts.dir ?? tmpdir();
  await removeStaleSpools(parent);
  const root = await mkdtemp(join(parent, `${PREFIX}${process.pid}-`));
  open.add(root);
  const t0 = performance.now();
  const stats: SpoolStats = { items: 0, peakBytes: 0, peakItems: 0, producerMs: 0, totalMs: 0, producerBlockedMs: 0 };
  const sizes: number[] = [];
  let written = 0; // files completely written
  let taken = 0; // files the consumer has started
  let bytes = 0;
  let producerDone = false;
  let producerError: { err: unknown } | undefined;
  let consumerError: { err: unknown } | undefined;
  // One waiter each side; each is woken by the other side's progress.
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const signalConsumer = () => {
    const w = wakeConsumer;
    wakeConsumer = undefined;
    w?.();
  };
  const signalProducer = () => {
    const w = wakeProducer;
    wakeProducer = undefined;
    w?.();
  };
  const file = (i: number) => join(root, `${String(i).padStart(8, '0')}.json`);

  // Puts are applied one at a time, in call order.
  let chain: Promise<void> = Promise.resolve();
  const put = (item: T, blobs: readonly SpoolBlob[] = []): Promise<void> => {
    const p = chain.then(() => putOne(item, blobs));
    chain = p.catch(() => undefined);
    return p;
  };
  let blobSeq = 0;
  const stash = async (text: string | Uint8Array): Promise<SpoolBlob> => {
    if (consumerError) throw new SpoolClosedError();
    const blob = { file: join(root, `blob-${String(blobSeq++).padStart(8, '0')}.txt`), bytes: typeof text === 'string' ? Buffer.byteLength(text) : text.byteLength };
    await writeFile(blob.file, text);
    return blob;
  };
  const read = async (blob: SpoolBlob): Promise<string> => {
    if (!blob.file.startsWith(root)) throw new Error(`not a blob of this spool: ${blob.file}`);
    const text = await readFile(blob.file, 'utf8');
    await rm(blob.file, { force: true });
    return text;
  };
  const putOne = async (item: T, blobs: readonly SpoolBlob[]): Promise<void> => {
    if (consumerError) throw new SpoolClosedError();
    const body = JSON.stringify(item);
    const size = Buffer.byteLength(body) + blobs.reduce((a, b) => a + b.bytes, 0);
    // Wait for room, unless nothing is waiting (one batch larger than the limit still passes).
    if (bytes > 0 && bytes + size > maxBytes) {
      const blocked = performance.now();
      while (bytes > 0 && bytes + size > maxBytes && !consumerError) {
        await new Promise<void>((res) => (wakeProducer = res));
      }
      stats.producerBlockedMs += performance.now() - blocked;
      if (consumerError) throw new SpoolClosedError();
    }
    const i = written;
    bytes += size;
    sizes[i] = size;
    await writeFile(file(i), body);
    written++;
    stats.peakBytes = Math.max(stats.peakBytes, bytes);
    stats.peakItems = Math.max(stats.peakItems, written - taken);
    signalConsumer();
  };

  const producer = (async () => {
    try {
      await opts.produce(put, stash);
    } catch (err) {
      producerError = { err };
    } finally {
      producerDone = true;
      stats.producerMs = performance.now() - t0;
      signalConsumer();
    }
  })();

  const consumer = (async () => {
    try {
      for (;;) {
        while (taken >= written && !producerDone) await new Promise<void>((res) => (wakeConsumer = res));
        if (taken >= written) break; // producer done, all taken
        const i = taken++;
        const body = await readFile(file(i), 'utf8');
        await rm(file(i), { force: true });
        bytes -= sizes[i];
        signalProducer();
        await opts.consume(JSON.parse(body) as T, i, read);
        stats.items++;
      }
    } catch (err) {
      consumerError = { err };
      signalProducer();
    }
  })();

  try {
    await Promise.all([producer, consumer]);
  } finally {
    await rm(root, { recursive: true, force: true });
    open.delete(root);
  }
  stats.totalMs = performance.now() - t0;
  if (consumerError) throw consumerError.err;
  if (producerError) throw producerError.err;
  return stats;
}
