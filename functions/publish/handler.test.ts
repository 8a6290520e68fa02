/**
 * The AWS site build against a fake S3 on a real HTTP server (S3's REST/XML wire format): only the
 * latest snapshots are read, the built folder is synced (changed files only, assets before pages,
 * deletions last, content types and cache headers), malformed messages are reported as batch item
 * failures, and a failed build leaves the site as it was. The build step is the real signature of
 * buildSite with a stand-in that writes files (the Astro build itself runs in the e2e tests).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeS3, type FakeS3 } from '../../test/fakes/s3.js';
import { observability } from '../observability.js';
import type { BuildOptions } from './build-site.js';
import { handlePublish, type PublishDeps } from './handler.js';
import { planSiteSync } from './s3-site.js';

let s3: FakeS3;
let seenSnapshots: string[] = [];
let pages: Record<string, string> = {};
let failBuild = false;

async function fakeBuild(opts: BuildOptions): Promise<{ ms: number }> {
  if (failBuild) throw new Error('site build failed (exit 1): boom');
  seenSnapshots = [];
  for (const id of ['dep', 'anx', 'gone']) {
    try {
      seenSnapshots.push(`${id}:${JSON.parse(readFileSync(join(opts.snapshotDir, id, 'latest.json'), 'utf8')).revision}`);
    } catch {
      /* not published */
    }
  }
  for (const [key, body] of Object.entries(pages)) {
    mkdirSync(join(opts.outDir, key, '..'), { recursive: true });
    writeFileSync(join(opts.outDir, key), body);
  }
  return { ms: 1 };
}

const event = (...bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m${i}`, body, attributes: { SentTimestamp: String(1_000_000 + i * 1000) } })) }) as unknown as SQSEvent;

let deps: PublishDeps;
beforeAll(async () => {
  s3 = await startFakeS3({ pageSize: 2 });
});
afterAll(() => s3.close());
beforeEach(() => {
  s3.buckets.clear();
  s3.requests.length = 0;
  failBuild = false;
  s3.put('snaps', 'snapshots/dep/latest.json', JSON.stringify({ reviewId: 'dep', revision: 7 }));
  for (let r = 1; r <= 6; r++) s3.put('snaps', `snapshots/dep/rev-${r}.json`, JSON.stringify({ revision: r }));
  s3.put('snaps', 'snapshots/anx/latest.json', JSON.stringify({ reviewId: 'anx', revision: 2 }));
  s3.put('snaps', 'snapshots/anx/rev-1.json', '{}');
  s3.put('site', 'old/index.html', '<p>old</p>');
  s3.put('site', 'index.html', '<p>same</p>');
  pages = { 'index.html': '<p>same</p>', 'reviews/dep/index.html': '<p>dep</p>', '_astro/app.1a2b.css': 'a{}', 'feed.xml': '<feed/>', 'data/dep.csv': 'x,y' };
  deps = { s3: s3.client(), snapshotBucket: 'snaps', siteBucket: 'site', siteUrl: 'https://evidence.example.org', now: () => 1_060_000, obs: observability('publish-test'), build: fakeBuild };
});

describe('publish (AWS site build)', () => {
  it('reads only latest.json of each review, uploads changed files with types and cache headers, deletes stale ones last', async () => {
    const r = await handlePublish(deps, event('{"reviewIds":["dep"]}', '{"reviewIds":["anx","dep"]}'));
    expect(r).toEqual({ batchItemFailures: [] });
    expect(seenSnapshots).toEqual(['dep:7', 'anx:2']);
    const gets = s3.requests.filter((q) => q.method === 'GET' && q.key).map((q) => q.key);
    expect(gets.sort()).toEqual(['snapshots/anx/latest.json', 'snapshots/dep/latest.json']);
    const site = s3.buckets.get('site')!;
    expect([...site.keys()].sort()).toEqual(['_astro/app.1a2b.css', 'data/dep.csv', 'feed.xml', 'index.html', 'reviews/dep/index.html']);
    expect(site.get('feed.xml')).toMatchObject({ contentType: 'application/atom+xml; charset=utf-8', cacheControl: 'public, max-age=60' });
    expect(site.get('data/dep.csv')!.contentType).toBe('text/csv; charset=utf-8');
    expect(site.get('_astro/app.1a2b.css')!.cacheControl).toMatch(/immutable/);
    const writes = s3.requests.filter((q) => q.method === 'PUT' || q.method === 'POST').map((q) => (q.method === 'POST' ? 'DELETE' : q.key));
    // The unchanged index.html is not uploaded again; the asset goes first, the deletion last.
    expect(writes[0]).toBe('_astro/app.1a2b.css');
    expect(writes).not.toContain('index.html');
    expect(writes[writes.length - 1]).toBe('DELETE');
  });

  it('a malformed message is a batch item failure; the valid ones are published', async () => {
    const r = await handlePublish(deps, event('{"reviewIds":["dep"]}', 'not json', '{"reviewIds":[]}'));
    expect(r).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }] });
    expect(s3.buckets.get('site')!.has('reviews/dep/index.html')).toBe(true);
  });

  it('only malformed messages: no build, every one reported', async () => {
    failBuild = true;
    await expect(handlePublish(deps, event('{}'))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });

  it('a failed build throws (the batch is retried) and leaves the site bucket untouched', async () => {
    failBuild = true;
    const before = [...s3.buckets.get('site')!.keys()].sort();
    await expect(handlePublish(deps, event('{"reviewIds":["dep"]}'))).rejects.toThrow(/site build failed/);
    expect([...s3.buckets.get('site')!.keys()].sort()).toEqual(before);
    expect(s3.requests.filter((q) => q.method === 'PUT' || q.method === 'POST')).toEqual([]);
  });
});

describe('planSiteSync', () => {
  it('uploads new and changed files, keeps equal ones, deletes what the build no longer has; names from upstream are plain keys', () => {
    const f = (key: string, md5: string) => ({ key, md5, path: `/x/${key}` });
    const plan = planSiteSync([f('index.html', 'a'), f('_astro/x.js', 'b'), f('reviews/toString/index.html', 'c'), f('__proto__/index.html', 'd')], new Map([['index.html', 'a'], ['reviews/constructor/index.html', 'z'], ['_astro/x.js', 'old']]));
    expect(plan.put.map((p) => p.key)).toEqual(['_astro/x.js', '__proto__/index.html', 'reviews/toString/index.html']);
    expect(plan.delete).toEqual(['reviews/constructor/index.html']);
    expect(plan.unchanged).toBe(1);
  });
});
