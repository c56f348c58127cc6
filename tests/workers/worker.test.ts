// The real Worker (workers/index.ts) on workerd with wrangler.toml's bindings, locally: its
// Durable Object holds the database and runs the portal and the gateway, as deployed.
import { env, runInDurableObject } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { gtinCheckDigit } from '../../shared/gs1/gtin.ts';
import type { AppContext } from '../../shared/context.ts';
import { postErpEvent } from '../support/erp.ts';
import { erpSecret } from './worker-env.ts';

const origin = 'http://lotbridge.test';
const worker = { url: origin, fetch: ((input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init))) as typeof fetch };

/** The app inside the Durable Object, as its requests see it. */
function inLotbridge<T>(work: (app: AppContext) => Promise<T>): Promise<T> {
  const stub = env.LOTBRIDGE.get(env.LOTBRIDGE.idFromName('lotbridge'));
  return runInDurableObject(stub, async (instance) => work(await instance.app()));
}

describe('the Worker', () => {
  it('answers /healthz from the gateway, with the database behind it', async () => {
    const res = await worker.fetch(`${origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('applies and audits 20 concurrent ERP events, the audit chain intact', async () => {
    const gtins = Array.from({ length: 20 }, (_, i) => {
      const first13 = `095060002${String(i).padStart(4, '0')}`;
      return first13 + gtinCheckDigit(first13);
    });
    const answers = await Promise.all(gtins.map((gtin, i) => postErpEvent(worker, erpSecret, 'item.upserted', { gtin, description: `Catheter ${i}`, unitOfMeasure: 'EA' })));
    expect(answers.map((a) => [a.status, a.body.duplicate])).toEqual(gtins.map(() => [200, false]));
    await inLotbridge(async ({ db }) => {
      const placeholders = gtins.map(() => '?').join(', ');
      expect((await db.get<{ n: number }>(`SELECT count(*) AS n FROM items WHERE gtin IN (${placeholders})`, gtins))!.n).toBe(20);
      const audited = await db.all<{ entity_id: string }>(`SELECT entity_id FROM audit_log WHERE action = 'item.created' AND entity_id IN (${placeholders})`, gtins);
      expect(audited).toHaveLength(20);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    });
  });
});
