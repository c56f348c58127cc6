import type { Browser } from 'playwright-core';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import { ensurePortalBuilt, openServerDb } from './portal.ts';
import { startServer, type RunningServer } from './server.ts';
import { sendErpEvent } from './erp.ts';
import { launchChromium } from './browser.ts';
import { startSmtpServer, type ReceivedMail } from './smtp.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { actorFor } from './actors.ts';
import { demo } from './demo.ts';

export interface MailingPortal {
  server: RunningServer;
  browser: Browser;
  db: Db;
  /** The server's database with the system clock, for use cases a test calls directly. */
  ctx: UseCaseContext;
  /** Every message the SMTP server received, as it arrives. */
  mails: ReceivedMail[];
  /** Sends an event as the ERP does; throws unless the server accepted it. */
  erp(type: string, data: unknown): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What a recall journey in the browser needs: the built portal on the demo database, sending
 * its mail to a real SMTP server and taking the ERP's signed events, and Chromium.
 */
export async function startMailingPortal(): Promise<MailingPortal> {
  const smtp = await startSmtpServer();
  const inboundSecret = generateSecret();
  await ensurePortalBuilt();
  const [server, browser] = await Promise.all([
    startServer({ SMTP_URL: smtp.url, MAIL_FROM: 'Lotbridge <no-reply@lotbridge.test>', ERP_INBOUND_SECRET: inboundSecret }),
    launchChromium(),
  ]);
  const db = openServerDb(server);
  return {
    server,
    browser,
    db,
    ctx: { db, clock: systemClock, policy: defaultPolicy },
    mails: smtp.received,
    erp: (type, data) => sendErpEvent(server, inboundSecret, type, data),
    async stop() {
      db.close();
      await browser.close();
      await server.stop();
      await smtp.close();
    },
  };
}

/**
 * A recall of 24 units of `lot` the ERP shipped to the demo's German distributor (C-20001),
 * issued by the ERP with `recall`'s fields (reason, hazard and a ten-day deadline unless given)
 * and released by QA: its notice is on its way. Returns the recall id.
 */
export async function releasedRecallForRhein(world: MailingPortal, input: { recallNumber: string; gtin: string; lot: string; recall?: Record<string, unknown> }): Promise<string> {
  await world.erp('shipment.dispatched', {
    shipmentNumber: `SH-${input.recallNumber}`,
    distributor: { erpId: 'C-20001' },
    dispatchedAt: '2026-02-10T08:00:00Z',
    lines: [{ gtin: input.gtin, lot: input.lot, quantity: 24 }],
  });
  await world.erp('recall.issued', {
    recallNumber: input.recallNumber,
    issuedAt: new Date().toISOString(),
    reason: 'Roller clamp may leak',
    hazard: 'Under-infusion',
    products: [{ gtin: input.gtin, lots: [input.lot] }],
    responseDeadline: new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10),
    ...input.recall,
  });
  const recallId = (await world.db.get<{ id: string }>('SELECT id FROM recalls WHERE recall_number = ?', [input.recallNumber]))!.id;
  await sendRecallNotices(world.ctx, await actorFor(world.db, demo('manufacturer_qa').email), { recallId, portalUrl: world.server.url });
  return recallId;
}
