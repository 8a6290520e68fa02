/**
 * Shared parts of the fake upstream servers: a real node:http server, a request log with
 * timestamps (to measure request rates as the server sees them), and scripted faults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface LoggedRequest {
  /** Arrival time, ms (performance.now() clock of this process). */
  at: number;
  method: string;
  path: string;
  params: URLSearchParams;
  status?: number;
}

export type FaultKind =
  | '429' // NCBI-style rate-limit JSON body with status 429
  | '429-in-200' // the same JSON error body with status 200
  | '500' // an HTML error page
  | '503'
  | 'slow' // answers after `delayMs`
  | 'hang' // never answers (until the client times out)
  | 'truncate' // the normal body cut in half
  | 'malformed' // a syntactically broken body (JSON or XML)
  | 'error-200' // the upstream's own error document inside a 200
  | 'reset'; // destroys the socket

export interface Fault {
  kind: FaultKind;
  /** Path fragment the fault applies to ('esearch', 'efetch', 'studies'); any when absent. */
  endpoint?: string;
  /** How many matching requests it hits (default 1). */
  times?: number;
  /** Skip this many matching requests first. */
  after?: number;
  delayMs?: number;
}

export interface FakeServerBase {
  url: string;
  requests: LoggedRequest[];
  faults: Fault[];
  close(): Promise<void>;
  /** The largest number of requests that arrived within any `windowMs` window. */
  maxInWindow(windowMs?: number, filter?: (r: LoggedRequest) => boolean): number;
  reset(): void;
}

export function maxInWindow(requests: LoggedRequest[], windowMs = 1000): number {
  const t = requests.map((r) => r.at).sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    while (t[i] - t[j] >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Picks the fault for this request (and consumes one use of it). */
export function takeFault(faults: Fault[], path: string): Fault | undefined {
  for (let i = 0; i < faults.length; i++) {
    const f = faults[i];
    if (f.endpoint && !path.includes(f.endpoint)) continue;
    if ((f.after ?? 0) > 0) {
      f.after = (f.after ?? 0) - 1;
      continue;
    }
    const left = (f.times ?? 1) - 1;
    if (left <= 0) faults.splice(i, 1);
    else f.times = left;
    return f;
  }
  return undefined;
}

export const HTML_500 = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>500 - Internal Server Error</title></head>
<body><h1>Internal Server Error</h1><p>The server encountered an internal error or misconfiguration and was unable to complete your request.</p></body></html>
`;

export interface Handled {
  status: number;
  contentType: string;
  body: string;
}

/**
 * Starts a server. `handle` produces the normal answer; faults are applied around it.
 * `errorDoc` is the upstream's own error document for 'error-200'.
 */
export async function startServer(
  handle: (method: string, path: string, params: URLSearchParams) => Handled,
  opts: {
    faults?: Fault[];
    errorDoc: (path: string) => Handled;
    rateLimit?: { perSecond: number; body: () => string };
    /** The upstream's own 429 answer (default: NCBI's JSON body). */
    tooMany?: () => Handled;
    /** Retry-After header (seconds) sent with every 429. */
    retryAfter?: string;
  },
): Promise<FakeServerBase & { server: Server }> {
  const requests: LoggedRequest[] = [];
  const faults: Fault[] = [...(opts.faults ?? [])];
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const at = performance.now();
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://fake');
      const params = new URLSearchParams(u.search);
      if (req.method === 'POST') {
        const body = await readBody(req);
        for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
      }
      const entry: LoggedRequest = { at, method: req.method ?? 'GET', path: u.pathname, params };
      requests.push(entry);
      const send = (h: Handled) => {
        entry.status = h.status;
        if (res.destroyed) return;
        res.writeHead(h.status, { 'content-type': h.contentType, 'content-length': Buffer.byteLength(h.body), ...(h.status === 429 && opts.retryAfter ? { 'retry-after': opts.retryAfter } : {}) });
        res.end(h.body);
      };
      if (opts.rateLimit) {
        const recent = requests.filter((r) => r.at > at - 1000 && r.at <= at).length;
        if (recent > opts.rateLimit.perSecond) {
          send(opts.tooMany?.() ?? { status: 429, contentType: 'application/json', body: opts.rateLimit.body() });
          return;
        }
      }
      const fault = takeFault(faults, u.pathname);
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'hang') return;
      if (fault?.kind === 'slow') {
        await new Promise<void>((r) => {
          const t = setTimeout(() => (timers.delete(t), r()), fault.delayMs ?? 500);
          timers.add(t);
        });
      }
      if (fault?.kind === '500' || fault?.kind === '503') {
        send({ status: Number(fault.kind), contentType: 'text/html', body: HTML_500 });
        return;
      }
      if (fault?.kind === 'error-200') {
        send(opts.errorDoc(u.pathname));
        return;
      }
      if (fault?.kind === '429' || fault?.kind === '429-in-200') {
        const tm = opts.tooMany?.();
        send(tm ? { ...tm, status: fault.kind === '429' ? 429 : 200 } : { status: fault.kind === '429' ? 429 : 200, contentType: 'application/json', body: opts.rateLimit?.body() ?? '{"error":"API rate limit exceeded","count":"4","limit":"3"}' });
        return;
      }
      let h: Handled;
      try {
        h = handle(entry.method, u.pathname, params);
      } catch (err) {
        h = { status: 400, contentType: 'text/plain', body: (err as Error).message };
      }
      if (fault?.kind === 'truncate') h = { ...h, body: h.body.slice(0, Math.floor(h.body.length / 2)) };
      if (fault?.kind === 'malformed') h = { ...h, body: h.body.replace(/[}>]/g, (c, i: number) => (i % 7 === 0 ? '' : c)).replace(/^(\s*)[<{]/, '$1<<') };
      send(h);
    })().catch((err) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    server,
    url: `http://127.0.0.1:${port}/`,
    requests,
    faults,
    maxInWindow: (windowMs = 1000, filter) => maxInWindow(filter ? requests.filter(filter) : requests, windowMs),
    reset() {
      requests.length = 0;
      faults.length = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        for (const t of timers) clearTimeout(t);
        server.close(() => r());
      }),
  };
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
