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
