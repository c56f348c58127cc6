import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { GatewayEnv } from '../env.ts';
import { verifySignature } from '../../shared/webhooks/signature.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { AppError } from '../../shared/errors.ts';
import { problem } from '../middleware/problem/index.ts';

const maxBodyBytes = 10 * 1024 * 1024;

/**
 * POST /erp/webhooks: events from the ERP, signed the Standard Webhooks way with
 * ERP_INBOUND_SECRET. A replayed webhook-id is answered with its first outcome.
 */
export function erpRoutes(): Hono<GatewayEnv> {
  const erp = new Hono<GatewayEnv>();
  erp.post(
    '/webhooks',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => problem(c, { type: 'about:blank', title: 'payload too large', status: 413, detail: `an ERP event may be at most ${maxBodyBytes / 1024 / 1024} MiB` }),
    }),
    async (c) => {
      const secrets = c.get('app').config.erp.inboundSecrets;
      if (secrets.length === 0) throw new AppError('unavailable', 'inbound ERP webhooks are not configured: set ERP_INBOUND_SECRET');
      const raw = await c.req.text();
      const { id, timestamp } = verifySignature(
        secrets,
        { id: c.req.header('webhook-id'), timestamp: c.req.header('webhook-timestamp'), signature: c.req.header('webhook-signature') },
        raw,
        c.get('ctx').clock.now(),
      );
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch (e) {
        throw new AppError('invalid_input', `the body is not JSON: ${(e as Error).message}`);
      }
      const result = await receiveErpEvent(c.get('ctx'), { webhookId: id, sentAt: timestamp, body }, { portalUrl: c.get('app').config.publicUrl?.origin });
      c.get('log').info('erp event received', { webhookId: id, type: result.type, duplicate: result.duplicate });
      return c.json({ received: true, webhookId: id, ...result });
    },
  );
  return erp;
}
