import { Hono } from 'hono';
import type { GatewayEnv } from './env.ts';
import type { AppContext } from '../shared/context.ts';
import { httpMetrics } from '../shared/metrics.ts';
import { requestId } from './middleware/request-id/index.ts';
import { observe } from './middleware/observe/index.ts';
import { notFoundProblem, onProblem, problem } from './middleware/problem/index.ts';
import { erpRoutes } from './erp/index.ts';

/** Paths the gateway answers; everything else is the portal's. */
export const gatewayPrefixes = ['/healthz', '/metrics', '/as2', '/api/', '/erp/'];

export function isGatewayPath(pathname: string): boolean {
  return gatewayPrefixes.some((p) => (p.endsWith('/') ? pathname.startsWith(p) : pathname === p || pathname.startsWith(p + '/')));
}

/** The machine-to-machine door: health, metrics, and (later issues) AS2, REST API and ERP webhooks. */
export function createGateway(app: () => AppContext): Hono<GatewayEnv> {
  const metrics = httpMetrics();
  const gateway = new Hono<GatewayEnv>();
  gateway.use(requestId());
  gateway.use(observe({ log: () => app().log, metrics }));
  gateway.use(async (c, next) => {
    c.set('app', app());
    await next();
  });

  gateway.get('/healthz', async (c) => {
    const started = performance.now();
    try {
      const row = await c.get('app').db.get<{ applied: number }>('SELECT COUNT(*) AS applied FROM schema_migrations');
      return c.json({
        status: 'ok',
        checks: { database: { status: 'ok', migrationsApplied: row?.applied ?? 0, ms: Math.round(performance.now() - started) } },
      });
    } catch (e) {
      c.get('log').error('health check failed', { err: e });
      return problem(c, { type: 'about:blank', title: 'unhealthy', status: 503, detail: `database: ${(e as Error).message}` });
    }
  });

  gateway.get('/metrics', (c) => c.text(metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }));

  gateway.route('/erp', erpRoutes());

  gateway.notFound(notFoundProblem());
  gateway.onError(onProblem());
  return gateway;
}
