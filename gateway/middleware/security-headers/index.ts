import type { MiddlewareHandler } from 'hono';

/**
 * What every gateway answer carries, whatever it is (problem+json, an MDN, metrics text): no
 * content sniffing, no Referer leaking a path onward, and nothing of ours in a frame or run
 * as a document (the gateway serves no pages).
 */
export const securityHeaders = (): MiddlewareHandler => async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('Referrer-Policy', 'no-referrer');
  if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
};
