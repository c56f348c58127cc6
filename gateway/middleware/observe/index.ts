import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../../../shared/log.ts';
import type { HttpMetrics } from '../../../shared/metrics.ts';

export interface ObserveOptions {
  log: () => Logger;
  metrics: HttpMetrics;
}

/** One JSON log line (at debug: LOG_LEVEL=debug) and one metrics observation per request, labelled by route pattern. */
export const observe = (options: ObserveOptions): MiddlewareHandler => async (c, next) => {
  const started = performance.now();
  const log = options.log().child({ requestId: c.get('requestId') });
  c.set('log', log);
  await next();
  const seconds = (performance.now() - started) / 1000;
  const route = c.res.status === 404 && routePath(c) === '/*' ? 'unmatched' : routePath(c);
  options.metrics.observe(route, c.req.method, c.res.status, seconds);
  log.debug('request', { method: c.req.method, path: new URL(c.req.url).pathname, route, status: c.res.status, ms: Math.round(seconds * 1000) });
};
