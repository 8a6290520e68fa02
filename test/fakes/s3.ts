/**
 * A fake S3 on a real HTTP server, path-style, answering the REST/XML calls the publish path makes
 * (ListObjectsV2 with prefix/delimiter/continuation, GetObject, PutObject, DeleteObjects) in S3's
 * wire format, errors included (NoSuchKey). Objects live in memory; ETag = MD5 as S3's for
 * single-part uploads. Every request is logged.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';

export interface FakeObject {
  body: Buffer;
  etag: string;
  contentType?: string;
  cacheControl?: string;
}

export interface FakeS3 {
  url: string;
  buckets: Map<string, Map<string, FakeObject>>;
  requests: { method: string; bucket: string; key: string; query: string }[];
  client(): S3Client;
  put(bucket: string, key: string, body: string): void;
  close(): Promise<void>;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function startFakeS3(opts: { pageSize?: number } = {}): Promise<FakeS3> {
  const buckets = new Map<string, Map<string, FakeObject>>();
  const requests: FakeS3['requests'] = [];
  const bucketOf = (name: string) => {
    let b = buckets.get(name);
    if (!b) buckets.set(name, (b = new Map()));
    return b;
  };
  const pageSize = opts.pageSize ?? 1000;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const [, bucket, ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      requests.push({ method: req.method ?? '', bucket, key, query: url.search });
      const b = bucketOf(bucket);
      const xml = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'application/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
      };
      if (req.method === 'GET' && !key && url.searchParams.get('list-type') === '2') {
        const prefix = url.searchParams.get('prefix') ?? '';
        const delimiter = url.searchParams.get('delimiter');
        const after = url.searchParams.get('continuation-token') ?? '';
        const keys = [...b.keys()].filter((k) => k.startsWith(prefix)).sort();
        const contents: string[] = [];
        const prefixes = new Set<string>();
        for (const k of keys) {
          const restOfKey = k.slice(prefix.length);
          if (delimiter && restOfKey.includes(delimiter)) prefixes.add(prefix + restOfKey.slice(0, restOfKey.indexOf(delimiter) + 1));
          else contents.push(k);
        }
        const all = [...contents.map((k) => ({ k, p: false })), ...[...prefixes].map((k) => ({ k, p: true }))].sort((x, y) => x.k.localeCompare(y.k)).filter((e) => e.k > after);
        const page = all.slice(0, pageSize);
        const truncated = all.length > pageSize;
        return xml(
          200,
          `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${pageSize}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${xmlEscape(page[page.length - 1].k)}</NextContinuationToken>` : ''}${page
            .map((e) =>
              e.p
                ? `<CommonPrefixes><Prefix>${xmlEscape(e.k)}</Prefix></CommonPrefixes>`
                : `<Contents><Key>${xmlEscape(e.k)}</Key><ETag>"${b.get(e.k)!.etag}"</ETag><Size>${b.get(e.k)!.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
            )
            .join('')}</ListBucketResult>`,
        );
      }
      if (req.method === 'POST' && url.searchParams.has('delete')) {
        const body = Buffer.concat(chunks).toString();
        for (const m of body.matchAll(/<Key>([^<]*)<\/Key>/g)) b.delete(m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
        return xml(200, '<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>');
      }
      if (req.method === 'PUT' && key) {
        const body = Buffer.concat(chunks);
        const etag = createHash('md5').update(body).digest('hex');
        b.set(key, { body, etag, contentType: req.headers['content-type'], cacheControl: req.headers['cache-control'] as string | undefined });
        res.writeHead(200, { etag: `"${etag}"` });
        return res.end();
      }
      if (req.method === 'GET' && key) {
        const o = b.get(key);
        if (!o) return xml(404, `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${xmlEscape(key)}</Key></Error>`);
        res.writeHead(200, { 'content-type': o.contentType ?? 'application/octet-stream', etag: `"${o.etag}"`, 'content-length': o.body.length });
        return res.end(o.body);
      }
      xml(400, '<Error><Code>NotImplemented</Code><Message>fake S3: not implemented</Message></Error>');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    buckets,
    requests,
    client: () =>
      new S3Client({ endpoint: url, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 }),
    put: (bucket, key, body) => {
      const buf = Buffer.from(body);
      bucketOf(bucket).set(key, { body: buf, etag: createHash('md5').update(buf).digest('hex'), contentType: 'application/json' });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
