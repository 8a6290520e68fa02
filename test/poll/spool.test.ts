import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStaleSpools, spool, SpoolClosedError } from '../../functions/poll-common/spool.js';

let parent: string;
beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'spool-test-'));
});
afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Resolves once `cond()` holds (checked every ms); after `ceilingMs` (a safety net, not a measure) it throws. */
async function until(cond: () => boolean, what: string, ceilingMs = 60_000): Promise<void> {
  const deadline = Date.now() + ceilingMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await tick(1);
  }
}
const item = (i: number, size: number) => ({ i, pad: 'x'.repeat(size) });
const bytesOf = (x: unknown) => Buffer.byteLength(JSON.stringify(x));

describe('spool', () => {
  it('removes the spools that killed processes left behind, never a live one', async () => {
    const dir = await mkdtemp(join(parent, 'stale-'));
    // A pid that surely has no process any more: a child that has already exited.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const leftOvers = {
      dead: `living-evidence-spool-${dead}-abc123`,
      // This process's pid but not one of its open spools: a Lambda runtime restarted after a timeout.
      restarted: `living-evidence-spool-${process.pid}-def456`,
      other: `living-evidence-spool-${process.ppid}-ghi789`,
      unrelated: 'something-else',
    };
    for (const name of Object.values(leftOvers)) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, '00000000.json'), '{}');
    }
    let seenDuringRun: string[] = [];
    await spool<number>({
      dir,
      produce: async (put) => {
        await put(1);
        // A second spool starting meanwhile must not take this one for stale.
        expect(await removeStaleSpools(dir)).toEqual([]);
        seenDuringRun = await readdir(dir);
      },
      consume: async () => undefined,
    });
    expect(seenDuringRun.filter((n) => n.startsWith(`living-evidence-spool-${process.pid}-`))).toHaveLength(1);
    expect((await readdir(dir)).sort()).toEqual([leftOvers.other, leftOvers.unrelated].sort());
    await rm(dir, { recursive: true, force: true });
  });

  it('hands every item to the consumer once, in order, and leaves no directory behind', async () => {
    const got: number[] = [];
    const stats = await spool<{ i: number; pad: string }>({
      dir: parent,
      produce: async (put) => {
        for (let i = 0; i < 50; i++) await put(item(i, 100));
      },
      consume: async (x, index) => {
        expect(index).toBe(x.i);
        got.push(x.i);
        if (x.i % 7 === 0) await tick(2);
      },
    });
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(stats.items).toBe(50);
    expect(await readdir(parent)).toEqual([]);
  });

  it('blobs: stashed on disk before their item is put, counted against maxBytes with it, read back once (string or bytes), then gone', async () => {
    const dir = await mkdtemp(join(parent, 'blob-'));
    const texts = ['ä'.repeat(3000), 'plain '.repeat(500), '<x>ü</x>'];
    const got: string[] = [];
    const filesWhileProducing: string[][] = [];
    let readTwice: unknown;
    const stats = await spool<{ n: number; blob: { file: string; bytes: number } }>({
      dir,
      maxBytes: 1_000_000,
      produce: async (put, stash) => {
        // Stashed out of order (as responses arrive), put in order.
        const blobs = [await stash(texts[0]), await stash(Buffer.from(texts[1], 'utf8')), await stash(texts[2])];
        expect(blobs.map((b) => b.bytes)).toEqual(texts.map((t) => Buffer.byteLength(t)));
        const [spoolDir] = (await readdir(dir)).filter((n) => n.startsWith('living-evidence-spool-'));
        filesWhileProducing.push(await readdir(join(dir, spoolDir)));
        for (let n = 0; n < 3; n++) await put({ n, blob: blobs[n] }, [blobs[n]]);
      },
      consume: async (item, _i, read) => {
        got[item.n] = await read(item.blob);
        if (item.n === 0) readTwice = await read(item.blob).catch((e: Error) => e.message);
      },
    });
    expect(got).toEqual(texts);
    expect(filesWhileProducing[0].filter((n) => n.startsWith('blob-'))).toHaveLength(3);
    expect(String(readTwice)).toMatch(/ENOENT|no such file/);
    // The largest wait on disk includes the blobs' bytes, not only the items' JSON.
    expect(stats.peakBytes).toBeGreaterThan(Buffer.byteLength(texts[0]));
    expect(await readdir(dir)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it('lets the producer run ahead of a slow consumer, up to maxBytes on disk', async () => {
    // Items of one size whatever the digits of i, so that exactly three fit.
    const sized = (i: number) => item(i, 1002 - String(i).length);
    const size = bytesOf(sized(0));
    const maxBytes = size * 3;
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    let done = false;
    const stats = await spool<{ i: number; pad: string }>({
      dir: parent,
      maxBytes,
      produce: async (put) => {
        for (let i = 0; i < 20; i++) {
          expect(bytesOf(sized(i))).toBe(size);
          await put(sized(i));
          produced++;
          maxAhead = Math.max(maxAhead, produced - consumed);
        }
        done = true;
      },
      // The slow consumer is slow by an event, not by a sleep racing the disk: it stores an item only
      // once the producer has filled the allowance (three waiting + the one being stored) or finished.
      consume: async () => {
        await until(() => done || produced >= consumed + 4, 'the producer filled the allowance');
        // The producer is now blocked in put() (or done): give it a moment there before unblocking it.
        await tick(2);
        consumed++;
      },
    });
    expect(stats.peakBytes).toBeLessThanOrEqual(maxBytes);
    expect(stats.peakItems).toBe(3);
    // Three waiting on disk plus the one the consumer is storing.
    expect(maxAhead).toBeLessThanOrEqual(4);
    expect(maxAhead).toBeGreaterThanOrEqual(3);
    expect(stats.producerBlockedMs).toBeGreaterThan(0);
  });

  it('a producer unblocked by nothing waiting passes one item larger than the limit', async () => {
    const got: number[] = [];
    await spool<{ i: number; pad: string }>({
      dir: parent,
      maxBytes: 10,
      produce: async (put) => {
        await put(item(0, 500));
        await put(item(1, 500));
      },
      consume: async (x) => {
        got.push(x.i);
      },
    });
    expect(got).toEqual([0, 1]);
  });

  it('a consumer failure stops the producer and is the result', async () => {
    let putErr: unknown;
    let produced = 0;
    const run = spool<{ i: number; pad: string }>({
      dir: parent,
      maxBytes: bytesOf(item(0, 10)) * 2,
      produce: async (put) => {
        try {
          for (let i = 0; i < 1000; i++) {
            await put(item(i, 10));
            produced++;
          }
        } catch (err) {
          putErr = err;
          throw err;
        }
      },
      consume: async (x) => {
        if (x.i === 3) throw new Error('database down');
      },
    });
    await expect(run).rejects.toThrow('database down');
    expect(putErr).toBeInstanceOf(SpoolClosedError);
    expect(produced).toBeLessThan(10);
    expect(await readdir(parent)).toEqual([]);
  });

  it('a producer failure still stores everything already put, then is the result', async () => {
    const got: number[] = [];
    const run = spool<{ i: number; pad: string }>({
      dir: parent,
      produce: async (put) => {
        for (let i = 0; i < 5; i++) await put(item(i, 10));
        throw new Error('upstream unreachable');
      },
      consume: async (x) => {
        await tick(3);
        got.push(x.i);
      },
    });
    await expect(run).rejects.toThrow('upstream unreachable');
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(await readdir(parent)).toEqual([]);
  });

  it('property: any sizes, limits, speeds and failure points: consumed = a prefix of produced, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(300), { minLength: 0, maxLength: 25 }),
        fc.integer({ min: 20, max: 2000 }),
        fc.option(fc.nat(30)),
        fc.option(fc.nat(30)),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 5 }),
        async (sizes, maxBytes, produceFailAt, consumeFailAt, delays) => {
          const got: number[] = [];
          let put = 0;
          let error: unknown;
          try {
            await spool<{ i: number; pad: string }>({
              dir: parent,
              maxBytes,
              produce: async (p) => {
                for (let i = 0; i < sizes.length; i++) {
                  if (produceFailAt === i) throw new Error('producer');
                  await p(item(i, sizes[i]));
                  put++;
                }
              },
              consume: async (x) => {
                if (consumeFailAt === x.i) throw new Error('consumer');
                await tick(delays[x.i % delays.length]);
                got.push(x.i);
              },
            });
          } catch (err) {
            error = err;
          }
          expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i));
          const pf = produceFailAt !== null && produceFailAt < sizes.length;
          const cf = consumeFailAt !== null && consumeFailAt < Math.min(sizes.length, pf ? produceFailAt : Infinity);
          if (cf) {
            expect((error as Error).message).toBe('consumer');
            expect(got.length).toBe(consumeFailAt);
          } else if (pf) {
            expect((error as Error).message).toBe('producer');
            expect(got.length).toBe(put);
            expect(put).toBe(produceFailAt);
          } else {
            expect(error).toBeUndefined();
            expect(got.length).toBe(sizes.length);
          }
          expect(await readdir(parent)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
