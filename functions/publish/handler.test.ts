/**
 * The AWS site build against a fake S3 on a real HTTP server (S3's REST/XML wire format): only the
 * latest snapshots are read, the built folder is synced (changed files only, assets before pages,
 * deletions last, content types and cache headers), malformed messages are reported as batch item
 * failures, and a failed build leaves the site as it was. The build step is the real signature of
 * buildSite with a stand-in that writes files (the Astro build itself runs in the e2e tests).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeS3, type FakeS3 } from '../../test/fakes/s3.js';
import { observability } from '../observability.js';
import type { BuildOptions } from './build-site.js';
import { handlePublish, type PublishDeps } from './handler.js';
import { planSiteSync, syncSite } from './s3-site.js';

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
  s3.put('snaps', 'snapshots/dep/v1.json', '{"version":1}');
  s3.put('snaps', 'snapshots/dep/counts.json', '{"counts":{}}');
  s3.put('snaps', 'snapshots/anx/latest.json', JSON.stringify({ reviewId: 'anx', revision: 2 }));
  s3.put('snaps', 'snapshots/anx/rev-1.json', '{}');
  s3.put('site', 'old/index.html', '<p>old</p>');
  s3.put('site', 'index.html', '<p>same</p>');
  pages = { 'index.html': '<p>same</p>', 'reviews/dep/index.html': '<p>dep</p>', '_astro/app.1a2b.css': 'a{}', 'feed.xml': '<feed/>', 'data/dep.csv': 'x,y' };
  deps = { s3: s3.client(), snapshotDir: mkdtempSync(join(tmpdir(), 'snaps-')), siteDir: join(mkdtempSync(join(tmpdir(), 'published-')), 'site'), snapshotBucket: 'snaps', siteBucket: 'site', siteUrl: 'https://evidence.example.org', now: () => 1_060_000, obs: observability('publish-test'), build: fakeBuild };
});

describe('publish (AWS site build)', () => {
  it('reads latest, counts and versions not yet on disk (never rev-N history), uploads changed files with types and cache headers, deletes stale ones last', async () => {
    const r = await handlePublish(deps, event('{"reviewIds":["dep"]}', '{"reviewIds":["anx","dep"]}'));
    expect(r).toEqual({ batchItemFailures: [] });
    expect(seenSnapshots).toEqual(['dep:7', 'anx:2']);
    const gets = () => s3.requests.filter((q) => q.method === 'GET' && q.key).map((q) => q.key).sort();
    expect(gets()).toEqual(['snapshots/anx/latest.json', 'snapshots/dep/counts.json', 'snapshots/dep/latest.json', 'snapshots/dep/v1.json']);
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
    // A second build on the same instance reads the replaceable files again, the immutable version not.
    s3.requests.length = 0;
    s3.put('snaps', 'snapshots/dep/v2.json', '{"version":2}');
    await handlePublish(deps, event('{"reviewIds":["dep"]}'));
    expect(gets()).toEqual(['snapshots/anx/latest.json', 'snapshots/dep/counts.json', 'snapshots/dep/latest.json', 'snapshots/dep/v2.json']);
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

describe('syncSite of an incremental publish', () => {
  it('compares and uploads only the keys in scope: another review\'s objects stay as they are, whatever the local folder holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scoped-'));
    const put = (key: string, body: string) => {
      mkdirSync(join(dir, key, '..'), { recursive: true });
      writeFileSync(join(dir, key), body);
    };
    put('index.html', '<p>home v2</p>');
    put('reviews/dep/index.html', '<p>dep v2</p>');
    put('reviews/anx/index.html', '<p>anx as this instance last built it</p>');
    s3.put('site', 'index.html', '<p>home v1</p>');
    s3.put('site', 'reviews/dep/index.html', '<p>dep v1</p>');
    s3.put('site', 'reviews/dep/studies/gone/index.html', '<p>withdrawn</p>');
    s3.put('site', 'reviews/anx/index.html', '<p>anx published later by another instance</p>');
    s3.put('site', 'reviews/anx/studies/a1/index.html', '<p>a1</p>');
    const plan = await syncSite(s3.client(), 'site', dir, (k) => k === 'index.html' || k.startsWith('reviews/dep/'));
    expect(plan.put.map((f) => f.key)).toEqual(['index.html', 'reviews/dep/index.html']);
    expect(plan.delete).toEqual(['reviews/dep/studies/gone/index.html']);
    const site = s3.buckets.get('site')!;
    expect(site.get('reviews/anx/index.html')!.body.toString()).toBe('<p>anx published later by another instance</p>');
    expect(site.has('reviews/anx/studies/a1/index.html')).toBe(true);
    expect(site.get('reviews/dep/index.html')!.body.toString()).toBe('<p>dep v2</p>');
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
