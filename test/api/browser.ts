/**
 * A minimal browser for the sign-in tests: real HTTP (fetch), redirects followed by hand, and a
 * cookie jar per origin that honours Path, Max-Age/Expires (deletion) and keeps each cookie's
 * attributes for assertions. `hosts` maps a public origin (e.g. https://curate.example.org) to
 * the local server that plays it.
 */
export interface SetCookie {
  name: string;
  value: string;
  attrs: Record<string, string | true>;
}

export function parseSetCookie(line: string): SetCookie {
  const [pair, ...rest] = line.split(';');
  const eq = pair.indexOf('=');
  const attrs: Record<string, string | true> = {};
  for (const a of rest) {
    const i = a.indexOf('=');
    const k = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
    if (k) attrs[k] = i < 0 ? true : a.slice(i + 1).trim();
  }
  return { name: pair.slice(0, eq).trim(), value: decodeURIComponent(pair.slice(eq + 1).trim()), attrs };
}

export interface Hop {
  url: string;
  status: number;
  location?: string;
  setCookies: SetCookie[];
  text: string;
  headers: Headers;
}

export class Browser {
  private jar = new Map<string, Map<string, SetCookie>>();
  constructor(private readonly hosts: Record<string, string> = {}) {}

  private origin(url: URL): string {
    return url.origin;
  }

  cookies(origin: string): Map<string, SetCookie> {
    return this.jar.get(origin) ?? new Map();
  }

  cookie(origin: string, name: string): string | undefined {
    return this.cookies(origin).get(name)?.value;
  }

  setCookie(origin: string, name: string, value: string, path = '/'): void {
    if (!this.jar.has(origin)) this.jar.set(origin, new Map());
    this.jar.get(origin)!.set(name, { name, value, attrs: { path } });
  }

  private store(origin: string, c: SetCookie): void {
    if (!this.jar.has(origin)) this.jar.set(origin, new Map());
    const jar = this.jar.get(origin)!;
    const maxAge = typeof c.attrs['max-age'] === 'string' ? Number(c.attrs['max-age']) : undefined;
    const expires = typeof c.attrs.expires === 'string' ? Date.parse(c.attrs.expires) : undefined;
    if ((maxAge !== undefined && maxAge <= 0) || (expires !== undefined && expires <= Date.now())) jar.delete(c.name);
    else jar.set(c.name, c);
  }

  /** One request (no redirect following). */
  async request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Hop> {
    const u = new URL(url);
    const origin = this.origin(u);
    const target = this.hosts[origin] ? new URL(u.pathname + u.search, this.hosts[origin]).toString() : url;
    const path = u.pathname;
    const cookieHeader = [...this.cookies(origin).values()]
      .filter((c) => {
        const p = typeof c.attrs.path === 'string' ? c.attrs.path : '/';
        return path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`);
      })
      .map((c) => `${c.name}=${encodeURIComponent(c.value)}`)
      .join('; ');
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (cookieHeader) headers.cookie = cookieHeader;
    const r = await fetch(target, { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' });
    const setCookies = r.headers.getSetCookie().map(parseSetCookie);
    for (const c of setCookies) this.store(origin, c);
    const location = r.headers.get('location') ?? undefined;
    return { url, status: r.status, ...(location ? { location: new URL(location, url).toString() } : {}), setCookies, text: await r.text(), headers: r.headers };
  }

  /** GET `url` and follow redirects (at most `max`); every hop is returned, the last one last. */
  async navigate(url: string, max = 10): Promise<Hop[]> {
    const hops: Hop[] = [];
    let next: string | undefined = url;
    while (next) {
      if (hops.length > max) throw new Error(`too many redirects: ${hops.map((h) => h.url).join(' → ')}`);
      const hop: Hop = await this.request(next);
      hops.push(hop);
      next = hop.status >= 300 && hop.status < 400 ? hop.location : undefined;
    }
    return hops;
  }
}
