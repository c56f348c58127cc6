import { Hono } from 'hono';
import type { GatewayEnv } from './env.ts';
import type { AppContext } from '../shared/context.ts';
import { httpMetrics } from '../shared/metrics.ts';
import { requestId } from './middleware/request-id/index.ts';
import { observe } from './middleware/observe/index.ts';
import { notFoundProblem, onProblem, problem } from './middleware/problem/index.ts';
import { erpRoutes } from './erp/index.ts';
import { metricsAccess } from './middleware/metrics-access/index.ts';
import { securityHeaders } from './middleware/security-headers/index.ts';
import { as2Routes } from './as2/index.ts';
import { apiRoutes } from './api/index.ts';
import { useCaseContext } from './middleware/use-case-context/index.ts';
import { checkDatabase } from '../shared/db/check-database.ts';
import { readStoredGauges, webhookDeliveryStates } from '../shared/read-stored-gauges.ts';

/** Paths the gateway answers; everything else is the portal's. */
export const gatewayPrefixes = ['/healthz', '/metrics', '/as2', '/api/', '/erp/'];

export function isGatewayPath(pathname: string): boolean {
  return gatewayPrefixes.some((p) => (p.endsWith('/') ? pathname.startsWith(p) : pathname === p || pathname.startsWith(p + '/')));
}

/** The machine-to-machine door: health, metrics, AS2, the ERP's webhooks and the partner REST API (/api/v1). */
export function createGateway(app: () => AppContext): Hono<GatewayEnv> {
  const metrics = httpMetrics();
  const gateway = new Hono<GatewayEnv>();
  gateway.use(requestId());
  gateway.use(observe({ log: () => app().log, metrics }));
  gateway.use(useCaseContext({ app }));
  gateway.use(securityHeaders());
  gateway.use('/metrics', metricsAccess({ token: () => app().config.metricsToken }));

  gateway.get('/healthz', async (c) => {
    const started = performance.now();
    try {
      const { migrationsApplied } = await checkDatabase(c.get('ctx').db);
      return c.json({
        status: 'ok',
        checks: { database: { status: 'ok', migrationsApplied, ms: Math.round(performance.now() - started) } },
      });
    } catch (e) {
      c.get('log').error('health check failed', { err: e });
      return problem(c, { type: 'about:blank', title: 'unhealthy', status: 503, detail: `database: ${(e as Error).message}` });
    }
  });

  gateway.get('/metrics', async (c) => {
    const stored = await readStoredGauges(c.get('ctx').db);
    const lines = [
      '# HELP lotbridge_webhook_deliveries Outbound webhook deliveries by state.',
      '# TYPE lotbridge_webhook_deliveries gauge',
      ...webhookDeliveryStates.map((st) => `lotbridge_webhook_deliveries{state="${st}"} ${stored.webhookDeliveries[st]}`),
      '# HELP lotbridge_outbox_waiting_events Events waiting because no endpoint is configured.',
      '# TYPE lotbridge_outbox_waiting_events gauge',
      `lotbridge_outbox_waiting_events ${stored.outboxWaiting}`,
      '# HELP lotbridge_as2_refusals_total AS2 requests refused before their body was kept, by reason (audited once per source, reason and hour, at most 20 sources per reason and hour).',
      '# TYPE lotbridge_as2_refusals_total counter',
      ...stored.as2Refusals.map((r) => `lotbridge_as2_refusals_total{reason="${r.reason}"} ${r.count}`),
    ];
    return c.text(metrics.render() + lines.join('\n') + '\n', 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  gateway.route('/erp', erpRoutes());
  gateway.route('/as2', as2Routes());
  gateway.route('/api/v1', apiRoutes());

  gateway.notFound(notFoundProblem());
  gateway.onError(onProblem());
  return gateway;
}
