/**
 * A minimal browser stand-in for HTTP-level tests: keeps cookies, sends the Origin header
 * SvelteKit's CSRF check expects, and does not follow redirects (tests assert them).
 */
export class PortalClient {
  readonly cookies = new Map<string, string>();

  /** `send`: how requests leave (the Worker's own fetch in tests/workers), else the network. */
  constructor(
    readonly baseUrl: string,
    private readonly send?: typeof fetch,
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('origin', this.baseUrl);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await (this.send ?? fetch)(new URL(path, this.baseUrl), { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0/i.test(a) || (/expires=/i.test(a) && new Date(a.split('=')[1]!).getTime() < Date.now()));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(path: string): Promise<Response> {
    return this.request(path);
  }

  /** Posts a form the way a browser without JavaScript does. */
  postForm(path: string, fields: Record<string, string>): Promise<Response> {
    return this.request(path, { method: 'POST', body: new URLSearchParams(fields) });
  }

  async signIn(email: string, password: string): Promise<Response> {
    return this.postForm('/login', { email, password });
  }
}
