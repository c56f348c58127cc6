import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../../../shared/log.ts';
import type { HttpMetrics } from '../../../shared/metrics.ts';

export interface ObserveOptions {
  log: () => Logger;
  metrics: HttpMetrics;
}

/**
 * One JSON log line and one metrics observation per request, labelled by route pattern. The line
 * is at debug (LOG_LEVEL=debug) for an answered request and at info for a refused or failed one
 * (4xx, 5xx), so a default log still keeps the trail of refusals (token guessing, bad partners).
 */
export const observe = (options: ObserveOptions): MiddlewareHandler => async (c, next) => {
  const started = performance.now();
  const log = options.log().child({ requestId: c.get('requestId') });
  c.set('log', log);
  await next();
  const seconds = (performance.now() - started) / 1000;
  const route = c.res.status === 404 && routePath(c) === '/*' ? 'unmatched' : routePath(c);
  options.metrics.observe(route, c.req.method, c.res.status, seconds);
  log[c.res.status >= 400 ? 'info' : 'debug']('request', { method: c.req.method, path: new URL(c.req.url).pathname, route, status: c.res.status, ms: Math.round(seconds * 1000) });
};
